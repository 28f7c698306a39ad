"""The help-desk checks of ``telemed-workstation diag`` inside Settings."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.diagnostics import Report, run_diagnostics, write_bundle
from ui.context import UiContext


class DiagnosticsPanel(QWidget):
    """Run the checks on the core loop, show the report, export the redacted bundle."""

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.ctx = ctx
        self.report: Report | None = None
        self.title = QLabel(self)
        self.run_button = QPushButton(self)
        self.run_button.setObjectName("runDiagnostics")
        self.run_button.clicked.connect(self.run)
        self.export_button = QPushButton(self)
        self.export_button.setObjectName("exportDiagnostics")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export)
        self.output = QPlainTextEdit(self)
        self.output.setObjectName("diagnosticsOutput")
        self.output.setReadOnly(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.run_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.title)
        layout.addLayout(buttons)
        layout.addWidget(self.output, 1)
        self.retranslate()

    def retranslate(self) -> None:
        self.title.setText(self.tr("Diagnostics for the help desk (no patient data)"))
        self.run_button.setText(self.tr("&Run diagnostics"))
        self.run_button.setAccessibleName(self.tr("Run diagnostics"))
        self.export_button.setText(self.tr("&Export bundle..."))
        self.export_button.setAccessibleName(self.tr("Export the diagnostic bundle"))
        self.output.setAccessibleName(self.tr("Diagnostic report"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def run(self) -> None:
        self.run_button.setEnabled(False)
        self.output.setPlainText(self.tr("Running the checks..."))
        self.ctx.bridge.submit(
            run_diagnostics(
                self.ctx.workstation.settings,
                paths=self.ctx.workstation.paths,
                open_queue=self.ctx.workstation.sync_queue_counts,
            ),
            name="diagnostics",
            on_success=self._show,
            on_error=self._failed,
        )

    def _show(self, report: Report) -> None:
        self.report = report
        self.run_button.setEnabled(True)
        self.export_button.setEnabled(True)
        self.output.setPlainText(report.to_text())

    def _failed(self, error: BaseException) -> None:
        self.run_button.setEnabled(True)
        self.output.setPlainText(self.tr("Diagnostics failed: %1").replace("%1", str(error)))

    def export(self, destination: Path | None = None) -> None:
        """Write the bundle; asks where unless ``destination`` is given."""
        if self.report is None:
            return
        if destination is None:
            name, _ = QFileDialog.getSaveFileName(
                self, self.tr("Export diagnostic bundle"), "telemed-diagnostics.zip", "Zip (*.zip)"
            )
            if not name:
                return
            destination = Path(name)
        report = self.report
        self.export_button.setEnabled(False)

        async def _write() -> Path:
            import asyncio

            return await asyncio.to_thread(
                write_bundle, report, self.ctx.workstation.paths, destination
            )

        self.ctx.bridge.submit(
            _write(), name="export diagnostics", on_success=self._exported, on_error=self._failed
        )

    def _exported(self, path: Path) -> None:
        self.export_button.setEnabled(True)
        self.output.appendPlainText(self.tr("Bundle written to %1").replace("%1", str(path)))
