"""The parties of a task: who holds them today, and what they are called.

A workflow rule names a party, never a person: the task type's drafters, the party the current
step waits on, the Regional Platform. This module asks who holds one both ways round: from a
task, who holds its parties (`drafters_of`, `clearers_of`: whom the workflow and the reminders
tell); from a user, which parties they hold (`Eligibility`: what the workflow lets them do,
which tasks the selectors show them). It also names them for pages, mail and the API, a
substituted step included (the workflow decides the substitution; this says it in words).
It reads `sectors.policy` and the models; the workflow, the reminders and the selectors read it.

- **Parties, not people.** `sectors.policy.holds` says who holds a party *today*, so a replaced
  co-coordinator loses the right the day their designation ends and the successor gains it.
"""

import datetime

from django.db.models import Q, QuerySet, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from r4v.models import User
from sectors import policy
from sectors.models import CoCoordinatorDesignation, Platform, RoleAssignment
from sectors.policy import Party, Where

from .models import Task, TaskState, party_label

# --- Who holds a task's parties ------------------------------------------------------------------


def drafters_of(task: Task) -> QuerySet:
    q = Q(pk__in=[])
    for party in task.task_type.drafters:
        q |= Q(pk__in=policy.holders(Party(party), task.policy_where()).values("pk"))
    return User.objects.filter(q)


def clearers_of(task: Task) -> QuerySet:
    if not task.waiting_on:
        return User.objects.none()
    return policy.holders(Party(task.waiting_on), task.policy_where())


# --- Which parties a user holds ----------------------------------------------------------------

Key = tuple[str, int | None, int | None]


# The one party-to-place rule: which of a task's place fields (platform, sector) a party's
# holders depend on, as `sectors.policy.holders` reads a `Where`. The Regional Platform is one
# team; a platform team is per platform; a Regional Sector is per catalogue entry (on the
# Regional Platform, whatever the task's platform); a National Sector is per platform and entry.
PLACE_FIELDS: dict[str, tuple[str, ...]] = {
    Party.REGIONAL_PLATFORM: (),
    Party.PLATFORM: ("platform_id",),
    Party.REGIONAL_SECTOR: ("sector_id",),
    Party.NATIONAL_SECTOR: ("platform_id", "sector_id"),
}


def place_key(party: str, platform_id: int | None, sector_id: int | None) -> Key:
    """The key under which `Eligibility` holds (party, place): the fields PLACE_FIELDS names."""
    fields = PLACE_FIELDS.get(party, ("platform_id", "sector_id"))
    return (
        str(party),
        platform_id if "platform_id" in fields else None,
        sector_id if "sector_id" in fields else None,
    )


def place_q(party: str, platform_id: int | None, sector_id: int | None, prefix: str = "") -> Q:
    """The tasks whose place the holder of (party, place) holds: the same rule, as a filter
    (`prefix` leads from a queried model to Task)."""
    if party not in PLACE_FIELDS:
        return Q(**{f"{prefix}pk__in": []})
    values = {"platform_id": platform_id, "sector_id": sector_id}
    return Q(**{f"{prefix}{field}": values[field] for field in PLACE_FIELDS[party]})


