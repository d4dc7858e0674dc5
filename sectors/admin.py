"""Admin for the coordination structure: for administrators, to inspect records and history.

Countries, platforms and the sector catalogue have no service, so they are edited here
(attributed by the history middleware). Organizations are saved through their services. Every
other record is written by services that also grant roles and object permissions or send
notifications, so here it is read-only; the management pages are where it changes.
"""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop as N_

from r4v.admin import AuditedAdmin, ReadOnlyAuditedAdmin

from . import services
from .models import (
    ChangeNotice,
    CoCoordinatorDesignation,
    CoLeadDesignation,
    Country,
    Organization,
    PartnerMembership,
    Platform,
    PlatformSector,
    RoleAssignment,
    Sector,
)

PLATFORM_SECTOR = ("platform_sector__platform", "platform_sector__sector")
CO_LEAD = (
    "co_lead__organization",
    "co_lead__platform_sector__platform",
    "co_lead__platform_sector__sector",
)


@admin.register(Country)
class CountryAdmin(AuditedAdmin):
    list_display = ("name_en", "name_es", "iso_code", "time_zone")
    search_fields = ("name_en", "name_es", "iso_code")


@admin.register(Platform)
class PlatformAdmin(AuditedAdmin):
    list_display = ("name_en", "name_es", "code", "kind")
    list_filter = ("kind",)
    search_fields = ("name_en", "name_es", "code")
    filter_horizontal = ("countries", "co_leads")


@admin.register(Sector)
class SectorAdmin(AuditedAdmin):
    list_display = ("name_en", "name_es", "code", "kind", "parent", "position")
    list_filter = ("kind",)
    list_select_related = ("parent",)
    search_fields = ("name_en", "name_es", "code")


@admin.register(Organization)
class OrganizationAdmin(AuditedAdmin):
    list_display = ("name", "acronym", "kind", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "acronym")

    def save_model(self, request, obj, form, change):
        if change:
            # The service saves only the fields it is given: those the form changed.
            services.organization_update(
                organization=obj,
                by=request.user,
                reason=N_("Edited in the admin"),
                **{field: getattr(obj, field) for field in form.changed_data},
            )
            return
        created = services.organization_create(
            by=request.user, name=obj.name, kind=obj.kind, acronym=obj.acronym, website=obj.website
        )
        # The admin goes on to log and redirect with the form's instance.
        obj.pk = created.pk
        obj._state.adding = False


@admin.register(PlatformSector)
class PlatformSectorAdmin(ReadOnlyAuditedAdmin):
    list_display = (
        "sector",
        "platform",
        "is_active",
        "last_selection_on",
        "selection_interval_months",
    )
    list_filter = ("is_active", "platform__kind", "platform")
    list_select_related = ("platform", "sector")
    search_fields = ("sector__name_en", "sector__name_es", "platform__name_en", "platform__name_es")


@admin.register(CoLeadDesignation)
class CoLeadDesignationAdmin(ReadOnlyAuditedAdmin):
    list_display = ("organization", "platform_sector", "term_start", "term_end", "ended_on")
    list_filter = (
        "platform_sector__platform",
        "organization__kind",
        ("ended_on", admin.EmptyFieldListFilter),
    )
    list_select_related = ("organization", *PLATFORM_SECTOR)
    search_fields = (
        "organization__name",
        "organization__acronym",
        "platform_sector__sector__name_en",
    )


@admin.register(CoCoordinatorDesignation)
class CoCoordinatorDesignationAdmin(ReadOnlyAuditedAdmin):
    list_display = ("person", "co_lead", "contact_email", "term_start", "term_end", "ended_on")
    list_filter = (
        "co_lead__platform_sector__platform",
        "person__gender",
        ("ended_on", admin.EmptyFieldListFilter),
    )
    list_select_related = ("person", *CO_LEAD)
    search_fields = (
        "person__full_name",
        "person__email",
        "contact_email",
        "co_lead__organization__name",
    )


@admin.register(PartnerMembership)
class PartnerMembershipAdmin(ReadOnlyAuditedAdmin):
    list_display = ("organization", "platform_sector", "joined_on", "left_on")
    list_filter = ("platform_sector__platform", ("left_on", admin.EmptyFieldListFilter))
    list_select_related = ("organization", *PLATFORM_SECTOR)
    search_fields = (
        "organization__name",
        "organization__acronym",
        "platform_sector__sector__name_en",
    )


@admin.register(ChangeNotice)
class ChangeNoticeAdmin(ReadOnlyAuditedAdmin):
    list_display = ("co_lead", "kind", "status", "effective_on", "filed_by", "filed_at")
    list_filter = ("status", "kind")
    list_select_related = (*CO_LEAD, "filed_by")
    search_fields = ("co_lead__organization__name", "incoming_name", "reason")
    date_hierarchy = "filed_at"


@admin.register(RoleAssignment)
class RoleAssignmentAdmin(ReadOnlyAuditedAdmin):
    list_display = ("user", "role", "scope_display", "granted_at", "revoked_at")
    list_filter = ("role", ("revoked_at", admin.EmptyFieldListFilter))
    list_select_related = ("user", "platform", "organization", *PLATFORM_SECTOR)
    search_fields = ("user__email", "user__full_name")

    @admin.display(description=_("scope"))
    def scope_display(self, obj):
        return obj.scope or "—"
