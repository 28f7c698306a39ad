"""Record Access Control Point: encoders and parsers round-trip; invalid combinations."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from devices.errors import MalformedPayload
from devices.gatt_time import GattDateTime
from devices.glucose.racp import (
    RacpFilterType,
    RacpNumberOfRecords,
    RacpOpCode,
    RacpOperator,
    RacpRequest,
    RacpResponse,
    RacpResponseCode,
    encode_racp_request,
    encode_racp_response,
    parse_racp_request,
    parse_racp_response,
)

T1 = GattDateTime(2026, 1, 2, 3, 4, 5)
T2 = GattDateTime(2026, 2, 3, 4, 5, 6)


@pytest.mark.parametrize(
    ("request_", "wire"),
    [
        (RacpRequest.report_all(), "0101"),
        (RacpRequest.report_last(), "0106"),
        (RacpRequest.count_all(), "0401"),
        (RacpRequest.abort(), "0300"),
        (RacpRequest.report_from_sequence(45), "0103012d00"),
        (
            RacpRequest(
                RacpOpCode.REPORT_STORED_RECORDS,
                RacpOperator.WITHIN_RANGE,
                RacpFilterType.SEQUENCE_NUMBER,
                (10, 20),
            ),
            "0104010a001400",
        ),
        (
            RacpRequest(
                RacpOpCode.DELETE_STORED_RECORDS,
                RacpOperator.LESS_THAN_OR_EQUAL,
                RacpFilterType.USER_FACING_TIME,
                (T1,),
            ),
            "020202ea070102030405",
        ),
        (
            RacpRequest(
                RacpOpCode.REPORT_NUMBER_OF_RECORDS,
                RacpOperator.WITHIN_RANGE,
                RacpFilterType.USER_FACING_TIME,
                (T1, T2),
            ),
            "040402ea070102030405ea070203040506",
        ),
    ],
)
def test_request_encoding_is_byte_exact_and_roundtrips(request_: RacpRequest, wire: str) -> None:
    data = bytes.fromhex(wire)
    assert encode_racp_request(request_) == data
    assert parse_racp_request(data) == request_


@pytest.mark.parametrize(
    "wire",
    [
        "",
        "01",
        "0100",  # report with operator Null
        "030001",  # abort with an operand
        "0301",  # abort with operator All
        "0101010000",  # All records with an operand
        "0103",  # >= without filter
        "010301",  # >= with filter but no value
        "0103012d",  # half a sequence number
        "0104010100",  # range with one value
        "0103030100",  # reserved filter type
        "0107",  # reserved operator
        "0901",  # reserved op code
        "05000100",  # a response is not a request
        "010302ea070d01000000",  # month 13
    ],
)
def test_invalid_requests_are_malformed(wire: str) -> None:
    with pytest.raises(MalformedPayload):
        parse_racp_request(bytes.fromhex(wire))


def test_invalid_request_construction_is_a_value_error() -> None:
    with pytest.raises(ValueError):
        RacpRequest(RacpOpCode.RESPONSE_CODE, RacpOperator.NULL)
    with pytest.raises(ValueError):
        RacpRequest(
            RacpOpCode.REPORT_STORED_RECORDS,
            RacpOperator.GREATER_THAN_OR_EQUAL,
            RacpFilterType.SEQUENCE_NUMBER,
            (70000,),
        )
    with pytest.raises(ValueError):
        RacpRequest(
            RacpOpCode.REPORT_STORED_RECORDS,
            RacpOperator.GREATER_THAN_OR_EQUAL,
            RacpFilterType.USER_FACING_TIME,
            (5,),
        )


@pytest.mark.parametrize(
    "response",
    [RacpResponse(op, code) for op in (1, 2, 3, 4) for code in RacpResponseCode]
    + [RacpNumberOfRecords(n) for n in (0, 1, 258, 65535)],
)
def test_responses_roundtrip(response: RacpResponse | RacpNumberOfRecords) -> None:
    assert parse_racp_response(encode_racp_response(response)) == response


def test_response_strictness() -> None:
    assert parse_racp_response(bytes.fromhex("06000101")).ok
    with pytest.raises(MalformedPayload):
        parse_racp_response(bytes.fromhex("050001"))  # uint8 count: only lenient
    assert parse_racp_response(bytes.fromhex("050001"), lenient_count=True) == (
        RacpNumberOfRecords(1)
    )
    assert parse_racp_response(bytes.fromhex("0500010000ff"), lenient_count=True) == (
        RacpNumberOfRecords(0xFF000001)
    )
    for bad in ("0600", "06010101", "060001", "06000100", "0600010a", "0101", "05000102030405"):
        with pytest.raises(MalformedPayload):
            parse_racp_response(bytes.fromhex(bad), lenient_count=True)
    with pytest.raises(ValueError):
        encode_racp_response(RacpNumberOfRecords(70000))


_seq = st.integers(min_value=0, max_value=0xFFFF)
_time = st.builds(
    GattDateTime,
    st.sampled_from([0, *range(1582, 1600), *range(2000, 2100), 9999]),
    st.integers(0, 12),
    st.integers(0, 31),
    st.integers(0, 23),
    st.integers(0, 59),
    st.integers(0, 59),
)


@st.composite
def requests(draw: st.DrawFn) -> RacpRequest:
    opcode = draw(st.sampled_from([1, 2, 3, 4]))
    if opcode == 3:
        return RacpRequest.abort()
    operator = RacpOperator(draw(st.sampled_from([1, 2, 3, 4, 5, 6])))
    if operator in (1, 5, 6):
        return RacpRequest(RacpOpCode(opcode), operator)
    ftype = draw(st.sampled_from(list(RacpFilterType)))
    values = _seq if ftype is RacpFilterType.SEQUENCE_NUMBER else _time
    n = 2 if operator is RacpOperator.WITHIN_RANGE else 1
    return RacpRequest(RacpOpCode(opcode), operator, ftype, tuple(draw(values) for _ in range(n)))


@settings(max_examples=2000, derandomize=True, database=None)
@given(requests())
def test_request_roundtrip_property(request_: RacpRequest) -> None:
    wire = encode_racp_request(request_)
    assert parse_racp_request(wire) == request_
    assert encode_racp_request(parse_racp_request(wire)) == wire
