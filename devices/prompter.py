"""What a driver asks the user while pairing: the :class:`DevicePrompter` protocol.

The UI implements it (a dialog in the pairing wizard); tests implement it with fixed answers.
Drivers and transport backends call it on the core loop and await the answer, so an
implementation must never block the loop: the UI version hands the question to the GUI
thread and resolves a future when the user answers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol, runtime_checkable

__all__ = ["DeviceLabel", "DevicePrompter", "FixedPrompter"]


@dataclass(frozen=True, slots=True)
class DeviceLabel:
    """How to name a device to the user: advertised name and Bluetooth address."""

    name: str
    address: str


@runtime_checkable
class DevicePrompter(Protocol):
    """Questions a pairing may need. Thread affinity: called and awaited on the core loop."""

    async def request_passkey(self, device: DeviceLabel) -> int | None:
        """The 6-digit passkey shown on (or printed on) the device; None if the user cancels."""
        ...

    async def confirm_passkey(self, device: DeviceLabel, passkey: int) -> bool:
        """Numeric comparison: does the device show ``passkey``? False if not or cancelled."""
        ...


class FixedPrompter:
    """A prompter with preset answers (tests, demo mode, headless tools).

    ``passkey`` None answers "cancel"; ``confirm`` is the numeric-comparison answer. Records
    how many times it was asked, so tests can check a driver did (or did not) prompt.
    """

    def __init__(self, *, passkey: int | None = None, confirm: bool = True) -> None:
        self.passkey = passkey
        self.confirm = confirm
        self.passkey_requests = 0
        self.confirmations = 0

    async def request_passkey(self, device: DeviceLabel) -> int | None:
        self.passkey_requests += 1
        return self.passkey

    async def confirm_passkey(self, device: DeviceLabel, passkey: int) -> bool:
        self.confirmations += 1
        return self.confirm
