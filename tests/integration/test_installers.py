"""Installers: the Linux bundle and .deb are built, installed into a clean root and started;
the Windows and macOS scripts are linted here and built on those systems."""

from __future__ import annotations

import os
import plistlib
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

INSTALLERS = REPO_ROOT / "installers"


def _run(cmd: list[str], **kw: object) -> subprocess.CompletedProcess[str]:
    return subprocess.run(cmd, capture_output=True, text=True, timeout=120, **kw)  # type: ignore[call-overload,no-any-return]


def test_shell_scripts_pass_shellcheck() -> None:
    shellcheck = shutil.which("shellcheck")
    assert shellcheck, "shellcheck is installed by installers/setup.d/50-installers.sh"
    scripts = [REPO_ROOT / "dev", *sorted(INSTALLERS.rglob("*.sh"))]
    out = _run([shellcheck, "-S", "warning", *map(str, scripts)])
    assert out.returncode == 0, out.stdout


def test_desktop_entry_and_appstream_metadata_validate() -> None:
    linux = INSTALLERS / "linux"
    out = _run(["desktop-file-validate", str(linux / "it.lombardia.telemed.Workstation.desktop")])
    assert out.returncode == 0, out.stdout + out.stderr
    out = _run(
        [
            "appstreamcli",
            "validate",
            "--no-net",
            str(linux / "it.lombardia.telemed.Workstation.metainfo.xml"),
        ]
    )
    assert out.returncode == 0, out.stdout + out.stderr


def test_windows_and_macos_scripts_are_well_formed() -> None:
    iss = (INSTALLERS / "windows" / "telemed-workstation.iss").read_text(encoding="utf-8")
    sections = set(re.findall(r"^\[(\w+)\]", iss, flags=re.M))
    assert {"Setup", "Files", "Icons", "Languages"} <= sections
    assert "PrivilegesRequired=admin" in iss  # per-machine install
    assert "SignTool=" in iss and "SignedUninstaller=yes" in iss
    assert "Italian.isl" in iss
    info = (INSTALLERS / "macos" / "Info.plist.in").read_text().replace("@VERSION@", "1.2.3")
    plist = plistlib.loads(info.encode())
    assert plist["CFBundleExecutable"] == "telemed-workstation"
    assert {
        "NSCameraUsageDescription",
        "NSMicrophoneUsageDescription",
        "NSBluetoothAlwaysUsageDescription",
    } <= plist.keys()
    plistlib.loads((INSTALLERS / "macos" / "entitlements.plist").read_bytes())
    mac = (INSTALLERS / "macos" / "build_app.sh").read_text()
    assert "notarytool" in mac and "codesign" in mac


@pytest.mark.slow
@pytest.mark.integration
@pytest.mark.timeout(900)
def test_deb_builds_installs_into_a_clean_root_and_starts(tmp_path: Path) -> None:
    out = subprocess.run(
        [str(INSTALLERS / "linux" / "build_deb.sh"), str(tmp_path / "out")],
        capture_output=True,
        text=True,
        timeout=800,
    )
    assert out.returncode == 0, out.stderr[-3000:]
    deb = Path(out.stdout.strip().splitlines()[-1])
    assert deb.exists() and deb.suffix == ".deb"

    info = _run(["dpkg-deb", "--field", str(deb), "Package", "Version", "Depends"])
    assert "telemed-workstation" in info.stdout and "libxcb-cursor0" in info.stdout
    listing = _run(["dpkg-deb", "--contents", str(deb)]).stdout
    assert "./usr/share/applications/it.lombardia.telemed.Workstation.desktop" in listing
    assert "./opt/telemed-workstation/regional-sim" in listing
    assert "QtWebEngine" not in listing  # unused Qt modules are left out

    root = tmp_path / "root"
    assert _run(["dpkg-deb", "-x", str(deb), str(root)]).returncode == 0
    exe = root / "opt" / "telemed-workstation" / "telemed-workstation"
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", TELEMED_HOME=str(tmp_path / "home"))
    env.pop("PYTHONPATH", None)
    run = subprocess.run(
        [str(exe), "--demo", "--quit-after", "6"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "telemed-workstation: main window shown" in run.stdout
    # Demo mode started the bundle's own reference backend and went online.
    assert "telemed-workstation: backend online" in run.stdout, run.stdout
    version = _run([str(exe), "--version"], env=env)
    assert version.stdout.startswith("telemed-workstation ")

    # The bundled reference backend (what demo mode starts) runs from the package too.
    sim = subprocess.Popen(
        [
            str(exe.with_name("regional-sim")),
            "--host",
            "127.0.0.1",
            "--port",
            "0",
            "--db",
            str(tmp_path / "sim.sqlite3"),
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    try:
        assert sim.stdout is not None
        line = sim.stdout.readline()
        assert line.startswith("regional_sim listening on http://127.0.0.1:"), line
    finally:
        sim.terminate()
        sim.wait(10)
        if sim.stdout is not None:
            sim.stdout.close()
