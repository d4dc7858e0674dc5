"""HTML pages of the calendar: schedule (live conflicts, find a slot, save anyway), the calendar
in month/week/list, a meeting with its minutes and action points, the feed addresses.

Reads through `meetings.selectors` (404 outside scope), writes through `meetings.services`.
Times are shown in the viewer's zone (their profile, else their platform's country).
"""

import calendar as pycalendar
import datetime
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from r4v.errors import DomainError
from r4v.forms_kit import form_service_call, message_service_call
from sectors import policy

from . import access, quorum, selectors, services, zones
from .conflicts import as_seen_by
from .forms import (
    ActionPointForm,
    ActionStatusForm,
    CancelForm,
    FilterForm,
    MeetingForm,
    MinutesForm,
    ProposalForm,
)
from .models import ActionPoint, Conflict, Minutes
from .zones import user_zone

# --- Schedule ------------------------------------------------------------------------------------


def _initial(request) -> dict:
    # "Use this slot" links come back here with the proposal in the query string.
    keys = [*MeetingForm.base_fields]
    initial = {}
    for key in keys:
        values = request.GET.getlist(key)
        if values:
            initial[key] = values if key.startswith("invited_") else values[0]
    return initial


@login_required
def meeting_schedule(request):
    zone = user_zone(request.user).key
    if request.method == "POST":
        form = MeetingForm(request.POST, user=request.user, zone=zone)
        clashes = []
        if form.is_valid():
            try:
                meeting = form_service_call(
                    form,
                    services.meeting_schedule,
                    passthrough=(services.ConflictsNotAccepted,),
                    draft=form.draft(),
                    by=request.user,
                    accept_conflicts=form.cleaned_data["accept_conflicts"],
                )
            except services.ConflictsNotAccepted as error:
                clashes = error.clashes
                form.add_error("accept_conflicts", error.detail)
            else:
                if meeting is not None:
                    messages.success(request, _("The meeting is on the calendar."))
                    return redirect(meeting.get_absolute_url())
        status, checked = 400, True
    else:
        initial = _initial(request)
        form = MeetingForm(initial={"time_zone": zone, **initial}, user=request.user, zone=zone)
        clashes, status, checked = [], 200, False
        if "start" in initial and "end" in initial:
            # Back from "use this slot": show the check for the times it filled in.
            proposal, problem = _proposal(request)
            if problem is None:
                try:
                    clashes, checked = services.conflicts_preview(draft=proposal.draft()), True
                except DomainError:
                    pass
    return render(
        request,
        "meetings/schedule.html",
        {
            "form": form,
            "clashes": clash_rows(clashes, request.user),
            "checked": checked,
            "viewer_zone": zone,
        },
        status=status,
    )


def clash_rows(clashes, user) -> list[dict]:
    """The clashes as a page shows them; out of `user`'s scope, without title or organizer
    (the decision in `meetings.conflicts`)."""
    viewer = user_zone(user)
    rows = []
    for seen in as_seen_by(clashes, user):
        other = seen.other
        rows.append(
            {
                "in_scope": seen.in_scope,
                "title": other.meeting.title if seen.in_scope else None,
                "organizer": other.meeting.organizer if seen.in_scope else None,
                "kind": other.meeting.get_kind_display(),
                "sector": other.meeting.platform_sector or other.meeting.platform,
                "viewer_start": other.start_at.astimezone(viewer),
                "viewer_end": other.end_at.astimezone(viewer),
                "other_zone": other.meeting.time_zone,
                "other_start": other.start_at.astimezone(other.meeting.zone),
                "other_end": other.end_at.astimezone(other.meeting.zone),
                "mine_start": seen.clash.start.astimezone(viewer),
            }
        )
    return rows


def _proposal(request) -> tuple[ProposalForm, str | None]:
    zone = user_zone(request.user).key
    form = ProposalForm(request.GET, user=request.user, zone=zone)
    if not form.is_valid():
        return form, _("Give the sector, start, end and time zone to check.")
    return form, None


@login_required
@require_GET
def conflicts_live(request):
    """The live conflict list (htmx), as the times change."""
    form, problem = _proposal(request)
    clashes = []
    if problem is None:
        try:
            clashes = services.conflicts_preview(draft=form.draft())
        except DomainError as error:
            problem = error.detail
    return render(
        request,
        "meetings/_conflicts.html",
        {"clashes": clash_rows(clashes, request.user), "problem": problem, "checked": True},
    )


