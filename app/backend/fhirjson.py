"""JSON for FHIR that keeps decimal precision (``36.60`` stays ``36.60``).

Numbers with a fraction or exponent are parsed to :class:`decimal.Decimal` and written
back with exactly their digits; stdlib floats would turn ``2.0`` into ``2.0`` but
``36.60`` into ``36.6``.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping, Sequence
from decimal import Decimal
from typing import Any


class FhirJsonError(ValueError):
    """The text is not JSON, or the value cannot be written as FHIR JSON."""


def loads(data: bytes | str) -> Any:
    """Parse JSON text, decimals as :class:`Decimal`. Raises :class:`FhirJsonError`."""
    try:
        return json.loads(data, parse_float=Decimal)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FhirJsonError(str(exc)) from exc


def dumps(value: Any) -> bytes:
    """Serialize to compact UTF-8 JSON; Decimal written verbatim. Raises :class:`FhirJsonError`."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts).encode("utf-8")


def _write(value: Any, out: list[str]) -> None:
    if value is None or value is True or value is False or isinstance(value, str):
        out.append(json.dumps(value, ensure_ascii=False))
    elif isinstance(value, Decimal):
        if not value.is_finite():
            raise FhirJsonError("NaN/Infinity are not valid FHIR decimals")
        text = str(value)
        # str(Decimal("1E+2")) is valid JSON; lowercase-free form is fine as is.
        out.append(text)
    elif isinstance(value, int):
        out.append(str(int(value)))
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise FhirJsonError("NaN/Infinity are not valid FHIR decimals")
        out.append(repr(value))
    elif isinstance(value, Mapping):
        out.append("{")
        first = True
        for key, item in value.items():
            if not isinstance(key, str):
                raise FhirJsonError(f"object keys must be strings, not {type(key).__name__}")
            if not first:
                out.append(",")
            first = False
            out.append(json.dumps(key, ensure_ascii=False))
            out.append(":")
            _write(item, out)
        out.append("}")
    elif isinstance(value, Sequence) and not isinstance(value, bytes | bytearray):
        out.append("[")
        for index, item in enumerate(value):
            if index:
                out.append(",")
            _write(item, out)
        out.append("]")
    else:
        raise FhirJsonError(f"cannot serialize {type(value).__name__} as FHIR JSON")
