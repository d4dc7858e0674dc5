"""Audience keys: one home for "who is this meeting for" and "which meetings concern this user".

A meeting's keys: its own sector ("s:<platform sector id>"), each invited sector, each invited
platform and the organizing platform of a platform-level meeting ("p:<id>"), each invited
organization ("o:<id>"), and "regional" for a regional sector's meeting on the Regional
Platform. Two meetings share an audience when they share a key (issue 15: "shares part of the
audience (a sector, a platform or an organization invited to both), or that is another regional
sector's meeting at regional level").
"""

from collections.abc import Iterable

from sectors.models import Platform, PlatformSector
from sectors.policy import Action, platform_sector_q, scope_of

REGIONAL = "regional"


def meeting_keys(
    *,
    platform: Platform,
    platform_sector: PlatformSector | None,
    sector_ids: Iterable[int] = (),
    platform_ids: Iterable[int] = (),
    organization_ids: Iterable[int] = (),
) -> set[str]:
    keys = {f"s:{pk}" for pk in sector_ids}
    keys |= {f"p:{pk}" for pk in platform_ids}
    keys |= {f"o:{pk}" for pk in organization_ids}
    if platform_sector is not None:
        keys.add(f"s:{platform_sector.pk}")
        if platform.kind == Platform.Kind.REGIONAL:
            keys.add(REGIONAL)
    else:
        keys.add(f"p:{platform.pk}")
    return keys


def user_keys(user) -> set[str]:
    """The keys of the meetings a user is concerned by (sees when internal).

    A sector's key for each sector whose internal pages they may see (`sectors.policy`,
    VIEW_SECTOR_INTERNAL: its co-coordinators and platform team, and partner staff and co-lead
    focal points while their organization is a partner or a co-lead there, by its dates), so the
    meetings and the sector's pages never disagree; their platforms' and organizations' keys for
    the meetings those are invited to.
    """
    s = scope_of(user)
    sector_ids = PlatformSector.objects.filter(
        platform_sector_q(user, Action.VIEW_SECTOR_INTERNAL)
    ).values_list("pk", flat=True)
    keys = {f"s:{pk}" for pk in sector_ids}
    keys |= {f"p:{pk}" for pk in s.managed_platform_ids}
    keys |= {f"o:{pk}" for pk in s.member_org_ids | s.focal_org_ids}
    return keys
