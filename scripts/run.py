"""Run the Procfile's processes with honcho, as `make run` does: `python scripts/run.py --port 8000`.

honcho prefixes each process's lines and stops them all on Ctrl-C (SIGINT) and SIGTERM. Two
things it lacks are added here:
- a hang-up (the terminal window closed) stops them too. honcho starts each process in a session
  of its own, so only honcho hears the hang-up; left to its default it would die and leave the
  worker running, and the next `make run` would start a second worker on the same broker folder.
  The shell passes the hang-up on to its jobs; where no shell does (make itself leads the
  terminal's session), a watch on the terminal notices that it is gone;
- the port is checked first, so a second `make run` says so instead of a web process failing
  amid the worker's start-up lines.
A stop that was asked for exits 0, so that make prints no error after it.
"""

import argparse
import errno
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from pathlib import Path

from honcho.environ import expand_processes, parse_procfile
from honcho.manager import Manager
from honcho.printer import Printer

BASE_DIR = Path(__file__).resolve().parent.parent


def port_taken(host: str, port: int) -> bool:
    with socket.socket() as probe:
        try:
            probe.bind((host, port))
        except OSError as error:
            return error.errno == errno.EADDRINUSE
    return False


class _Output:
    """The terminal, until it goes away: then nothing, instead of an EIO error in honcho."""

    def __init__(self, stream):
        self.stream = stream

    def write(self, text):
        try:
            self.stream.write(text)
            self.stream.flush()
        except OSError:
            self.silence()

    def flush(self):
        pass

    def isatty(self):
        return self.stream.isatty()

    def silence(self):
        self.stream = open(os.devnull, "w")  # noqa: SIM115 (lives as long as the process)


class _Manager(Manager):
    def __init__(self, output: _Output):
        super().__init__(Printer(output))
        self._output = output
        self._owner = os.getpid()

    def _start(self):
        # honcho has just set its SIGINT and SIGTERM handlers in `loop`; these replace them, add
        # the hang-up, and make a stop that was asked for a success.
        for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
            signal.signal(signum, self._stop)
        super()._start()

    def _stop(self, signum, frame):
        # honcho reads each process's output in a process forked from this one, which inherits
        # this handler: there the signal is ignored, and this process stops them all.
        if os.getpid() != self._owner:
            return
        if signum == signal.SIGHUP:
            self._output.silence()
        self._system_print(f"{signal.Signals(signum).name} received: stopping\n")
        self.returncode = 0
        self.terminate()


def _watch_terminal(fd: int) -> None:
    """Hang up this process once the terminal on `fd` is gone, whoever was told."""
    while True:
        time.sleep(0.5)
        try:
            os.tcgetpgrp(fd)
        except OSError:
            os.kill(os.getpid(), signal.SIGHUP)
            return


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument(
        "--check-port", action="store_true", help="only check that the port is free, then exit"
    )
    args = parser.parse_args()
    if port_taken(args.host, args.port):
        print(
            f"Port {args.port} on {args.host} is in use: another `make run`, or another server, "
            f"is running. Stop it, or choose another port: make run PORT={args.port + 1}",
            file=sys.stderr,
        )
        return 1
    if args.check_port:
        return 0
    # The Procfile names `python` and `celery`: the ones beside this interpreter (the venv's).
    env = {
        **os.environ,
        "HOST": args.host,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "PYTHONUNBUFFERED": "1",
    }
    # honcho's readers must be forks of this process, which inherit `_Manager._stop` (the
    # default start method becomes forkserver in Python 3.14).
    multiprocessing.set_start_method("fork")
    procfile = parse_procfile((BASE_DIR / "Procfile").read_text())
    manager = _Manager(_Output(sys.stdout))
    for process in expand_processes(procfile.processes, port=args.port):
        manager.add_process(process.name, process.cmd, env={**env, **process.env}, cwd=BASE_DIR)
    if sys.stdout.isatty():
        threading.Thread(target=_watch_terminal, args=(sys.stdout.fileno(),), daemon=True).start()
    manager.loop()
    return manager.returncode


if __name__ == "__main__":
    sys.exit(main())
