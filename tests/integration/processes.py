"""Start a helper process for a test, wait (bounded) until it is ready, and always stop it.

Shared by every integration helper that runs a real program (regional_sim, the contract
suite's Medplum, the OIDC provider, janus, coturn, a private dbus-daemon)::

    with running_process(cmd) as proc:
        wait_until_ready(proc, name="janus", ready=answers, timeout_s=20, log=log_tail)
        ...

    with running_process(cmd, capture_output=True) as proc:
        match = wait_for_line(proc, name="regional_sim", pattern=LISTEN_RE, timeout_s=30)

On exit the process is terminated, killed if it does not stop in time, and its pipes are
closed. A process that exits before it is ready raises :class:`ProcessStartError` with the end
of its log; one that is not ready in time raises :class:`TimeoutError`.
"""

from __future__ import annotations

import queue
import re
import socket
import subprocess
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path

_STDERR_TAIL_LINES = 50


def free_port(kind: int = socket.SOCK_STREAM) -> int:
    """A loopback port that is free now (TCP by default, ``socket.SOCK_DGRAM`` for UDP)."""
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ProcessStartError(RuntimeError):
    """The process exited before it was ready; the message ends with its log."""


@contextmanager
def running_process(
    cmd: Sequence[str],
    *,
    cwd: Path | None = None,
    env: Mapping[str, str] | None = None,
    capture_output: bool = False,
    keep_stdin_open: bool = False,
    stop_timeout_s: float = 10.0,
) -> Iterator[subprocess.Popen[str]]:
    """Run ``cmd`` until the context exits, then stop it (see :func:`stop_process`).

    ``capture_output`` pipes stdout and stderr (read them with :func:`wait_for_line`);
    otherwise both go to ``/dev/null``. ``keep_stdin_open`` gives the child a stdin pipe that
    is closed when the context exits (servers that stop at the end of their input).
    """
    output = subprocess.PIPE if capture_output else subprocess.DEVNULL
    proc = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=None if env is None else dict(env),
        stdin=subprocess.PIPE if keep_stdin_open else None,
        stdout=output,
        stderr=output,
        text=True,
    )
    try:
        yield proc
    finally:
        stop_process(proc, timeout_s=stop_timeout_s)


def stop_process(proc: subprocess.Popen[str], *, timeout_s: float = 10.0) -> None:
    """Terminate ``proc``, kill it if it is still running after ``timeout_s``; close its pipes."""
    proc.terminate()
    try:
        proc.wait(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait(timeout=timeout_s)
    for stream in (proc.stdin, proc.stdout, proc.stderr):
        if stream is not None:
            stream.close()


def wait_for_line(
    proc: subprocess.Popen[str], *, name: str, pattern: re.Pattern[str], timeout_s: float
) -> re.Match[str]:
    """Read ``proc``'s stdout until a line matches ``pattern`` (within ``timeout_s``).

    Stdout and stderr are drained by daemon threads from then on, so the child never blocks on
    a full pipe; the last lines of stderr go into the error if the process exits first.
    """
    assert proc.stdout is not None and proc.stderr is not None, "needs capture_output=True"
    stdout, stderr = proc.stdout, proc.stderr
    lines: queue.Queue[str | None] = queue.Queue()
    stderr_tail: list[str] = []

    def pump_stdout() -> None:
        for line in stdout:
            lines.put(line)
        lines.put(None)

    def pump_stderr() -> None:
        for line in stderr:
            stderr_tail.append(line)
            del stderr_tail[:-_STDERR_TAIL_LINES]

    threading.Thread(target=pump_stdout, daemon=True).start()
    pump_err = threading.Thread(target=pump_stderr, daemon=True)
    pump_err.start()
    deadline = time.monotonic() + timeout_s
    while True:
        remaining = deadline - time.monotonic()
        try:
            line = lines.get(timeout=max(remaining, 0))
        except queue.Empty as exc:
            raise TimeoutError(f"{name} did not start within {timeout_s} s") from exc
        if line is None:
            pump_err.join(timeout=1)
            raise ProcessStartError(f"{name} exited early: {''.join(stderr_tail)}")
        match = pattern.search(line)
        if match:
            return match


def wait_until_ready(
    proc: subprocess.Popen[str],
    *,
    name: str,
    ready: Callable[[], bool],
    timeout_s: float,
    interval_s: float = 0.1,
    log: Callable[[], str] = lambda: "",
) -> None:
    """Poll ``ready()`` every ``interval_s`` until it is true (within ``timeout_s``).

    ``log`` gives the end of the process's log for the error if it exits first.
    """
    deadline = time.monotonic() + timeout_s
    while True:
        if proc.poll() is not None:
            raise ProcessStartError(f"{name} exited early: {log()}")
        if ready():
            return
        if time.monotonic() > deadline:
            raise TimeoutError(f"{name} did not start within {timeout_s} s")
        time.sleep(interval_s)
