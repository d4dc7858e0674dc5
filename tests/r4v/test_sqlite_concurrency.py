"""The embedded default under concurrent writes: SQLite answers success or a conflict, never a 500.

The suite's own database may be PostgreSQL, or SQLite in memory, so the writes run in a process
of their own on a SQLite file, with the settings `make run` uses (no DATABASE_URL).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from django.conf import settings

WRITERS = 20

PROCESS = """
import json, threading
import django
django.setup()
from django.core.management import call_command
from django.db import OperationalError, connection, connections
from rest_framework.test import APIClient
from r4v.services import system_user
from sectors.models import Organization, RoleAssignment
from sectors.services import _role_grant
from tests.factories import UserFactory

call_command("migrate", verbosity=0)
# What `make run` serves: a file database in WAL mode.
journal_mode = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
admin = UserFactory(email="admin@example.org")
_role_grant(user=admin, role=RoleAssignment.Role.ADMINISTRATOR, by=system_user())
connections.close_all()

barrier = threading.Barrier({writers})
statuses, errors = [], []


def write(i):
    api = APIClient()
    api.force_authenticate(admin)
    barrier.wait()
    try:
        for j in range(3):
            response = api.post(
                "/api/v1/organizations/",
                {{"name": f"Organization {{i}}-{{j}}", "kind": Organization.Kind.NATIONAL_NGO}},
                format="json",
            )
            statuses.append(response.status_code)
            if response.status_code != 201:
                errors.append(response.content.decode()[:300])
    except OperationalError as error:
        errors.append(str(error))
    finally:
        connection.close()


threads = [threading.Thread(target=write, args=(i,)) for i in range({writers})]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
print(json.dumps({{
    "journal_mode": journal_mode,
    "statuses": sorted(statuses),
    "errors": errors,
    "organizations": Organization.objects.count(),
}}))
"""


def test_concurrent_writes_on_sqlite_never_fail_with_database_is_locked(tmp_path):
    # given: the embedded default, on a file
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="r4v.settings",
        SECRET_KEY=settings.SECRET_KEY,
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        # The on-commit notifications stay in the process, off the developer's var/broker.
        CELERY_BROKER_URL="memory://",
        ALLOWED_HOSTS="testserver",
        PYTHONPATH=str(Path(settings.BASE_DIR)),
    )
    # when: twenty users write at the same instant, three times each
    result = subprocess.run(
        [sys.executable, "-c", PROCESS.format(writers=WRITERS)],
        env=env,
        cwd=Path(settings.BASE_DIR),
        capture_output=True,
        text=True,
        timeout=300,
    )
    # then
    assert result.returncode == 0, result.stderr[-3000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"][:3] == []
    assert outcome["statuses"] == [201] * (WRITERS * 3)
    assert outcome["organizations"] == WRITERS * 3
    assert outcome["journal_mode"] == "wal"
