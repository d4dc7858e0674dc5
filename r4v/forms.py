"""Form plumbing shared by every app's pages."""

from django import forms
from django.contrib.auth import forms as auth_forms

from .models import User
from .services import SYSTEM_EMAIL, api_token_revoke


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


class RevokeTokensMixin:
    """A new password also ends the user's API token (OWASP ASVS: credentials change together).

    Django already logs out the user's other sessions, through the session's password hash.
    """

    def save(self, commit=True):
        user = super().save(commit)
        if commit:
            api_token_revoke(user=user)
        return user


class SetPasswordForm(BootstrapMixin, RevokeTokensMixin, auth_forms.SetPasswordForm):
    pass


class PasswordChangeForm(BootstrapMixin, RevokeTokensMixin, auth_forms.PasswordChangeForm):
    pass
