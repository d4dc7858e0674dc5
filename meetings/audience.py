"""Audience keys: one home for "who is this meeting for" and "which meetings concern this user".

A meeting's keys: its own sector ("s:<platform sector id>"), each invited sector, each invited
platform and the organizing platform of a platform-level meeting ("p:<id>"), each invited
organization ("o:<id>"), and "regional" for a regional sector's meeting on the Regional
Platform. Two meetings share an audience when they share a key (issue 15: "shares part of the
audience (a sector, a platform or an organization invited to both), or that is another regional
sector's meeting at regional level").
"""

from collections.abc import Iterable

from sectors.models import CoLeadDesignation, PartnerMembership, Platform, PlatformSector

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


def user_keys(scope) -> set[str]:
    """The keys of the meetings a user is concerned by (sees when internal), from their scope.

    Partners and co-lead focal points are concerned by the meetings of the sectors their
    organization takes part in, and by those their organization is invited to.
    """
    org_ids = scope.member_org_ids | scope.focal_org_ids
    sector_ids = set(scope.coordinated_sector_ids)
    if org_ids:
        sector_ids |= set(
            PartnerMembership.objects.filter(
                organization_id__in=org_ids, left_on__isnull=True
            ).values_list("platform_sector_id", flat=True)
        )
        sector_ids |= set(
            CoLeadDesignation.objects.open()
            .filter(organization_id__in=scope.focal_org_ids)
            .values_list("platform_sector_id", flat=True)
        )
    keys = {f"s:{pk}" for pk in sector_ids}
    keys |= {f"p:{pk}" for pk in scope.managed_platform_ids}
    keys |= {f"o:{pk}" for pk in org_ids}
    return keys
