"""Admin for the core, and the base classes every app's admin uses.

The admin is the administrators' tool for inspecting records and their history. History is read,
never reverted: a revert saves an old version straight to the table, around the services that
keep roles, object permissions and notifications consistent.
"""

from django import forms
from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_
from simple_history.admin import SimpleHistoryAdmin

from . import mfa
from .forms import LockoutMixin
from .models import ApiToken, Notification, Reminder, User
from .tokens import api_token_revoke_all


class AdminLoginForm(LockoutMixin, AdminAuthenticationForm):
    """The admin's log-in counts failures and locks out like the site's (r4v.lockout)."""


admin.site.login_form = AdminLoginForm

_has_permission = admin.site.has_permission


def _has_permission_with_second_factor(request) -> bool:
    """The admin asks for the second factor itself, as django-otp's OTPAdminSite does.

    The gate (r4v.mfa.SecondFactorMiddleware) sends an unverified session to enter its code
    before any admin page; this holds should the gate ever be bypassed. Only for those who must
    have one: an administrator is, unless MFA_REQUIRED_ROLES says otherwise. (The instance's
    method is replaced, as `login_form` is, because apps register with `admin.site` itself.)
    Administrators remove a person's lost factor under "TOTP devices" and "Static devices".
    """
    user = request.user
    verified = getattr(user, "is_verified", None)
    return _has_permission(request) and (
        (verified is not None and verified()) or not mfa.mfa_required(user)
    )


admin.site.has_permission = _has_permission_with_second_factor


class AuditedAdmin(SimpleHistoryAdmin):
    """History button, read-only history, and admin edits attributed with a reason."""

    def revert_disabled(self, request, obj=None):
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves a POSTed version even when the revert button is hidden.
        if request.method == "POST":
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)

    def save_model(self, request, obj, form, change):
        obj._change_reason = N_("Edited in the admin")
        super().save_model(request, obj, form, change)


class ReadOnlyAuditedAdmin(AuditedAdmin):
    """For records whose services do more than save (grant permissions, notify): view only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyAdmin(admin.ModelAdmin):
    """For rows without history that only services write."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class UserCreationForm(AdminUserCreationForm):
    class Meta:
        model = User
        fields = ("email", "full_name")

    def clean_email(self):
        email = self.cleaned_data["email"].strip().lower()
        if User.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A user with this e-mail address already exists."))
        return email


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"

    def clean_email(self):
        # Log-in is case-insensitive, and the manager stores addresses in lower case.
        return self.cleaned_data["email"].strip().lower()


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    form = UserEditForm
    add_form = UserCreationForm
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        (
            _("Person"),
            {
                "fields": (
                    "full_name",
                    "gender",
                    "preferred_language",
                    "speaks_spanish",
                    "speaks_english",
                    "speaks_portuguese",
                )
            },
        ),
        (_("Access"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("email", "full_name", "usable_password", "password1", "password2"),
            },
        ),
    )
    # Staff and superuser status follow the administrator role (sectors.services.role_grant),
    # so they are not edited here, where no role would be recorded.
    readonly_fields = ("is_staff", "is_superuser", "last_login", "date_joined")
    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined")
    list_filter = ("is_active", "is_staff", "gender", "preferred_language")
    search_fields = ("email", "full_name")
    ordering = ("full_name",)
    filter_horizontal = ()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        # A deactivated account's tokens end now, so reactivating it does not revive them.
        # (A new password set here ends them too: r4v.tokens.RevokeTokensOnPasswordChange.)
        if change and "is_active" in form.changed_data and not obj.is_active:
            api_token_revoke_all(user=obj, cause="account deactivated")

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # A past version is rebuilt with the *current* password hash (the history leaves it
        # out), so the password is not shown there at all.
        request._r4v_history_version = True
        return super().history_form_view(request, object_id, version_id, extra_context)

    def get_fieldsets(self, request, obj=None):
        fieldsets = super().get_fieldsets(request, obj)
        if not getattr(request, "_r4v_history_version", False):
            return fieldsets
        return [
            (name, {**options, "fields": [f for f in options["fields"] if f != "password"]})
            for name, options in fieldsets
        ]


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    # Failed e-mails (email_failed_at) are what the administrator looks for here.
    list_display = (
        "subject",
        "recipient",
        "created_at",
        "read_at",
        "emailed_at",
        "email_attempts",
        "email_failed_at",
    )
    list_filter = ("email_failed_at", "emailed_at", "read_at")
    list_select_related = ("recipient",)
    search_fields = ("subject", "recipient__email", "recipient__full_name")
    date_hierarchy = "created_at"


@admin.register(Reminder)
class ReminderAdmin(ReadOnlyAdmin):
    list_display = ("key", "recipient", "due_at", "sent_at", "skipped_at", "attempts", "failed_at")
    list_filter = ("kind", "failed_at", "sent_at")
    list_select_related = ("recipient",)
    search_fields = ("key", "recipient__email")
    date_hierarchy = "due_at"


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdmin):
    """Tokens as their owners see them (never the key); deleting one revokes it."""

    list_display = ("name", "prefix", "user", "created_at", "expires_at", "last_used_at")
    list_select_related = ("user",)
    search_fields = ("name", "prefix", "user__email", "user__full_name")
    exclude = ("digest",)

    def has_delete_permission(self, request, obj=None):
        # Django's own rule (the delete permission), which ReadOnlyAdmin switches off.
        return admin.ModelAdmin.has_delete_permission(self, request, obj)
