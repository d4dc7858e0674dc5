"""`make run` in a terminal: web, worker and beat under honcho, all stopped by Ctrl-C or a hang-up.

Each test runs `make serve` (the last step of `make run`, without the demo data) in a copy of the
checkout, so that its SQLite database, broker folder and beat schedule are temporary, on a
pseudo-terminal of its own: typing Ctrl-C there is what a person does, and closing it is what
closing the terminal window does. Every process started carries a marker in its environment,
by which the test finds any that outlived the stop.
"""

import os
import pty
import select
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
import warnings
from pathlib import Path

import pytest
from django.conf import settings

BASE_DIR = Path(settings.BASE_DIR)
MARKER = "R4V_RUN_COMMAND_TEST"
# What each process prints once it is up.
READY = {
    "web": "Quit the server with CONTROL-C",
    "worker": "ready.",
    "beat": "beat: Starting...",
}
NOISE = ["Segmentation fault", "Terminated", "make: ***", "Traceback", "Error"]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def checkout(tmp_path) -> Path:
    copy = tmp_path / "checkout"
    shutil.copytree(
        BASE_DIR,
        copy,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "var", "staticfiles", "__pycache__", ".env", "tests"
        ),
    )
    return copy


def _environment(marker: str) -> dict[str, str]:
    # The embedded defaults, as on a new user's machine: no database, broker or Redis named.
    unset = {"DATABASE_URL", "REDIS_URL", "CELERY_BROKER_URL", "CELERY_BROKER_FOLDER"}
    unset |= {"EMAIL_FILE_PATH", "STATIC_ROOT", "DJANGO_ALLOW_ASYNC_UNSAFE", "MAKEFLAGS"}
    env = {key: value for key, value in os.environ.items() if key not in unset}
    return {**env, MARKER: marker, "TERM": "dumb"}


def _make_serve(checkout: Path, port: int) -> list[str]:
    # This interpreter's venv, wherever the checkout's copy is.
    return ["make", "serve", f"VENV={sys.prefix}", f"PORT={port}"]


def _line_with(text: str, part: str) -> str:
    return next(line for line in text.splitlines() if part in line)


def _survivors(marker: str) -> list[str]:
    """The processes still running (not zombies) that this test started."""
    found = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            environ = (proc / "environ").read_bytes()
            state = (proc / "stat").read_text().rsplit(")", 1)[1].split()[0]
            cmdline = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if f"{MARKER}={marker}".encode() in environ.split(b"\0") and state != "Z":
            found.append(f"{proc.name}: {cmdline}")
    return found


def _wait_for_no_survivors(marker: str, seconds: float) -> list[str]:
    deadline = time.monotonic() + seconds
    while (left := _survivors(marker)) and time.monotonic() < deadline:
        time.sleep(0.2)
    return left


class Terminal:
    """`make serve` on a pseudo-terminal of its own, as in a terminal window."""

    def __init__(self, checkout: Path, port: int, marker: str):
        self.output = b""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", DeprecationWarning)
            self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: make, in the terminal's session
            os.chdir(checkout)
            os.execvpe("make", _make_serve(checkout, port), _environment(marker))

    def read(self, seconds: float, until=lambda text: False) -> str:
        deadline = time.monotonic() + seconds
        while not until(self.text) and time.monotonic() < deadline:
            ready, _, _ = select.select([self.fd], [], [], 0.2)
            if ready:
                try:
                    chunk = os.read(self.fd, 65536)
                except OSError:  # every process has closed the terminal
                    break
                if not chunk:
                    break
                self.output += chunk
        return self.text

    @property
    def text(self) -> str:
        return self.output.decode(errors="replace")

    def wait_until_all_run(self):
        text = self.read(45, until=lambda t: all(line in t for line in READY.values()))
        missing = [name for name, line in READY.items() if line not in text]
        assert not missing, f"{missing} did not start:\n{text[-3000:]}"

    def exit_status(self, seconds: float) -> int | None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            pid, status = os.waitpid(self.pid, os.WNOHANG)
            if pid:
                return status
            time.sleep(0.1)
        return None

    def kill(self):
        try:
            os.killpg(self.pid, signal.SIGKILL)
        except OSError:
            pass


@pytest.fixture
def terminal(checkout):
    # pytest may run threads (the browser tests' live server); the forked child only execs, so
    # forkpty's warning about locks held by other threads does not apply.
    marker = uuid.uuid4().hex
    term = Terminal(checkout, _free_port(), marker)
    term.marker = marker
    yield term
    # A failed test leaves nothing running behind it.
    term.kill()
    for line in _survivors(marker):
        os.kill(int(line.split(":")[0]), signal.SIGKILL)


def test_ctrl_c_stops_web_worker_and_beat_quietly(terminal, checkout):
    # given: the three running, each line prefixed by its process, on the copy's own broker
    terminal.wait_until_all_run()
    assert (checkout / "var" / "broker").is_dir()
    for name, line in READY.items():
        assert f"{name}.1 " in _line_with(terminal.text, line)
    # when: Ctrl-C in the terminal
    os.write(terminal.fd, b"\x03")
    text = terminal.read(30)
    status = terminal.exit_status(10)
    # then: everything stopped, with no error printed
    assert _wait_for_no_survivors(terminal.marker, 10) == []
    assert status is not None
    assert "SIGINT received: stopping" in text
    assert [noise for noise in NOISE if noise in text] == [], text[-3000:]


@pytest.mark.parametrize(
    "hang_up",
    [
        # A shell leading the terminal's session passes the hang-up on to its jobs.
        pytest.param(lambda term: os.killpg(term.pid, signal.SIGHUP), id="shell-passes-it-on"),
        # Here make leads the session: the kernel tells only make, which waits for its child.
        pytest.param(lambda term: os.close(term.fd), id="terminal-closed"),
    ],
)
def test_a_hang_up_stops_web_worker_and_beat(terminal, hang_up):
    # given
    terminal.wait_until_all_run()
    # when: the terminal window is closed
    hang_up(terminal)
    # then: no process of the run is left, the worker included
    assert _wait_for_no_survivors(terminal.marker, 20) == []
    assert terminal.exit_status(10) is not None


def test_a_taken_port_is_named_before_anything_starts(checkout):
    # given: something listening on the port
    marker = uuid.uuid4().hex
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        port = other.getsockname()[1]
        # when
        result = subprocess.run(
            _make_serve(checkout, port),
            cwd=checkout,
            env=_environment(marker),
            capture_output=True,
            text=True,
            timeout=30,
        )
    # then
    assert result.returncode != 0
    assert f"Port {port} on 127.0.0.1 is in use" in result.stderr
    assert f"make run PORT={port + 1}" in result.stderr
    assert "started" not in result.stdout
    assert _survivors(marker) == []
