"""Forms of the calendar pages: they parse; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from r4v.api_fields import FormDateField, FormDateTimeField
from r4v.forms import BootstrapForm
from r4v.models import User
from sectors.models import Country, Organization, Platform, PlatformSector
from sectors.policy import scope_of

from .models import ActionPoint, Meeting
from .services import Attended, MeetingDraft


def _zone_choices(extra: str = "") -> list[tuple[str, str]]:
    names = set(Country.objects.values_list("time_zone", flat=True)) | {"UTC"}
    if extra:
        names.add(extra)
    return [(n, n.replace("_", " ")) for n in sorted(names)]


class LocalDateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%dT%H:%M", **kwargs)


class ProposalForm(BootstrapForm):
    """What the live conflict list and the slot finder need; the full form adds the rest."""

    platform_sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=PlatformSector.objects.none(),
        required=False,
        help_text=_("Leave empty for a meeting of the platform itself."),
    )
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.all(), required=False
    )
    start = FormDateTimeField(
        label=_("Starts"), widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    end = FormDateTimeField(
        label=_("Ends"), widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=())
    fold = forms.TypedChoiceField(
        label=_("If the clocks repeat this hour"),
        choices=[
            ("", _("—")),
            (0, _("the first time (before the clocks go back)")),
            (1, _("the second time")),
        ],
        coerce=int,
        empty_value=None,
        required=False,
    )
    rrule = forms.CharField(
        label=_("Repeats (RFC 5545 rule)"),
        max_length=300,
        required=False,
        help_text=_("e.g. FREQ=MONTHLY;BYDAY=2TU;COUNT=12 (second Tuesday, 12 times)."),
    )
    invited_sectors = forms.ModelMultipleChoiceField(
        label=_("Invited sectors"),
        queryset=PlatformSector.objects.filter(is_active=True).select_related("platform", "sector"),
        required=False,
    )
    invited_platforms = forms.ModelMultipleChoiceField(
        label=_("Invited platforms"), queryset=Platform.objects.all(), required=False
    )
    invited_organizations = forms.ModelMultipleChoiceField(
        label=_("Invited organizations"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
    )

    def __init__(self, *args, user=None, zone: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        # Naive wall-clock values: the chosen zone, not the server's, gives them meaning.
        for name in ("start", "end"):
            self.fields[name].widget.attrs["step"] = "60"
        self.fields["time_zone"].choices = _zone_choices(zone)
        self.fields["time_zone"].initial = zone
        s = scope_of(user)
        sectors = PlatformSector.objects.filter(is_active=True).select_related("platform", "sector")
        if not s.is_regional:
            sectors = sectors.filter(pk__in=s.coordinated_sector_ids) | sectors.filter(
                platform_id__in=s.managed_platform_ids
            )
        self.fields["platform_sector"].queryset = sectors
        self.fields["platform"].queryset = (
            Platform.objects.all()
            if s.is_regional
            else Platform.objects.filter(pk__in=s.managed_platform_ids)
        )

    def clean_start(self):
        return self.cleaned_data["start"].replace(tzinfo=None)

    def clean_end(self):
        return self.cleaned_data["end"].replace(tzinfo=None)

    def clean(self):
        data = super().clean()
        ps, platform = data.get("platform_sector"), data.get("platform")
        if ps is None and platform is None:
            self.add_error("platform_sector", _("Choose the sector (or the platform) organizing."))
        return data

    def draft(self) -> MeetingDraft:
        d = self.cleaned_data
        ps = d.get("platform_sector")
        return MeetingDraft(
            platform=ps.platform if ps else d["platform"],
            platform_sector=ps,
            kind=d.get("kind") or Meeting.Kind.OTHER,
            title=d.get("title", ""),
            start_local=d["start"],
            end_local=d["end"],
            time_zone=d["time_zone"],
            fold=d.get("fold"),
            rrule=d.get("rrule", ""),
            invited_sectors=list(d.get("invited_sectors") or []),
            invited_platforms=list(d.get("invited_platforms") or []),
            invited_organizations=list(d.get("invited_organizations") or []),
            agenda=d.get("agenda", ""),
            place=d.get("place", ""),
            video_url=d.get("video_url", ""),
            visibility=d.get("visibility") or Meeting.Visibility.INTERNAL,
        )


class MeetingForm(ProposalForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=Meeting.Kind.choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    agenda = forms.CharField(
        label=_("Agenda"), widget=forms.Textarea(attrs={"rows": 3}), required=False, max_length=8000
    )
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    video_url = forms.URLField(label=_("Video link"), required=False)
    visibility = forms.ChoiceField(label=_("Visibility"), choices=Meeting.Visibility.choices)
    accept_conflicts = forms.BooleanField(
        label=_("Save anyway, accepting the conflicts listed"), required=False
    )

    field_order = [
        "platform_sector",
        "platform",
        "kind",
        "title",
        "start",
        "end",
        "time_zone",
        "fold",
        "rrule",
        "invited_sectors",
        "invited_platforms",
        "invited_organizations",
        "place",
        "video_url",
        "visibility",
        "agenda",
        "accept_conflicts",
    ]


class CancelForm(BootstrapForm):
    reason = forms.CharField(label=_("Reason"), max_length=1000, required=False)


class MinutesForm(BootstrapForm):
    key_topics = forms.CharField(
        label=_("Key topics"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=8000,
    )
    decisions = forms.CharField(
        label=_("Decisions"),
        widget=forms.Textarea(attrs={"rows": 4}),
        required=False,
        max_length=8000,
    )
    recording_url = forms.URLField(label=_("Recording"), required=False)


class ActionPointForm(BootstrapForm):
    text = forms.CharField(label=_("Action"), max_length=500)
    owner = forms.ModelChoiceField(label=_("Owner"), queryset=User.objects.none())
    due_on = FormDateField(label=_("Due"), widget=forms.DateInput(attrs={"type": "date"}))

    def __init__(self, *args, owners=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = owners if owners is not None else User.objects.none()


class ActionStatusForm(BootstrapForm):
    status = forms.ChoiceField(choices=ActionPoint.Status.choices)


class FilterForm(forms.Form):
    """The calendar's filters, read from the query string."""

    view = forms.ChoiceField(
        label=_("View"),
        choices=[("month", _("Month")), ("week", _("Week")), ("list", _("List"))],
        required=False,
    )
    date = FormDateField(label=_("Date"), required=False)
    platform = forms.ModelChoiceField(
        label=_("Platform"), queryset=Platform.objects.all(), required=False
    )
    sector = forms.ModelChoiceField(
        label=_("Sector"),
        queryset=PlatformSector.objects.select_related("platform", "sector"),
        required=False,
    )
    kind = forms.ChoiceField(
        label=_("Kind"), choices=[("", _("All kinds")), *Meeting.Kind.choices], required=False
    )
    organization = forms.ModelChoiceField(
        label=_("Organization"),
        queryset=Organization.objects.filter(is_active=True),
        required=False,
    )


