"""Forms of the structure-management pages.

They check shape only (types, lengths, dates that parse); every domain rule — term order, who
may designate, duplicates — is the service's, and its errors are put back on these forms by
`r4v.forms_kit.form_service_call`.
"""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from r4v.forms import BootstrapForm
from r4v.models import User

from ..models import Organization, RoleAssignment, Sector

# The audit trail keeps a reason whole (a text column); a bound keeps it a sentence or two.
REASON_MAX_LENGTH = 500


def _date_field(label, *, required=True, help_text=""):
    return forms.DateField(
        label=label,
        required=required,
        help_text=help_text,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


def _text_versions(label_en, label_es, *, max_length: int, rows: int, help_text=""):
    """The English and Spanish versions of a text written for the public (sectors.languages),
    each marked with its language so spell-checkers and screen readers use the right one."""
    return tuple(
        forms.CharField(
            label=label,
            required=False,
            max_length=max_length,
            help_text=help_text,
            widget=forms.Textarea(attrs={"rows": rows, "lang": code}),
        )
        for label, code in ((label_en, "en"), (label_es, "es"))
    )


class SideBySideMixin:
    """Language versions of one text shown side by side (`_fields.html`).

    `side_by_side` names the pairs; every other field keeps its own row, in form order.
    """

    side_by_side: tuple[tuple[str, str], ...] = ()

    def rows(self) -> list[list]:
        paired = {name: pair for pair in self.side_by_side for name in pair}
        rows, done = [], set()
        for field in self:
            if field.name in done:
                continue
            names = paired.get(field.name, (field.name,))
            rows.append([self[name] for name in names])
            done.update(names)
        return rows


def _reason_field():
    return forms.CharField(
        label=_("Reason for this change"),
        required=False,
        max_length=REASON_MAX_LENGTH,
        help_text=_("Kept in the record's history with your name and the time."),
    )


# --- Organizations ---------------------------------------------------------------------------


class OrganizationFilterForm(BootstrapForm):
    kind = forms.ChoiceField(
        label=_("Type"), required=False, choices=[("", _("All types")), *Organization.Kind.choices]
    )
    q = forms.CharField(label=_("Search"), required=False, max_length=100)


class OrganizationForm(SideBySideMixin, BootstrapForm):
    side_by_side = (("name", "name_es"), ("acronym", "acronym_es"))

    name = forms.CharField(label=_("Name"), max_length=200)
    name_es = forms.CharField(
        label=_("Name in Spanish"),
        max_length=200,
        required=False,
        help_text=_("Shown to Spanish readers, if the organization has one (OPS/OMS)."),
        widget=forms.TextInput(attrs={"lang": "es"}),
    )
    acronym = forms.CharField(label=_("Acronym"), max_length=30, required=False)
    acronym_es = forms.CharField(
        label=_("Acronym in Spanish"),
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"lang": "es"}),
    )
    kind = forms.ChoiceField(label=_("Type"), choices=Organization.Kind.choices)
    website = forms.URLField(
        label=_("Website"), max_length=200, required=False, assume_scheme="https"
    )


class OrganizationEditForm(OrganizationForm):
    is_active = forms.BooleanField(
        label=_("Active"),
        required=False,
        help_text=_(
            "Inactive organizations cannot be designated as co-leads or added as partners."
        ),
    )
    reason = _reason_field()


class PersonRoleForm(BootstrapForm):
    """A person, new or known, and the role they are given in the same step."""

    email = forms.EmailField(label=_("E-mail address of the person"))
    full_name = forms.CharField(
        label=_("Full name"),
        max_length=150,
        required=False,
        help_text=_(
            "For someone without an account: they are added and invited by e-mail to choose "
            "a password. Leave empty for someone who already has one."
        ),
    )


class RoleGrantForm(PersonRoleForm):
    ROLES = [
        (RoleAssignment.Role.CO_LEAD_FOCAL_POINT, RoleAssignment.Role.CO_LEAD_FOCAL_POINT.label),
        (RoleAssignment.Role.PARTNER_MEMBER, RoleAssignment.Role.PARTNER_MEMBER.label),
    ]

    role = forms.ChoiceField(label=_("Role"), choices=ROLES)


class PlatformTeamForm(PersonRoleForm):
    """Posted to the platform set-up page beside the sector toggles and the contacts."""

    FORM_NAME = "team"


# --- Sectors on a platform ----------------------------------------------------------------------


class SectorToggleForm(forms.Form):
    ACTIVATE = "activate"
    DEACTIVATE = "deactivate"

    sector = forms.ModelChoiceField(label=_("Sector"), queryset=Sector.objects.all())
    action = forms.ChoiceField(
        label=_("Action"), choices=[(ACTIVATE, _("Activate")), (DEACTIVATE, _("Deactivate"))]
    )


class SectorPageForm(SideBySideMixin, BootstrapForm):
    side_by_side = (("purpose_en", "purpose_es"),)

    purpose_en, purpose_es = _text_versions(
        _("Purpose (English)"), _("Purpose (Spanish)"), max_length=4000, rows=8
    )
    reason = _reason_field()


