"""Shared test set-up: Qt offscreen, every test in its own per-user directories."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# Never let a test touch the real user's keyring or settings.
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.fail.Keyring")

REPO_ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def telemed_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Per-test TELEMED_HOME so config, data and logs never leak between tests."""
    home = tmp_path / "telemed-home"
    monkeypatch.setenv("TELEMED_HOME", str(home))
    yield home
