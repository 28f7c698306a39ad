"""Teleconsults: requests received and sent, the thread with shared data, replies, status."""

from __future__ import annotations

import mimetypes
import uuid
from pathlib import Path

from PySide6.QtCore import (
    QT_TRANSLATE_NOOP,
    QBuffer,
    QEvent,
    QIODevice,
    QLocale,
    QObject,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPlainTextEdit,
    QPushButton,
    QSplitter,
    QTextBrowser,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from app.domain.audit import AuditAction
from app.domain.telemonitoring import Parameter, Reading
from app.domain.workflows import (
    AttachmentKind,
    PatientHeader,
    SharedAttachment,
    Teleconsult,
    TeleconsultStatus,
    WorkflowError,
)
from app.services.clinical import DEMO_PRACTITIONERS, ClinicalServices
from app.services.telemonitoring import Series
from app.session.events import SessionDidChange, SessionState
from ui.audit_banner import record_audited_act
from ui.clinical import (
    BusyRunner,
    clinical_services,
    label_controls,
    local_time,
    open_patient,
    status_label,
)
from ui.context import UiContext
from ui.error_text import reason_text
from ui.pages.agenda import role_label
from ui.pages.base import Page
from ui.trend_view import TrendView, display_unit, parameter_label

_IMAGE_TYPES = ("image/png", "image/jpeg")


def attachment_from_file(path: Path) -> SharedAttachment:
    """A shared file: images are images, the rest documents (PDF, text...)."""
    ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    kind = AttachmentKind.IMAGE if ctype in _IMAGE_TYPES else AttachmentKind.DOCUMENT
    return SharedAttachment(kind, path.name, ctype, path.read_bytes())


def trend_png(history: dict[Parameter, list[Reading]], *, width: int = 1000) -> bytes:
    """The readings drawn by the trend view (offscreen), as PNG bytes."""
    view = TrendView()
    view.resize(width, 180 * len(history) + 80)
    view.set_parameters(list(history), None)
    for parameter, readings in history.items():
        series = Series(parameter)
        for r in readings:
            series.add(r)
        view.set_series(series)
    view.show_last(None)
    image = view.render_image()
    view.deleteLater()
    buffer = QBuffer()
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stub says bytes; runtime wants str
    return bytes(buffer.data().data())


class TeleconsultRequestDialog(QDialog):
    """A new asynchronous teleconsult for the open patient."""

    sent = Signal(str)  # unit id

    def __init__(
        self,
        ctx: UiContext,
        services: ClinicalServices,
        header: PatientHeader,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teleconsultRequestDialog")
        self.ctx = ctx
        self.services = services
        self.header = header
        self.attachments: list[SharedAttachment] = []
        self.runner = BusyRunner(ctx, self._update)
        self.error: str = ""
        form = QFormLayout(self)
        self.patient = QLabel(header.patient.display_name, self)
        self.specialist = QComboBox(self)
        self.specialist.setObjectName("teleconsultSpecialist")
        for ref, role in DEMO_PRACTITIONERS:
            if ref != services.practitioner_ref:
                self.specialist.addItem(role_label(role), ref)
        self.specialist.setCurrentIndex(max(0, self.specialist.findData(DEMO_PRACTITIONERS[3][0])))
        self.priority = QComboBox(self)
        self.priority.setObjectName("teleconsultPriority")
        self.priority.addItem(self.tr("Routine"), "routine")
        self.priority.addItem(self.tr("Urgent"), "urgent")
        self.reason = QLineEdit(self)
        self.reason.setObjectName("teleconsultReason")
        self.text = QPlainTextEdit(self)
        self.text.setObjectName("teleconsultText")
        self.share_readings = QCheckBox(self.tr("Share the latest readings"), self)
        self.share_readings.setObjectName("shareReadings")
        self.share_readings.setChecked(bool(header.last_readings))
        self.files = QListWidget(self)
        self.files.setObjectName("teleconsultFiles")
        self.add_file = QPushButton(self.tr("&Attach file..."), self)
        self.add_file.setObjectName("attachFile")
        self.add_trend = QPushButton(self.tr("Attach &trend snapshot (30 days)"), self)
        self.add_trend.setObjectName("attachTrend")
        self.status = QLabel(self)
        self.status.setObjectName("teleconsultRequestStatus")
        self.status.setWordWrap(True)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.send_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.send_button.setText(self.tr("&Send request"))
        cancel = self.buttons.button(QDialogButtonBox.StandardButton.Cancel)
        cancel.setText(self.tr("Cancel"))
        cancel.setAccessibleName(self.tr("Close without sending"))
        form.addRow(self.tr("Patient:"), self.patient)
        form.addRow(self.tr("&Specialist:"), self.specialist)
        form.addRow(self.tr("&Priority:"), self.priority)
        form.addRow(self.tr("&Reason:"), self.reason)
        form.addRow(self.tr("&Question:"), self.text)
        form.addRow("", self.share_readings)
        form.addRow(self.tr("Shared files:"), self.files)
        file_row = QHBoxLayout()
        file_row.addWidget(self.add_file)
        file_row.addWidget(self.add_trend)
        form.addRow("", file_row)
        form.addRow(self.status)
        form.addRow(self.buttons)
        for w, name in (
            (self.specialist, self.tr("Specialist")),
            (self.priority, self.tr("Priority")),
            (self.reason, self.tr("Reason for the teleconsult")),
            (self.text, self.tr("Question for the specialist")),
            (self.share_readings, self.tr("Share the latest readings")),
            (self.files, self.tr("Shared files")),
            (self.add_file, self.tr("Attach a file (image, PDF)")),
            (self.add_trend, self.tr("Attach a picture of the last 30 days of readings")),
            (self.send_button, self.tr("Send the teleconsult request")),
            (self.status, self.tr("Request status")),
        ):
            w.setAccessibleName(name)
        self.setWindowTitle(self.tr("Teleconsult request"))
        self.add_file.clicked.connect(self._ask_file)
        self.add_trend.clicked.connect(self.attach_trend)
        self.buttons.accepted.connect(self.send)
        self.buttons.rejected.connect(self.reject)
        self.resize(560, 520)

    def add_attachment(self, attachment: SharedAttachment) -> None:
        self.attachments.append(attachment)
        QListWidgetItem(attachment.title, self.files)

    def _ask_file(self) -> None:
        name, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Attach a file"),
            "",
            self.tr("Images and documents (*.png *.jpg *.jpeg *.pdf *.txt *.csv)"),
        )
        if name:
            try:
                self.add_attachment(attachment_from_file(Path(name)))
            except OSError as exc:
                self.status.setText(
                    self.tr("The file cannot be read (%1).").replace("%1", type(exc).__name__)
                )

    def _update(self) -> None:
        idle = self.runner.pending == 0
        self.send_button.setEnabled(idle)
        self.add_trend.setEnabled(idle)

    def attach_trend(self) -> None:
        """Render the last 30 days of readings as a PNG and share it."""
        self.status.setText(self.tr("Preparing the trend snapshot..."))
        self.runner.run(
            self.services.patients.history(self.header.patient.patient_id, days=30),
            name=self.tr("Loading the readings"),
            on_success=self._render_trend,
            on_error=self._failed,
        )

    def _render_trend(self, history: dict[Parameter, list[Reading]]) -> None:
        if not history:
            self.status.setText(self.tr("No readings in the last 30 days."))
            return
        png = trend_png(history)
        title = self.tr("Trend of the last 30 days") + ".png"
        self.add_attachment(
            SharedAttachment(AttachmentKind.TREND_SNAPSHOT, title, "image/png", png)
        )
        self.status.setText(self.tr("Trend snapshot attached."))

    def send(self) -> None:
        obs_ids = (
            sorted({r.observation_id for r in self.header.last_readings if r.observation_id})
            if self.share_readings.isChecked()
            else []
        )
        coro = self.services.teleconsults.request(
            request_id=uuid.uuid4(),
            patient_id=self.header.patient.patient_id,
            requester_ref=self.services.practitioner_ref,
            performer_ref=str(self.specialist.currentData()),
            reason=self.reason.text(),
            text=self.text.toPlainText(),
            attachments=list(self.attachments),
            observation_ids=obs_ids,
            priority=str(self.priority.currentData()),
        )
        self.status.setText(self.tr("Sending..."))
        self.runner.run(
            coro, name=self.tr("Sending the teleconsult request"), on_success=self._sent,
            on_error=self._failed,
        )  # fmt: skip

    def _sent(self, unit: object) -> None:
        self.status.setText(self.tr("Request sent."))
        self.sent.emit(str(getattr(unit, "unit_id", "")))
        self.accept()

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, WorkflowError):
            self.error = self.tr("Write the reason and a question, or share some data.")
        else:
            self.error = self.tr("The request was not sent (%1); try again.").replace(
                "%1", reason_text(exc)
            )
        self.status.setText(self.error)


