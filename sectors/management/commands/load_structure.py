"""Load the real R4V coordination structure (seed 000) into the database, idempotently.

Countries, platforms, IOM and UNHCR as platform co-leads, the sector catalogue and the Regional
Platform's sectors. A row is written only when it is missing or differs from `structure_data`,
so a second run writes nothing: no new rows and no new history rows. Rows the seeds do not name
(national activations, sector co-leads, links added by hand) are left alone, with one exception:
catalogue entries an earlier version loaded and the seed does not support (`RETIRED_SECTOR_CODES`,
e.g. "Communications") are deactivated on the Regional Platform, through the service, unless
someone still co-leads them there; then they stay and the command says so.
"""

from dataclasses import dataclass, field

from django.core.management.base import BaseCommand
from django.db import models, transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from r4v.audit import save_audited
from r4v.errors import DomainError
from r4v.models import User
from r4v.services import system_user
from sectors import policy, services
from sectors.models import Country, Organization, Platform, PlatformSector, Sector
from sectors.structure_data import (
    COUNTRIES,
    PLATFORM_CO_LEADS,
    PLATFORMS,
    REGIONAL_PLATFORM_CODE,
    REGIONAL_SECTOR_CODES,
    RETIRED_SECTOR_CODES,
    SECTORS,
)

REASON = "Loaded by load_structure"

# How a national platform is known in its country, where that is certain; the platform team
# edits it (and the others) on its set-up page, so a name it has set is never overwritten.
LOCAL_NAMES = {"colombia": "GIFMM", "peru": "GTRM", "ecuador": "GTRM"}


@dataclass
class Tally:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    links_added: int = 0
    retired: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _upsert(queryset: models.QuerySet, *, values: dict, by: User, tally: Tally) -> models.Model:
    """Create the row, or bring it in line with `values`; save only if something differs."""
    obj = queryset.first()
    if obj is None:
        obj = queryset.model(**values)
        tally.created += 1
    elif any(getattr(obj, field) != value for field, value in values.items()):
        for field, value in values.items():
            setattr(obj, field, value)
        tally.updated += 1
    else:
        tally.unchanged += 1
        return obj
    return save_audited(obj, by=by, reason=REASON, update_fields=list(values))


def _add_missing(platform: Platform, field: str, wanted: list, *, by: User, tally: Tally) -> None:
    manager = getattr(platform, field)
    present = set(manager.values_list("pk", flat=True))
    missing = [obj for obj in wanted if obj.pk not in present]
    if not missing:
        return
    # simple-history records an M2M change from the instance's attributes, like a save.
    platform._history_user = by
    platform._change_reason = REASON
    manager.add(*missing)
    tally.links_added += len(missing)


def load_structure(*, by: User) -> Tally:
    tally = Tally()
    countries = {
        c.iso_code: _upsert(
            Country.objects.filter(iso_code=c.iso_code), values=c._asdict(), by=by, tally=tally
        )
        for c in COUNTRIES
    }
    co_leads = [
        _upsert(
            Organization.objects.filter(Q(acronym__iexact=o.acronym) | Q(name__iexact=o.name)),
            values=o._asdict(),
            by=by,
            tally=tally,
        )
        for o in PLATFORM_CO_LEADS
    ]
    platforms = {}
    for p in PLATFORMS:
        values = {"code": p.code, "kind": p.kind, "name_en": p.name_en, "name_es": p.name_es}
        existing = Platform.objects.filter(code=p.code).first()
        if p.code in LOCAL_NAMES and (existing is None or not existing.local_name):
            values["local_name"] = LOCAL_NAMES[p.code]
        platform = _upsert(Platform.objects.filter(code=p.code), values=values, by=by, tally=tally)
        _add_missing(platform, "countries", [countries[c] for c in p.countries], by=by, tally=tally)
        _add_missing(platform, "co_leads", co_leads, by=by, tally=tally)
        platforms[p.code] = platform

    sectors = {}
    # SECTORS lists each parent before its sub-sectors.
    for s in SECTORS:
        values = {
            "code": s.code,
            "kind": s.kind,
            "name_en": s.name_en,
            "name_es": s.name_es,
            "position": s.position,
            "parent_id": sectors[s.parent].pk if s.parent else None,
        }
        sectors[s.code] = _upsert(
            Sector.objects.filter(code=s.code), values=values, by=by, tally=tally
        )

    # The policy caches a user's scope on the object; it must include the platforms made above.
    policy.forget_scope(by)
    regional = platforms[REGIONAL_PLATFORM_CODE]
    active = set(
        PlatformSector.objects.filter(platform=regional, is_active=True).values_list(
            "sector__code", flat=True
        )
    )
    for code in REGIONAL_SECTOR_CODES:
        if code in active:
            tally.unchanged += 1
            continue
        existed = PlatformSector.objects.filter(platform=regional, sector=sectors[code]).exists()
        services.platform_sector_activate(
            platform=regional, sector=sectors[code], by=by, reason=REASON
        )
        if existed:
            tally.updated += 1
        else:
            tally.created += 1
    _retire(regional, by=by, tally=tally)
    return tally


def _retire(regional: Platform, *, by: User, tally: Tally) -> None:
    retired = PlatformSector.objects.filter(
        platform=regional, sector__code__in=RETIRED_SECTOR_CODES, is_active=True
    ).select_related("platform", "sector")
    for ps in retired:
        try:
            services.platform_sector_deactivate(platform_sector=ps, by=by, reason=REASON)
        except DomainError as error:
            if error.code != "sector_has_co_leads":
                raise
            # Someone co-leads it: ending a designation is a decision for people, not a loader.
            tally.kept.append(ps.sector.name_en)
        else:
            tally.retired.append(ps.sector.name_en)


class Command(BaseCommand):
    help = (
        "Load the real R4V structure: 17 countries, 9 platforms co-led by IOM and UNHCR, the "
        "sector catalogue and the Regional Platform's sectors. Safe to run again."
    )

    def handle(self, *args, **options):
        # All or nothing: a failure halfway leaves the database as it was.
        with transaction.atomic():
            tally = load_structure(by=system_user())
        self.stdout.write(
            _(
                "Structure loaded: %(created)d created, %(updated)d updated, %(unchanged)d "
                "unchanged, %(links)d platform links added."
            )
            % {
                "created": tally.created,
                "updated": tally.updated,
                "unchanged": tally.unchanged,
                "links": tally.links_added,
            }
        )
        if tally.retired:
            self.stdout.write(
                _(
                    "Deactivated on the Regional Platform, not a sectoral group of the seed: %(names)s."
                )
                % {"names": ", ".join(tally.retired)}
            )
        if tally.kept:
            self.stdout.write(
                _(
                    "Still active on the Regional Platform although not a sectoral group of the "
                    "seed, because it has open co-lead designations: %(names)s. End them, then run "
                    "load_structure again."
                )
                % {"names": ", ".join(tally.kept)}
            )
