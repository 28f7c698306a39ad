"""Events of the session (published on :class:`app.events.EventBus`; no tokens, no PINs)."""

from __future__ import annotations

import enum
from dataclasses import dataclass

from app.events import Event


class SessionState(enum.Enum):
    """``SIGNED_OUT``: nobody; ``ACTIVE``: a clinician works; ``LOCKED``: data hidden until unlock."""

    SIGNED_OUT = "signed-out"
    ACTIVE = "active"
    LOCKED = "locked"


@dataclass(frozen=True, slots=True)
class SessionDidChange(Event):
    """The session changed state. ``subject``/``display_name`` of the current clinician, if any;
    ``syncing_for`` lists the subjects of earlier users whose outbox still drains.
    """

    state: SessionState
    subject: str | None = None
    display_name: str = ""
    offline: bool = False
    syncing_for: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class SessionDidExpire(Event):
    """The clinician's regional login can no longer be refreshed: a new browser login is needed
    to reach the regional services (offline work with the PIN goes on)."""

    subject: str