class TeleconsultsPage(Page):
    AREA = "teleconsults"
    TITLE = str(QT_TRANSLATE_NOOP("Areas", "Teleconsults"))

    def __init__(
        self,
        ctx: UiContext,
        parent: QWidget | None = None,
        *,
        services: ClinicalServices | None = None,
    ) -> None:
        super().__init__(ctx, parent)
        self.services = services or clinical_services(ctx)
        self.runner = BusyRunner(ctx, self._update_actions)
        self.consults: list[Teleconsult] = []
        self.current: Teleconsult | None = None
        self._pending_open: str | None = None
        self.display_name = self.services.practitioner_ref

        top = QHBoxLayout()
        self.box_label = QLabel(self)
        self.box = QComboBox(self)
        self.box.setObjectName("teleconsultBox")
        self.box.addItem("", True)
        self.box.addItem("", False)
        self.box_label.setBuddy(self.box)
        self.refresh_button = QPushButton(self)
        self.refresh_button.setObjectName("refreshTeleconsults")
        top.addWidget(self.box_label)
        top.addWidget(self.box)
        top.addStretch(1)
        top.addWidget(self.refresh_button)
        self.layout_.addLayout(top)

        self.list = QTreeWidget(self)
        self.list.setObjectName("teleconsultList")
        self.list.setRootIsDecorated(False)
        self.list.setColumnCount(4)
        right = QWidget(self)
        rv = QVBoxLayout(right)
        rv.setContentsMargins(0, 0, 0, 0)
        self.thread_view = QTextBrowser(right)
        self.thread_view.setObjectName("teleconsultThread")
        rv.addWidget(self.thread_view, 3)
        self.files_label = QLabel(right)
        self.files = QListWidget(right)
        self.files.setObjectName("teleconsultSharedFiles")
        self.files_label.setBuddy(self.files)
        rv.addWidget(self.files_label)
        rv.addWidget(self.files, 1)
        self.reply_label = QLabel(right)
        self.reply = QPlainTextEdit(right)
        self.reply.setObjectName("teleconsultReply")
        self.reply.setMaximumHeight(110)
        self.reply_label.setBuddy(self.reply)
        rv.addWidget(self.reply_label)
        rv.addWidget(self.reply)
        actions = QHBoxLayout()
        self.accept_button = QPushButton(right)
        self.accept_button.setObjectName("acceptTeleconsult")
        self.reject_button = QPushButton(right)
        self.reject_button.setObjectName("rejectTeleconsult")
        self.send_button = QPushButton(right)
        self.send_button.setObjectName("sendReply")
        self.complete_button = QPushButton(right)
        self.complete_button.setObjectName("completeTeleconsult")
        self.patient_button = QPushButton(right)
        self.patient_button.setObjectName("teleconsultOpenPatient")
        self.room_button = QPushButton(right)
        self.room_button.setObjectName("joinVideoRoom")
        for b in (self.accept_button, self.reject_button, self.send_button,
                  self.complete_button, self.patient_button, self.room_button):  # fmt: skip
            actions.addWidget(b)
        rv.addLayout(actions)
        self.message = QLabel(right)
        self.message.setObjectName("teleconsultMessage")
        self.message.setWordWrap(True)
        rv.addWidget(self.message)

        self.splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.splitter.addWidget(self.list)
        self.splitter.addWidget(right)
        self.splitter.setSizes([420, 680])
        self.layout_.addWidget(self.splitter, 1)

        self.box.currentIndexChanged.connect(self.refresh)
        self.refresh_button.clicked.connect(self.refresh)
        self.list.currentItemChanged.connect(self._on_current)
        self.files.itemActivated.connect(self._save_file)
        self.accept_button.clicked.connect(lambda: self.set_status(TeleconsultStatus.ACCEPTED))
        self.reject_button.clicked.connect(lambda: self.set_status(TeleconsultStatus.REJECTED))
        self.complete_button.clicked.connect(lambda: self.set_status(TeleconsultStatus.COMPLETED))
        self.send_button.clicked.connect(self.send_reply)
        self.patient_button.clicked.connect(self._open_patient)
        self.room_button.clicked.connect(self.open_video_room)
        self.reply.installEventFilter(self)  # Ctrl+Enter sends
        self.room_window: QWidget | None = None
        self.room_owner = ""
        ctx.bridge.on(SessionDidChange, self._on_session)
        # New requests and replies arrive without a push channel: look again every 2 minutes.
        self.timer = QTimer(self)
        self.timer.setInterval(120_000)
        self.timer.timeout.connect(self._auto_refresh)
        self.timer.start()
        self.retranslate()
        self._update_actions()
        self.refresh()

    def _auto_refresh(self) -> None:
        if self.isVisible() and not self.busy and not self.reply.toPlainText().strip():
            self.refresh()

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if (
            watched is self.reply
            and event.type() == QEvent.Type.KeyPress
            and isinstance(event, QKeyEvent)
            and event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter)
            and event.modifiers() & Qt.KeyboardModifier.ControlModifier
        ):
            if self.send_button.isEnabled():
                self.send_reply()
            return True
        return super().eventFilter(watched, event)

    def _on_session(self, event: SessionDidChange) -> None:
        if self.room_window is not None and (
            event.state is SessionState.SIGNED_OUT
            or f"Practitioner/{event.subject}" != self.room_owner
        ):
            self.room_window.close()  # leaves the room: it was someone else's
        self.runner.discard_pending()
        self.consults = []
        self.current = None
        self._render_list()
        if event.state is SessionState.ACTIVE:
            self.refresh()

    def retranslate(self) -> None:
        super().retranslate()
        self.box_label.setText(self.tr("&Show:"))
        self.box.setItemText(0, self.tr("Received"))
        self.box.setItemText(1, self.tr("Sent"))
        self.box.setAccessibleName(self.tr("Received or sent teleconsults"))
        self.refresh_button.setText(self.tr("Refresh"))
        self.refresh_button.setAccessibleName(self.tr("Refresh the teleconsults"))
        self.list.setHeaderLabels(
            [self.tr("Requested"), self.tr("Patient"), self.tr("Reason"), self.tr("Status")]
        )
        self.list.setAccessibleName(self.tr("Teleconsults"))
        self.thread_view.setAccessibleName(self.tr("Messages of the teleconsult"))
        self.files_label.setText(self.tr("Shared &data (Enter saves a copy)"))
        self.files.setAccessibleName(self.tr("Shared data"))
        self.reply_label.setText(self.tr("&Reply:"))
        self.reply.setAccessibleName(self.tr("Reply text (Ctrl+Enter sends)"))
        label_controls(
            (self.accept_button, self.tr("A&ccept"), self.tr("Accept the teleconsult")),
            (self.reject_button, self.tr("Re&ject"), self.tr("Reject the teleconsult")),
            (self.send_button, self.tr("Send re&ply"), self.tr("Send the reply")),
            (
                self.complete_button,
                self.tr("Co&mplete"),
                self.tr("Mark the teleconsult as completed"),
            ),
            (
                self.patient_button,
                self.tr("Open &patient"),
                self.tr("Open the patient of the teleconsult"),
            ),
            (
                self.room_button,
                self.tr("&Video room"),
                self.tr("Join the teleconsult's video room with the other clinicians"),
            ),
        )
        self.message.setAccessibleName(self.tr("Teleconsult message"))
        self._render_list()
        self._render_thread()

    @property
    def busy(self) -> bool:
        return self.runner.pending > 0

    def _set_display_name(self, name: str) -> None:
        self.display_name = name

    @property
    def incoming(self) -> bool:
        return bool(self.box.currentData())

    def refresh(self) -> None:
        self.runner.run(
            self.services.practitioner_name(),
            name=self.tr("Loading teleconsults"),
            on_success=self._set_display_name,
            on_error=lambda _e: None,
        )
        self.runner.run(
            self.services.teleconsults.list_for(
                self.services.practitioner_ref, incoming=self.incoming
            ),
            name=self.tr("Loading teleconsults"),
            on_success=self._on_list,
            on_error=lambda exc: self.message.setText(
                self.tr("The teleconsults cannot be loaded (%1).").replace("%1", reason_text(exc))
            ),
        )

    def open_task(self, task_id: str) -> None:
        """Select the teleconsult of ``task_id`` (received box), loading it if needed."""
        self._pending_open = task_id
        if self.box.currentIndex() != 0:
            self.box.setCurrentIndex(0)  # triggers refresh
        else:
            self.refresh()

    def _on_list(self, consults: list[Teleconsult]) -> None:
        self.consults = consults
        keep = self._pending_open or (self.current.task_id if self.current else None)
        self._pending_open = None
        self._render_list(select=keep)

    def _render_list(self, select: str | None = None) -> None:
        self.list.blockSignals(True)
        self.list.clear()
        chosen = None
        for c in self.consults:
            row = QTreeWidgetItem(
                [local_time(c.authored_utc, with_date=True), c.patient_name, c.reason,
                 status_label(c.status.value)]
            )  # fmt: skip
            row.setData(0, Qt.ItemDataRole.UserRole, c.task_id)
            self.list.addTopLevelItem(row)
            if c.task_id == select:
                chosen = row
        self.list.blockSignals(False)
        if chosen is None:
            chosen = self.list.topLevelItem(0)
        if chosen is not None:
            self.list.setCurrentItem(chosen)
        self._on_current()

    def _on_current(self, *_: object) -> None:
        row = self.list.currentItem()
        tid = None if row is None else row.data(0, Qt.ItemDataRole.UserRole)
        self.current = next((c for c in self.consults if c.task_id == tid), None)
        self._render_thread()
        self._update_actions()

    def _render_thread(self) -> None:
        self.files.clear()
        c = self.current
        if c is None:
            self.thread_view.setPlainText(self.tr("No teleconsult selected."))
            return
        from html import escape

        parts = [f"<h3>{escape(c.patient_name)} — {escape(c.reason)}</h3>"]
        for m in c.messages:
            when = local_time(m.sent_utc, with_date=True)
            parts.append(
                f"<p><b>{escape(m.sender_name)}</b> <i>{escape(when)}</i><br/>"
                + escape(m.text).replace("\n", "<br/>")
                + "</p>"
            )
            if m.readings:
                rows = "".join(
                    f"<li>{escape(parameter_label(r.parameter))}: "
                    f"{escape(QLocale().toString(r.value, 'g', 6))} "
                    f"{escape(display_unit(r.parameter))} "
                    f"({escape(local_time(r.time_utc, with_date=True))})</li>"
                    for r in m.readings
                )
                caption = self.tr("Shared readings:")
                parts.append(f"<p>{escape(caption)}</p><ul>{rows}</ul>")
            for title, ctype, url in m.attachments:
                item = QListWidgetItem(f"{title} ({ctype})", self.files)
                item.setData(Qt.ItemDataRole.UserRole, (title, ctype, url))
        self.thread_view.setHtml("".join(parts))

    def _update_actions(self) -> None:
        c = self.current
        mine_to_answer = c is not None and self.incoming
        st = c.status if c else None
        idle = not self.busy
        self.refresh_button.setEnabled(idle)
        self.accept_button.setEnabled(idle and mine_to_answer and st is TeleconsultStatus.REQUESTED)
        self.reject_button.setEnabled(idle and mine_to_answer and st is TeleconsultStatus.REQUESTED)
        self.complete_button.setEnabled(
            idle and mine_to_answer
            and st in (TeleconsultStatus.ACCEPTED, TeleconsultStatus.IN_PROGRESS)
        )  # fmt: skip
        open_states = (
            TeleconsultStatus.REQUESTED,
            TeleconsultStatus.ACCEPTED,
            TeleconsultStatus.IN_PROGRESS,
        )
        self.send_button.setEnabled(idle and c is not None and st in open_states)
        self.patient_button.setEnabled(c is not None)
        self.room_button.setEnabled(
            c is not None
            and st in open_states
            and bool(self.ctx.workstation.settings.janus_url)
            and self.room_window is None
        )

    def set_status(self, status: TeleconsultStatus) -> None:
        c = self.current
        if c is None:
            return
        self.runner.run(
            self.services.teleconsults.set_status(
                c,
                status,
                actor_ref=self.services.practitioner_ref,
                # A rejection says why: the text in the reply box, if any.
                reason=self.reply.toPlainText() if status is TeleconsultStatus.REJECTED else "",
            ),
            name=self.tr("Updating the teleconsult"),
            on_success=lambda _u: self._done(self.tr("Status updated.")),
            on_error=self._failed,
        )

    def send_reply(self) -> None:
        c = self.current
        if c is None:
            return
        self.runner.run(
            self.services.teleconsults.reply(
                c, sender_ref=self.services.practitioner_ref, text=self.reply.toPlainText()
            ),
            name=self.tr("Sending the reply"),
            on_success=lambda _u: self._replied(),
            on_error=self._failed,
        )

    def _replied(self) -> None:
        self.reply.clear()
        self._done(self.tr("Reply sent."))

    def _done(self, text: str) -> None:
        self.message.setText(text)
        self.refresh()

    def _failed(self, exc: BaseException) -> None:
        from app.domain.workflows import InvalidTransition
        from app.services.teleconsult import EmptyMessage

        if isinstance(exc, InvalidTransition):
            text = self.tr("Someone else changed this teleconsult; it has been reloaded.")
            self.refresh()
        elif isinstance(exc, EmptyMessage):
            text = self.tr("Write a reply first.")
        else:
            text = self.tr("Not sent (%1); try again.").replace("%1", reason_text(exc))
        self.message.setText(text)

    def open_video_room(self) -> QWidget | None:
        """Join the synchronous multi-party room of the selected teleconsult."""
        c = self.current
        janus = self.ctx.workstation.settings.janus_url
        if c is None or not janus or self.room_window is not None:
            return None
        from app.services.teleconsult_room import TeleconsultRoom
        from ui.teleconsult_room_window import TeleconsultRoomWindow

        room = TeleconsultRoom(janus_url=lambda: janus)
        window = TeleconsultRoomWindow(
            self.ctx,
            room,
            task_id=c.task_id,
            display=self.display_name,
            title=self.tr("Teleconsult room: %1").replace("%1", c.patient_name),
        )
        window.left.connect(self._room_left)
        self.room_window = window
        self.room_owner = self.services.practitioner_ref
        window.show()
        self._update_actions()
        return window

    def _room_left(self) -> None:
        self.room_window = None
        self._update_actions()

    def _open_patient(self) -> None:
        if self.current is not None:
            open_patient(self, self.current.patient_id)

    def _save_file(self, item: QListWidgetItem) -> None:
        title, _ctype, url = item.data(Qt.ItemDataRole.UserRole)
        if not url.startswith("Binary/"):
            return
        name, _ = QFileDialog.getSaveFileName(self, self.tr("Save a copy"), title)
        if name:
            self.save_attachment(url, Path(name))

    def save_attachment(self, url: str, path: Path) -> None:
        """Download a shared file to ``path`` (chosen by the user)."""
        import asyncio

        async def fetch() -> None:
            data = await self.services.teleconsults.attachment(url)
            await asyncio.to_thread(path.write_bytes, data)

        patient_id = self.current.patient_id if self.current is not None else None

        def saved(_result: object) -> None:
            record_audited_act(
                self.ctx, AuditAction.EXPORT, patient_id=patient_id, what="teleconsult-file"
            )
            self.message.setText(self.tr("Saved."))

        self.runner.run(
            fetch(),
            name=self.tr("Downloading the shared file"),
            on_success=saved,
            on_error=self._failed,
        )
