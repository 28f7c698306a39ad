"""Start the real regional_sim process on a free loopback port for tests and benches."""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
_LISTEN_RE = re.compile(r"regional_sim listening on (https?://[0-9.]+:\d+)")


@dataclass(frozen=True)
class RunningSim:
    """A started server: its base URL, FHIR base, start-up time and process."""

    url: str
    fhir: str
    startup_s: float
    process: subprocess.Popen[str]


@contextmanager
def regional_sim(
    db_path: Path,
    *,
    extra_args: Sequence[str] = (),
    timeout_s: float = 30.0,
    host: str = "127.0.0.1",
) -> Iterator[RunningSim]:
    """Run ``python -m regional_sim --port 0`` until the context exits (bounded waits)."""
    cmd = [
        sys.executable,
        "-m",
        "regional_sim",
        "--host",
        host,
        "--port",
        "0",
        "--db",
        str(db_path),
        *extra_args,
    ]
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1")
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd,
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()

    def pump() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=pump, daemon=True).start()
    url = None
    try:
        deadline = time.monotonic() + timeout_s
        while url is None:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError("regional_sim did not start in time")
            try:
                line = lines.get(timeout=remaining)
            except queue.Empty as exc:
                raise TimeoutError("regional_sim did not start in time") from exc
            if line is None:
                err = proc.stderr.read() if proc.stderr else ""
                raise RuntimeError(f"regional_sim exited early: {err}")
            match = _LISTEN_RE.search(line)
            if match:
                url = match.group(1)
        startup_s = time.perf_counter() - started
        yield RunningSim(url=url, fhir=f"{url}/fhir", startup_s=startup_s, process=proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()
