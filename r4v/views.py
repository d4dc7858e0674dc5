"""The person's own pages: My work, the inbox, API tokens, the profile and the second factor.

They belong to the shared kit because every app sends to the inbox and adds to My work; none
of them imports a domain app (My work's sections are registered by the apps, `r4v.my_work`).
"""

from urllib.parse import quote

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from . import mfa, services
from . import my_work as my_work_sections
from .errors import DomainError
from .forms import ApiTokenForm, NotificationReadForm, ProfileForm
from .forms_kit import form_service_call
from .lockout import LoginLocked
from .mfa_forms import CodeForm
from .models import Notification
from .paging import paginate

INBOX_PAGE_SIZE = 25


@login_required
def my_work(request):
    user = request.user
    context = {
        "sections": my_work_sections.sections_for(user),
        "unread": Notification.objects.filter(recipient=user, read_at__isnull=True).count(),
    }
    return render(request, "r4v/my_work.html", context)


@login_required
def inbox(request):
    mine = Notification.objects.filter(recipient=request.user)
    if request.method == "POST":
        form = NotificationReadForm(request.POST)
        if not form.is_valid():
            return HttpResponseBadRequest(
                " ".join(form.errors.get("__all__", [])) or _("Invalid request.")
            )
        if form.cleaned_data["all"]:
            services.notifications_mark_all_read(user=request.user)
            messages.success(request, _("All messages marked as read."))
            return redirect("inbox")
        # Another user's message answers 404, exactly like one that does not exist.
        notification = get_object_or_404(mine, pk=form.cleaned_data["notification"])
        services.notification_mark_read(notification=notification)
        if "open" in request.POST and url_has_allowed_host_and_scheme(
            notification.url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(notification.url)
        page = request.POST.get("page", "")
        return redirect(reverse("inbox") + (f"?page={page}" if page.isdigit() else ""))
    page = paginate(request, mine.order_by("-created_at", "-pk"), per_page=INBOX_PAGE_SIZE)
    unread = mine.filter(read_at__isnull=True).count()
    return render(request, "r4v/inbox.html", {"page": page, "unread": unread})


@never_cache
@login_required
def api_token(request):
    form = ApiTokenForm()
    new_key = None
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "revoke":
            token_id = request.POST.get("token", "")
            # Someone else's token, or one already gone, answers the same 404.
            if not token_id.isdigit() or not services.api_token_revoke(
                user=request.user, token_id=int(token_id)
            ):
                raise Http404
            messages.success(request, _("The token was revoked; it no longer works."))
            return redirect("api-token")
        if action != "generate":
            return HttpResponseBadRequest(_("Invalid request."))
        form = ApiTokenForm(request.POST)
        # The gate (r4v.mfa) has already sent an unverified session elsewhere; this says so
        # where it matters most, should the gate ever be bypassed.
        if mfa.mfa_required(request.user) and not request.user.is_verified():
            raise PermissionDenied
        if form.is_valid():
            try:
                _token, new_key = services.api_token_create(
                    user=request.user, name=form.cleaned_data["name"]
                )
            except DomainError as error:
                form.add_error(error.field if error.field in form.fields else None, error.detail)
            else:
                # Shown in this response only; the key is not stored, so never again.
                form = ApiTokenForm()
    context = {
        "form": form,
        "tokens": request.user.api_tokens.order_by("-created_at"),
        "now": timezone.now(),
        "new_key": new_key,
        "example_url": request.build_absolute_uri(reverse("api-root")) + "platform-sectors/",
        "lifetime_days": settings.API_TOKEN_LIFETIME_DAYS,
    }
    return render(request, "r4v/token.html", context)


@login_required
def profile(request):
    form = ProfileForm(request.POST or None, instance=request.user)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in form.Meta.fields}
        # The form's instance is the request's user, already changed by is_valid(): the
        # service compares against the stored row it locks, not against this instance.
        saved = form_service_call(
            form, services.user_profile_update, user=request.user, by=request.user, **fields
        )
        if saved is not None:
            messages.success(request, _("Your profile was saved."))
            return redirect("profile")
    return render(request, "registration/profile.html", {"form": form})


