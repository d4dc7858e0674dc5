"""Change notices (governance health: `views/governance.py`; My work, the inbox and API tokens
are the shared kit's pages, `r4v/views.py`).

Reads come from `sectors.selectors` (404 for what the user may not see), permissions from
`sectors.policy`, writes from the services.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from r4v.forms_kit import confirm_page, form_service_call, message_service_call
from r4v.history import history_rows
from r4v.paging import paginate

from .. import policy, selectors, services
from ..forms.notices import ChangeNoticeForm, DecisionForm
from ..forms.structure import ConfirmForm
from ..models import ChangeNotice
from ..policy import Action

PAGE_SIZE = 25


# --- Change notices -------------------------------------------------------------------------------


@login_required
def change_notice_list(request):
    notices = selectors.change_notice_list_visible_to(request.user)
    status = request.GET.get("status", "")
    if status in ChangeNotice.Status.values:
        notices = notices.filter(status=status)
    else:
        status = ""
    page = paginate(request, notices.order_by("-filed_at", "-pk"), per_page=PAGE_SIZE)
    scope = policy.scope_of(request.user)
    context = {
        "page": page,
        "status": status,
        "statuses": ChangeNotice.Status.choices,
        "can_file": scope.is_regional or selectors.co_leads_filable_by(request.user).exists(),
        "sees_any": scope.is_regional or bool(scope.focal_org_ids),
    }
    return render(request, "sectors/manage/notice_list.html", context)


@login_required
def change_notice_create(request):
    co_leads = selectors.co_leads_filable_by(request.user)
    if not (policy.can(request.user, Action.FILE_CHANGE_NOTICE) or co_leads.exists()):
        raise PermissionDenied
    reload_url = reverse("sectors:change-notice-create")
    if request.method == "POST":
        form = ChangeNoticeForm(request.POST, co_leads=co_leads, reload_url=reload_url)
        if form.is_valid():
            notice = form_service_call(
                form, services.change_notice_file, by=request.user, **form.service_kwargs()
            )
            if notice is not None:
                messages.success(
                    request, _("Change notice filed; the Regional Platform team has been told.")
                )
                return redirect("sectors:change-notice-detail", pk=notice.pk)
        # Shown again after an error: the outgoing list offers the chosen co-lead's
        # co-coordinators only, as it did before the submission (validation used them all).
        if chosen := form.cleaned_data.get("co_lead"):
            outgoing = form.fields["outgoing"]
            outgoing.queryset = outgoing.queryset.filter(co_lead=chosen)
    else:
        chosen = request.GET.get("co_lead", "")
        narrow_to = co_leads.filter(pk=chosen).first() if chosen.isdigit() else None
        form = ChangeNoticeForm(
            initial={
                "co_lead": narrow_to,
                "kind": request.GET.get("kind", ChangeNotice.Kind.COORDINATOR_REPLACED),
            },
            co_leads=co_leads,
            narrow_to=narrow_to,
            reload_url=reload_url,
        )
        if request.htmx and request.htmx.target == "outgoing-field":
            # The co-lead select asks for its co-coordinators only; without JS the full
            # list, each labelled with its co-lead, is already on the page.
            return render(request, "sectors/manage/notice_outgoing.html", {"form": form})
    return render(request, "sectors/manage/notice_form.html", {"form": form})


@login_required
def change_notice_detail(request, pk: int):
    notice = selectors.change_notice_get_for(request.user, pk=pk)
    context = {
        "notice": notice,
        # The buttons: the same answer the API gives in `allowed_actions`.
        "allowed_actions": policy.allowed_actions(request.user, notice),
        "decision_form": DecisionForm(),
    }
    if policy.can(request.user, Action.VIEW_HISTORY, notice):
        context["show_history"] = True
        context["history"] = history_rows(list(notice.history.select_related("history_user")))
    return render(request, "sectors/manage/notice_detail.html", context)


# The URL's decision -> the service that makes it, and what to say when it succeeds.
DECISIONS = {
    "acknowledge": (
        services.change_notice_acknowledge,
        gettext_lazy("Change notice acknowledged; the filer has been told."),
    ),
    "apply": (
        services.change_notice_apply,
        gettext_lazy(
            "Change notice applied: the designations are updated and the old ones kept as history."
        ),
    ),
    "decline": (
        services.change_notice_decline,
        gettext_lazy("Change notice declined; the filer has been told."),
    ),
}


CONFIRMED_DECISIONS = {
    "apply": gettext_lazy("Apply the change notice “%(notice)s”?"),
    "decline": gettext_lazy("Decline the change notice “%(notice)s”?"),
}


@login_required
@require_POST
def change_notice_decide(request, pk: int, decision: str):
    if decision not in DECISIONS:
        raise Http404
    service, done = DECISIONS[decision]
    notice = selectors.change_notice_get_for(request.user, pk=pk)
    if not policy.can(request.user, Action.DECIDE_CHANGE_NOTICE):
        raise PermissionDenied
    if decision in CONFIRMED_DECISIONS:
        # Applying changes designations and declining closes the notice: both ask first, and
        # the reason given becomes the decision's comment in the history.
        confirm = ConfirmForm(
            request.POST if ConfirmForm.is_confirmation(request) else None,
            initial={"comment": request.POST.get("comment", "")},
            field_name="comment",
        )
        if not confirm.is_valid():
            return confirm_page(
                request,
                confirm,
                title=CONFIRMED_DECISIONS[decision] % {"notice": notice},
                consequence=_(
                    "The co-lead designations change as the notice says; the old ones stay as "
                    "history."
                )
                if decision == "apply"
                else _("The notice is closed and the filer is told why."),
                submit_label=_("Apply") if decision == "apply" else _("Decline"),
                back_url=reverse("sectors:change-notice-detail", kwargs={"pk": notice.pk}),
            )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, " ".join(form.errors["comment"]))
        return redirect("sectors:change-notice-detail", pk=notice.pk)
    if message_service_call(
        request, service, notice=notice, by=request.user, comment=form.cleaned_data["comment"]
    ):
        messages.success(request, done)
    return redirect("sectors:change-notice-detail", pk=notice.pk)
