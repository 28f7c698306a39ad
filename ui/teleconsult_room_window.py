"""The video room of a teleconsult: one tile per remote clinician, refreshed as people join."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QTimer, Signal
from PySide6.QtWidgets import QGridLayout, QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from app.services.calls import FrameSlot
from app.services.teleconsult_room import TeleconsultRoom
from ui.clinical import BusyRunner
from ui.context import UiContext
from ui.error_text import reason_text
from ui.video_widget import VideoWidget

_EMPTY = FrameSlot()  # shown until a participant's first frame


class TeleconsultRoomWindow(QWidget):
    """Joins the room on open, shows every participant, leaves on close."""

    left = Signal()

    def __init__(
        self,
        ctx: UiContext,
        room: TeleconsultRoom,
        *,
        task_id: str,
        display: str,
        title: str,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("teleconsultRoomWindow")
        self.ctx = ctx
        self.room = room
        self.runner = BusyRunner(ctx, self._update)
        self.tiles: dict[str, VideoWidget] = {}
        self.joined = False
        layout = QVBoxLayout(self)
        self.status = QLabel(self)
        self.status.setObjectName("roomStatus")
        self.status.setAccessibleName(self.tr("Video room status"))
        layout.addWidget(self.status)
        self.grid = QGridLayout()
        layout.addLayout(self.grid, 1)
        row = QHBoxLayout()
        row.addStretch(1)
        self.leave_button = QPushButton(self.tr("&Leave the room"), self)
        self.leave_button.setObjectName("leaveRoom")
        self.leave_button.setAccessibleName(self.tr("Leave the video room"))
        row.addWidget(self.leave_button)
        layout.addLayout(row)
        self.setWindowTitle(title)
        self.leave_button.clicked.connect(self.close)
        self.refresh_timer = QTimer(self)
        self.refresh_timer.setInterval(3000)
        self.refresh_timer.timeout.connect(self.refresh)
        self.resize(980, 620)
        self.status.setText(self.tr("Joining the video room..."))
        self.runner.run(
            room.join(task_id, display=display),
            name=self.tr("Joining the video room"),
            on_success=lambda _r: self._joined(),
            on_error=lambda exc: self.status.setText(
                self.tr("The video room is not available (%1).").replace("%1", reason_text(exc))
            ),
        )

    def _joined(self) -> None:
        self.joined = True
        self._render()
        self.refresh_timer.start()

    def refresh(self) -> None:
        if self.joined and not self.runner.pending:
            self.runner.run(
                self.room.refresh(),
                name=self.tr("Updating the video room"),
                on_success=lambda _r: self._render(),
                on_error=lambda exc: self.status.setText(
                    self.tr("A participant could not be received (%1).").replace(
                        "%1", reason_text(exc)
                    )
                ),
            )

    def _render(self) -> None:
        feeds = self.room.feeds()
        for name in feeds:
            if name in self.tiles:
                continue
            tile = VideoWidget(self._slot_of(name), placeholder=name, parent=self)
            tile.setAccessibleName(self.tr("Video of %1").replace("%1", name))
            caption = QLabel(name, self)
            n = len(self.tiles)
            self.grid.addWidget(tile, (n // 2) * 2, n % 2)
            self.grid.addWidget(caption, (n // 2) * 2 + 1, n % 2)
            self.tiles[name] = tile
        self.status.setText(
            self.tr("In the room with %n other participant(s).", "", len(feeds))
            if feeds
            else self.tr("Waiting for the other participants...")
        )

    def _slot_of(self, name: str) -> Callable[[], FrameSlot]:
        def slot() -> FrameSlot:
            return self.room.feeds().get(name) or _EMPTY

        return slot

    def _update(self) -> None:
        return

    def closeEvent(self, event: object) -> None:  # type: ignore[override]
        self.refresh_timer.stop()
        for tile in self.tiles.values():
            tile.timer.stop()
        self.ctx.bridge.submit(self.room.leave(), name="leave-room", on_error=lambda _e: None)
        self.left.emit()
        super().closeEvent(event)  # type: ignore[arg-type]
