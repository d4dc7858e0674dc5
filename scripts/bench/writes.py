"""Parallel writes: workflow transitions of different tasks sent at once, against one at a time.

Each round submits 20 tasks that wait in draft, through the API as a script would
(`POST /api/v1/tasks/{id}/transitions/` with `{"action": "submit", "version": n}` and a token),
and 20 other such tasks one after another; the throughput of the first over the second is the
ratio. The tasks are different rows, so nothing in the product should make one writer wait
for another: on a 2-core machine the target is >= 1.5.

The tasks come from a cycle opened and generated for the measurement (`cycle_open`,
`cycle_generate`, as the Regional Platform team does) before the first round, so every round
starts on tasks in the state the transition needs, and the time to make them is not counted.
The person who submits is a platform team member of every national and sub-regional platform
(the drafters of the platform tasks), logged in through the token endpoint of the running
server. The cycle, its tasks and what their moves wrote (history, reminders, notifications)
are deleted afterwards, so the read measurements of the next run see the same dataset.

While each batch runs, a second connection samples `pg_locks` for backends that wait: when
writers of different rows do queue on each other, that names the lock they queue on.
"""

import datetime
import json
import statistics
import threading
import time
import urllib.error
import urllib.request

NAME = "parallel writes"
BATCH = 20
# Writers of different rows must not queue on each other.
TARGET = 1.5
WRITER = "bench.writer@bench.example"
CYCLE_PREFIX = "Bench writes"


def _writer():
    from r4v.models import User
    from r4v.services import system_user
    from scripts.bench.cycle_data import PASSWORD
    from sectors.models import Platform, RoleAssignment
    from sectors.services import _role_grant

    user = User.objects.filter(email=WRITER).first()
    if user is None:
        user = User.objects.create(email=WRITER, full_name="Bench Writer")
        user.set_password(PASSWORD)
        user.save(update_fields=["password"])
    for platform in Platform.objects.exclude(kind=Platform.Kind.REGIONAL):
        # Idempotent: an active assignment is returned as it is.
        _role_grant(
            user=user, role=RoleAssignment.Role.PLATFORM_TEAM, platform=platform, by=system_user()
        )
    return user


def cleanup() -> None:
    """Delete the measurement's cycles and everything their moves wrote."""
    from django.db import transaction

    from program_cycle import reminders
    from program_cycle.models import Cycle, Submission, Task, Transition
    from r4v.models import Notification, Reminder

    cycles = list(Cycle.objects.filter(name__startswith=CYCLE_PREFIX).values_list("pk", flat=True))
    if not cycles:
        return
    tasks = list(Task.objects.filter(cycle__in=cycles).values_list("pk", flat=True))
    submissions = list(Submission.objects.filter(task__in=tasks).values_list("pk", flat=True))
    urls = [Task(pk=pk).get_absolute_url() for pk in tasks]
    with transaction.atomic():
        Transition.objects.filter(task__in=tasks).delete()
        Submission.objects.filter(pk__in=submissions).delete()
        Task.objects.filter(pk__in=tasks).delete()
        Cycle.objects.filter(pk__in=cycles).delete()
        Reminder.objects.filter(
            kind__in=[reminders.DEADLINE, reminders.STEP_WAITING], target_id__in=tasks
        ).delete()
        Notification.objects.filter(url__in=urls).delete()
        # simple-history keeps a row per change and per delete: they go too.
        Task.history.model.objects.filter(id__in=tasks).delete()
        Submission.history.model.objects.filter(id__in=submissions).delete()
        Cycle.history.model.objects.filter(id__in=cycles).delete()


def prepare(rounds: int) -> list[dict]:
    """Tasks the writer may submit: two batches per round, plus one warm-up round."""
    from django.db.models import Max
    from django.utils import timezone

    from program_cycle import services, workflow
    from program_cycle.models import Cycle, CycleKind, Task, TaskState
    from r4v.services import system_user

    cleanup()
    writer = _writer()
    wanted = (rounds + 1) * 2 * BATCH
    today = timezone.localdate()
    ready: list[dict] = []
    # RMNA first: the most tasks a platform team drafts (its JNA, and a PiN and a narrative
    # per sector); another kind only if the rounds need more.
    for n, kind in enumerate([CycleKind.RMNA, *(k for k in CycleKind if k != CycleKind.RMNA)]):
        if len(ready) >= wanted:
            break
        cycle = services.cycle_open(
            name=f"{CYCLE_PREFIX} {n + 1} ({kind})",
            kind=kind,
            # One cycle per kind and year: a year after the dataset's cycles.
            year=(Cycle.objects.filter(kind=kind).aggregate(year=Max("year"))["year"] or 0) + 1,
            opens_on=today,
            submissions_due_on=today + datetime.timedelta(days=60),
            clearance_due_on=today + datetime.timedelta(days=80),
            closes_on=today + datetime.timedelta(days=100),
            by=system_user(),
        )
        services.cycle_generate(cycle=cycle, by=system_user())
        drafts = Cycle.objects.get(pk=cycle.pk).tasks.filter(state=TaskState.DRAFT)
        for task in drafts.select_related("task_type", "platform", "cycle").order_by("pk"):
            if "submit" in workflow.task_allowed_actions(writer, task):
                ready.append({"id": task.pk, "version": task.version})
    if len(ready) < wanted:
        raise SystemExit(f"{NAME}: {len(ready)} tasks to submit, {wanted} needed: fewer --rounds")
    assert not Task.objects.filter(pk__in=[t["id"] for t in ready[:wanted]]).exclude(
        state=TaskState.DRAFT
    )
    return ready[:wanted]


