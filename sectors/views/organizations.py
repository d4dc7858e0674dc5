"""The organizations the structure refers to: the Regional Platform team's list, with its filters,
and the pages that add and edit one (their people's roles: `roles.py`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from r4v import history
from r4v.forms_kit import form_service_call
from r4v.paging import paginate

from .. import selectors, services
from ..forms.structure import OrganizationEditForm, OrganizationFilterForm, OrganizationForm
from ..models import Organization
from ..policy import Action
from .common import get_and_post, require_global

ORGANIZATIONS_PER_PAGE = 25


@login_required
def organization_list(request):
    require_global(request, Action.MANAGE_ORGANIZATIONS)
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
    require_global(request, Action.MANAGE_ORGANIZATIONS)
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
    require_global(request, Action.MANAGE_ORGANIZATIONS)
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
