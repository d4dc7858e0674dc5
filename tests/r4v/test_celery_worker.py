"""E-mail delivery by a real Celery worker process, on each broker the product runs on.

Eager mode would hide serialization, `on_commit` and the broker itself, so the worker here is
the real command line, pointed at the test database and at a mail folder of its own. Each run
uses a queue of its own, so a developer's worker reading the same broker never takes its task.
"""

import json
import os
import signal
import subprocess
import sys
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from kombu import Exchange, Queue

from r4v.celery import app as celery_app
from r4v.models import Notification
from r4v.services import (
    notification_deliver,
    notification_send,
    person_get_or_create,
    system_user,
)
from r4v.tasks import deliver_pending_notifications

from ..conftest import reset_celery_producer
from ..factories import UserFactory

CELERY = Path(sys.executable).parent / "celery"
DELIVERY_TIMEOUT = 40
PUBLISH_SETTINGS = ("broker_url", "broker_transport_options", "task_default_queue")


def _test_database_url() -> str:
    db = connection.settings_dict
    if db["ENGINE"] == "django.db.backends.postgresql":
        credentials = quote(db["USER"] or "", safe="")
        if db["PASSWORD"]:
            credentials += ":" + quote(db["PASSWORD"], safe="")
        host = db["HOST"] or "localhost"
        port = f":{db['PORT']}" if db["PORT"] else ""
        return f"postgres://{credentials}@{host}{port}/{db['NAME']}"
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if name == ":memory:" or "mode=memory" in name:
            pytest.skip(
                "the SQLite test database lives in this process's memory, where a worker process "
                "cannot reach it; run with DATABASE_URL=postgres://… (as CI does)"
            )
        return f"sqlite:///{name}"
    pytest.skip(f"no database URL for {db['ENGINE']}")


def _worker_env(tmp_path: Path, broker_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "r4v.settings",
        "DATABASE_URL": _test_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "CELERY_BROKER_FOLDER": str(tmp_path / "broker"),
        "EMAIL_FILE_PATH": str(tmp_path / "mail"),
        # The worker runs from tmp_path (kombu's filesystem transport writes a `control` folder
        # into the working directory), so the project goes on the path explicitly.
        "PYTHONPATH": os.pathsep.join(
            filter(None, [str(settings.BASE_DIR), os.environ.get("PYTHONPATH")])
        ),
    }
    env.pop("SMTP_HOST", None)
    return env


