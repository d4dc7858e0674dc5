from django.urls import path

from . import feeds, sitting_views, views

app_name = "meetings"

urlpatterns = [
    path("calendar/", views.calendar, name="calendar"),
    path("meetings/new/", views.meeting_schedule, name="meeting-schedule"),
    path("meetings/new/conflicts/", views.conflicts_live, name="meeting-conflicts"),
    path("meetings/new/slots/", views.slots_live, name="meeting-slots"),
    path("meetings/<int:pk>/", views.meeting_detail, name="meeting-detail"),
    path("meetings/<int:pk>/cancel/", views.meeting_cancel, name="meeting-cancel"),
    path("meetings/sittings/<int:pk>/minutes/", views.minutes_edit, name="minutes-edit"),
    path("meetings/sittings/<int:pk>/change/", sitting_views.sitting_change, name="sitting-change"),
    path(
        "meetings/sittings/<int:pk>/attendance/",
        sitting_views.attendance_edit,
        name="attendance-edit",
    ),
    path("meetings/feeds/", views.feeds_page, name="feeds"),
    # Before the sector feed: a token is also a valid slug.
    path("calendar/private/<str:token>.ics", feeds.private_feed, name="feed-private"),
    path("calendar/public.ics", feeds.public_feed, name="feed-public"),
    path("calendar/<slug:platform>/<slug:sector>.ics", feeds.sector_feed, name="feed-sector"),
]
