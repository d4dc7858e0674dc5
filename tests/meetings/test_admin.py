"""The calendar in the admin: every model listed and opened, view only."""

from django.apps import apps
from django.contrib import admin
from django.urls import reverse

from ..conftest import client_for
from .conftest import schedule


def test_the_administrator_lists_and_opens_each_calendar_model_without_editing(client, cal):
    meeting = schedule(cal.regional_team, platform_sector=cal.world.regional_health)
    client_for(client, cal.personas["admin"])
    for model in (
        m for m in apps.get_app_config("meetings").get_models() if m in admin.site._registry
    ):
        name = f"admin:meetings_{model._meta.model_name}"
        assert client.get(reverse(f"{name}_changelist")).status_code == 200, model
        assert client.get(reverse(f"{name}_add")).status_code == 403, model
    change = client.get(reverse("admin:meetings_meeting_change", args=[meeting.pk]))
    assert change.status_code == 200 and 'name="_save"' not in change.content.decode()
