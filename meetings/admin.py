"""Admin for the calendar: view only; meetings change through their services and pages, which
keep sittings, audience keys, reminders and notifications in step."""

from django.contrib import admin

from r4v.admin import ReadOnlyAdmin, ReadOnlyAuditedAdmin

from .models import ActionPoint, Conflict, FeedToken, Meeting, Minutes, Occurrence


@admin.register(Meeting)
class MeetingAdmin(ReadOnlyAuditedAdmin):
    list_display = (
        "title",
        "kind",
        "platform_sector",
        "platform",
        "start_at",
        "status",
        "sequence",
    )
    list_filter = ("kind", "status", "visibility", "platform")
    search_fields = ("title",)
    date_hierarchy = "start_at"


@admin.register(Occurrence)
class OccurrenceAdmin(ReadOnlyAuditedAdmin):
    list_display = ("meeting", "original_start", "start_at", "end_at", "is_cancelled")
    list_filter = ("is_cancelled",)


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyAuditedAdmin):
    list_display = ("key", "found_at", "notified_at", "accepted_by", "accepted_at")


@admin.register(Minutes)
class MinutesAdmin(ReadOnlyAuditedAdmin):
    list_display = ("occurrence", "status", "circulated_at")


@admin.register(ActionPoint)
class ActionPointAdmin(ReadOnlyAuditedAdmin):
    list_display = ("text", "owner", "due_on", "status")
    list_filter = ("status",)


@admin.register(FeedToken)
class FeedTokenAdmin(ReadOnlyAdmin):
    list_display = ("user", "created_at", "revoked_at")
    exclude = ("token_hash",)
