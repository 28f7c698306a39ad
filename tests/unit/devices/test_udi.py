"""UDI for Medical Devices (0x2BFF): byte-exact decoding, round trips, malformed input."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from devices.errors import MalformedPayload
from devices.udi import Udi, encode_udi, parse_udi

LABEL = "(01)00888888888888(11)260101(21)SN0001"


def test_all_fields() -> None:
    data = b"\x0f" + LABEL.encode() + b"\x0000888888888888\x00GS1\x00urn:oid:2.51.1.1\x00"
    assert parse_udi(data) == Udi(LABEL, "00888888888888", "GS1", "urn:oid:2.51.1.1")


def test_only_label_and_authority() -> None:
    assert parse_udi(b"\x09L\x00A\x00") == Udi(label="L", authority="A")


def test_empty_flags() -> None:
    assert parse_udi(b"\x00") == Udi()


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "length 0"),
        (b"\x10", "reserved"),
        (b"\x01abc", "NUL"),
        (b"\x01\xff\xfe\x00", "UTF-8"),
        (b"\x01a\x00extra", "after the last field"),
        (b"\x01" + b"x" * 300 + b"\x00", "longer than"),
    ],
)
def test_malformed(data: bytes, reason: str) -> None:
    with pytest.raises(MalformedPayload) as caught:
        parse_udi(data)
    assert reason in caught.value.reason and caught.value.characteristic == "2bff"


text = st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)), max_size=60
)


@given(st.builds(Udi, st.none() | text, st.none() | text, st.none() | text, st.none() | text))
def test_round_trip(udi: Udi) -> None:
    assert parse_udi(encode_udi(udi)) == udi


@given(st.binary(max_size=64))
def test_random_bytes_raise_only_malformed(data: bytes) -> None:
    try:
        parse_udi(data)
    except MalformedPayload:
        pass
