"""Typed errors of the encrypted offline store, all rooted in :class:`StoreError`.

Messages are written for the help desk and the clinician; they never contain health data or keys.
"""

from __future__ import annotations

from pathlib import Path


class StoreError(Exception):
    """Base of every error raised by :mod:`offline_cache`."""


class KeyringUnavailable(StoreError):
    """No usable OS secret store: health data will not be stored without one.

    The message says what to install or unlock (Secret Service / gnome-keyring on Linux,
    Credential Manager on Windows, the login Keychain on macOS).
    """


class VaultKeyMissing(StoreError):
    """The vault file exists but the secret store has no key for it.

    Nothing is lost: open it with the recovery key exported at first run
    (:func:`offline_cache.vault.recover_vault`).
    """


class WrongKey(StoreError):
    """The key (from the secret store or the recovery key) does not open this vault."""


class VaultCorrupted(StoreError):
    """The vault file (or its key file) is damaged. The file is kept untouched at ``path``."""

    def __init__(self, message: str, *, path: Path) -> None:
        super().__init__(message)
        self.path = path


class PlaintextDatabase(VaultCorrupted):
    """The vault path holds an unencrypted SQLite file; it is refused, never reused."""


class MigrationError(StoreError):
    """A schema migration failed; the transaction was rolled back and ``user_version`` kept."""


class VaultTooNew(StoreError):
    """The vault was written by a newer release (its schema version is unknown here)."""


class StoreClosed(StoreError):
    """The store was closed; no further reads or writes are accepted."""


class UnknownUnit(StoreError):
    """No outbox unit with that id."""
