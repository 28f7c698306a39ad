"""Configuration of the reference regional backend."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["SimConfig"]


@dataclass(frozen=True, slots=True)
class SimConfig:
    """Settings of one regional_sim instance.

    ``db_path`` is the SQLite file (created if missing). ``seed`` is ``None`` or
    ``"demo"``: demo data is generated only when the database is new.
    ``turn_secret``/``turn_uris`` configure TURN REST credentials (coturn
    ``use-auth-secret``); ``turn_ttl_s`` is their lifetime in seconds.
    ``strict_codice_fiscale`` rejects (422) Patients whose codice fiscale
    identifier has a wrong check letter or disagrees with sex/birth date.
    ``max_request_bytes`` bounds request bodies (Binary uploads, Bundles).
    """

    db_path: Path
    seed: str | None = None
    turn_secret: str | None = None
    turn_uris: tuple[str, ...] = field(default_factory=tuple)
    stun_uris: tuple[str, ...] = field(default_factory=tuple)
    turn_ttl_s: int = 3600
    strict_codice_fiscale: bool = False
    max_request_bytes: int = 64 * 1024 * 1024
    default_page_size: int = 50
    max_page_size: int = 1000