class SelectionProcedureForm(SideBySideMixin, BootstrapForm):
    side_by_side = (("procedure_en", "procedure_es"),)

    procedure_en, procedure_es = _text_versions(
        _("Selection procedure (English)"),
        _("Selection procedure (Spanish)"),
        max_length=8000,
        rows=10,
        help_text=_("How co-leads are selected: written, periodic and democratic."),
    )
    interval_months = forms.IntegerField(
        label=_("Selection interval (months)"), required=False, min_value=1, max_value=120
    )
    last_selection_on = _date_field(_("Last selection"), required=False)
    reason = _reason_field()


# --- Designations ------------------------------------------------------------------------------


class CoLeadForm(BootstrapForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.filter(is_active=True)
    )
    term_start = _date_field(_("Term start"))
    term_end = _date_field(_("Term end"), required=False)
    reason = _reason_field()


class EndDesignationForm(BootstrapForm):
    ended_on = _date_field(_("Ended on"))
    reason = _reason_field()

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"ended_on": timezone.localdate()})
        super().__init__(*args, **kwargs)


class CoCoordinatorForm(BootstrapForm):
    # Any organization id is accepted here and the menu lists only the sector's co-leads: the
    # service decides who may designate, and answers a forged id with its own field error.
    organization = forms.ModelChoiceField(
        label=_("Designated by (co-lead organization)"), queryset=Organization.objects.all()
    )
    email = forms.EmailField(
        label=_("E-mail address of the person"),
        help_text=_("Private: used to log in. An existing account with this e-mail is reused."),
    )
    full_name = forms.CharField(label=_("Full name"), max_length=150)
    gender = forms.ChoiceField(
        label=_("Gender"), choices=User.Gender.choices, initial=User.Gender.UNDISCLOSED
    )
    speaks_spanish = forms.BooleanField(label=_("Works in Spanish"), required=False)
    speaks_english = forms.BooleanField(label=_("Works in English"), required=False)
    contact_email = forms.EmailField(label=_("Public contact e-mail"))
    contact_phone = forms.CharField(label=_("Public contact phone"), max_length=40, required=False)
    term_start = _date_field(_("Term start"))
    term_end = _date_field(_("Term end"), required=False)
    reason = _reason_field()

    def __init__(self, *args, co_lead_organizations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organization"].widget.choices = [
            ("", "---------"),
            *[(org.pk, str(org)) for org in co_lead_organizations],
        ]


class ContactDetailsForm(BootstrapForm):
    """A co-coordinator's own published details (sectors.services.contacts)."""

    contact_email = forms.EmailField(
        label=_("Public contact e-mail"),
        help_text=_("Shown on the sector pages; your log-in e-mail stays private."),
    )
    contact_phone = forms.CharField(label=_("Public contact phone"), max_length=40, required=False)
    speaks_spanish = forms.BooleanField(label=_("Works in Spanish"), required=False)
    speaks_english = forms.BooleanField(label=_("Works in English"), required=False)
    speaks_portuguese = forms.BooleanField(label=_("Works in Portuguese"), required=False)


class PartnerForm(BootstrapForm):
    organization = forms.ModelChoiceField(
        label=_("Organization"), queryset=Organization.objects.filter(is_active=True)
    )
    joined_on = _date_field(_("Joined on"), required=False, help_text=_("Today if left empty."))


class PlatformContactsForm(SideBySideMixin, BootstrapForm):
    """The platform's own coordination contacts, shown where a sector has nobody designated,
    and its description for the public page."""

    # Posted to the platform set-up page beside the sector toggles; this names the form.
    FORM_NAME = "contacts"
    side_by_side = (("description_en", "description_es"),)

    local_name = forms.CharField(
        label=_("Local name"),
        required=False,
        max_length=120,
        help_text=_("How the platform is known in its country, such as GIFMM or GTRM."),
    )
    website = forms.URLField(label=_("Website"), required=False, max_length=200)
    contact_email = forms.EmailField(label=_("Coordination contact e-mail"), required=False)
    description_en, description_es = _text_versions(
        _("Description (English)"),
        _("Description (Spanish)"),
        max_length=4000,
        rows=5,
        help_text=_("Shown on the platform's public page, in the reader's language."),
    )
    reason = _reason_field()


class ConfirmForm(BootstrapForm):
    """The second step of a destructive action: the person confirms and says why.

    The first POST (from the list's button) carries no `confirmed` and only shows this form;
    the reason goes into the record's history.
    """

    CONFIRMED = "yes"

    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the record's history with your name and the time."),
    )

    def __init__(self, *args, field_name: str = "reason", **kwargs):
        super().__init__(*args, **kwargs)
        if field_name != "reason":
            # Change-notice decisions call it a comment; it is the same sentence in the history.
            self.fields[field_name] = self.fields.pop("reason")

    @classmethod
    def is_confirmation(cls, request) -> bool:
        return request.POST.get("confirmed") == cls.CONFIRMED
