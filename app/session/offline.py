"""Offline unlock: a clinician who logged in online once unlocks with a local PIN or passphrase.

What is stored, per clinician, in ``<data_dir>/session/offline/<sha256(subject)>.json`` (no name
in the file name): the subject, display name, issuer, a random 16-byte salt, the scrypt parameters
and ``scrypt(PIN, salt)`` (32 bytes) — a verifier, never the PIN — plus the count of consecutive
wrong tries and the earliest time of the next try. scrypt with N=2^15, r=8 (32 MiB per try,
~0.1 s here) makes guessing a stolen file expensive; the persisted, growing delay (free for the
first :data:`FREE_TRIES` mistakes, then 5 s doubling up to 15 min) throttles guessing at the
keyboard, across restarts (setting the clock back restarts the wait rather than ending it).
Files are written atomically.

Enrolment needs an online login first (the caller proves it by passing the fresh identity).

Thread affinity: coroutines on the core loop; scrypt and file I/O run in a worker thread.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from app.logs import safe
from app.session.errors import NoOfflineUnlock, UnlockThrottled, WeakPin, WrongPin
from app.session.oidc import Clock

_log = logging.getLogger(__name__)

FREE_TRIES = 3
FIRST_DELAY_S = 5.0
MAX_DELAY_S = 900.0
MIN_PIN_LENGTH = 6
_FORMAT = 1


@dataclass(frozen=True, slots=True)
class ScryptParams:
    """scrypt cost: memory is 128 * r * n bytes (32 MiB by default)."""

    n: int = 2**15
    r: int = 8
    p: int = 1

    @property
    def maxmem(self) -> int:
        """The memory bound passed to ``hashlib.scrypt`` (the cost plus some headroom)."""
        return 128 * self.r * self.n * self.p + 8 * 1024 * 1024


@dataclass(frozen=True, slots=True)
class Identity:
    """Who is working: the provider's subject (a Practitioner id in the regional directory)."""

    subject: str
    display_name: str
    issuer: str

    @property
    def practitioner_reference(self) -> str:
        """``Practitioner/<subject>``: the author of work queued under this identity."""
        return f"Practitioner/{self.subject}"


def backoff_s(failures: int) -> float:
    """The wait imposed after ``failures`` consecutive wrong tries."""
    if failures < FREE_TRIES:
        return 0.0
    return float(min(MAX_DELAY_S, FIRST_DELAY_S * 2 ** (failures - FREE_TRIES)))


def check_pin_strength(pin: str) -> None:
    """Raise :class:`WeakPin` for short, single-character or sequential PINs."""
    if len(pin) < MIN_PIN_LENGTH:
        raise WeakPin(f"use at least {MIN_PIN_LENGTH} characters")
    if len(set(pin)) == 1:
        raise WeakPin("do not repeat a single character")
    digits = "0123456789012345678901234567890"
    if pin.isdigit() and (pin in digits or pin in digits[::-1]):
        raise WeakPin("do not use a sequence of digits")


