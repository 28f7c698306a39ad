"""The layering of DESIGN §2 is enforced by import-linter; prove the contracts bite."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

from tests.conftest import REPO_ROOT

PACKAGES = ("app", "ui", "video", "devices", "offline_cache", "regional_sim")
LINT = str(Path(sys.executable).parent / "lint-imports")


def _copy_tree(dst: Path) -> None:
    for pkg in PACKAGES:
        shutil.copytree(
            REPO_ROOT / pkg,
            dst / pkg,
            ignore=shutil.ignore_patterns(
                "__pycache__", "*.pyc", "node_modules", "*.html", "*.js", "*.css", "*.json"
            ),
        )
    shutil.copy(REPO_ROOT / "pyproject.toml", dst / "pyproject.toml")


def _lint(cwd: Path) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(cwd))
    return subprocess.run(
        [LINT, "--no-cache"], cwd=cwd, env=env, capture_output=True, text=True, timeout=100
    )


def test_contracts_hold_on_the_real_tree() -> None:
    out = _lint(REPO_ROOT)
    assert out.returncode == 0, out.stdout + out.stderr


def test_linter_fails_when_app_imports_ui(tmp_path: Path) -> None:
    _copy_tree(tmp_path)
    (tmp_path / "app" / "bad_layering.py").write_text("import ui.main_window\n", encoding="utf-8")
    out = _lint(tmp_path)
    assert out.returncode != 0
    assert "The core never imports Qt or the UI" in out.stdout
    assert "app.bad_layering -> ui.main_window" in out.stdout


def test_linter_fails_when_ui_imports_the_store(tmp_path: Path) -> None:
    _copy_tree(tmp_path)
    (tmp_path / "ui" / "bad_layering.py").write_text("import offline_cache\n", encoding="utf-8")
    out = _lint(tmp_path)
    assert out.returncode != 0
    assert "The UI talks only to app" in out.stdout
