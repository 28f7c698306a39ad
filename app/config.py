"""Per-user paths (platformdirs) and workstation settings.

Settings hold no secrets and no health data: keys live in the OS secret store, clinical data in
the encrypted vault. ``TELEMED_HOME`` relocates every directory (tests, portable installs).
"""

from __future__ import annotations

import dataclasses
import json
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import platformdirs

APP_NAME = "telemed-workstation"
APP_AUTHOR = "IRT-Lombardia"
LANGUAGES = ("system", "it", "en")


class ConfigError(Exception):
    """Base of configuration errors (unreadable or invalid settings file)."""


@dataclass(frozen=True, slots=True)
class Paths:
    """Per-user directories; created on demand by :meth:`ensure`."""

    config_dir: Path
    data_dir: Path
    log_dir: Path
    cache_dir: Path

    @classmethod
    def default(cls) -> Paths:
        home = os.environ.get("TELEMED_HOME")
        if home:
            root = Path(home)
            return cls(root / "config", root / "data", root / "log", root / "cache")
        return cls(
            Path(platformdirs.user_config_dir(APP_NAME, APP_AUTHOR)),
            Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR)),
            Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR)),
            Path(platformdirs.user_cache_dir(APP_NAME, APP_AUTHOR)),
        )

    def ensure(self) -> Paths:
        for d in (self.config_dir, self.data_dir, self.log_dir, self.cache_dir):
            d.mkdir(parents=True, exist_ok=True, mode=0o700)
        return self

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"


@dataclass(frozen=True, slots=True)
class Settings:
    """User-editable settings. ``demo`` runs against the bundled reference backend."""

    demo: bool = False
    backend_url: str = "http://127.0.0.1:8470"
    tenant: str = "lombardia"
    language: str = "system"
    auto_lock_s: int = 300
    ca_bundle: str | None = None
    log_level: str = "INFO"
    update_url: str | None = None
    #: Janus REST base of the regional SFU for multi-party teleconsults (None: not available).
    janus_url: str | None = None

    @property
    def fhir_base_url(self) -> str:
        """The FHIR R4 base of the regional backend (``<backend_url>/fhir``; DESIGN §4)."""
        return self.backend_url.rstrip("/") + "/fhir"

    def replace(self, **changes: Any) -> Settings:
        new = dataclasses.replace(self, **changes)
        new.validate()
        return new

    def validate(self) -> None:
        if self.language not in LANGUAGES:
            raise ConfigError(f"language must be one of {', '.join(LANGUAGES)}")
        if not (30 <= self.auto_lock_s <= 3600):
            raise ConfigError("auto_lock_s must be between 30 and 3600 seconds")
        if not self.backend_url.startswith(("http://", "https://")):
            raise ConfigError("backend_url must be an http(s) URL")
        if self.janus_url is not None and not self.janus_url.startswith(("http://", "https://")):
            raise ConfigError("janus_url must be an http(s) URL")


def load_settings(paths: Paths) -> Settings:
    """Read settings; a missing file gives defaults; a broken file raises :class:`ConfigError`."""
    try:
        raw = json.loads(paths.settings_file.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return Settings()
    except (OSError, ValueError) as exc:
        raise ConfigError(f"cannot read {paths.settings_file}: {type(exc).__name__}") from exc
    if not isinstance(raw, dict):
        raise ConfigError(f"{paths.settings_file} must hold a JSON object")
    known = {f.name for f in dataclasses.fields(Settings)}
    settings = Settings(**{k: v for k, v in raw.items() if k in known})
    settings.validate()
    return settings


def save_settings(paths: Paths, settings: Settings) -> None:
    """Write settings atomically (temp file in the same directory, then rename)."""
    settings.validate()
    paths.config_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    tmp = paths.settings_file.with_suffix(".json.tmp")
    tmp.write_text(json.dumps(dataclasses.asdict(settings), indent=2), encoding="utf-8")
    os.replace(tmp, paths.settings_file)