def _next_url(request, default: str) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


class _LoggedOut(Exception):
    """The lockout ended the session: answer with `response`."""

    def __init__(self, response):
        self.response = response


def _checked_code(request, form):
    """The device that accepts the form's code (None: a wrong code, put on the form); raises
    _LoggedOut when the code locked the account (the password is asked again after the
    cool-off)."""
    try:
        device = mfa.second_factor_verify(request=request, code=form.cleaned_data["code"])
    except LoginLocked as locked:
        logout(request)
        messages.error(request, locked.message)
        raise _LoggedOut(redirect("login")) from None
    if device is None:
        form.add_error("code", _("That code is not right. Codes change every 30 seconds."))
    return device


@never_cache
@login_required
def mfa_verify(request):
    """After the password: the code from the app, or a recovery code."""
    user = request.user
    next_url = _next_url(request, reverse(settings.LOGIN_REDIRECT_URL))
    if user.is_verified():
        return redirect(next_url)
    if not mfa.has_second_factor(user):
        return redirect(reverse("mfa-enrol") + "?next=" + quote(next_url))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = _checked_code(request, form)
        except _LoggedOut as out:
            return out.response
        if device is not None:
            # A new session key for the session that now has both factors.
            request.session.cycle_key()
            return redirect(next_url)
    return render(request, "r4v/mfa_verify.html", {"form": form, "next": next_url})


@never_cache
@login_required
def mfa_enrol(request):
    """Set up the authenticator app: scan or type the secret, confirm a code, keep the codes."""
    user = request.user
    next_url = _next_url(request, reverse("mfa"))
    # Replacing a factor needs the current one (the gate sends an unverified session to it).
    if mfa.has_second_factor(user) and not user.is_verified():
        return redirect(reverse("mfa-verify") + "?next=" + quote(request.get_full_path()))
    device = mfa.totp_enrolment_start(user=user)
    form = CodeForm(request.POST or None, recovery=False)
    if request.method == "POST" and form.is_valid():
        codes = mfa.totp_enrolment_confirm(
            request=request, device=device, code=form.cleaned_data["code"]
        )
        if codes is not None:
            request.session.cycle_key()
            context = {
                "codes": [mfa.recovery_code_shown(c) for c in codes],
                "next": next_url,
            }
            return render(request, "r4v/mfa_recovery.html", context)
        form.add_error(
            "code",
            _("That code is not right. Check the time on your phone and enter the current code."),
        )
    context = {
        "form": form,
        "next": next_url,
        "qr": mfa.qr_data_uri(device),
        "secret": mfa.secret_for_typing(device),
        "required": mfa.mfa_required(user),
        "replacing": mfa.has_second_factor(user),
    }
    return render(request, "r4v/mfa_enrol.html", context)


@never_cache
@login_required
def mfa_manage(request):
    """The person's second factor: set it up, new recovery codes, or remove it."""
    user = request.user
    enrolled = mfa.has_second_factor(user)
    form = CodeForm()
    if request.method == "POST" and enrolled:
        action = request.POST.get("action")
        if action == "recovery-codes":
            codes = mfa.recovery_codes_renew(user=user)
            context = {"codes": [mfa.recovery_code_shown(c) for c in codes], "next": reverse("mfa")}
            return render(request, "r4v/mfa_recovery.html", context)
        # Those who must have a second factor replace it (the set-up page); they cannot remove it.
        if action != "remove" or mfa.mfa_required(user):
            return HttpResponseBadRequest(_("Invalid request."))
        # Removal asks for a current code: a session left open is not enough.
        form = CodeForm(request.POST)
        if form.is_valid():
            try:
                device = _checked_code(request, form)
            except _LoggedOut as out:
                return out.response
            if device is not None:
                mfa.second_factor_remove(user=user)
                messages.success(request, _("Two-step verification was removed."))
                return redirect("mfa")
    context = {
        "enrolled": enrolled,
        "required": mfa.mfa_required(user),
        "codes_left": mfa.recovery_codes_left(user) if enrolled else 0,
        "form": form,
    }
    return render(request, "r4v/mfa.html", context)
