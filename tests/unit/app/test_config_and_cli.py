from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.config import ConfigError, Paths, Settings, load_settings, save_settings
from ui.entry import NO_DISPLAY_HELP, display_problem


def test_settings_round_trip_and_validation(tmp_path: Path) -> None:
    paths = Paths(tmp_path / "c", tmp_path / "d", tmp_path / "l", tmp_path / "k").ensure()
    assert load_settings(paths) == Settings()
    s = Settings().replace(language="it", auto_lock_s=120)
    save_settings(paths, s)
    assert load_settings(paths) == s
    with pytest.raises(ConfigError):
        Settings().replace(language="fr")
    with pytest.raises(ConfigError):
        Settings().replace(auto_lock_s=5)
    paths.settings_file.write_text("{not json", encoding="utf-8")
    with pytest.raises(ConfigError):
        load_settings(paths)


def test_paths_follow_telemed_home(telemed_home: Path) -> None:
    p = Paths.default()
    assert p.data_dir == telemed_home / "data" and p.log_dir == telemed_home / "log"


def test_display_detection() -> None:
    if not sys.platform.startswith("linux"):
        pytest.skip("display variables matter only on Linux/BSD")
    assert display_problem({}) == NO_DISPLAY_HELP
    assert display_problem({"DISPLAY": ":0"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).parent / "telemed-workstation"
    return subprocess.run([str(exe), *args], env=env, capture_output=True, text=True, timeout=60)


def test_console_script_version_and_no_display_message(telemed_home: Path) -> None:
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")
    }
    out = _cli("--version", env=env)
    assert out.returncode == 0 and out.stdout.startswith("telemed-workstation ")
    out = _cli("--demo", env=env)
    if sys.platform.startswith("linux"):
        assert out.returncode == 3
        assert "QT_QPA_PLATFORM=offscreen" in out.stderr and "xvfb-run" in out.stderr
        assert "qt.qpa.plugin" not in out.stderr
    out = _cli("no-such-command", env=env)
    assert out.returncode == 2