class Eligibility:
    """The parties one user holds, each confirmed by `sectors.policy.holds`.

    Built with a constant number of queries (the user's platform-team roles and co-coordinator
    designations give the candidates; the policy confirms them all in one union), so a list of
    any length, and a user with any number of roles, asks nothing more per row or role.
    """

    def __init__(self, user, *, on: datetime.date | None = None):
        self.user = user
        self.held: frozenset[Key] = frozenset()
        self._others: dict[tuple[Key, int], bool] = {}
        if user is None or not user.is_authenticated or not user.is_active:
            return
        candidates: set[Key] = {place_key(Party.REGIONAL_PLATFORM, None, None)}
        for platform_id in RoleAssignment.objects.filter(
            user=user, role=RoleAssignment.Role.PLATFORM_TEAM, revoked_at__isnull=True
        ).values_list("platform_id", flat=True):
            candidates.add(place_key(Party.PLATFORM, platform_id, None))
        # Every designation not yet over (a superset of the policy's "current" ones, which it
        # then confirms): an end date set in the future still counts until that day.
        today = on or timezone.localdate()
        for platform_id, sector_id, kind in (
            CoCoordinatorDesignation.objects.filter(
                Q(ended_on__isnull=True) | Q(ended_on__gt=today)
            )
            .filter(person=user)
            .values_list(
                "co_lead__platform_sector__platform_id",
                "co_lead__platform_sector__sector_id",
                "co_lead__platform_sector__platform__kind",
            )
        ):
            party = (
                Party.REGIONAL_SECTOR if kind == Platform.Kind.REGIONAL else Party.NATIONAL_SECTOR
            )
            candidates.add(place_key(party, platform_id, sector_id))
        # The policy confirms every candidate in one query (a union of its answers, as in
        # `prefetch_others`): one `holds()` each would cost a query per role held.
        keys = list(candidates)
        parts = [
            policy.holders(Party(key[0]), Where(platform_id=key[1], sector_id=key[2]), on=on)
            .filter(pk=user.pk)
            .annotate(slot=Value(n))
            .values("slot")
            # No ORDER BY in a part (User's default one): SQLite refuses it in a UNION.
            .order_by()
            for n, key in enumerate(keys)
        ]
        found = set(parts[0].union(*parts[1:]).order_by().values_list("slot", flat=True))
        self.held = frozenset(key for n, key in enumerate(keys) if n in found)

    def holds(self, party: str, platform_id: int | None, sector_id: int | None) -> bool:
        return place_key(party, platform_id, sector_id) in self.held

    @property
    def is_regional_platform(self) -> bool:
        return self.holds(Party.REGIONAL_PLATFORM, None, None)

    def others_hold(self, task: Task, submitter_id: int) -> bool:
        """Whether someone besides the submitter holds the party the task waits on."""
        key = (place_key(task.waiting_on, task.platform_id, task.sector_id), submitter_id)
        if key not in self._others:
            self.prefetch_others([task], {task.pk: submitter_id})
        return self._others[key]

    def prefetch_others(self, tasks, submitters: dict[int, int | None]) -> None:
        """Answer `others_hold` for many tasks in one query (a union of the policy's answers)."""
        wanted = {}
        for task in tasks:
            submitter = submitters.get(task.pk)
            if submitter is None or task.state != TaskState.SUBMITTED or not task.waiting_on:
                continue
            key = (place_key(task.waiting_on, task.platform_id, task.sector_id), submitter)
            if key not in self._others:
                wanted[key] = task
        if not wanted:
            return
        keys = list(wanted)
        parts = [
            policy.holders(Party(key[0][0]), wanted[key].policy_where())
            .exclude(pk=key[1])
            .annotate(slot=Value(n))
            .values("slot")
            # No ORDER BY in a part (User's default one): SQLite refuses it in a UNION.
            .order_by()
            for n, key in enumerate(keys)
        ]
        found = set(parts[0].union(*parts[1:]).order_by().values_list("slot", flat=True))
        for n, key in enumerate(keys):
            self._others[key] = n in found


def eligibility_of(user) -> Eligibility:
    """One Eligibility per request, cached on the user object like `policy.scope_of`."""
    cached = getattr(user, "_pc_eligibility", None) if user is not None else None
    if cached is None:
        cached = Eligibility(user)
        if user is not None:
            user._pc_eligibility = cached
    return cached


# --- In words ------------------------------------------------------------------------------------


def regional_sector_name(task: Task) -> str:
    return _("Regional %(sector)s Sector") % {"sector": task.sector.name if task.sector_id else ""}


def waiting_label(task: Task) -> str:
    """Who the task waits on, in words."""
    if task.is_drafting:
        return ", ".join(party_label(p) for p in task.task_type.drafters)
    if task.state == TaskState.FINAL or not task.waiting_on:
        return ""
    if task.substituted:
        return regional_sector_name(task)
    return party_label(task.waiting_on)


def substitution_note(task: Task, *, done: bool = False) -> str:
    """ "To be cleared by the Regional Health Sector in place of a National Sector, ..." """
    values = {"sector": regional_sector_name(task), "platform": task.platform.name}
    if done:
        return (
            _(
                "Cleared by the %(sector)s in place of a National Sector, none being active on %(platform)s."
            )
            % values
        )
    return (
        _(
            "To be cleared by the %(sector)s in place of a National Sector, none being active on %(platform)s."
        )
        % values
    )
