"""Settings: language, auto-lock, backend address."""

from __future__ import annotations

from PySide6.QtCore import QT_TRANSLATE_NOOP, QUrl
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QSpinBox,
    QWidget,
)

from app.config import Settings
from app.services.updates import UpdateInfo, check_for_update
from ui.context import UiContext
from ui.diagnostics_panel import DiagnosticsPanel
from ui.pages.base import Page


class SettingsPage(Page):
    AREA = "settings"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Settings"))

    def __init__(self, ctx: UiContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        form = QFormLayout()
        self.language_label = QLabel(self)
        self.language = QComboBox(self)
        self.language.setObjectName("languageCombo")
        for _ in range(3):
            self.language.addItem("")
        self.lock_label = QLabel(self)
        self.auto_lock_min = QSpinBox(self)
        self.auto_lock_min.setObjectName("autoLockMinutes")
        self.auto_lock_min.setRange(1, 60)
        self.backend_label = QLabel(self)
        self.backend_url = QLineEdit(self)
        self.backend_url.setObjectName("backendUrl")
        self.language_label.setBuddy(self.language)
        self.lock_label.setBuddy(self.auto_lock_min)
        self.backend_label.setBuddy(self.backend_url)
        form.addRow(self.language_label, self.language)
        form.addRow(self.lock_label, self.auto_lock_min)
        form.addRow(self.backend_label, self.backend_url)
        self.apply_button = QPushButton(self)
        self.apply_button.setObjectName("applySettings")
        self.apply_button.clicked.connect(self.apply)
        self.status = QLabel(self)
        self.update_button = QPushButton(self)
        self.update_button.setObjectName("checkUpdates")
        self.update_button.clicked.connect(self.check_updates)
        self.download_button = QPushButton(self)
        self.download_button.setObjectName("openDownload")
        self.download_button.setVisible(False)
        self.download_button.clicked.connect(self._open_download)
        self.update_status = QLabel(self)
        self._download_url = ""
        self.layout_.addLayout(form)
        self.layout_.addWidget(self.apply_button)
        self.layout_.addWidget(self.status)
        self.layout_.addWidget(self.update_button)
        self.layout_.addWidget(self.update_status)
        self.layout_.addWidget(self.download_button)
        self.diagnostics = DiagnosticsPanel(ctx, self)
        self.layout_.addWidget(self.diagnostics, 1)
        self._load(ctx.workstation.settings)
        self.retranslate()

    _CODES = ("system", "it", "en")

    def _load(self, settings: Settings) -> None:
        self.language.setCurrentIndex(self._CODES.index(settings.language))
        self.auto_lock_min.setValue(max(1, settings.auto_lock_s // 60))
        self.backend_url.setText(settings.backend_url)
        self.backend_url.setReadOnly(settings.demo)

    def retranslate(self) -> None:
        super().retranslate()
        self.language_label.setText(self.tr("&Language"))
        for i, text in enumerate((self.tr("Same as the system"), "Italiano", "English")):
            self.language.setItemText(i, text)
        self.language.setAccessibleName(self.tr("Language"))
        self.lock_label.setText(self.tr("Auto-&lock after (minutes)"))
        self.auto_lock_min.setAccessibleName(self.tr("Auto-lock after minutes of inactivity"))
        self.backend_label.setText(self.tr("Regional &backend"))
        self.backend_url.setAccessibleName(self.tr("Regional backend address"))
        self.apply_button.setText(self.tr("&Apply"))
        self.apply_button.setAccessibleName(self.tr("Apply settings"))
        self.status.setAccessibleName(self.tr("Settings status"))
        self.update_button.setText(self.tr("Check for &updates"))
        self.update_button.setAccessibleName(self.tr("Check for updates"))
        self.download_button.setText(self.tr("Open the &download page"))
        self.download_button.setAccessibleName(self.tr("Open the download page in the browser"))
        self.update_status.setAccessibleName(self.tr("Update status"))

    def selected_language(self) -> str:
        return self._CODES[self.language.currentIndex()]

    def apply(self) -> None:
        """Persist on the core loop; switch language on success; errors shown here."""
        current = self.ctx.workstation.settings
        try:
            new = current.replace(
                language=self.selected_language(),
                auto_lock_s=self.auto_lock_min.value() * 60,
                backend_url=self.backend_url.text().strip(),
            )
        except ValueError as exc:
            self.status.setText(str(exc))
            return
        except Exception as exc:  # ConfigError: message written by us, no data
            self.status.setText(str(exc))
            return
        self.apply_button.setEnabled(False)
        self.ctx.bridge.submit(
            self.ctx.workstation.update_settings(new),
            name="save settings",
            on_success=self._saved,
            on_error=self._failed,
        )

    def _saved(self, settings: Settings) -> None:
        self.apply_button.setEnabled(True)
        self.ctx.translations.apply(settings.language)
        self.status.setText(self.tr("Settings saved."))

    def _failed(self, error: BaseException) -> None:
        self.apply_button.setEnabled(True)
        self.status.setText(self.tr("Settings not saved: %1").replace("%1", str(error)))

    def check_updates(self) -> None:
        """Ask the configured feed; never downloads or installs anything by itself."""
        url = self.ctx.workstation.settings.update_url
        if not url:
            self.update_status.setText(self.tr("No update address is configured."))
            return
        self.update_button.setEnabled(False)
        self.update_status.setText(self.tr("Checking..."))
        self.ctx.bridge.submit(
            check_for_update(url, ca_bundle=self.ctx.workstation.settings.ca_bundle),
            name="update check",
            on_success=self._update_checked,
            on_error=self._update_failed,
        )

    def _update_checked(self, info: UpdateInfo) -> None:
        self.update_button.setEnabled(True)
        if info.available:
            self._download_url = info.url
            self.update_status.setText(
                self.tr("Version %1 is available (this is %2).")
                .replace("%1", info.latest)
                .replace("%2", info.current)
            )
            self.download_button.setVisible(True)
        else:
            self.update_status.setText(self.tr("This is the latest version."))
            self.download_button.setVisible(False)

    def _update_failed(self, error: BaseException) -> None:
        self.update_button.setEnabled(True)
        self.update_status.setText(self.tr("Update check failed: %1").replace("%1", str(error)))

    def _open_download(self) -> None:
        if self._download_url:
            QDesktopServices.openUrl(QUrl(self._download_url))