def _post(base: str, token: str, task: dict) -> tuple[int, float, bytes]:
    request = urllib.request.Request(
        f"{base}/api/v1/tasks/{task['id']}/transitions/",
        data=json.dumps({"action": "submit", "version": task["version"]}).encode(),
        headers={"Authorization": f"Token {token}", "Content-Type": "application/json"},
    )
    start = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            body, status = response.read(), response.status
    except urllib.error.HTTPError as error:
        body, status = error.read(), error.code
    return status, time.perf_counter() - start, body


def _get(base: str, token: str, task: dict) -> tuple[int, float, bytes]:
    request = urllib.request.Request(
        f"{base}/api/v1/tasks/{task['id']}/", headers={"Authorization": f"Token {token}"}
    )
    start = time.perf_counter()
    with urllib.request.urlopen(request, timeout=120) as response:
        return response.status, time.perf_counter() - start, response.read()


def _one_by_one(send, base: str, token: str, batch: list[dict]) -> tuple[float, list]:
    start = time.perf_counter()
    answers = [send(base, token, task) for task in batch]
    return time.perf_counter() - start, answers


def _all_at_once(send, base: str, token: str, batch: list[dict]) -> tuple[float, list]:
    answers: list = [None] * len(batch)
    # Every thread is started and waiting before the clock starts, so what is timed is the
    # requests, not starting threads.
    ready = threading.Barrier(len(batch) + 1)

    def run(i: int, task: dict) -> None:
        ready.wait()
        answers[i] = send(base, token, task)

    threads = [threading.Thread(target=run, args=(i, task)) for i, task in enumerate(batch)]
    for thread in threads:
        thread.start()
    ready.wait()
    start = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - start, answers


class _LockWatch:
    """Samples, while a batch runs, which backends of the bench database wait on a lock.

    The answer to "did writers queue on each other": a waiting backend waits for a lock
    another transaction holds (a row, or the transaction that wrote it), named here by
    lock type and table. A separate connection, polling every 20 ms.
    """

    QUERY = """
        SELECT l.locktype, coalesce(l.relation::regclass::text, '')
        FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
        WHERE NOT l.granted AND a.datname = current_database()
    """

    def __init__(self, dsn: str):
        self.dsn = dsn
        self.waits: dict[str, int] = {}
        self.samples = 0
        self._stop = threading.Event()

    def __enter__(self):
        import psycopg2

        self._connection = psycopg2.connect(self.dsn)
        self._connection.autocommit = True
        self._thread = threading.Thread(target=self._poll)
        self._thread.start()
        return self

    def _poll(self) -> None:
        with self._connection.cursor() as cursor:
            while not self._stop.is_set():
                cursor.execute(self.QUERY)
                self.samples += 1
                for locktype, relation in cursor.fetchall():
                    key = f"{locktype} {relation}".strip()
                    self.waits[key] = self.waits.get(key, 0) + 1
                self._stop.wait(0.02)

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()
        self._connection.close()


def _check(answers: list, batch: list[dict]) -> None:
    for (status, _seconds, body), task in zip(answers, batch, strict=True):
        if status != 200:
            raise SystemExit(f"{NAME}: task {task['id']} answered {status}: {body[:300]!r}")


def measure(base: str, token: str, tasks: list[dict], rounds: int, dsn: str) -> dict:
    """Per round: one batch sent one by one, another all at once (the order alternates)."""
    # Warm-up, not counted: every worker thread imports the project and opens its database
    # connection on its first request; then one round of writes.
    for _ in range(2):
        _all_at_once(_get, base, token, tasks[:BATCH])
    per_round = []
    for n in range(rounds + 1):
        sequential, parallel = (
            tasks[2 * n * BATCH : (2 * n + 1) * BATCH],
            tasks[(2 * n + 1) * BATCH : (2 * n + 2) * BATCH],
        )
        timed = {}
        order = ("sequential", "parallel") if n % 2 else ("parallel", "sequential")
        for mode in order:
            batch = sequential if mode == "sequential" else parallel
            send = _one_by_one if mode == "sequential" else _all_at_once
            with _LockWatch(dsn) as watch:
                seconds, answers = send(_post, base, token, batch)
            _check(answers, batch)
            timed[mode] = {
                "rps": len(batch) / seconds,
                "p50_ms": statistics.median(a[1] for a in answers) * 1000,
                "max_ms": max(a[1] for a in answers) * 1000,
                "lock_waits": watch.waits,
                "samples": watch.samples,
            }
        if n:
            per_round.append(timed)
    result = {"rounds": per_round, "batch": BATCH, "target": TARGET}
    for mode in ("sequential", "parallel"):
        result[mode] = {
            key: statistics.median(r[mode][key] for r in per_round)
            for key in ("rps", "p50_ms", "max_ms")
        }
    # Waiting locks, by lock type and table, summed over the samples of the counted rounds'
    # parallel batches (the sequential ones are watched too, so both pay for the watching).
    waits: dict[str, int] = {}
    for r in per_round:
        for key, count in r["parallel"]["lock_waits"].items():
            waits[key] = waits.get(key, 0) + count
    result["parallel_lock_waits"] = waits
    result["parallel_samples"] = sum(r["parallel"]["samples"] for r in per_round)
    # The median of each round's own ratio: a round's two batches run back to back, so other
    # work on the machine that comes and goes between rounds weighs on both sides alike.
    result["ratio"] = round(
        statistics.median(r["parallel"]["rps"] / r["sequential"]["rps"] for r in per_round), 2
    )
    return result
