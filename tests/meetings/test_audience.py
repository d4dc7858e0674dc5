"""The audience rule: a time overlap is a conflict only when the meetings share part of the
audience, or are two regional sectors' meetings at regional level."""

import pytest

from meetings import services

from ..factories import meeting_draft
from .conftest import schedule


def _clashes_with(cal, **fields):
    return [c.other.meeting_id for c in services.conflicts_preview(draft=meeting_draft(**fields))]


def test_two_national_sectors_with_nothing_in_common_do_not_clash(cal):
    schedule(cal.regional_team, platform_sector=cal.chile_health)
    assert _clashes_with(cal, platform_sector=cal.world.colombia_health) == []


@pytest.mark.parametrize("shared", ["sector", "platform", "organization"])
def test_an_invitation_to_both_makes_a_clash(cal, shared):
    invite = {
        "sector": {"invited_sectors": [cal.world.regional_protection]},
        "platform": {"invited_platforms": [cal.mexico]},
        "organization": {"invited_organizations": [cal.world.partner_org]},
    }[shared]
    existing = schedule(cal.regional_team, platform_sector=cal.chile_health, **invite)
    assert _clashes_with(cal, platform_sector=cal.world.colombia_health, **invite) == [existing.pk]


def test_inviting_the_other_sector_itself_makes_a_clash(cal):
    existing = schedule(cal.regional_team, platform_sector=cal.chile_health)
    assert _clashes_with(
        cal, platform_sector=cal.world.colombia_health, invited_sectors=[cal.chile_health]
    ) == [existing.pk]


def test_two_regional_sectors_clash_at_regional_level_without_any_invitation(cal):
    existing = schedule(cal.regional_team, platform_sector=cal.world.regional_protection)
    assert _clashes_with(cal, platform_sector=cal.world.regional_health) == [existing.pk]
    # a national sector's meeting at the same time is not a regional-level clash
    assert _clashes_with(cal, platform_sector=cal.world.colombia_health) == []


def test_a_cancelled_meeting_is_no_longer_a_conflict(cal):
    existing = schedule(cal.regional_team, platform_sector=cal.world.regional_protection)
    services.meeting_cancel(meeting=existing, by=cal.regional_team)
    assert _clashes_with(cal, platform_sector=cal.world.regional_health) == []


def test_saving_anyway_records_who_accepted_which_conflict(cal):
    from meetings.models import Conflict
    from meetings.services import ConflictsNotAccepted

    existing = schedule(cal.regional_team, platform_sector=cal.world.regional_protection)
    # when saved without accepting, it is refused with the clash listed
    with pytest.raises(ConflictsNotAccepted) as error:
        schedule(cal.regional_team, platform_sector=cal.world.regional_health)
    assert [c.other.meeting_id for c in error.value.clashes] == [existing.pk]
    # when saved anyway
    mine = schedule(cal.regional_team, platform_sector=cal.world.regional_health, accept=True)
    # then the acceptance is recorded on the pair
    conflict = Conflict.objects.get()
    assert conflict.accepted_by == cal.regional_team
    assert {conflict.first.meeting_id, conflict.second.meeting_id} == {existing.pk, mine.pk}
