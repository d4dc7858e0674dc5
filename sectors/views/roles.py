"""The roles people hold: an organization's page that grants them, and revoking one (a
platform team's roles are given on its platform's page, `platforms.py`)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from r4v.forms_kit import form_service_call, message_service_call

from .. import services
from ..forms.structure import RoleGrantForm
from ..models import Organization, RoleAssignment
from ..policy import Action
from .common import get_and_post, require_global


@login_required
@get_and_post
def organization_roles(request, pk: int):
    require_global(request, Action.MANAGE_ROLES)
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
    require_global(request, Action.MANAGE_ROLES)
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
