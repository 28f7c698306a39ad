"""The vault's data key: in the OS secret store, and wrapped by a recovery key on disk.

The data key is a raw random 256-bit SQLCipher key (no per-open PBKDF2 cost, DESIGN §5). It lives
in the OS secret store through ``keyring``; a copy wrapped with AES-256-GCM under a random
recovery key sits next to the vault (``*.keyinfo.json``), so a lost secret-store entry is not lost
data: the recovery key shown at first run unwraps it. Keys are never logged.

Thread affinity: the functions here block (keyring talks D-Bus / OS APIs, files are written);
call them off the core loop (``asyncio.to_thread``) or on the DB thread.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

import keyring
import keyring.backend
import keyring.errors
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from offline_cache.errors import KeyringUnavailable, VaultCorrupted, WrongKey

# The same service name app.session.tokens reserves for vault keys.
SERVICE_NAME = "it.lombardia.telemed.workstation/vault-key"
KEY_BYTES = 32
_KEYINFO_FORMAT = 1
_CHECK_LABEL = b"telemed-vault key check v1"

_INSTALL_HINT = (
    "The workstation stores health data only encrypted, with its key in the operating system's "
    "secret store, and none is available. On Linux install and unlock a Secret Service provider "
    "(gnome-keyring, or KeePassXC with Secret Service integration) in this desktop session; on "
    "Windows use a normal user session (Credential Manager); on macOS unlock the login Keychain."
)


def _backend_name(backend: keyring.backend.KeyringBackend) -> str:
    return f"{type(backend).__module__}.{type(backend).__name__}"


class SecretStore:
    """The data keys in the OS secret store (one entry per user and tenant).

    ``backend`` defaults to ``keyring.get_keyring()``. Every failure of the secret store is
    raised as :class:`KeyringUnavailable` with what to install or unlock.
    """

    def __init__(self, backend: keyring.backend.KeyringBackend | None = None) -> None:
        self._backend = backend

    @property
    def backend(self) -> keyring.backend.KeyringBackend:
        return self._backend if self._backend is not None else keyring.get_keyring()

    def check_available(self) -> None:
        """Raise :class:`KeyringUnavailable` if the backend cannot hold secrets."""
        backend = self.backend
        name = _backend_name(backend)
        if name.startswith(("keyring.backends.fail.", "keyring.backends.null.")):
            raise KeyringUnavailable(f"{_INSTALL_HINT} (keyring backend: {name})")
        chained = getattr(backend, "backends", None)
        if chained is not None and not chained:
            raise KeyringUnavailable(f"{_INSTALL_HINT} (keyring backend: none found)")

    def load(self, account: str) -> bytes | None:
        """The data key of ``account``, or None if the secret store has none."""
        self.check_available()
        try:
            value = self.backend.get_password(SERVICE_NAME, account)
        except keyring.errors.KeyringLocked as exc:
            raise KeyringUnavailable(
                f"the secret store is locked: unlock it. {_INSTALL_HINT}"
            ) from exc
        except (keyring.errors.KeyringError, OSError) as exc:
            raise KeyringUnavailable(f"{_INSTALL_HINT} ({type(exc).__name__})") from exc
        if value is None:
            return None
        try:
            key = bytes.fromhex(value)
        except ValueError:
            return None
        return key if len(key) == KEY_BYTES else None

    def store(self, account: str, key: bytes) -> None:
        """Put ``key`` in the secret store for ``account`` (replacing any entry)."""
        self.check_available()
        try:
            self.backend.set_password(SERVICE_NAME, account, key.hex())
        except keyring.errors.KeyringLocked as exc:
            raise KeyringUnavailable(
                f"the secret store is locked: unlock it. {_INSTALL_HINT}"
            ) from exc
        except (keyring.errors.KeyringError, OSError) as exc:
            raise KeyringUnavailable(f"{_INSTALL_HINT} ({type(exc).__name__})") from exc

    def delete(self, account: str) -> None:
        """Remove the entry of ``account`` if present (tests, decommissioning)."""
        self.check_available()
        try:
            self.backend.delete_password(SERVICE_NAME, account)
        except keyring.errors.PasswordDeleteError:
            return
        except (keyring.errors.KeyringError, OSError) as exc:
            raise KeyringUnavailable(f"{_INSTALL_HINT} ({type(exc).__name__})") from exc


class _NeverChosen:
    """``priority`` of a backend that ``keyring`` must never select by itself."""

    def __get__(self, obj: object, owner: type | None = None) -> float:
        raise RuntimeError("the session memory keyring is only ever set explicitly")


class SessionMemoryKeyring(keyring.backend.KeyringBackend):
    """Secrets held in this process's memory only, for demo mode on a machine without an OS
    secret store. They vanish when the process ends, and with them the only key to what they
    encrypt (the demo's synthetic data): nothing is ever written in clear. ``keyring`` never
    selects it on its own (not viable); the workstation sets it explicitly in demo mode.
    """

    priority = _NeverChosen()  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()  # type: ignore[no-untyped-call]
        self._values: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self._values.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self._values[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        if self._values.pop((service, username), None) is None:
            raise keyring.errors.PasswordDeleteError("no such secret")


def new_key() -> bytes:
    """A fresh random 256-bit key."""
    return secrets.token_bytes(KEY_BYTES)


def key_check(key: bytes) -> str:
    """A non-secret fingerprint of ``key`` (HMAC), to tell a wrong key from a damaged file."""
    return hmac.new(key, _CHECK_LABEL, hashlib.sha256).hexdigest()


def format_recovery_key(key: bytes) -> str:
    """``key`` as base32 groups of four (``ABCD-EFGH-...``), for printing or saving."""
    text = base64.b32encode(key).decode("ascii").rstrip("=")
    return "-".join(text[i : i + 4] for i in range(0, len(text), 4))


def parse_recovery_key(text: str) -> bytes:
    """Inverse of :func:`format_recovery_key` (ignores case, spaces, dashes); raises WrongKey."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    try:
        key = base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (ValueError, TypeError) as exc:
        raise WrongKey("this is not a recovery key (check the letters and digits)") from exc
    if len(key) != KEY_BYTES:
        raise WrongKey("this is not a recovery key (wrong length)")
    return key


@dataclass(frozen=True, slots=True)
class KeyInfo:
    """The non-secret key file next to a vault: fingerprint and the recovery-wrapped data key."""

    key_check: str
    nonce: bytes
    wrapped_key: bytes

    @classmethod
    def wrap(cls, data_key: bytes, recovery_key: bytes, *, account: str) -> KeyInfo:
        nonce = os.urandom(12)
        wrapped = AESGCM(recovery_key).encrypt(nonce, data_key, _aad(account))
        return cls(key_check(data_key), nonce, wrapped)

    def unwrap(self, recovery_key: bytes, *, account: str) -> bytes:
        """The data key; raises :class:`WrongKey` if ``recovery_key`` is not the right one."""
        try:
            data_key = AESGCM(recovery_key).decrypt(self.nonce, self.wrapped_key, _aad(account))
        except InvalidTag as exc:
            raise WrongKey("the recovery key does not belong to this vault") from exc
        if key_check(data_key) != self.key_check:
            raise WrongKey("the recovery key does not belong to this vault")
        return data_key

    def matches(self, data_key: bytes) -> bool:
        return hmac.compare_digest(key_check(data_key), self.key_check)

    def write(self, path: Path) -> None:
        """Write atomically (temp file, fsync, rename); never leaves a half-written key file."""
        doc = {
            "format": _KEYINFO_FORMAT,
            "key_check": self.key_check,
            "nonce": base64.b64encode(self.nonce).decode("ascii"),
            "wrapped_key": base64.b64encode(self.wrapped_key).decode("ascii"),
        }
        tmp = path.with_name(path.name + ".tmp")
        with open(tmp, "w", encoding="utf-8") as handle:
            json.dump(doc, handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)

    @classmethod
    def read(cls, path: Path) -> KeyInfo:
        """Read a key file; raises :class:`VaultCorrupted` (file kept) if it is damaged."""
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
            if doc.get("format") != _KEYINFO_FORMAT:
                raise ValueError("unknown format")
            return cls(
                str(doc["key_check"]),
                base64.b64decode(doc["nonce"], validate=True),
                base64.b64decode(doc["wrapped_key"], validate=True),
            )
        except (ValueError, KeyError, TypeError, UnicodeDecodeError) as exc:
            raise VaultCorrupted(
                f"the vault key file is damaged ({type(exc).__name__}); it was kept as is",
                path=path,
            ) from exc


def _aad(account: str) -> bytes:
    return b"telemed-vault v1|" + account.encode("utf-8")