class SittingMoveForm(BootstrapForm):
    """Move one sitting: new wall-clock times in the meeting's zone, and why."""

    start = FormDateTimeField(
        label=_("New start"), widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    end = FormDateTimeField(
        label=_("New end"), widget=LocalDateTimeInput(), input_formats=["%Y-%m-%dT%H:%M"]
    )
    fold = ProposalForm.base_fields["fold"]
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        help_text=_("Recorded in the history and sent to the invitees."),
    )
    accept_conflicts = forms.BooleanField(
        label=_("Move anyway, accepting the conflicts listed"), required=False
    )

    def clean_start(self):
        return self.cleaned_data["start"].replace(tzinfo=None)

    def clean_end(self):
        return self.cleaned_data["end"].replace(tzinfo=None)


class SittingCancelForm(BootstrapForm):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=1000,
        help_text=_("Recorded in the history and sent to the invitees."),
    )


class AttendanceForm(BootstrapForm):
    """One row per organization on the sitting's roll: attended, how many, who (optional).

    Built from the sheet (`meetings.quorum.Sheet`), so the rows are exactly the roll; the
    service checks the roll again under its lock.
    """

    def __init__(self, *args, sheet, **kwargs):
        super().__init__(*args, **kwargs)
        self.lines = sheet.lines
        for line in self.lines:
            pk, came = line.organization.pk, line.attendance
            self.fields[f"org_{pk}"] = forms.BooleanField(
                label=str(line.organization), required=False, initial=came is not None
            )
            self.fields[f"people_{pk}"] = forms.IntegerField(
                label=_("People"),
                min_value=1,
                max_value=500,
                required=False,
                initial=came.people if came else 1,
            )
            self.fields[f"names_{pk}"] = forms.CharField(
                label=_("Who (optional)"),
                max_length=300,
                required=False,
                initial=came.names if came else "",
            )

    def rows(self):
        """(line, attended field, people field, names field) for the template."""
        return [
            (
                line,
                self[f"org_{line.organization.pk}"],
                self[f"people_{line.organization.pk}"],
                self[f"names_{line.organization.pk}"],
            )
            for line in self.lines
        ]

    def attended(self) -> list[Attended]:
        out = []
        for line in self.lines:
            pk = line.organization.pk
            if self.cleaned_data.get(f"org_{pk}"):
                out.append(
                    Attended(
                        organization=line.organization,
                        people=self.cleaned_data.get(f"people_{pk}") or 1,
                        names=self.cleaned_data.get(f"names_{pk}") or "",
                    )
                )
        return out
