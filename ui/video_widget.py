"""A video view that polls a latest-frame slot on a timer (DESIGN §3: no per-frame signals).

The core fills a :class:`app.services.calls.FrameSlot` with RGB numpy frames; this
widget reads it ~30 times a second, wraps a new frame in a QImage only when the
slot's sequence number changed, and paints it scaled with its aspect ratio kept.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QRectF, QSize, Qt, QTimer
from PySide6.QtGui import QColor, QImage, QPainter, QPaintEvent
from PySide6.QtWidgets import QSizePolicy, QWidget

from app.services.calls import FrameSlot


class VideoWidget(QWidget):
    """Shows the frames of ``source()`` (called at every tick: the slot may change per call)."""

    def __init__(
        self,
        source: Callable[[], FrameSlot],
        *,
        placeholder: str = "",
        interval_ms: int = 33,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self._source = source
        self._placeholder = placeholder
        self._seq = -1
        self._image: QImage | None = None
        self._array: Any = None  # keeps the buffer alive while the QImage points into it
        self.frames_painted = 0
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setMinimumSize(160, 120)
        self.timer = QTimer(self)
        self.timer.setInterval(interval_ms)
        self.timer.timeout.connect(self.poll)
        self.timer.start()

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 480)

    def poll(self) -> None:
        """Take the latest frame if it is new (GUI thread, timer)."""
        seq, frame = self._source().latest()
        if seq == self._seq:
            return
        self._seq = seq
        if frame is None:
            self._image, self._array = None, None
        else:
            height, width = int(frame.shape[0]), int(frame.shape[1])
            self._array = frame
            self._image = QImage(frame.data, width, height, 3 * width, QImage.Format.Format_RGB888)
        self.update()

    def current_size(self) -> tuple[int, int]:
        """(width, height) of the frame shown, (0, 0) without video."""
        if self._image is None:
            return (0, 0)
        return (self._image.width(), self._image.height())

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(24, 24, 24))
        if self._image is None:
            painter.setPen(QColor(220, 220, 220))
            painter.drawText(self.rect(), Qt.AlignmentFlag.AlignCenter, self._placeholder)
            painter.end()
            return
        scaled = self._image.size().scaled(self.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = (self.width() - scaled.width()) / 2
        y = (self.height() - scaled.height()) / 2
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, True)
        painter.drawImage(QRectF(x, y, scaled.width(), scaled.height()), self._image)
        painter.end()
        self.frames_painted += 1
