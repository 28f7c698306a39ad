"""The call window: remote video, self-view, controls, quality, timer, chat, readings, documents.

Keyboard: Ctrl+D microphone, Ctrl+E camera, Ctrl+Shift+H hang up, Ctrl+Shift+C chat,
Enter sends the chat line. Every control has an accessible name. The window talks to
the core only through the bridge; frames come from latest-frame slots polled by
:class:`ui.video_widget.VideoWidget`.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QObject, Qt, QTimer, Signal
from PySide6.QtGui import QCloseEvent, QKeySequence, QShortcut
from PySide6.QtMultimedia import QAudioFormat, QAudioSink, QMediaDevices
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QFileDialog,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app.services.calls import (
    AudioLevel,
    CallChatDidArrive,
    CallDidChangeState,
    CallDidEnd,
    CallFileDidArrive,
    CallLevelDidChange,
    CallQualityDidChange,
    CallService,
    CallState,
    CallVitalsDidArrive,
    Level,
)
from ui.context import UiContext
from ui.video_widget import VideoWidget

MAX_SHARE_BYTES = 5 * 1024 * 1024
READINGS = (
    ("SpO2", "%"),
    ("Heart rate", "bpm"),
    ("Systolic pressure", "mmHg"),
    ("Diastolic pressure", "mmHg"),
    ("Temperature", "°C"),
    ("Glucose", "mg/dL"),
    ("Weight", "kg"),
)


class SpeakerOutput(QObject):
    """Plays the received audio: every 20 ms it moves what the core buffered into a QAudioSink.

    ``available`` is False without an output device (then the call goes on silently).
    """

    def __init__(self, source: Callable[[], AudioLevel], parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._source = source
        device = QMediaDevices.defaultAudioOutput()
        self.available = not device.isNull()
        self.bytes_played = 0
        self._sink: QAudioSink | None = None
        self._io = None
        self._timer = QTimer(self)
        self._timer.setInterval(20)
        self._timer.timeout.connect(self.pump)
        if not self.available:
            return
        fmt = QAudioFormat()
        fmt.setSampleRate(48_000)
        fmt.setChannelCount(1)
        fmt.setSampleFormat(QAudioFormat.SampleFormat.Int16)
        self._sink = QAudioSink(device, fmt, self)
        self._io = self._sink.start()
        self._timer.start()

    def pump(self) -> None:
        if self._sink is None or self._io is None:
            return
        data = self._source().take_pcm(max(self._sink.bytesFree(), 0))
        if data:
            self.bytes_played += int(self._io.write(data))

    def stop(self) -> None:
        self._timer.stop()
        if self._sink is not None:
            self._sink.stop()


class CallWindow(QWidget):
    """One call; closing the window hangs up."""

    closed = Signal()

    def __init__(
        self, ctx: UiContext, service: CallService, *, title: str, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent, Qt.WindowType.Window)
        self.ctx = ctx
        self.service = service
        self.setObjectName("callWindow")
        self._title = title
        self.setWindowTitle(title)
        self.remote = VideoWidget(lambda: service.remote_video, parent=self)
        self.remote.setObjectName("remoteVideo")
        self.self_view = VideoWidget(lambda: service.self_view, parent=self)
        self.self_view.setObjectName("selfView")
        self.self_view.setMaximumSize(240, 180)
        self.state_label = QLabel(self)
        self.state_label.setObjectName("callState")
        self.timer_label = QLabel("00:00", self)
        self.timer_label.setObjectName("callTimer")
        self.quality_label = QLabel(self)
        self.quality_label.setObjectName("callQuality")
        self.level_label = QLabel(self)
        self.vitals_label = QLabel(self)
        self.vitals_label.setObjectName("callVitals")
        self.message = QLabel(self)
        self.message.setWordWrap(True)

        self.mute_button = QPushButton(self)
        self.mute_button.setCheckable(True)
        self.camera_button = QPushButton(self)
        self.camera_button.setCheckable(True)
        self.hangup_button = QPushButton(self)
        self.hangup_button.setObjectName("hangUp")
        self.level_combo = QComboBox(self)
        self.share_button = QPushButton(self)
        self.reading_combo = QComboBox(self)
        self.reading_value = QDoubleSpinBox(self)
        self.reading_value.setRange(0, 1000)
        self.reading_value.setDecimals(1)
        self.reading_button = QPushButton(self)
        self.chat_log = QListWidget(self)
        self.chat_log.setObjectName("chatLog")
        self.chat_input = QLineEdit(self)
        self.chat_input.setMaxLength(2000)
        self.chat_send = QPushButton(self)

        layout = QHBoxLayout(self)
        left = QVBoxLayout()
        left.addWidget(self.remote, 1)
        status = QHBoxLayout()
        for label in (self.state_label, self.timer_label, self.quality_label, self.level_label):
            status.addWidget(label)
        status.addStretch(1)
        left.addLayout(status)
        controls = QHBoxLayout()
        for w in (
            self.mute_button,
            self.camera_button,
            self.level_combo,
            self.share_button,
            self.hangup_button,
        ):
            controls.addWidget(w)
        left.addLayout(controls)
        left.addWidget(self.message)
        layout.addLayout(left, 3)
        right = QVBoxLayout()
        right.addWidget(self.self_view)
        right.addWidget(self.vitals_label)
        reading = QGridLayout()
        reading.addWidget(self.reading_combo, 0, 0)
        reading.addWidget(self.reading_value, 0, 1)
        reading.addWidget(self.reading_button, 0, 2)
        right.addLayout(reading)
        right.addWidget(self.chat_log, 1)
        chat = QHBoxLayout()
        chat.addWidget(self.chat_input, 1)
        chat.addWidget(self.chat_send)
        right.addLayout(chat)
        layout.addLayout(right, 2)

        self.mute_button.toggled.connect(self._toggle_mute)
        self.camera_button.toggled.connect(self._toggle_camera)
        self.hangup_button.clicked.connect(self.hang_up)
        self.level_combo.activated.connect(self._level_chosen)
        self.share_button.clicked.connect(self.choose_document)
        self.reading_button.clicked.connect(self.share_reading)
        self.chat_send.clicked.connect(self.send_chat)
        self.chat_input.returnPressed.connect(self.send_chat)
        self._shortcuts = []
        for keys, slot in (
            ("Ctrl+D", self.mute_button.toggle),
            ("Ctrl+E", self.camera_button.toggle),
            ("Ctrl+Shift+H", self.hang_up),
            ("Ctrl+Shift+C", self.chat_input.setFocus),
        ):
            shortcut = QShortcut(QKeySequence(keys), self)
            shortcut.activated.connect(slot)
            self._shortcuts.append(shortcut)

        self.speaker = SpeakerOutput(lambda: service.audio_level, self)
        if not self.speaker.available:
            self.message.setText(self.tr("No speaker found: you will not hear the patient."))
        self._tick = QTimer(self)
        self._tick.setInterval(1000)
        self._tick.timeout.connect(self._update_timer)
        self._tick.start()
        self._state = service.state
        self._ended = False
        bridge = ctx.bridge
        self._handlers = (
            (CallDidChangeState, self._on_state),
            (CallChatDidArrive, self._on_chat),
            (CallVitalsDidArrive, self._on_vitals),
            (CallQualityDidChange, self._on_quality),
            (CallLevelDidChange, self._on_level),
            (CallFileDidArrive, self._on_file),
            (CallDidEnd, self._on_end),
        )
        for etype, handler in self._handlers:
            bridge.on(etype, handler)
        self.retranslate()
        self._render_state()
        self.resize(1000, 640)

    # -- texts ----------------------------------------------------------------------------------
    def retranslate(self) -> None:
        self.mute_button.setText(
            self.tr("Microphone off") if self.mute_button.isChecked() else self.tr("Microphone on")
        )
        self.mute_button.setAccessibleName(self.tr("Mute microphone (Ctrl+D)"))
        self.mute_button.setToolTip(self.tr("Mute or unmute your microphone (Ctrl+D)"))
        self.camera_button.setText(
            self.tr("Camera off") if self.camera_button.isChecked() else self.tr("Camera on")
        )
        self.camera_button.setAccessibleName(self.tr("Turn camera off (Ctrl+E)"))
        self.camera_button.setToolTip(self.tr("Turn your camera off or on (Ctrl+E)"))
        self.hangup_button.setText(self.tr("Hang up"))
        self.hangup_button.setAccessibleName(self.tr("Hang up (Ctrl+Shift+H)"))
        self.hangup_button.setToolTip(self.tr("End the call (Ctrl+Shift+H)"))
        current = self.level_combo.currentIndex()
        self.level_combo.clear()
        self.level_combo.addItem(self.tr("Automatic quality"), None)
        self.level_combo.addItem(self.tr("Video"), Level.VIDEO.value)
        self.level_combo.addItem(self.tr("Low video"), Level.LOW_VIDEO.value)
        self.level_combo.addItem(self.tr("Audio only"), Level.AUDIO_ONLY.value)
        self.level_combo.addItem(self.tr("Chat only"), Level.CHAT_ONLY.value)
        self.level_combo.setCurrentIndex(max(current, 0))
        self.level_combo.setAccessibleName(self.tr("Call quality level"))
        self.level_combo.setToolTip(
            self.tr("Force a lower level on a weak network; the visit goes on")
        )
        self.share_button.setText(self.tr("Share document..."))
        self.share_button.setAccessibleName(self.tr("Share a document or image with the patient"))
        current = self.reading_combo.currentIndex()
        self.reading_combo.clear()
        labels = {
            "SpO2": self.tr("SpO2"),
            "Heart rate": self.tr("Heart rate"),
            "Systolic pressure": self.tr("Systolic pressure"),
            "Diastolic pressure": self.tr("Diastolic pressure"),
            "Temperature": self.tr("Temperature"),
            "Glucose": self.tr("Glucose"),
            "Weight": self.tr("Weight"),
        }
        for key, unit in READINGS:
            self.reading_combo.addItem(f"{labels[key]} ({unit})", (labels[key], unit))
        self.reading_combo.setCurrentIndex(max(current, 0))
        self.reading_combo.setAccessibleName(self.tr("Reading to show"))
        self.reading_value.setAccessibleName(self.tr("Reading value"))
        self.reading_button.setText(self.tr("Show reading"))
        self.reading_button.setAccessibleName(self.tr("Show the reading on both sides of the call"))
        self.chat_log.setAccessibleName(self.tr("Chat messages"))
        self.chat_input.setAccessibleName(self.tr("Chat message (Ctrl+Shift+C)"))
        self.chat_input.setPlaceholderText(self.tr("Write to the patient"))
        self.chat_send.setText(self.tr("Send"))
        self.chat_send.setAccessibleName(self.tr("Send chat message"))
        self.remote.setAccessibleName(self.tr("Patient video"))
        self.remote.set_placeholder(self.tr("Waiting for the patient's video"))
        self.self_view.setAccessibleName(self.tr("Your camera"))
        self.self_view.set_placeholder(self.tr("Camera off"))
        self.timer_label.setAccessibleName(self.tr("Call duration"))
        self.quality_label.setAccessibleName(self.tr("Call quality"))
        self.state_label.setAccessibleName(self.tr("Call state"))

    def _render_state(self) -> None:
        texts = {
            CallState.IDLE: self.tr("Starting..."),
            CallState.WAITING: self.tr("Waiting for the patient to join"),
            CallState.NEGOTIATING: self.tr("Connecting..."),
            CallState.CONNECTED: self.tr("Connected"),
            CallState.RECONNECTING: self.tr("Weak connection: reconnecting..."),
            CallState.ENDED: self.tr("Call ended"),
            CallState.FAILED: self.tr("Call failed"),
        }
        self.state_label.setText(texts[self._state])
        live = self._state in (CallState.CONNECTED, CallState.RECONNECTING)
        for w in (self.chat_send, self.chat_input, self.share_button, self.reading_button):
            w.setEnabled(live)
        for control in (self.mute_button, self.camera_button, self.level_combo):
            control.setEnabled(self._state not in (CallState.ENDED, CallState.FAILED))
        self.hangup_button.setEnabled(not self._ended)

    # -- actions --------------------------------------------------------------------------------
    def _submit(self, coro: object, name: str, failure: str) -> None:
        def failed(exc: BaseException) -> None:
            self.message.setText(failure.replace("%1", str(exc)))

        self.ctx.bridge.submit(coro, name=name, on_success=lambda _r: None, on_error=failed)  # type: ignore[arg-type]

    def _toggle_mute(self, muted: bool) -> None:
        self.retranslate()
        self._submit(
            self.service.set_muted(muted), "call-mute", self.tr("Microphone not changed: %1")
        )

    def _toggle_camera(self, off: bool) -> None:
        self.retranslate()
        self._submit(
            self.service.set_camera_on(not off), "call-camera", self.tr("Camera not changed: %1")
        )

    def _level_chosen(self, index: int) -> None:
        value = self.level_combo.itemData(index)
        level = Level(value) if value else None
        self._submit(
            self.service.force_level(level), "call-level", self.tr("Level not changed: %1")
        )

    def send_chat(self) -> None:
        text = self.chat_input.text().strip()
        if not text:
            return
        self.chat_input.clear()
        self._submit(self.service.send_chat(text), "call-chat", self.tr("Message not sent: %1"))

    def share_reading(self) -> None:
        label, unit = self.reading_combo.currentData()
        value = float(self.reading_value.value())
        self._submit(
            self.service.share_reading(label=label, value=value, unit=unit),
            "call-reading",
            self.tr("Reading not shown: %1"),
        )

    def choose_document(self) -> None:
        path, _ = QFileDialog.getOpenFileName(
            self,
            self.tr("Share a document"),
            "",
            self.tr("Documents and images (*.pdf *.png *.jpg *.jpeg)"),
        )
        if path:
            self.share_document(Path(path))

    def share_document(self, path: Path) -> None:
        """Send ``path`` to the patient (at most 5 MiB); progress shows in the message line."""
        try:
            size = path.stat().st_size
        except OSError:
            self.message.setText(self.tr("The document cannot be read."))
            return
        if size > MAX_SHARE_BYTES:
            self.message.setText(self.tr("The document is larger than 5 MB: share a smaller file."))
            return
        data = path.read_bytes()
        mime = {
            ".pdf": "application/pdf",
            ".png": "image/png",
            ".jpg": "image/jpeg",
            ".jpeg": "image/jpeg",
        }.get(path.suffix.lower(), "application/octet-stream")
        self.message.setText(self.tr("Sending %1...").replace("%1", path.name))
        self.share_button.setEnabled(False)

        def done(_r: object) -> None:
            self.share_button.setEnabled(True)
            self.message.setText(self.tr("%1 shared with the patient.").replace("%1", path.name))

        def failed(exc: BaseException) -> None:
            self.share_button.setEnabled(True)
            self.message.setText(self.tr("Document not shared: %1").replace("%1", str(exc)))

        self.ctx.bridge.submit(
            self.service.share_file(name=path.name, mime=mime, data=data),
            name="call-share",
            on_success=done,
            on_error=failed,
        )

    def hang_up(self) -> None:
        if self._ended:
            return
        self.hangup_button.setEnabled(False)
        self._submit(self.service.hang_up(), "call-hang-up", self.tr("Hang-up problem: %1"))

    # -- events from the core -------------------------------------------------------------------
    def _on_state(self, event: CallDidChangeState) -> None:
        self._state = event.state
        self._render_state()
        if event.state is CallState.FAILED and event.detail:
            self.message.setText(self.tr("The call failed: %1").replace("%1", event.detail))

    def _on_chat(self, event: CallChatDidArrive) -> None:
        who = self.tr("You") if event.mine else self.tr("Patient")
        self.chat_log.addItem(f"{who}: {event.text}")
        self.chat_log.scrollToBottom()

    def _on_vitals(self, event: CallVitalsDidArrive) -> None:
        self.vitals_label.setText(f"{event.label}: {event.value:g} {event.unit}")
        self.vitals_label.setAccessibleName(self.vitals_label.text())

    def _on_file(self, event: CallFileDidArrive) -> None:
        self.message.setText(
            self.tr("The patient shared %1 (%2 kB).")
            .replace("%1", event.name)
            .replace("%2", str(event.size // 1024))
        )

    def _on_quality(self, event: CallQualityDidChange) -> None:
        grade = {"good": self.tr("good"), "fair": self.tr("fair"), "poor": self.tr("poor")}[
            event.grade
        ]
        rtt = "-" if event.rtt_ms is None else f"{event.rtt_ms:.0f}"
        loss = "-" if event.loss_pct is None else f"{event.loss_pct:.1f}"
        kbps = "-" if event.send_kbps is None else f"{event.send_kbps:.0f}"
        self.quality_label.setText(
            self.tr("Quality: %1 (RTT %2 ms, loss %3%, %4 kbit/s, %5 fps)")
            .replace("%1", grade)
            .replace("%2", rtt)
            .replace("%3", loss)
            .replace("%4", kbps)
            .replace("%5", f"{event.recv_fps:.0f}")
        )
        self.quality_label.setProperty("grade", event.grade)

    def _on_level(self, event: CallLevelDidChange) -> None:
        names = {
            Level.VIDEO: self.tr("video"),
            Level.LOW_VIDEO: self.tr("low video"),
            Level.AUDIO_ONLY: self.tr("audio only"),
            Level.CHAT_ONLY: self.tr("chat only"),
        }
        text = names[event.level]
        if event.width:
            text += f" {event.width}x{event.height}@{event.fps}"
        self.level_label.setText(text)

    def _on_end(self, event: CallDidEnd) -> None:
        self._ended = True
        self._render_state()
        if event.encounter_id:
            self.message.setText(self.tr("The visit's encounter was saved for sending."))

    def _update_timer(self) -> None:
        seconds = int(self.service.connected_s)
        self.timer_label.setText(f"{seconds // 60:02d}:{seconds % 60:02d}")

    # -- closing --------------------------------------------------------------------------------
    def dispose(self) -> None:
        for etype, handler in self._handlers:
            self.ctx.bridge.off(etype, handler)
        self._tick.stop()
        self.speaker.stop()
        self.remote.timer.stop()
        self.self_view.timer.stop()

    def closeEvent(self, event: QCloseEvent) -> None:
        if self.service.active:
            self.hang_up()
        self.dispose()
        self.closed.emit()
        super().closeEvent(event)
