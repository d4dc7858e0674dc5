"""Pages through which the Regional Platform team, platform teams and co-coordinators manage the
coordination structure: organizations and their roles, sectors on platforms, designations,
partners, selection procedures, and the history of every change.

Who may do what is `sectors.policy`'s answer: objects outside the user's scope are looked up
through scoped querysets and answer 404; global actions (organizations, roles, history) answer
403. Every write goes through `sectors.services` through `r4v.forms_kit`.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.db.models import Count, F, Prefetch, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from r4v import history
from r4v.forms_kit import confirm_page, form_service_call, message_service_call
from r4v.paging import paginate

from .. import policy, selectors, services
from ..forms.structure import (
    CoCoordinatorForm,
    CoLeadForm,
    ConfirmForm,
    EndDesignationForm,
    OrganizationEditForm,
    OrganizationFilterForm,
    OrganizationForm,
    PartnerForm,
    PlatformContactsForm,
    PlatformTeamForm,
    RoleGrantForm,
    SectorPageForm,
    SectorToggleForm,
    SelectionProcedureForm,
)
from ..models import (
    CoCoordinatorDesignation,
    Organization,
    RoleAssignment,
    Sector,
)
from ..policy import Action

ORGANIZATIONS_PER_PAGE = 25
# The sector page shows the newest changes of the sector and its designations; each record
# links to its full history.
SECTOR_HISTORY_ROWS = 50

get_and_post = require_http_methods(["GET", "POST"])


def _require(request, action: Action) -> None:
    """Global actions (organizations, roles, history): a logged-in user without the right gets 403."""
    if not policy.can(request.user, action):
        raise PermissionDenied


# --- Organizations ---------------------------------------------------------------------------


@login_required
def organization_list(request):
    _require(request, Action.MANAGE_ORGANIZATIONS)
    filters = OrganizationFilterForm(request.GET or None)
    organizations = selectors.organization_list()
    if filters.is_valid():
        if kind := filters.cleaned_data["kind"]:
            organizations = organizations.filter(kind=kind)
        if q := filters.cleaned_data["q"].strip():
            organizations = organizations.filter(Q(name__icontains=q) | Q(acronym__icontains=q))
    page = paginate(request, organizations, per_page=ORGANIZATIONS_PER_PAGE)
    context = {"filters": filters, "page": page}
    if request.htmx:
        return render(request, "sectors/manage/_organization_table.html", context)
    return render(request, "sectors/manage/organization_list.html", context)


@login_required
@get_and_post
def organization_create(request):
    _require(request, Action.MANAGE_ORGANIZATIONS)
    form = OrganizationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        org = form_service_call(
            form, lambda: services.organization_create(by=request.user, **form.cleaned_data)
        )
        if org is not None:
            messages.success(request, _("Organization %(name)s added.") % {"name": org})
            return redirect("sectors:organization-manage-list")
    return render(
        request,
        "sectors/manage/form.html",
        {
            "form": form,
            "title": _("Add an organization"),
            "submit_label": _("Add organization"),
            "back_url": reverse("sectors:organization-manage-list"),
        },
    )


@login_required
@get_and_post
def organization_edit(request, pk: int):
    _require(request, Action.MANAGE_ORGANIZATIONS)
    org = get_object_or_404(Organization, pk=pk)
    initial = {f: getattr(org, f) for f in OrganizationEditForm.base_fields if f != "reason"}
    form = OrganizationEditForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = dict(form.cleaned_data)
        reason = fields.pop("reason")
        updated = form_service_call(
            form,
            lambda: services.organization_update(
                organization=org, by=request.user, reason=reason, **fields
            ),
        )
        if updated is not None:
            messages.success(request, _("Organization %(name)s saved.") % {"name": updated})
            return redirect("sectors:organization-manage-list")
        # The service set the new values on `org` before refusing them; show the stored ones.
        org.refresh_from_db()
    return render(
        request,
        "sectors/manage/form.html",
        {
            "form": form,
            "title": _("Edit %(name)s") % {"name": org.name},
            "submit_label": _("Save"),
            "back_url": reverse("sectors:organization-manage-list"),
            "history_url": history.history_url(org),
        },
    )


@login_required
@get_and_post
def organization_roles(request, pk: int):
    _require(request, Action.MANAGE_ROLES)
    org = get_object_or_404(Organization, pk=pk)
    form = RoleGrantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # A new person is added and invited in the same step (services.person_role_grant).
        assignment = form_service_call(
            form,
            lambda: services.person_role_grant(
                organization=org, by=request.user, **form.cleaned_data
            ),
        )
        if assignment is not None:
            messages.success(
                request,
                _("%(person)s is now %(role)s for %(org)s.")
                % {
                    "person": assignment.user,
                    "role": assignment.get_role_display().lower(),
                    "org": org,
                },
            )
            return redirect("sectors:organization-roles", pk=org.pk)
    assignments = (
        RoleAssignment.objects.filter(organization=org, revoked_at__isnull=True)
        .select_related("user")
        .order_by("role", "user__full_name")
    )
    return render(
        request,
        "sectors/manage/organization_roles.html",
        {"organization": org, "assignments": assignments, "form": form},
    )


@login_required
@require_POST
def role_revoke(request, pk: int):
    _require(request, Action.MANAGE_ROLES)
    assignment = get_object_or_404(RoleAssignment.objects.select_related("user", "platform"), pk=pk)
    done = message_service_call(
        request, lambda: services.role_revoke(assignment=assignment, by=request.user)
    )
    if done is not None:
        messages.success(
            request,
            _("%(person)s is no longer %(role)s.")
            % {"person": assignment.user, "role": assignment.get_role_display().lower()},
        )
    if assignment.organization_id:
        return redirect("sectors:organization-roles", pk=assignment.organization_id)
    if assignment.role == RoleAssignment.Role.PLATFORM_TEAM:
        return redirect("sectors:platform-manage", code=assignment.platform.code)
    return redirect("sectors:manage-home")


# --- Sectors on a platform ---------------------------------------------------------------------


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


def _sector_history(ps) -> list:
    """The newest changes of a sector and of its designations and partners: the first page of
    its full history (r4v.history), in a constant number of queries."""
    return history.recent(history.sources_of(ps), SECTOR_HISTORY_ROWS)


@login_required
def sector_manage(request, pk: int):
    # Read-only for those who take part without running it (partners, co-lead focal points):
    # every button below is shown from `can`.
    ps = selectors.platform_sector_get_for(request.user, pk=pk, action=Action.VIEW_SECTOR_INTERNAL)
    # Open designations first, then the ended ones, most recently ended first.
    co_coordinators = CoCoordinatorDesignation.objects.select_related("person").order_by(
        F("ended_on").desc(nulls_first=True), "-term_start", "person__full_name"
    )
    co_leads = list(
        ps.co_leads.select_related("organization")
        .prefetch_related(
            Prefetch("co_coordinators", queryset=co_coordinators, to_attr="all_co_coordinators")
        )
        .order_by(F("ended_on").desc(nulls_first=True), "-term_start", "organization__name")
    )
    # The same status as the public page shows ("starts on …" rather than "Current").
    selectors.with_term_status(co_leads)
    for co_lead in co_leads:
        selectors.with_term_status(co_lead.all_co_coordinators)
    partners = list(
        ps.partners.select_related("organization").order_by(
            F("left_on").desc(nulls_first=True), "organization__name"
        )
    )
    user = request.user
    can_view_history = policy.can(user, Action.VIEW_HISTORY, ps)
    return render(
        request,
        "sectors/manage/sector_manage.html",
        {
            "ps": ps,
            "co_leads": co_leads,
            "partners": partners,
            "can_manage": policy.can(user, Action.MANAGE_SECTOR, ps),
            "can_edit_page": policy.can(user, Action.EDIT_SECTOR_PAGE, ps),
            "can_view_history": can_view_history,
            "history_records": _sector_history(ps) if can_view_history else [],
        },
    )


def _sector_form_page(
    request, ps, form, *, title, submit_label, template="sectors/manage/form.html", **extra
):
    context = {
        "form": form,
        "ps": ps,
        "title": title,
        "submit_label": submit_label,
        "back_url": reverse("sectors:sector-manage", kwargs={"pk": ps.pk}),
        **extra,
    }
    return render(request, template, context)


@login_required
@get_and_post
def sector_page_edit(request, pk: int):
    ps = selectors.platform_sector_get_for(request.user, pk=pk, action=Action.EDIT_SECTOR_PAGE)
    form = SectorPageForm(
        request.POST or None, initial={"purpose_en": ps.purpose_en, "purpose_es": ps.purpose_es}
    )
    if request.method == "POST" and form.is_valid():
        done = form_service_call(
            form,
            lambda: services.platform_sector_update_page(
                platform_sector=ps, by=request.user, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(request, _("The sector page was updated."))
            return redirect("sectors:sector-manage", pk=ps.pk)
    return _sector_form_page(request, ps, form, title=_("Sector page"), submit_label=_("Save"))


@login_required
@get_and_post
def selection_procedure_edit(request, pk: int):
    ps = selectors.platform_sector_get_for(request.user, pk=pk, action=Action.MANAGE_SECTOR)
    form = SelectionProcedureForm(
        request.POST or None,
        initial={
            "procedure_en": ps.selection_procedure_en,
            "procedure_es": ps.selection_procedure_es,
            "interval_months": ps.selection_interval_months,
            "last_selection_on": ps.last_selection_on,
        },
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        done = form_service_call(
            form,
            lambda: services.selection_procedure_update(
                platform_sector=ps,
                by=request.user,
                procedure_en=data["procedure_en"],
                procedure_es=data["procedure_es"],
                interval_months=data["interval_months"],
                last_selection_on=data["last_selection_on"],
                reason=data["reason"],
            ),
            field_map={
                "selection_procedure_en": "procedure_en",
                "selection_procedure_es": "procedure_es",
                "selection_interval_months": "interval_months",
            },
        )
        if done is not None:
            messages.success(request, _("The selection procedure was updated."))
            return redirect("sectors:sector-manage", pk=ps.pk)
        ps.refresh_from_db()
    return _sector_form_page(
        request,
        ps,
        form,
        title=_("Selection procedure"),
        submit_label=_("Save"),
        template="sectors/manage/selection_procedure_form.html",
    )


@login_required
@get_and_post
def co_lead_create(request, pk: int):
    ps = selectors.platform_sector_get_for(request.user, pk=pk, action=Action.MANAGE_SECTOR)
    form = CoLeadForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        co_lead = form_service_call(
            form,
            lambda: services.co_lead_designate(
                platform_sector=ps, by=request.user, **form.cleaned_data
            ),
        )
        if co_lead is not None:
            messages.success(
                request,
                _("%(org)s is now a co-lead of this sector.") % {"org": co_lead.organization},
            )
            return redirect("sectors:sector-manage", pk=ps.pk)
    return _sector_form_page(
        request, ps, form, title=_("Designate a co-lead"), submit_label=_("Designate")
    )


@login_required
@get_and_post
def co_lead_end(request, pk: int):
    co_lead = get_object_or_404(
        selectors.co_lead_list_for(request.user, Action.MANAGE_SECTOR), pk=pk
    )
    ps = co_lead.platform_sector
    form = EndDesignationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_service_call(
            form,
            lambda: services.co_lead_end(co_lead=co_lead, by=request.user, **form.cleaned_data),
        )
        if done is not None:
            messages.success(
                request,
                _("The co-lead designation of %(org)s has ended.") % {"org": co_lead.organization},
            )
            return redirect("sectors:sector-manage", pk=ps.pk)
    return _sector_form_page(
        request,
        ps,
        form,
        title=_("End the co-lead designation of %(org)s") % {"org": co_lead.organization},
        submit_label=_("End designation"),
        intro=_(
            "Its co-coordinators' designations end on the same day. The records stay as history."
        ),
    )


@login_required
@get_and_post
def co_coordinator_create(request, pk: int):
    ps = selectors.platform_sector_get_for(request.user, pk=pk, action=Action.MANAGE_SECTOR)
    co_lead_orgs = [c.organization for c in ps.co_leads.open().select_related("organization")]
    form = CoCoordinatorForm(request.POST or None, co_lead_organizations=co_lead_orgs)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)

        def designate():
            return services.co_coordinator_designate_by_email(
                platform_sector=ps,
                person_details={
                    field: data.pop(field)
                    for field in ("gender", "speaks_spanish", "speaks_english")
                },
                by=request.user,
                **data,
            )

        designation = form_service_call(form, designate, field_map={"person": "email"})
        if designation is not None:
            messages.success(
                request,
                _("%(person)s is now a co-coordinator designated by %(org)s.")
                % {"person": designation.person, "org": data["organization"]},
            )
            return redirect("sectors:sector-manage", pk=ps.pk)
    return _sector_form_page(
        request,
        ps,
        form,
        title=_("Designate a co-coordinator"),
        submit_label=_("Designate"),
        intro=None
        if co_lead_orgs
        else _("This sector has no current co-lead: designate a co-lead first."),
    )


@login_required
@get_and_post
def co_coordinator_end(request, pk: int):
    designation = get_object_or_404(
        selectors.co_coordinator_list_for(request.user, Action.MANAGE_SECTOR), pk=pk
    )
    ps = designation.co_lead.platform_sector
    form = EndDesignationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        done = form_service_call(
            form,
            lambda: services.co_coordinator_end(
                designation=designation, by=request.user, **form.cleaned_data
            ),
        )
        if done is not None:
            messages.success(
                request,
                _("The designation of %(person)s has ended.") % {"person": designation.person},
            )
            return redirect("sectors:sector-manage", pk=ps.pk)
    return _sector_form_page(
        request,
        ps,
        form,
        title=_("End the designation of %(person)s") % {"person": designation.person},
        submit_label=_("End designation"),
        intro=_("The record stays as history."),
    )


@login_required
@get_and_post
def partner_create(request, pk: int):
    ps = selectors.platform_sector_get_for(request.user, pk=pk, action=Action.EDIT_SECTOR_PAGE)
    form = PartnerForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        membership = form_service_call(
            form,
            lambda: services.partner_add(platform_sector=ps, by=request.user, **form.cleaned_data),
        )
        if membership is not None:
            messages.success(
                request,
                _("%(org)s is now a partner of this sector.") % {"org": membership.organization},
            )
            return redirect("sectors:sector-manage", pk=ps.pk)
    return _sector_form_page(
        request, ps, form, title=_("Add a partner"), submit_label=_("Add partner")
    )


@login_required
@require_POST
def partner_remove(request, pk: int):
    membership = get_object_or_404(
        selectors.partner_list_for(request.user, Action.EDIT_SECTOR_PAGE), pk=pk
    )
    confirm = ConfirmForm(request.POST if ConfirmForm.is_confirmation(request) else None)
    if not confirm.is_valid():
        return confirm_page(
            request,
            confirm,
            title=_("Remove %(org)s from the partners of this sector?")
            % {"org": membership.organization},
            consequence=_("It leaves the sector today; the membership stays as history."),
            submit_label=_("Remove partner"),
            back_url=reverse("sectors:sector-manage", kwargs={"pk": membership.platform_sector_id}),
            header_template="sectors/manage/_sector_header.html",
            ps=membership.platform_sector,
        )
    done = message_service_call(
        request,
        lambda: services.partner_remove(
            membership=membership, by=request.user, reason=confirm.cleaned_data["reason"]
        ),
    )
    if done is not None:
        messages.success(
            request,
            _("%(org)s is no longer a partner of this sector.") % {"org": membership.organization},
        )
    return redirect("sectors:sector-manage", pk=membership.platform_sector_id)