@login_required
@require_GET
def slots_live(request):
    """ "Find a slot" (htmx): the next free slots, each a link that fills the form in."""
    form, problem = _proposal(request)
    rows = []
    if problem is None:
        try:
            draft = form.draft()
            slots = services.slots_suggest(draft=draft)
        except DomainError as error:
            problem = error.detail
        else:
            zone = zones.zone_named(draft.time_zone)
            viewer = user_zone(request.user)
            base = {k: request.GET.getlist(k) for k in request.GET if k not in ("start", "end")}
            for start, end in slots:
                query = {
                    **base,
                    "start": [start.astimezone(zone).strftime("%Y-%m-%dT%H:%M")],
                    "end": [end.astimezone(zone).strftime("%Y-%m-%dT%H:%M")],
                }
                rows.append(
                    {
                        "start": start.astimezone(viewer),
                        "end": end.astimezone(viewer),
                        "url": reverse("meetings:meeting-schedule")
                        + "?"
                        + urlencode(query, doseq=True),
                    }
                )
    return render(request, "meetings/_slots.html", {"slots": rows, "problem": problem})


# --- Calendar ------------------------------------------------------------------------------------


def calendar(request):
    """Month, week or list, filtered, in the viewer's zone; anonymous visitors see public events."""
    filters = FilterForm(request.GET or None)
    # A refused filter is ignored and named on the page, answered as the bad request it is.
    status = 400 if filters.is_bound and not filters.is_valid() else 200
    data = filters.cleaned_data if filters.is_bound else {}
    view = data.get("view") or "month"
    zone = user_zone(request.user)
    today = timezone.now().astimezone(zone).date()
    day = data.get("date") or today
    if view == "month":
        first = day.replace(day=1)
        start_day = first - datetime.timedelta(days=first.weekday())
        days_in = pycalendar.monthrange(first.year, first.month)[1]
        last = first + datetime.timedelta(days=days_in)
        end_day = last + datetime.timedelta(days=(7 - last.weekday()) % 7)
        previous = (first - datetime.timedelta(days=1)).replace(day=1)
        following = last
    elif view == "week":
        start_day = day - datetime.timedelta(days=day.weekday())
        end_day = start_day + datetime.timedelta(days=7)
        previous, following = start_day - datetime.timedelta(days=7), end_day
    else:
        start_day, end_day = day, day + datetime.timedelta(days=60)
        previous, following = day - datetime.timedelta(days=60), end_day
    start = datetime.datetime.combine(start_day, datetime.time(), tzinfo=zone)
    end = datetime.datetime.combine(end_day, datetime.time(), tzinfo=zone)
    sittings = selectors.occurrences_visible_to(request.user, start=start, end=end)
    if data.get("platform"):
        sittings = sittings.filter(meeting__platform=data["platform"])
    if data.get("sector"):
        sittings = sittings.filter(meeting__platform_sector=data["sector"])
    if data.get("kind"):
        sittings = sittings.filter(meeting__kind=data["kind"])
    if data.get("organization"):
        sittings = sittings.filter(meeting__invited_organizations=data["organization"]).distinct()
    sittings = list(sittings[:1000])
    ids = [s.pk for s in sittings]
    clashing = set()
    for first_id, second_id in (
        Conflict.objects.filter(Q(first_id__in=ids) | Q(second_id__in=ids))
        .order_by()
        .values_list("first_id", "second_id")
    ):
        clashing |= {first_id, second_id}
    rows = []
    for s in sittings:
        s.local_start = s.start_at.astimezone(zone)
        s.local_end = s.end_at.astimezone(zone)
        s.in_conflict = s.pk in clashing
        rows.append(s)
    by_day: dict[datetime.date, list] = {}
    for s in rows:
        by_day.setdefault(s.local_start.date(), []).append(s)
    days = [start_day + datetime.timedelta(days=i) for i in range((end_day - start_day).days)]
    weeks = [[(d, by_day.get(d, [])) for d in days[i : i + 7]] for i in range(0, len(days), 7)]
    query = request.GET.copy()

    def link(target: datetime.date) -> str:
        q = query.copy()
        q["date"] = target.isoformat()
        q["view"] = view
        return "?" + q.urlencode()

    return render(
        request,
        "meetings/calendar.html",
        {
            "filters": filters,
            "view": view,
            "day": day,
            "today": today,
            "weeks": weeks,
            "rows": rows,
            "zone": zone.key,
            "previous_url": link(previous),
            "next_url": link(following),
            "month_label": day,
        },
        status=status,
    )


# --- A meeting -----------------------------------------------------------------------------------


