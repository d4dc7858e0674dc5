"""Pages for one sitting: move or cancel it (with a confirmation step and a reason kept in the
history), and record its attendance by organization with the quorum.

Same doors as the other calendar pages: the sitting comes from `selectors.occurrence_get_for`
(404 outside the viewer's scope); only the organizer, the sector's co-coordinators and the
Regional Platform team (`meetings.access`) get the forms, anyone else who may see the
meeting a 403; every write is one service call.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from r4v.forms_kit import confirm_page, form_service_call
from sectors import policy

from . import access, quorum, selectors, services
from .forms import AttendanceForm, SittingCancelForm, SittingMoveForm
from .models import Occurrence
from .views import clash_rows
from .zones import user_zone

_LOCAL = "%Y-%m-%dT%H:%M"


def _sitting_for_organizer(request, pk) -> Occurrence:
    occurrence = selectors.occurrence_get_for(user=request.user, pk=pk)
    if not policy.can(request.user, access.CHANGE, occurrence.meeting):
        raise PermissionDenied
    return occurrence


@login_required
def sitting_change(request, pk):
    """Move one sitting of a series, or cancel it; each asks for a reason and a confirmation."""
    occurrence = _sitting_for_organizer(request, pk)
    meeting = occurrence.meeting
    zone, viewer = meeting.zone, user_zone(request.user)
    blocked = None
    if meeting.is_cancelled:
        blocked = _("This meeting is cancelled; it cannot be changed.")
    elif not meeting.is_series:
        blocked = _("This meeting is not a series: change or cancel the meeting itself.")
    elif occurrence.is_cancelled:
        blocked = _("This sitting is cancelled.")
    move_form = SittingMoveForm(
        initial={
            "start": occurrence.start_at.astimezone(zone).strftime(_LOCAL),
            "end": occurrence.end_at.astimezone(zone).strftime(_LOCAL),
        }
    )
    cancel_form = SittingCancelForm()
    clashes, status = [], 200
    step = request.POST.get("step")
    if request.method == "POST" and blocked is None and step == "move":
        move_form = SittingMoveForm(request.POST)
        status = 400
        if move_form.is_valid():
            data = move_form.cleaned_data
            args = {"start_local": data["start"], "end_local": data["end"], "fold": data["fold"]}
            preview = form_service_call(
                move_form, services.occurrence_move_preview, meeting=meeting, **args
            )
            if preview is not None:
                start_at, end_at, found = preview
                if found and not data["accept_conflicts"]:
                    clashes = found
                    move_form.add_error(
                        "accept_conflicts",
                        _("The new time overlaps meetings with a shared audience."),
                    )
                elif request.POST.get("confirmed") != "yes":
                    return confirm_page(
                        request,
                        SittingMoveForm(request.POST),
                        title=_("Move this sitting of “%(title)s”?") % {"title": meeting.title},
                        consequence=_(
                            "The sitting of %(was)s moves to %(now)s (%(zone)s). Invitees are "
                            "told, and calendar feeds show the new time."
                        )
                        % {
                            "was": occurrence.start_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                            "now": start_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                            "zone": meeting.time_zone,
                        },
                        submit_label=_("Move the sitting"),
                        back_url=request.path,
                        hidden={"step": "move"},
                    )
                else:
                    moved = form_service_call(
                        move_form,
                        services.occurrence_move,
                        occurrence=occurrence,
                        by=request.user,
                        accept_conflicts=data["accept_conflicts"],
                        reason=data["reason"],
                        **args,
                    )
                    if moved is not None:
                        messages.success(request, _("The sitting is moved; invitees were told."))
                        return redirect(meeting.get_absolute_url())
    elif request.method == "POST" and blocked is None and step == "cancel":
        cancel_form = SittingCancelForm(request.POST)
        status = 400
        if cancel_form.is_valid():
            if request.POST.get("confirmed") != "yes":
                return confirm_page(
                    request,
                    SittingCancelForm(request.POST),
                    title=_("Cancel this sitting of “%(title)s”?") % {"title": meeting.title},
                    consequence=_(
                        "The sitting of %(when)s (%(zone)s) is cancelled; the rest of the series "
                        "stays. Invitees are told, and calendar feeds show it cancelled."
                    )
                    % {
                        "when": occurrence.start_at.astimezone(zone).strftime("%Y-%m-%d %H:%M"),
                        "zone": meeting.time_zone,
                    },
                    submit_label=_("Cancel the sitting"),
                    back_url=request.path,
                    hidden={"step": "cancel"},
                )
            done = form_service_call(
                cancel_form,
                services.occurrence_cancel,
                occurrence=occurrence,
                by=request.user,
                reason=cancel_form.cleaned_data["reason"],
            )
            if done is not None:
                messages.success(request, _("The sitting is cancelled; invitees were told."))
                return redirect(meeting.get_absolute_url())
    elif request.method == "POST":
        status = 400
    return render(
        request,
        "meetings/sitting.html",
        {
            "meeting": meeting,
            "occurrence": occurrence,
            "blocked": blocked,
            "move_form": move_form,
            "cancel_form": cancel_form,
            "clashes": clash_rows(clashes, request.user),
            "checked": bool(clashes),
            "local_start": occurrence.start_at.astimezone(viewer),
            "local_end": occurrence.end_at.astimezone(viewer),
            "organizer_start": occurrence.start_at.astimezone(zone),
            "organizer_end": occurrence.end_at.astimezone(zone),
            "original_start": occurrence.original_start.astimezone(zone),
            "viewer_zone": viewer.key,
        },
        status=status,
    )


@login_required
def attendance_edit(request, pk):
    """Which organizations attended the sitting (and who), with the quorum where one applies."""
    occurrence = _sitting_for_organizer(request, pk)
    meeting = occurrence.meeting
    sheet = quorum.sheet_for(occurrence)
    form = AttendanceForm(sheet=sheet)
    status = 200
    if request.method == "POST":
        form = AttendanceForm(request.POST, sheet=sheet)
        status = 400
        if form.is_valid():
            saved = form_service_call(
                form,
                services.attendance_record,
                occurrence=occurrence,
                attended=form.attended(),
                by=request.user,
            )
            if saved is not None:
                messages.success(request, _("Attendance recorded."))
                after = quorum.sheet_for(occurrence)
                if after.quorum is not None:
                    messages.info(request, after.quorum.sentence())
                if warning := quorum.quorum_warning(after):
                    messages.warning(request, warning)
                return redirect(request.path)
    return render(
        request,
        "meetings/attendance.html",
        {
            "meeting": meeting,
            "occurrence": occurrence,
            "sheet": sheet,
            "form": form,
            "local_start": occurrence.start_at.astimezone(user_zone(request.user)),
        },
        status=status,
    )
