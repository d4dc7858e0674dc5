"""Input serializers parse (types, lengths, ids); output serializers show. Rules live in services."""

import datetime

from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from r4v import api_fields
from r4v.api_fields import IdRelatedField
from r4v.models import User
from r4v.reversing import url_pattern
from r4v.rows import grouped
from sectors.models import Organization, Platform, PlatformSector

from . import selectors
from .models import ActionPoint, Meeting, Minutes, Occurrence, meeting_uid
from .services import Attended, MeetingDraft
from .zones import wall_clock


@extend_schema_field(OpenApiTypes.STR)
class LocalDateTimeField(serializers.Field):
    """A wall-clock time ("2027-01-12T10:00") read in the meeting's zone, not the server's."""

    default_error_messages = {"invalid": _("Give a date and time as YYYY-MM-DDTHH:MM.")}

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators.append(api_fields.datetime_in_range)

    def to_internal_value(self, data):
        try:
            value = datetime.datetime.fromisoformat(str(data))
        except ValueError:
            self.fail("invalid")
        # An explicit offset is an instant already; the zone then only matters for the series.
        return value

    def to_representation(self, value):
        return value.isoformat()


class _Draft(serializers.Serializer):
    platform = IdRelatedField(queryset=Platform.objects.all())
    platform_sector = IdRelatedField(
        queryset=PlatformSector.objects.filter(is_active=True), required=False, allow_null=True
    )
    kind = serializers.ChoiceField(choices=Meeting.Kind.choices, default=Meeting.Kind.OTHER)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    start = LocalDateTimeField(help_text=_("Wall-clock start in `time_zone`."))
    end = LocalDateTimeField(help_text=_("Wall-clock end in `time_zone`."))
    time_zone = serializers.CharField(max_length=64, help_text=_("IANA name, e.g. America/Bogota."))
    fold = serializers.ChoiceField(
        choices=[0, 1],
        required=False,
        allow_null=True,
        help_text=_(
            "Only for a time the clocks repeat: 0 the first (before they go back), 1 the second."
        ),
    )
    rrule = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("RFC 5545 RRULE, e.g. FREQ=MONTHLY;BYDAY=2TU;COUNT=12; blank: one-off."),
    )
    invited_sectors = IdRelatedField(
        queryset=PlatformSector.objects.all(), many=True, required=False, default=list
    )
    invited_platforms = IdRelatedField(
        queryset=Platform.objects.all(), many=True, required=False, default=list
    )
    invited_organizations = IdRelatedField(
        queryset=Organization.objects.all(), many=True, required=False, default=list
    )

    def draft(self) -> MeetingDraft:
        d = self.validated_data
        return MeetingDraft(
            platform=d["platform"],
            platform_sector=d.get("platform_sector"),
            kind=d["kind"],
            title=d.get("title", ""),
            start_local=d["start"],
            end_local=d["end"],
            time_zone=d["time_zone"],
            fold=d.get("fold"),
            rrule=d.get("rrule", ""),
            invited_sectors=d.get("invited_sectors", []),
            invited_platforms=d.get("invited_platforms", []),
            invited_organizations=d.get("invited_organizations", []),
            agenda=d.get("agenda", ""),
            place=d.get("place", ""),
            video_url=d.get("video_url", ""),
            visibility=d.get("visibility", Meeting.Visibility.INTERNAL),
        )


class ProposalSerializer(_Draft):
    """A proposed meeting, for the conflict check and the slot finder (nothing is saved)."""


class MeetingInputSerializer(_Draft):
    title = serializers.CharField(max_length=200)
    agenda = serializers.CharField(max_length=8000, required=False, allow_blank=True, default="")
    place = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    video_url = serializers.URLField(required=False, allow_blank=True, default="")
    visibility = serializers.ChoiceField(
        choices=Meeting.Visibility.choices, default=Meeting.Visibility.INTERNAL
    )
    accept_conflicts = serializers.BooleanField(
        default=False, help_text=_("Save even though it overlaps; who accepted is recorded.")
    )


def _utc(**kwargs):
    # Instants go out in UTC ("Z"), whatever the server's zone; each reader converts.
    return serializers.DateTimeField(default_timezone=datetime.UTC, read_only=True, **kwargs)


class MeetingSerializer(serializers.ModelSerializer):
    organizer = serializers.StringRelatedField()
    start_at = _utc()
    end_at = _utc()
    uid = serializers.CharField(read_only=True)
    start_local = serializers.SerializerMethodField()
    url = serializers.SerializerMethodField()

    class Meta:
        model = Meeting
        fields = [
            "id",
            "uid",
            "title",
            "kind",
            "platform",
            "platform_sector",
            "organizer",
            "start_at",
            "end_at",
            "time_zone",
            "start_local",
            "rrule",
            "agenda",
            "place",
            "video_url",
            "visibility",
            "status",
            "sequence",
            "invited_sectors",
            "invited_platforms",
            "invited_organizations",
            "url",
        ]
        read_only_fields = fields

    def get_start_local(self, obj) -> str:
        return wall_clock(obj.start_at, obj.zone)

    def get_url(self, obj) -> str:
        return obj.get_absolute_url()


