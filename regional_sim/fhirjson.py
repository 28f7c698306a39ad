"""FHIR JSON (de)serialisation that keeps decimal precision.

FHIR decimals are significant as written: ``36.60`` is not ``36.6`` and ``2.0``
is not ``2``. Numbers with a fraction or exponent are parsed as
:class:`decimal.Decimal` and written back with exactly the same digits;
``NaN``/``Infinity`` (accepted by Python's json module, invalid JSON) are
rejected. Pure functions, any thread.
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from typing import Any

__all__ = ["dumps", "loads"]

# U+0000 cannot occur in a FHIR string (FHIR strings exclude control characters
# other than whitespace), so it safely marks where a raw number goes.
_MARK = "\x00dec:"
_MARK_RE = re.compile(r'"\\u0000dec:([-+0-9.eE]+)"')


def _reject_constant(name: str) -> Any:
    raise ValueError(f"{name} is not valid JSON")


def loads(data: str | bytes) -> Any:
    """Parse JSON, keeping decimals as :class:`Decimal`.

    Raises:
        ValueError: malformed JSON (incl. ``json.JSONDecodeError``,
            ``UnicodeDecodeError``) or ``NaN``/``Infinity``.
    """
    return json.loads(data, parse_float=Decimal, parse_constant=_reject_constant)


def _default(value: Any) -> Any:
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("non-finite decimal")
        return f"{_MARK}{value}"
    raise TypeError(f"cannot serialise {type(value).__name__}")


def dumps(value: Any, *, sort_keys: bool = False) -> str:
    """Serialise compactly (UTF-8 text), writing each Decimal with its original digits."""
    text = json.dumps(
        value, separators=(",", ":"), ensure_ascii=False, default=_default, sort_keys=sort_keys
    )
    if "\\u0000dec:" not in text:
        return text
    return _MARK_RE.sub(lambda m: m.group(1), text)