def _broker_settings(env: dict[str, str], cwd: Path) -> tuple[str, dict]:
    """The broker URL and transport options a process started with `env` reads from settings.

    Publishing with exactly these means publishing where the worker reads, whatever settings.py
    does with the environment.
    """
    code = (
        "import json; from django.conf import settings; "
        "print(json.dumps([settings.CELERY_BROKER_URL, settings.CELERY_BROKER_TRANSPORT_OPTIONS]))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=cwd, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    url, options = json.loads(result.stdout.strip().splitlines()[-1])
    return url, options


@contextmanager
def _publishing_to(url: str, options: dict, queue: str):
    """Make this process's on-commit `.delay()` publish to `queue` on the worker's broker."""
    saved = {key: celery_app.conf[key] for key in PUBLISH_SETTINGS}
    celery_app.conf.update(
        broker_url=url, broker_transport_options=options, task_default_queue=queue
    )
    reset_celery_producer()
    try:
        yield
    finally:
        celery_app.conf.update(saved)
        reset_celery_producer()


@contextmanager
def _worker(env: dict[str, str], cwd: Path, queue: str):
    log_path = cwd / "worker.log"
    with log_path.open("w") as log:
        process = subprocess.Popen(
            [
                str(CELERY), "-A", "r4v", "worker", "--pool=solo", "--concurrency=1",
                "--queues", queue, "--hostname", f"{queue}@%h",
                "--without-mingle", "--without-gossip", "--without-heartbeat", "--loglevel=INFO",
            ],
            env=env,
            cwd=cwd,
            stdout=log,
            stderr=subprocess.STDOUT,
            # Its own process group, so the whole group can be stopped whatever it started.
            start_new_session=True,
        )  # fmt: skip
    try:
        yield process, log_path
    finally:
        _stop(process)


def _stop(process: subprocess.Popen) -> None:
    """SIGTERM for a warm shutdown, SIGKILL if it takes longer than ten seconds."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        if process.poll() is not None:
            return
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            continue


def _mail_with(subject: str, mail_dir: Path) -> list[str]:
    if not mail_dir.exists():
        return []
    messages = [m for f in sorted(mail_dir.iterdir()) for m in f.read_text().split("-" * 79)]
    return [m for m in messages if f"Subject: {subject}" in m]


def _discard_queue(url: str, options: dict, queue: str) -> None:
    """Leave no queue, binding or message behind on a shared broker.

    A channel deletes only the bindings it declared itself, hence the declare first.
    """
    with celery_app.connection_for_write(url, transport_options=options) as conn:
        declared = Queue(queue, Exchange(queue), routing_key=queue).bind(conn.default_channel)
        declared.declare()
        declared.purge()
        declared.delete()


@dataclass
class RealWorker:
    process: subprocess.Popen
    log_path: Path
    mail_dir: Path

    def wait_for(self, done, what: str) -> str:
        """Poll `done()` until it is true; fail with the worker's log after the timeout."""
        deadline = time.monotonic() + DELIVERY_TIMEOUT
        while time.monotonic() < deadline:
            assert self.process.poll() is None, f"the worker exited early:\n{self.log()}"
            if done():
                return self.log()
            time.sleep(0.2)
        pytest.fail(f"{what} not done in {DELIVERY_TIMEOUT} s:\n{self.log()}")

    def log(self) -> str:
        return self.log_path.read_text()

    def mail_with(self, subject: str) -> list[str]:
        return _mail_with(subject, self.mail_dir)


@pytest.fixture(params=["filesystem", "redis"])
def real_worker(request, transactional_db, tmp_path):
    """A worker process on a queue of its own, on each broker; this process publishes there."""
    if request.param == "redis":
        if not os.environ.get("REDIS_URL"):
            pytest.skip("REDIS_URL is not set; CI sets it to run this case against Redis")
        broker_url = os.environ["REDIS_URL"]
    else:
        broker_url = "filesystem://"
    env = _worker_env(tmp_path, broker_url)
    url, options = _broker_settings(env, tmp_path)
    if url.startswith("filesystem"):
        # Where this process declares its queue binding; the worker's is under its own cwd.
        options = {**options, "control_folder": str(tmp_path / "control")}
    queue = f"r4v-test-{uuid.uuid4().hex[:12]}"
    with _publishing_to(url, options, queue), _worker(env, tmp_path, queue) as (process, log_path):
        try:
            yield RealWorker(process, log_path, tmp_path / "mail")
        finally:
            _discard_queue(url, options, queue)


def test_a_real_worker_e_mails_a_notification_sent_in_a_committed_transaction(real_worker):
    # given
    recipient = UserFactory(email="coordinator@example.org", full_name="Ana Coordinator")
    subject = f"Worker delivery check {uuid.uuid4().hex[:12]}"
    # when
    with transaction.atomic():
        [notification] = notification_send(recipients=[recipient], subject=subject, body="Hello.")
    # then
    log = real_worker.wait_for(
        lambda: (
            Notification.objects.filter(pk=notification.pk, emailed_at__isnull=False).exists()
            and real_worker.mail_with(subject)
        ),
        "the notification's e-mail",
    )
    [message] = real_worker.mail_with(subject)
    assert "To: coordinator@example.org" in message
    assert "Hello." in message
    assert "r4v.deliver_notification" in log


def test_a_real_worker_e_mails_the_invitation_of_a_person_added_without_a_password(real_worker):
    # when: a co-coordinator is designated who has no account yet
    with transaction.atomic():
        person = person_get_or_create(
            email="new.coordinator@example.org", full_name="Nueva Persona", by=system_user()
        )
    # then: the worker e-mails them a link to choose a password
    log = real_worker.wait_for(
        lambda: real_worker.mail_with("Your R4V Coordination account"), "the invitation"
    )
    [message] = real_worker.mail_with("Your R4V Coordination account")
    assert "To: new.coordinator@example.org" in message
    assert "/accounts/password/reset/" in message
    assert "r4v.send_invitation" in log
    assert not person.has_usable_password()


def test_the_sweeper_e_mails_an_old_undelivered_notification_exactly_once(db, mailoutbox):
    # given: one whose on-commit delivery was lost five minutes ago, one just created
    recipient = UserFactory(email="late@example.org")
    lost = Notification.objects.create(
        recipient=recipient,
        subject="Lost on the way",
        created_at=timezone.now() - timezone.timedelta(minutes=5),
    )
    fresh = Notification.objects.create(recipient=recipient, subject="Just sent")
    # when
    first = deliver_pending_notifications()
    second = deliver_pending_notifications()
    # then
    assert (first, second) == (1, 0)
    assert [(m.subject, m.to) for m in mailoutbox] == [("Lost on the way", ["late@example.org"])]
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.emailed_at is not None
    assert fresh.emailed_at is None


def test_the_sweeper_skips_a_notification_the_on_commit_task_already_sent(db, mailoutbox):
    # given
    notification = Notification.objects.create(
        recipient=UserFactory(email="once@example.org"),
        subject="Sent once",
        created_at=timezone.now() - timezone.timedelta(minutes=5),
    )
    assert notification_deliver(notification_id=notification.pk) is True
    # when
    swept = deliver_pending_notifications()
    # then
    assert swept == 0
    assert [m.subject for m in mailoutbox] == ["Sent once"]


def test_a_process_that_is_not_the_worker_knows_the_tasks_it_enqueues_by_name():
    # given: a fresh process, as the web server or a management command is (services enqueue
    # by name, and Celery's autodiscovery runs only in the worker)
    code = (
        "import django; django.setup(); from r4v.celery import app; "
        "print(sorted(n for n in app.tasks if n.startswith('r4v.')))"
    )
    # when
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "r4v.settings", "DEBUG": "1"},
        cwd=settings.BASE_DIR,
        check=True,
    )
    # then
    assert "r4v.send_invitation" in result.stdout and "r4v.deliver_notification" in result.stdout
