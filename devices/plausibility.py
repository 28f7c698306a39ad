"""Physiological plausibility limits shared by the parsers (STYLE.md section 3: implausible values
reject the whole packet).

Limits are deliberately wide: they catch corrupted or synthetic packets, not clinical
abnormality. Special values (NaN, +INF, ...) are not numbers and are never range-checked.
Pure, any thread.
"""

from __future__ import annotations

from decimal import Decimal

from devices.errors import ImplausibleValue
from devices.ieee11073 import Measurement

__all__ = ["MMHG_PER_KPA", "check_range"]

#: 1 kPa = 7.500 616 8 mmHg.
MMHG_PER_KPA = Decimal("7.5006168")


def check_range(
    value: Measurement | Decimal | int | None,
    low: Decimal | int,
    high: Decimal | int,
    *,
    field: str,
    characteristic: str,
    unit: str = "",
) -> None:
    """Raise :class:`ImplausibleValue` if a numeric ``value`` lies outside ``[low, high]``.

    The reason names the field and the limits, never the value (it is health data).
    """
    if value is None or not isinstance(value, Decimal | int):
        return
    if not low <= value <= high:
        suffix = f" {unit}" if unit else ""
        raise ImplausibleValue(
            f"implausible {field}: outside {low}..{high}{suffix}", characteristic=characteristic
        )
