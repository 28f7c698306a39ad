"""Logging that never writes health data (STYLE §7, brief: "no health data in logs").

Policy: every ``%``-argument of a log record is redacted unless wrapped in :func:`safe`. The
message template is written by us and must not hold data, but it is scrubbed anyway for codice
fiscale-like tokens. Exceptions are reduced to their type and stack frames: their messages
(which often echo input data) are dropped.
"""

from __future__ import annotations

import logging
import logging.handlers
import re
import traceback
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

REDACTED = "<redacted>"

# Codice fiscale (incl. omocodia letters), e-mail addresses, long digit runs (phone, card numbers).
_SCRUB = re.compile(
    r"\b[A-Z]{6}[0-9LMNPQRSTUV]{2}[A-EHLMPRST][0-9LMNPQRSTUV]{2}[A-Z][0-9LMNPQRSTUV]{3}[A-Z]\b"
    r"|[\w.+-]+@[\w-]+\.[\w.-]+"
    r"|\b\d{7,}\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Safe:
    """A log argument declared free of health data by the caller (ids of ours, counts, states)."""

    value: object

    def __str__(self) -> str:
        return str(self.value)

    def __repr__(self) -> str:
        return repr(self.value)


def safe(value: object) -> Safe:
    """Mark ``value`` as loggable. Use only for values that can never hold health data."""
    return Safe(value)


def scrub(text: str) -> str:
    """Replace codice fiscale-like tokens, e-mails and long digit runs with ``<redacted>``."""
    return _SCRUB.sub(REDACTED, text)


def format_exception_redacted(
    exc_type: type[BaseException] | None,
    exc: BaseException | None,
    tb: TracebackType | None,
) -> str:
    """A traceback with frames (file, line, function) and exception types, without messages."""
    lines: list[str] = []
    seen: set[int] = set()
    current = exc
    chain: list[BaseException] = []
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        chain.append(current)
        current = current.__cause__ or current.__context__
    if not chain and exc_type is not None:
        lines.append(f"{exc_type.__module__}.{exc_type.__qualname__}: {REDACTED}")
    for link in reversed(chain):
        frames = traceback.extract_tb(link.__traceback__ if link is not exc else tb)
        lines.append("Traceback (most recent call last):")
        for fr in frames:
            lines.append(f'  File "{fr.filename}", line {fr.lineno}, in {fr.name}')
        t = type(link)
        lines.append(f"{t.__module__}.{t.__qualname__}: {REDACTED}")
    return "\n".join(lines)


# A %-conversion (not "%%"): redacted arguments are strings, so numeric conversions become %s.
_CONVERSION = re.compile(
    r"(?<!%)%(\([^)]*\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?[diouxXeEfFgGcrsa]"
)


def _as_string_conversions(msg: str, redacted: tuple[bool, ...] | dict[str, bool]) -> str:
    """``msg`` with the conversions of redacted arguments turned into ``%s``."""
    position = iter(range(len(redacted)) if isinstance(redacted, tuple) else ())

    def convert(m: re.Match[str]) -> str:
        key = m.group(1)
        if isinstance(redacted, dict):
            hit = redacted.get(key[1:-1], False) if key else False
        else:
            index = next(position, None)
            hit = index is not None and redacted[index]
        return f"%{key or ''}s" if hit else m.group(0)

    return _CONVERSION.sub(convert, msg)


class HealthDataFilter(logging.Filter):
    """Redact a record in place before any handler formats it."""

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_telemed_redacted", False):
            return True  # already redacted by another handler's filter
        record._telemed_redacted = True
        if record.args:
            # Safe values are unwrapped so "%d" and "%.1f" still apply to them.
            if isinstance(record.args, dict):
                mapping = record.args
                record.args = {
                    k: (v.value if isinstance(v, Safe) else REDACTED) for k, v in mapping.items()
                }
                redacted: tuple[bool, ...] | dict[str, bool] = {
                    k: not isinstance(v, Safe) for k, v in mapping.items()
                }
            else:
                args = record.args if isinstance(record.args, tuple) else (record.args,)
                record.args = tuple(a.value if isinstance(a, Safe) else REDACTED for a in args)
                redacted = tuple(not isinstance(a, Safe) for a in args)
        record.msg = scrub(str(record.msg))
        if record.args:
            try:
                record.getMessage()
            except (TypeError, ValueError, KeyError):
                record.msg = _as_string_conversions(record.msg, redacted)
        if record.exc_info and record.exc_info[0] is not None:
            record.exc_text = format_exception_redacted(*record.exc_info)
            record.exc_info = None
        if record.stack_info:
            record.stack_info = scrub(record.stack_info)
        return True


LOG_FORMAT = "%(asctime)s %(levelname)s [%(threadName)s] %(name)s: %(message)s"


def configure_logging(
    log_dir: Path, *, level: str = "INFO", max_bytes: int = 5_000_000, backups: int = 5
) -> logging.Handler:
    """Install the rotating file log ``workstation.log`` with the health-data filter.

    The filter sits on the handler, so records of every library logger pass through it.
    Returns the handler so callers (tests, shutdown) can remove it.
    """
    log_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    handler = logging.handlers.RotatingFileHandler(
        log_dir / "workstation.log", maxBytes=max_bytes, backupCount=backups, encoding="utf-8"
    )
    handler.addFilter(HealthDataFilter())
    handler.setFormatter(logging.Formatter(LOG_FORMAT))
    root = logging.getLogger()
    root.addHandler(handler)
    root.setLevel(level)
    return handler