class OfflineUnlock:
    """PIN verifiers and throttling state of every clinician enrolled on this workstation."""

    def __init__(
        self, directory: Path, *, params: ScryptParams | None = None, clock: Clock = time.time
    ) -> None:
        self._dir = directory
        self._params = params or ScryptParams()
        self._clock = clock
        self._lock = asyncio.Lock()

    def _path(self, subject: str) -> Path:
        return self._dir / f"{hashlib.sha256(subject.encode()).hexdigest()[:32]}.json"

    async def enroll(self, identity: Identity, pin: str) -> None:
        """Set (or replace) the PIN of a clinician who has just logged in online."""
        check_pin_strength(pin)
        salt = secrets.token_bytes(16)
        verifier = await asyncio.to_thread(self._derive, pin, salt, self._params)
        record = {
            "format": _FORMAT,
            "subject": identity.subject,
            "display_name": identity.display_name,
            "issuer": identity.issuer,
            "salt": salt.hex(),
            "n": self._params.n,
            "r": self._params.r,
            "p": self._params.p,
            "verifier": verifier.hex(),
            "failures": 0,
            "not_before": 0.0,
        }
        async with self._lock:
            await asyncio.to_thread(self._write, self._path(identity.subject), record)
        _log.info("offline unlock enrolled")

    async def is_enrolled(self, subject: str) -> bool:
        """True when the clinician has an offline PIN on this workstation."""
        return await asyncio.to_thread(self._path(subject).exists)

    async def enrolled(self) -> list[Identity]:
        """Every clinician who can unlock offline here (for the lock screen's user list)."""

        def scan() -> list[Identity]:
            found = []
            for path in sorted(self._dir.glob("*.json")) if self._dir.is_dir() else []:
                try:
                    record = json.loads(path.read_text(encoding="utf-8"))
                    found.append(
                        Identity(record["subject"], record["display_name"], record["issuer"])
                    )
                except (OSError, ValueError, KeyError):
                    continue
            return found

        return await asyncio.to_thread(scan)

    async def retry_after_s(self, subject: str) -> float:
        """Seconds until the next PIN try is allowed (0 when allowed now)."""
        record = await asyncio.to_thread(self._read, subject)
        return max(0.0, float(record["not_before"]) - self._clock())

    async def unlock(self, subject: str, pin: str) -> Identity:
        """Check the PIN; returns the identity or raises :class:`WrongPin`,
        :class:`UnlockThrottled` or :class:`NoOfflineUnlock`.
        """
        async with self._lock:  # one try at a time: no parallel guessing
            record = await asyncio.to_thread(self._read, subject)
            now = self._clock()
            failures = int(record["failures"])
            if failures and now + 1.0 < float(record.get("last_failure_at", 0.0)):
                # The clock was set back: that must not shorten the wait; restart it from now.
                record.update(not_before=now + backoff_s(failures), last_failure_at=now)
                await asyncio.to_thread(self._write, self._path(subject), record)
            wait = float(record["not_before"]) - now
            if wait > 0:
                raise UnlockThrottled(wait)
            params = ScryptParams(int(record["n"]), int(record["r"]), int(record["p"]))
            got = await asyncio.to_thread(self._derive, pin, bytes.fromhex(record["salt"]), params)
            path = self._path(subject)
            if hmac.compare_digest(got, bytes.fromhex(record["verifier"])):
                if record["failures"]:
                    record.update(failures=0, not_before=0.0)
                    await asyncio.to_thread(self._write, path, record)
                return Identity(record["subject"], record["display_name"], record["issuer"])
            failures += 1
            delay = backoff_s(failures)
            now = self._clock()
            record.update(failures=failures, not_before=now + delay, last_failure_at=now)
            await asyncio.to_thread(self._write, path, record)
            _log.warning("offline unlock: wrong PIN (%s in a row)", safe(failures))
            raise WrongPin(failures=failures, retry_after_s=delay)

    async def forget(self, subject: str) -> None:
        """Remove a clinician's offline unlock (PIN reset, leaving the station)."""
        await asyncio.to_thread(self._path(subject).unlink, missing_ok=True)

    # -- worker thread --------------------------------------------------------------------------
    @staticmethod
    def _derive(pin: str, salt: bytes, params: ScryptParams) -> bytes:
        return hashlib.scrypt(
            pin.encode("utf-8"),
            salt=salt,
            n=params.n,
            r=params.r,
            p=params.p,
            maxmem=params.maxmem,
            dklen=32,
        )

    def _read(self, subject: str) -> dict[str, Any]:
        try:
            record = json.loads(self._path(subject).read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise NoOfflineUnlock(
                "no offline PIN for this clinician here: log in online first"
            ) from None
        except (OSError, ValueError) as exc:
            raise NoOfflineUnlock("the offline PIN record is unreadable: log in online") from exc
        if not isinstance(record, dict) or record.get("subject") != subject:
            raise NoOfflineUnlock("the offline PIN record is not this clinician's")
        return record

    def _write(self, path: Path, record: dict[str, Any]) -> None:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        tmp = path.with_suffix(".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(record, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
