from django.urls import path
from django.views.generic import RedirectView

from .views import (
    contacts,
    directory,
    governance,
    notices,
    organizations,
    platforms,
    public,
    roles,
    sector_setup,
)

app_name = "sectors"

urlpatterns = [
    # --- Public pages (anonymous) ---------------------------------------------------------------
    path("platforms/", public.platform_list, name="platform-list"),
    path("platforms/<slug:code>/", public.platform_detail, name="platform-detail"),
    path("sectors/", public.sector_list, name="sector-list"),
    path(
        "platforms/<slug:platform>/sectors/<slug:sector>/", public.sector_page, name="sector-page"
    ),
    path("organizations/<int:pk>/", public.organization_detail, name="organization-detail"),
    path("contacts/", directory.contact_directory, name="contact-directory"),
    path(
        "contacts/r4v-contacts.csv", directory.contact_directory_csv, name="contact-directory-csv"
    ),
    path(
        "contacts/r4v-contacts.vcf", directory.contact_directory_vcf, name="contact-directory-vcf"
    ),
    # --- Managing the structure (roles; see sectors.policy) -------------------------------------
    # My work moved to the shared kit (r4v.views.my_work); old links and reverses land there.
    path("manage/", RedirectView.as_view(pattern_name="my-work"), name="manage-home"),
    path("manage/organizations/", organizations.organization_list, name="organization-manage-list"),
    path(
        "manage/organizations/new/", organizations.organization_create, name="organization-create"
    ),
    path(
        "manage/organizations/<int:pk>/edit/",
        organizations.organization_edit,
        name="organization-edit",
    ),
    path(
        "manage/organizations/<int:pk>/roles/",
        roles.organization_roles,
        name="organization-roles",
    ),
    path("manage/roles/<int:pk>/revoke/", roles.role_revoke, name="role-revoke"),
    path("manage/platforms/<slug:code>/", platforms.platform_manage, name="platform-manage"),
    path("manage/sectors/<int:pk>/", sector_setup.sector_manage, name="sector-manage"),
    path("manage/sectors/<int:pk>/page/", sector_setup.sector_page_edit, name="sector-page-edit"),
    path(
        "manage/sectors/<int:pk>/selection/",
        sector_setup.selection_procedure_edit,
        name="selection-procedure-edit",
    ),
    path(
        "manage/sectors/<int:pk>/co-leads/new/", sector_setup.co_lead_create, name="co-lead-create"
    ),
    path("manage/co-leads/<int:pk>/end/", sector_setup.co_lead_end, name="co-lead-end"),
    path(
        "manage/sectors/<int:pk>/co-coordinators/new/",
        sector_setup.co_coordinator_create,
        name="co-coordinator-create",
    ),
    path(
        "manage/co-coordinators/<int:pk>/end/",
        sector_setup.co_coordinator_end,
        name="co-coordinator-end",
    ),
    path(
        "manage/sectors/<int:pk>/partners/new/", sector_setup.partner_create, name="partner-create"
    ),
    path("manage/partners/<int:pk>/remove/", sector_setup.partner_remove, name="partner-remove"),
    path("manage/my-contact-details/", contacts.my_contact_details, name="my-contact-details"),
    # --- Change notices, governance ------------------------------------------------------------
    path("manage/change-notices/", notices.change_notice_list, name="change-notice-list"),
    path("manage/change-notices/new/", notices.change_notice_create, name="change-notice-create"),
    path(
        "manage/change-notices/<int:pk>/", notices.change_notice_detail, name="change-notice-detail"
    ),
    path(
        "manage/change-notices/<int:pk>/<slug:decision>/",
        notices.change_notice_decide,
        name="change-notice-decide",
    ),
    path("manage/governance/", governance.governance, name="governance"),
    path("manage/governance.csv", governance.governance_csv, name="governance-csv"),
    path("manage/governance.xlsx", governance.governance_xlsx, name="governance-xlsx"),
]
