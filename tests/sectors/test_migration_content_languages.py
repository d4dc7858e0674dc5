"""Migration 0006 keeps every text written before texts were kept per language.

The migration runs for real, from 0005 to 0006, in a process of its own on a SQLite file (as
tests/r4v/test_sqlite_concurrency.py does): the suite's own database is already migrated and
shared by the other tests, so it is not rolled back and forth here.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

BEFORE = ("sectors", "0005_platform_coordination_contacts")
AFTER = ("sectors", "0006_content_languages")

PROCESS = """
import json
import django
django.setup()
from django.core.management import call_command
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

# Only what 0005 needs: the rest of the project's migrations are not this test's subject.
call_command("migrate", "sectors", "{before}", verbosity=0)
old = MigrationExecutor(connection).loader.project_state(("sectors", "{before}")).apps
Platform = old.get_model("sectors", "Platform")
Sector = old.get_model("sectors", "Sector")
PlatformSector = old.get_model("sectors", "PlatformSector")
History = old.get_model("sectors", "HistoricalPlatformSector")
platform = Platform.objects.create(code="regional", kind="regional", name_en="R", name_es="R")
sector = Sector.objects.create(code="health", kind="sector", name_en="Health", name_es="Salud")
ps = PlatformSector.objects.create(
    platform=platform,
    sector=sector,
    purpose="Coordinates the health response.",
    selection_procedure="Partners vote every two years.",
)
History.objects.create(
    id=ps.pk,
    platform_id=platform.pk,
    sector_id=sector.pk,
    is_active=True,
    purpose="An earlier purpose.",
    selection_procedure="An earlier procedure.",
    history_date="2025-01-01T00:00:00Z",
    history_type="~",
)

call_command("migrate", "sectors", "{after}", verbosity=0)
from sectors.models import PlatformSector

ps = PlatformSector.objects.get()
record = ps.history.get()
print(json.dumps({{
    "live": [ps.purpose_en, ps.purpose_es, ps.selection_procedure_en, ps.selection_procedure_es],
    "history": [record.purpose_en, record.purpose_es, record.selection_procedure_en],
}}))
"""


def test_migrating_moves_every_existing_text_to_its_english_version_history_included(tmp_path):
    # given: the embedded default's settings, on a file of its own
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="r4v.settings",
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        CELERY_BROKER_URL="memory://",
        PYTHONPATH=str(Path(settings.BASE_DIR)),
    )
    # when: a sector written before 0006, with a history row, is migrated
    result = subprocess.run(
        [sys.executable, "-c", PROCESS.format(before=BEFORE[1], after=AFTER[1])],
        env=env,
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=300,
    )
    # then: every text is now its English version, and the Spanish ones are empty
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["live"] == [
        "Coordinates the health response.",
        "",
        "Partners vote every two years.",
        "",
    ]
    assert outcome["history"] == ["An earlier purpose.", "", "An earlier procedure."]
