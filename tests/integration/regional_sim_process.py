"""Start the real regional_sim process on a free loopback port for tests and benches."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.integration.processes import running_process, wait_for_line

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
    with running_process(cmd, cwd=REPO_ROOT, env=env, capture_output=True) as proc:
        listening = wait_for_line(
            proc, name="regional_sim", pattern=_LISTEN_RE, timeout_s=timeout_s
        )
        url = listening.group(1)
        startup_s = time.perf_counter() - started
        yield RunningSim(url=url, fhir=f"{url}/fhir", startup_s=startup_s, process=proc)
