"""Form plumbing shared by every app's pages."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .lockout import LoginLocked, login_authenticate
from .models import User
from .services import SYSTEM_EMAIL, password_reset_enqueue


class BootstrapMixin:
    """Bootstrap classes on every widget, and `is-invalid` on each field that has an error.

    The mark is set in `add_error`, which Django calls for every validation error and views
    call for a service's field errors, so a field is flagged however its error arrived.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
                css = "form-check-input"
            elif isinstance(widget, forms.Select):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()

    def add_error(self, field, error):
        super().add_error(field, error)
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                if "is-invalid" not in widget.attrs.get("class", ""):
                    widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid".strip()


class BootstrapForm(BootstrapMixin, forms.Form):
    pass


class PasswordResetForm(BootstrapMixin, auth_forms.PasswordResetForm):
    """Django's reset form, which also serves people who never set a password.

    Co-coordinators are added without one and invited by e-mail; one who lost the invitation
    asks for a new link here. Django's form skips unusable passwords, so `get_users` widens it.
    """

    def get_users(self, email):
        return User.objects.filter(email__iexact=email.strip(), is_active=True).exclude(
            email=SYSTEM_EMAIL
        )

    def save(self, **kwargs):
        # The worker looks the address up and writes the e-mail (`send_now`), so the page
        # takes as long for an address with an account as for one without.
        password_reset_enqueue(email=self.cleaned_data["email"])

    def send_now(self, *, language: str) -> None:
        site = urlsplit(settings.SITE_URL)
        with translation.override(language):
            super().save(domain_override=site.netloc, use_https=site.scheme == "https")


class LockoutMixin:
    """Log-in through `r4v.lockout`: failures counted, and a clear message while locked out.

    For Django's AuthenticationForm and the admin's; the same `clean` otherwise.
    """

    def clean(self):
        email = self.cleaned_data.get("username")
        password = self.cleaned_data.get("password")
        if email is not None and password:
            try:
                self.user_cache = login_authenticate(self.request, email=email, password=password)
            except LoginLocked as locked:
                raise forms.ValidationError(locked.message, code="locked") from None
            if self.user_cache is None:
                raise self.get_invalid_login_error()
            self.confirm_login_allowed(self.user_cache)
        return self.cleaned_data


class AuthenticationForm(LockoutMixin, auth_forms.AuthenticationForm):
    pass


# A new password also ends the user's API tokens: r4v.tokens.RevokeTokensOnPasswordChange,
# which Django calls from every path that saves a password, these forms included.
class SetPasswordForm(BootstrapMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(BootstrapMixin, auth_forms.PasswordChangeForm):
    pass


class ApiTokenForm(BootstrapForm):
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        help_text=_(
            "Say what uses it, e.g. “Health dashboard”. A new token with a taken name "
            "replaces the old one."
        ),
    )


class NotificationReadForm(forms.Form):
    """Mark one notification read (`notification`) or all of them (`all`)."""

    notification = forms.IntegerField(required=False, min_value=1)
    all = forms.BooleanField(required=False)

    def clean(self):
        data = super().clean()
        if not data.get("all") and not data.get("notification"):
            raise forms.ValidationError(_("Choose a message, or mark all as read."))
        return data


class ProfileForm(BootstrapMixin, forms.ModelForm):
    """What a person keeps current about themselves: name, languages, zone, how e-mail arrives."""

    class Meta:
        model = User
        fields = [
            "full_name",
            "preferred_language",
            "time_zone",
            "email_frequency",
            "gender",
            "speaks_spanish",
            "speaks_english",
            "speaks_portuguese",
        ]
        help_texts = {
            "time_zone": _(
                "An IANA name such as America/Bogota; leave blank to use your platform's country."
            ),
            "email_frequency": _("Your inbox on the site always shows messages at once."),
        }
