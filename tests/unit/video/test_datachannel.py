"""DataChannel schema: chat, vitals, mode, chunked documents with a size limit and checksum."""

from __future__ import annotations

import json
from typing import Any

import pytest

from video import datachannel as dc
from video.errors import MalformedSignal, TransferRejected


def _messages(data: bytes) -> list[dict[str, Any]]:
    return [json.loads(m) for m in dc.encode_file(name="eco.png", mime="image/png", data=data)]


def test_document_round_trips_in_chunks() -> None:
    data = bytes(range(256)) * 200  # 51,200 bytes -> 4 chunks
    messages = _messages(data)
    assert [m["type"] for m in messages] == ["file-begin"] + ["file-chunk"] * 4 + ["file-end"]
    assembler = dc.FileAssembler()
    results = [assembler.feed(m) for m in messages]
    assert results[:-1] == [None] * 5
    assert results[-1] == dc.ReceivedFile(name="eco.png", mime="image/png", data=data)


def test_empty_document_is_fine() -> None:
    assembler = dc.FileAssembler()
    out = [assembler.feed(m) for m in _messages(b"")]
    assert out[-1] == dc.ReceivedFile(name="eco.png", mime="image/png", data=b"")


def test_oversized_document_is_refused_before_sending() -> None:
    with pytest.raises(TransferRejected, match="larger than 5 MiB"):
        list(dc.encode_file(name="big", mime="x", data=b"\0" * (dc.MAX_FILE_BYTES + 1)))


def test_receiver_refuses_announced_oversize_and_overflow() -> None:
    assembler = dc.FileAssembler()
    begin = {
        "type": "file-begin",
        "id": "f",
        "name": "n",
        "mime": "m",
        "sha256": "0",
        "size": dc.MAX_FILE_BYTES + 1,
    }
    with pytest.raises(TransferRejected, match="too large"):
        assembler.feed(begin)
    messages = _messages(b"abc")
    messages[0]["size"] = 2  # lies about its size
    assembler.feed(messages[0])
    with pytest.raises(TransferRejected, match="more data than announced"):
        assembler.feed(messages[1])


def test_corrupted_reordered_or_unknown_chunks_are_rejected() -> None:
    data = bytes(i % 251 for i in range(dc.CHUNK_BYTES * 2 + 5))
    messages = _messages(data)
    assembler = dc.FileAssembler()
    assembler.feed(messages[0])
    with pytest.raises(TransferRejected, match="out of order"):
        assembler.feed(messages[2])
    with pytest.raises(TransferRejected, match="unknown transfer"):
        assembler.feed(messages[1])  # the transfer was dropped
    tampered = _messages(data)
    tampered[1]["data"] = tampered[2]["data"]
    assembler.feed(tampered[0])
    for m in tampered[1:-1]:
        assembler.feed(m)
    with pytest.raises(TransferRejected, match="checksum"):
        assembler.feed(tampered[-1])
    bad = _messages(b"hello")
    bad[1]["data"] = "***"
    assembler.feed(bad[0])
    with pytest.raises(TransferRejected, match="base64"):
        assembler.feed(bad[1])


def test_too_many_parallel_transfers_are_refused() -> None:
    assembler = dc.FileAssembler(max_pending=2)
    for i in range(2):
        assembler.feed(
            {"type": "file-begin", "id": str(i), "name": "n", "mime": "m", "sha256": "", "size": 1}
        )
    with pytest.raises(TransferRejected, match="too many"):
        assembler.feed(
            {"type": "file-begin", "id": "x", "name": "n", "mime": "m", "sha256": "", "size": 1}
        )


@pytest.mark.parametrize(
    "raw",
    [
        "nope",
        '{"type": "exec"}',
        '{"type": "chat", "text": ""}',
        '{"type": "chat", "text": 5}',
        '{"type": "vitals", "label": "SpO2", "value": "97", "unit": "%"}',
        '{"type": "vitals", "label": "SpO2", "value": true, "unit": "%"}',
        '{"type": "vitals", "label": "SpO2", "value": NaN, "unit": "%"}',
        '{"type": "mode", "level": "4k"}',
    ],
)
def test_malformed_channel_messages(raw: str) -> None:
    with pytest.raises(MalformedSignal):
        dc.decode_channel_message(raw)


def test_chat_vitals_mode_encode_and_decode() -> None:
    assert dc.decode_channel_message(dc.encode_chat("ciao"))["text"] == "ciao"
    vit = dc.decode_channel_message(dc.encode_vitals(label="FC", value=72, unit="bpm"))
    assert (vit["label"], vit["value"], vit["unit"]) == ("FC", 72, "bpm")
    assert dc.decode_channel_message(dc.encode_mode("audio-only"))["level"] == "audio-only"
    with pytest.raises(ValueError):
        dc.encode_chat("x" * (dc.MAX_CHAT_CHARS + 1))
    with pytest.raises(ValueError):
        dc.encode_vitals(label="T", value=float("inf"), unit="C")
