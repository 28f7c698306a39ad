"""Start-up benchmark: process start -> main window shown, side by side with headless Chromium
opening the reference backend's page (the peer a web portal would be).

    .venv/bin/python bench/startup.py [--runs 7] [--bundle build/dist/telemed-workstation]

Prints the median of each and the ratio workstation / Chromium. Offscreen Qt; target < 1.0 s
median from the bundle on this kind of machine (2 cores).
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def time_workstation(cmd: list[str], home: Path) -> float:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TELEMED_HOME=str(home))
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [*cmd, "--quit-after", "0.2"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    for line in proc.stdout:
        if "main window shown" in line:
            elapsed = time.perf_counter() - t0
            break
    else:
        raise SystemExit("the workstation did not report its window")
    proc.wait(30)
    return elapsed


def start_backend(tmp: Path) -> tuple[subprocess.Popen[str], str]:
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "regional_sim",
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(tmp / "sim.sqlite3"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert proc.stdout is not None
    line = proc.stdout.readline()
    return proc, line.rsplit(" ", 1)[-1].strip()


def time_chromium(url: str, profile: Path) -> float:
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    t0 = time.perf_counter()
    subprocess.run(
        [chromium, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", "--dump-dom", url],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        timeout=60,
        check=True,
    )
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--bundle", type=Path, default=ROOT / "build/dist/telemed-workstation")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as d:
        tmp = Path(d)
        venv_cmd = [str(Path(sys.executable).parent / "telemed-workstation")]
        bundle_exe = args.bundle / "telemed-workstation"
        rows: dict[str, list[float]] = {"workstation (venv)": []}
        if bundle_exe.exists():
            rows["workstation (bundle)"] = []
        rows["chromium (backend page)"] = []
        backend, base = start_backend(tmp)
        try:
            page = f"{base}/fhir/metadata"
            for i in range(args.runs):
                rows["workstation (venv)"].append(time_workstation(venv_cmd, tmp / f"h{i}"))
                if bundle_exe.exists():
                    rows["workstation (bundle)"].append(
                        time_workstation([str(bundle_exe)], tmp / f"b{i}")
                    )
                rows["chromium (backend page)"].append(time_chromium(page, tmp / f"c{i}"))
        finally:
            backend.terminate()
            backend.wait(10)
    medians = {k: statistics.median(v) for k, v in rows.items()}
    peer = medians["chromium (backend page)"]
    for name, med in medians.items():
        print(f"{name:28s} median {med * 1000:7.0f} ms  ratio vs chromium {med / peer:5.2f}")


if __name__ == "__main__":
    main()