def meeting_detail(request, pk):
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    zone = user_zone(request.user)
    sittings = list(
        meeting.occurrences.select_related("minutes").prefetch_related(
            "minutes__action_points__owner"
        )
    )
    sheets = quorum.sheets_for(meeting, sittings)
    now = timezone.now()
    for s in sittings:
        s.local_start = s.start_at.astimezone(zone)
        s.local_end = s.end_at.astimezone(zone)
        s.organizer_start = s.start_at.astimezone(meeting.zone)
        minutes = getattr(s, "minutes", None)
        s.minutes_or_none = minutes if policy.can(request.user, access.READ, minutes) else None
        s.sheet = sheets[s.pk]
        s.has_started = s.start_at <= now
    may_change = policy.can(request.user, access.CHANGE, meeting)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "sittings": sittings,
            "zone": zone.key,
            "may_change": may_change and not meeting.is_cancelled,
            "cancel_form": CancelForm(),
        },
    )


@login_required
@require_POST
def meeting_cancel(request, pk):
    meeting = selectors.meeting_get_for(user=request.user, pk=pk)
    form = CancelForm(request.POST)
    form.is_valid()
    cancelled = message_service_call(
        request,
        services.meeting_cancel,
        meeting=meeting,
        by=request.user,
        reason=form.cleaned_data.get("reason", ""),
    )
    if cancelled is not None:
        messages.success(request, _("The meeting is cancelled; invitees were told."))
    return redirect(meeting.get_absolute_url())


@login_required
def minutes_edit(request, pk):
    """Minutes of one sitting: write, circulate, add action points, mark them done."""
    occurrence = selectors.occurrence_get_for(user=request.user, pk=pk)
    meeting = occurrence.meeting
    minutes = Minutes.objects.filter(occurrence=occurrence).first()
    if minutes is not None and not policy.can(request.user, access.READ, minutes):
        minutes = None  # a draft: its writers' until it is circulated
    owners = selectors.meeting_invitees(meeting)
    form = MinutesForm(
        initial={
            "key_topics": minutes.key_topics,
            "decisions": minutes.decisions,
            "recording_url": minutes.recording_url,
        }
        if minutes
        else None
    )
    point_form = ActionPointForm(owners=owners)
    status = 200
    if request.method == "POST":
        step = request.POST.get("step")
        done = None
        if step == "save":
            form = MinutesForm(request.POST)
            if form.is_valid():
                done = form_service_call(
                    form,
                    services.minutes_save,
                    occurrence=occurrence,
                    by=request.user,
                    **form.cleaned_data,
                )
                if done is not None:
                    messages.success(request, _("Minutes saved."))
        elif step == "circulate" and minutes:
            done = message_service_call(
                request, services.minutes_circulate, minutes=minutes, by=request.user
            )
            if done is not None:
                messages.success(request, _("Minutes circulated to the invitees."))
        elif step == "finalize" and minutes:
            done = message_service_call(
                request, services.minutes_finalize, minutes=minutes, by=request.user
            )
        elif step == "action" and minutes:
            point_form = ActionPointForm(request.POST, owners=owners)
            if point_form.is_valid():
                done = form_service_call(
                    point_form,
                    services.action_point_add,
                    minutes=minutes,
                    by=request.user,
                    **point_form.cleaned_data,
                )
        elif step == "status":
            point = ActionPoint.objects.filter(
                pk=request.POST.get("point"), minutes__occurrence=occurrence
            ).first()
            status_form = ActionStatusForm(request.POST)
            if point is None or not status_form.is_valid():
                raise Http404
            done = message_service_call(
                request,
                services.action_point_set_status,
                point=point,
                status=status_form.cleaned_data["status"],
                by=request.user,
            )
        if done is not None:
            return redirect(request.path)
        status = 400
    sheet = quorum.sheet_for(occurrence)
    return render(
        request,
        "meetings/minutes.html",
        {
            "meeting": meeting,
            "occurrence": occurrence,
            "sheet": sheet,
            "quorum_warning": quorum.quorum_warning(sheet),
            "may_record": policy.can(request.user, access.CHANGE, meeting),
            "minutes": minutes,
            "points": list(minutes.action_points.select_related("owner")) if minutes else [],
            "form": form,
            "point_form": point_form,
            "local_start": occurrence.start_at.astimezone(user_zone(request.user)),
        },
        status=status,
    )


# --- Feeds ---------------------------------------------------------------------------------------


@login_required
def feeds_page(request):
    private_url = None
    if request.method == "POST":
        if request.POST.get("step") == "revoke":
            services.feed_token_revoke(user=request.user)
            messages.success(request, _("Your private feed address no longer works."))
            return redirect(request.path)
        token = services.feed_token_issue(user=request.user)
        private_url = settings.SITE_URL + reverse("meetings:feed-private", kwargs={"token": token})
    return render(
        request,
        "meetings/feeds.html",
        {
            "public_url": settings.SITE_URL + reverse("meetings:feed-public"),
            "private_url": private_url,
            "has_private": request.user.feed_tokens.filter(revoked_at__isnull=True).exists(),
        },
    )
