"""A sector's set-up on its platform: its internal page (designations, partners, recent changes),
its public page text and selection procedure, and designating and ending co-leads,
co-coordinators and partners (the platform's page that activates it: `platforms.py`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import F, Prefetch
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from r4v import history
from r4v.forms_kit import confirm_page, form_service_call, message_service_call

from .. import policy, selectors, services
from ..forms.structure import (
    CoCoordinatorForm,
    CoLeadForm,
    ConfirmForm,
    EndDesignationForm,
    PartnerForm,
    SectorPageForm,
    SelectionProcedureForm,
)
from ..models import CoCoordinatorDesignation
from ..policy import Action
from .common import get_and_post

# The sector page shows the newest changes of the sector and its designations; each record
# links to its full history.
SECTOR_HISTORY_ROWS = 50


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
