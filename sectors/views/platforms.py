"""A platform's set-up page: the sectors of the catalogue active on it, its public contacts and
its team (the sectors' own pages: `sector_setup.py`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from r4v.forms_kit import confirm_page, form_service_call, message_service_call

from .. import policy, selectors, services
from ..forms.structure import ConfirmForm, PlatformContactsForm, PlatformTeamForm, SectorToggleForm
from ..models import RoleAssignment, Sector
from ..policy import Action
from .common import get_and_post


@login_required
@get_and_post
def platform_manage(request, code: str):
    platform = selectors.platform_get(code=code)
    if not policy.can(request.user, Action.MANAGE_SECTOR, platform):
        raise Http404
    contacts_form = PlatformContactsForm(
        initial={f: getattr(platform, f) for f in PlatformContactsForm.base_fields if f != "reason"}
    )
    # The platform-team role is refused on the Regional Platform (sectors.policy), whose team
    # role administrators give; a platform team adds no one (ROLE_GIVERS).
    can_add_team = not platform.is_regional and policy.can(
        request.user, Action.MANAGE_ROLES, RoleAssignment.Role.PLATFORM_TEAM
    )
    team_form = PlatformTeamForm() if can_add_team else None
    if request.method == "POST":
        posted = request.POST.get("form")
        if posted == PlatformContactsForm.FORM_NAME:
            contacts_form = PlatformContactsForm(request.POST)
            if _save_contacts(request, platform, contacts_form):
                return redirect("sectors:platform-manage", code=platform.code)
        elif posted == PlatformTeamForm.FORM_NAME and can_add_team:
            team_form = PlatformTeamForm(request.POST)
            if _add_team_member(request, platform, team_form):
                return redirect("sectors:platform-manage", code=platform.code)
        else:
            return _toggle_sector(request, platform) or redirect(
                "sectors:platform-manage", code=platform.code
            )
    on_platform = {
        ps.sector_id: ps
        for ps in platform.platform_sectors.annotate(
            open_co_leads=Count("co_leads", filter=Q(co_leads__ended_on__isnull=True))
        )
    }
    catalogue = [
        (sector, on_platform.get(sector.pk)) for sector in Sector.objects.select_related("parent")
    ]
    team = (
        RoleAssignment.objects.filter(
            platform=platform, role=RoleAssignment.Role.PLATFORM_TEAM, revoked_at__isnull=True
        )
        .select_related("user")
        .order_by("user__full_name")
    )
    return render(
        request,
        "sectors/manage/platform_manage.html",
        {
            "platform": platform,
            "catalogue": catalogue,
            "contacts_form": contacts_form,
            "form_name": PlatformContactsForm.FORM_NAME,
            "team": team,
            "team_form": team_form,
            "team_form_name": PlatformTeamForm.FORM_NAME,
            "can_view_history": policy.can(request.user, Action.VIEW_HISTORY, platform),
        },
    )


def _save_contacts(request, platform, form) -> bool:
    if not form.is_valid():
        return False
    data = form.cleaned_data
    done = form_service_call(
        form,
        lambda: services.structure.platform_contacts_update(
            platform=platform, by=request.user, **data
        ),
    )
    if done is not None:
        messages.success(request, _("The platform's contacts were saved."))
    return done is not None


def _add_team_member(request, platform, form) -> bool:
    if not form.is_valid():
        return False
    assignment = form_service_call(
        form,
        lambda: services.person_role_grant(
            role=RoleAssignment.Role.PLATFORM_TEAM,
            platform=platform,
            by=request.user,
            **form.cleaned_data,
        ),
    )
    if assignment is not None:
        messages.success(
            request,
            _("%(person)s is now on the team of %(platform)s.")
            % {"person": assignment.user, "platform": platform},
        )
    return assignment is not None


def _toggle_sector(request, platform):
    """Activate at once; deactivate after a confirmation with a reason (a page to render)."""
    form = SectorToggleForm(request.POST)
    if not form.is_valid():
        for field_errors in form.errors.values():
            for message in field_errors:
                messages.error(request, message)
        return
    sector = form.cleaned_data["sector"]
    if form.cleaned_data["action"] == SectorToggleForm.ACTIVATE:
        ps = message_service_call(
            request,
            lambda: services.platform_sector_activate(
                platform=platform, sector=sector, by=request.user
            ),
        )
        if ps is not None:
            messages.success(
                request,
                _("%(sector)s is active on %(platform)s.")
                % {"sector": sector, "platform": platform},
            )
        return
    ps = platform.platform_sectors.filter(sector=sector, is_active=True).first()
    if ps is None:
        messages.error(
            request,
            _("%(sector)s is not active on %(platform)s.")
            % {"sector": sector, "platform": platform},
        )
        return
    confirm = ConfirmForm(request.POST if ConfirmForm.is_confirmation(request) else None)
    if not confirm.is_valid():
        return confirm_page(
            request,
            confirm,
            title=_("Deactivate %(sector)s on %(platform)s?")
            % {"sector": sector, "platform": platform},
            consequence=_(
                "Its public page goes offline; its records stay as history and it can be "
                "activated again."
            ),
            submit_label=_("Deactivate"),
            back_url=reverse("sectors:platform-manage", kwargs={"code": platform.code}),
            hidden={"sector": sector.pk, "action": SectorToggleForm.DEACTIVATE},
        )
    if message_service_call(
        request,
        lambda: services.platform_sector_deactivate(
            platform_sector=ps, by=request.user, reason=confirm.cleaned_data["reason"]
        ),
    ):
        messages.success(
            request,
            _("%(sector)s is no longer active on %(platform)s.")
            % {"sector": sector, "platform": platform},
        )