class MeetingRows:
    """The meetings list as `MeetingSerializer` writes it, from `.values()` rows (r4v.rows):
    the invitations in one query per kind for the whole page, none per row."""

    fields = (
        "id",
        "title",
        "kind",
        "platform_id",
        "platform_sector_id",
        "organizer__full_name",
        "organizer__email",
        "start_at",
        "end_at",
        "time_zone",
        "rrule",
        "agenda",
        "place",
        "video_url",
        "visibility",
        "status",
        "sequence",
    )
    # Each list in the invited model's own order, as the serializer's prefetch reads it.
    _INVITED = ("invited_sectors", "invited_platforms", "invited_organizations")
    _instant = _utc().to_representation

    @classmethod
    def build(cls, page: list[dict]) -> list[dict]:
        ids = [row["id"] for row in page]
        invited = {
            field: grouped(
                Meeting._meta.get_field(field)
                .related_model.objects.filter(invited_to__in=ids)
                .values("invited_to", "id"),
                "invited_to",
            )
            for field in cls._INVITED
        }
        url = url_pattern("meetings:meeting-detail", "pk")
        instant = cls._instant
        results = []
        for row in page:
            pk = row["id"]
            results.append(
                {
                    "id": pk,
                    "uid": meeting_uid(pk),
                    "title": row["title"],
                    "kind": row["kind"],
                    "platform": row["platform_id"],
                    "platform_sector": row["platform_sector_id"],
                    "organizer": User.shown_name(
                        row["organizer__full_name"], row["organizer__email"]
                    ),
                    "start_at": instant(row["start_at"]),
                    "end_at": instant(row["end_at"]),
                    "time_zone": row["time_zone"],
                    "start_local": wall_clock(row["start_at"], row["time_zone"]),
                    "rrule": row["rrule"],
                    "agenda": row["agenda"],
                    "place": row["place"],
                    "video_url": row["video_url"],
                    "visibility": row["visibility"],
                    "status": row["status"],
                    "sequence": row["sequence"],
                    **{
                        field: [link["id"] for link in invited[field].get(pk, ())]
                        for field in cls._INVITED
                    },
                    "url": url(pk=pk),
                }
            )
        return results


class OccurrenceSerializer(serializers.ModelSerializer):
    title = serializers.CharField(source="meeting.title", read_only=True)
    original_start = _utc()
    start_at = _utc()
    end_at = _utc()
    is_moved = serializers.BooleanField(read_only=True)

    class Meta:
        model = Occurrence
        fields = [
            "id",
            "meeting",
            "title",
            "original_start",
            "start_at",
            "end_at",
            "is_cancelled",
            "is_moved",
        ]
        read_only_fields = fields


class MoveSerializer(serializers.Serializer):
    start = LocalDateTimeField(help_text=_("Wall-clock start in the meeting's zone."))
    end = LocalDateTimeField()
    fold = serializers.ChoiceField(choices=[0, 1], required=False, allow_null=True)
    accept_conflicts = serializers.BooleanField(default=False)
    reason = serializers.CharField(
        max_length=1000,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Why; kept in the history and sent to the invitees."),
    )


class CancelSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=1000, required=False, allow_blank=True, default="")


class ClashSerializer(serializers.Serializer):
    """A clash (`conflicts.SeenClash`); out of the reader's scope, who and what are null
    (the decision in `meetings.conflicts`)."""

    _HIDDEN = ("meeting", "occurrence", "title", "organizer")

    start = _utc(source="clash.start", help_text=_("The proposed sitting's start (UTC)."))
    end = _utc(source="clash.end")
    in_scope = serializers.BooleanField(
        help_text=_(
            "Whether you may see the other meeting; if not, only its times, sector and "
            "kind are shown."
        )
    )
    sector = serializers.SerializerMethodField()
    kind = serializers.CharField(source="other.meeting.kind")
    meeting = serializers.IntegerField(source="other.meeting_id", allow_null=True)
    occurrence = serializers.IntegerField(source="other.pk", allow_null=True)
    title = serializers.CharField(source="other.meeting.title", allow_null=True)
    organizer = serializers.CharField(source="other.meeting.organizer.full_name", allow_null=True)
    organizer_time_zone = serializers.CharField(source="other.meeting.time_zone")
    other_start = _utc(source="other.start_at")
    other_end = _utc(source="other.end_at")
    other_start_local = serializers.SerializerMethodField()

    def get_sector(self, seen) -> str:
        meeting = seen.other.meeting
        return str(meeting.platform_sector or meeting.platform)

    def get_other_start_local(self, seen) -> str:
        return wall_clock(seen.other.start_at, seen.other.meeting.zone)

    def to_representation(self, seen):
        data = super().to_representation(seen)
        if not seen.in_scope:
            data.update(dict.fromkeys(self._HIDDEN))
        return data


