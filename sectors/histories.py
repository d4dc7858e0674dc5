"""The structure's records on the shared history page (`r4v.history`), registered at start-up.

Who may see a record's history is the policy's `Action.VIEW_HISTORY` on the record's scope:
the Regional Platform team every record, a platform team what is on its platform. A sector
set-up's page carries its co-leads, their co-coordinators and its partners, so its full history
holds everything its "Recent changes" shows.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from r4v import history
from r4v.history import Source
from r4v.models import User

from . import policy
from .models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
)
from .policy import Action


def _may_view(user, record) -> bool:
    return policy.can(user, Action.VIEW_HISTORY, record)


def _named(obj) -> str:
    # A relation whose record has gone (history tables keep ids without a constraint).
    return str(obj) if obj is not None else _("a deleted record")


def _sector_url(pk: int) -> str:
    return reverse("sectors:sector-manage", kwargs={"pk": pk})


def _co_lead_rows(co_lead_ids) -> Source:
    return Source(
        CoLeadDesignation.history.filter(id__in=co_lead_ids),
        label=lambda row: _("Co-lead: %(org)s") % {"org": _named(row.organization)},
        select_related=("organization",),
    )


def _co_coordinator_rows(co_lead_ids) -> Source:
    return Source(
        CoCoordinatorDesignation.history.filter(co_lead_id__in=co_lead_ids),
        label=lambda row: _("Co-coordinator: %(person)s") % {"person": _named(row.person)},
        select_related=("person",),
    )


def _partner_rows(ps_id: int) -> Source:
    return Source(
        PartnerMembership.history.filter(platform_sector_id=ps_id),
        label=lambda row: _("Partner: %(org)s") % {"org": _named(row.organization)},
        select_related=("organization",),
    )


def platform_sector_related(ps: PlatformSector) -> list[Source]:
    # Every co-lead that ever served here, from the history table: a deleted one still counts.
    co_lead_ids = CoLeadDesignation.history.filter(platform_sector_id=ps.pk).values("id").distinct()
    return [_co_lead_rows(co_lead_ids), _co_coordinator_rows(co_lead_ids), _partner_rows(ps.pk)]


def register_histories() -> None:
    history.register(
        "organization",
        Organization,
        may_view=_may_view,
        manage_url=lambda org: reverse("sectors:organization-edit", kwargs={"pk": org.pk}),
    )
    history.register(
        "platform",
        Platform,
        may_view=_may_view,
        manage_url=lambda p: reverse("sectors:platform-manage", kwargs={"code": p.code}),
    )
    history.register(
        "platformsector",
        PlatformSector,
        may_view=_may_view,
        manage_url=lambda ps: _sector_url(ps.pk),
        related=platform_sector_related,
    )
    history.register(
        "colead",
        CoLeadDesignation,
        may_view=_may_view,
        manage_url=lambda c: _sector_url(c.platform_sector_id),
        related=lambda c: [_co_coordinator_rows([c.pk])],
    )
    history.register(
        "cocoordinator",
        CoCoordinatorDesignation,
        may_view=_may_view,
        manage_url=lambda cc: _sector_url(cc.co_lead.platform_sector_id),
    )
    history.register(
        "partner",
        PartnerMembership,
        may_view=_may_view,
        manage_url=lambda p: _sector_url(p.platform_sector_id),
    )
    history.register(
        "changenotice",
        ChangeNotice,
        may_view=_may_view,
        manage_url=lambda n: reverse("sectors:change-notice-detail", kwargs={"pk": n.pk}),
    )
    history.register("user", User, may_view=_may_view)
