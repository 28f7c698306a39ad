"""Decimal-preserving FHIR JSON."""

from __future__ import annotations

from decimal import Decimal

import pytest

from app.backend import fhirjson


def test_decimals_keep_their_digits() -> None:
    text = b'{"a":36.60,"b":2.0,"c":1e2,"d":7,"e":[true,null,"\xc3\xa8"]}'
    value = fhirjson.loads(text)
    assert value["a"] == Decimal("36.60") and str(value["a"]) == "36.60"
    assert str(value["b"]) == "2.0"
    assert value["d"] == 7 and isinstance(value["d"], int)
    assert (
        fhirjson.dumps(value) == '{"a":36.60,"b":2.0,"c":1E+2,"d":7,"e":[true,null,"è"]}'.encode()
    )


@pytest.mark.parametrize("bad", [Decimal("NaN"), Decimal("Infinity"), float("nan"), object()])
def test_unwritable_values_are_rejected(bad: object) -> None:
    with pytest.raises(fhirjson.FhirJsonError):
        fhirjson.dumps({"v": bad})


def test_invalid_json_is_a_typed_error() -> None:
    with pytest.raises(fhirjson.FhirJsonError):
        fhirjson.loads(b'{"resourceType": "Pat')