class SlotSerializer(serializers.Serializer):
    start = _utc()
    end = _utc()


class SlotQuerySerializer(ProposalSerializer):
    count = serializers.IntegerField(min_value=1, max_value=10, default=3)
    after = api_fields.DateTimeField(required=False)


class MinutesSerializer(serializers.ModelSerializer):
    class Meta:
        model = Minutes
        fields = [
            "id",
            "occurrence",
            "key_topics",
            "decisions",
            "recording_url",
            "status",
            "circulated_at",
        ]
        read_only_fields = fields


class MinutesTextSerializer(serializers.Serializer):
    """What the minutes say; a PATCH of existing minutes sends only what it corrects."""

    key_topics = api_fields.TextField(max_length=8000, required=False, allow_blank=True, default="")
    decisions = api_fields.TextField(max_length=8000, required=False, allow_blank=True, default="")
    recording_url = serializers.URLField(required=False, allow_blank=True, default="")


class MinutesInputSerializer(MinutesTextSerializer):
    """The first minutes of a sitting. A sitting the writer may not see is refused exactly as a
    missing one, and whether it has minutes is not said."""

    occurrence = IdRelatedField(queryset=Occurrence.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["occurrence"].queryset = selectors.occurrences_visible_to(
            self.context.get("user")
        )


class ActionPointSerializer(api_fields.ModelSerializer):
    class Meta:
        model = ActionPoint
        fields = ["id", "minutes", "text", "owner", "due_on", "status"]
        read_only_fields = ["id", "status"]


class ActionStatusSerializer(serializers.Serializer):
    status = serializers.ChoiceField(choices=ActionPoint.Status.choices)


class FeedUrlsSerializer(serializers.Serializer):
    public = serializers.CharField()
    sectors = serializers.DictField(child=serializers.CharField())
    private = serializers.CharField(
        allow_null=True,
        help_text=_("Shown only when issued: the token is stored hashed and cannot be read back."),
    )


class AttendedSerializer(serializers.Serializer):
    organization = IdRelatedField(queryset=Organization.objects.all())
    people = serializers.IntegerField(min_value=1, max_value=500, default=1)
    names = serializers.CharField(
        max_length=300,
        required=False,
        allow_blank=True,
        default="",
        help_text=_("Who attended, optionally (e.g. a designated alternate)."),
    )


def _flat(detail, prefix: str = "") -> dict[str, list[str]]:
    """Errors of the nested rows as "attended[2].people: […]", so every 400 keeps the one error
    body (`errors` maps a field to a list of messages)."""
    out: dict[str, list[str]] = {}
    items = detail.items() if isinstance(detail, dict) else enumerate(detail)
    for key, value in items:
        name = f"{prefix}[{key}]" if isinstance(key, int) else f"{prefix}.{key}".lstrip(".")
        if isinstance(value, dict) or (value and not isinstance(value[0], str)):
            for field, messages in _flat(value, name).items():
                out.setdefault(field, []).extend(messages)
        else:
            out[name] = [str(m) for m in value]
    return out


class AttendanceInputSerializer(serializers.Serializer):
    """The organizations that attended a sitting; replaces what was recorded before."""

    attended = AttendedSerializer(many=True, max_length=500, allow_empty=True)

    def to_internal_value(self, data):
        try:
            return super().to_internal_value(data)
        except serializers.ValidationError as error:
            raise serializers.ValidationError(_flat(error.detail)) from None

    def entries(self) -> list[Attended]:
        return [Attended(**row) for row in self.validated_data["attended"]]


class QuorumSerializer(serializers.Serializer):
    members = serializers.IntegerField(help_text=_("Member organizations of the body that day."))
    needed = serializers.IntegerField(help_text=_("Half of the members, rounded up (seed 001)."))
    attended = serializers.IntegerField(help_text=_("Members present (guests do not count)."))
    recorded = serializers.BooleanField()
    reached = serializers.BooleanField()
    sentence = serializers.SerializerMethodField()

    def get_sentence(self, quorum) -> str:
        return quorum.sentence()


class RollLineSerializer(serializers.Serializer):
    organization = serializers.IntegerField(source="organization.pk")
    name = serializers.CharField(source="organization.name")
    acronym = serializers.CharField(source="organization.acronym")
    is_member = serializers.BooleanField(
        help_text=_("A member of the body (counts for the quorum); otherwise an invited guest.")
    )
    attended = serializers.SerializerMethodField()
    people = serializers.SerializerMethodField()
    names = serializers.SerializerMethodField()

    def get_attended(self, line) -> bool:
        return line.attendance is not None

    def get_people(self, line) -> int | None:
        return line.attendance.people if line.attendance else None

    def get_names(self, line) -> str:
        return line.attendance.names if line.attendance else ""


class AttendanceSheetSerializer(serializers.Serializer):
    occurrence = serializers.IntegerField(source="occurrence.pk")
    roll = RollLineSerializer(source="lines", many=True)
    quorum = QuorumSerializer(
        allow_null=True, help_text=_("Null where the body defines no quorum.")
    )
