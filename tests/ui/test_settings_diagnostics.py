"""Settings: the diagnostics panel runs the real checks on the core loop and exports a bundle."""

from __future__ import annotations

import zipfile
from pathlib import Path

from ui.entry import launch


def test_diagnostics_panel_runs_and_exports(qtbot, tmp_path: Path) -> None:
    session = launch(["--language", "en"])
    try:
        session.window.show_area("settings")
        panel = session.window.pages[-1].diagnostics
        assert panel.run_button.accessibleName() == "Run diagnostics"
        panel.run_button.click()
        assert not panel.run_button.isEnabled()  # disabled while pending
        qtbot.waitUntil(lambda: panel.report is not None, timeout=30_000)
        text = panel.output.toPlainText()
        assert "versions:" in text and "regional backend:" in text and "secret store:" in text
        panel.export(tmp_path / "diag.zip")
        qtbot.waitUntil(lambda: "Bundle written to" in panel.output.toPlainText(), timeout=10_000)
        with zipfile.ZipFile(tmp_path / "diag.zip") as zf:
            assert "report.json" in zf.namelist()
    finally:
        session.close()
