"""CallService against the real regional_sim process (and coturn): pre-check, call, Encounter."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from app.backend.client import FhirClient
from app.services.calls import (
    CallChatDidArrive,
    CallDidChangeState,
    CallDidEnd,
    CallError,
    CallQualityDidChange,
    CallRequest,
    CallService,
    CallVitalsDidArrive,
)
from app.services.clinical_data import DirectWriter
from app.services.diagnostics import Status
from tests.integration.processes import free_port
from tests.integration.regional_sim_process import regional_sim
from tests.integration.video.peers import coturn
from video.call import Call, CallState, CallTimeouts, VitalsDidArrive
from video.signaling import WebSocketSignaling

pytestmark = [pytest.mark.integration, pytest.mark.slow]
TIMEOUTS = CallTimeouts(peer_s=20, answer_s=5, connect_s=10, outage_s=3)


async def _patient(service: CallService, events: list[Any]) -> Call:
    """An aiortc patient that follows the invite link (room from the path, token from the fragment)."""
    assert service.invite is not None
    parts = urlsplit(service.invite.join_url)
    token = parts.fragment.removeprefix("t=")
    ws = f"ws://{parts.netloc}/rtc/rooms/{service.invite.room}/ws"
    signaling = await WebSocketSignaling.connect(ws, token=token)
    patient = Call(
        signaling=signaling,
        ice_servers=(),
        role="answerer",
        timeouts=TIMEOUTS,
        on_event=events.append,
    )
    patient.start(peer_present=True)
    return patient


async def test_precheck_call_and_encounter_in_the_outbox(tmp_path: Path) -> None:
    secret = "precheck-secret"
    with coturn(tmp_path, secret=secret) as port:
        args = ["--seed", "demo", "--turn-secret", secret, "--turn-uri", f"turn:127.0.0.1:{port}"]
        with regional_sim(tmp_path / "sim.db", extra_args=args) as sim:
            fhir = FhirClient(sim.fhir)

            async def provider() -> FhirClient:
                return fhir

            published: list[Any] = []
            service = CallService(
                publish=published.append,
                backend_url=lambda: sim.url,
                writer=DirectWriter(provider),
                timeouts=TIMEOUTS,
            )
            checks = {
                c.name: c
                for c in await service.precheck(camera="synthetic", microphone="synthetic")
            }
            assert {n: c.status for n, c in checks.items()} == {
                "camera": Status.OK,
                "microphone": Status.OK,
                "signaling": Status.OK,
                "TURN relay": Status.OK,
            }, checks
            assert checks["camera"].figures["width"] == 640

            invite = await service.start(
                CallRequest(
                    patient_id="pat-001",
                    appointment_ref=None,
                    practitioner_ref="Practitioner/prac-mmg-bianchi",
                )
            )
            assert "#t=" in invite.join_url and invite.join_url.startswith(sim.url + "/rtc/join/")
            with pytest.raises(CallError, match="already running"):
                await service.start(CallRequest(patient_id="pat-002"))
            patient_events: list[Any] = []
            patient = await _patient(service, patient_events)
            try:
                assert (
                    await service.wait_until(CallState.CONNECTED, timeout_s=20)
                    is CallState.CONNECTED
                )
                await service.send_chat("Buongiorno")
                await service.share_reading(label="Pressione", value=128, unit="mmHg")
                await patient.send_chat("Buongiorno dottoressa")
                for _ in range(60):
                    if any(isinstance(e, CallQualityDidChange) for e in published) and any(
                        isinstance(e, CallChatDidArrive) and not e.mine for e in published
                    ):
                        break
                    await asyncio.sleep(0.1)
                assert any(
                    isinstance(e, VitalsDidArrive) and e.value == 128 for e in patient_events
                )
                assert (
                    CallVitalsDidArrive(label="Pressione", value=128, unit="mmHg", mine=True)
                    in published
                )
                assert CallChatDidArrive(text="Buongiorno dottoressa", mine=False) in published
                assert any(isinstance(e, CallQualityDidChange) for e in published)
                frame_seq, frame = service.remote_video.latest()
                assert frame is not None and frame_seq > 0
                summary = await service.hang_up()
            finally:
                await patient.hang_up()
            assert summary is not None and summary.final_state is CallState.ENDED
            ended = [e for e in published if isinstance(e, CallDidEnd)]
            assert len(ended) == 1 and ended[0].encounter_id is not None
            assert service.received_files == []
            encounter = (await fhir.read("Encounter", ended[0].encounter_id)).resource
            assert encounter is not None
            assert encounter["class"]["code"] == "VR" and encounter["status"] == "finished"
            assert encounter["subject"]["reference"] == "Patient/pat-001"
            quality = {x["url"]: x for x in encounter["extension"][0]["extension"]}
            assert float(quality["connected-seconds"]["valueDecimal"]) > 0
            assert quality["worst-level"]["valueCode"] == "video"
            states = [e.state for e in published if isinstance(e, CallDidChangeState)]
            assert states[0] is CallState.WAITING and states[-1] is CallState.ENDED
            # Quitting the application during a second call: hung up, Encounter queued.
            await service.start(CallRequest(patient_id="pat-002", service="teleassistenza"))
            second = await _patient(service, [])
            try:
                assert (
                    await service.wait_until(CallState.CONNECTED, timeout_s=20)
                    is CallState.CONNECTED
                )
                await service.shutdown()
                assert not service.active
                assert await second.wait_for(CallState.ENDED, timeout_s=5) is CallState.ENDED
            finally:
                await second.hang_up()
            ended = [e for e in published if isinstance(e, CallDidEnd)]
            assert len(ended) == 2 and ended[1].encounter_id is not None
            encounter = (await fhir.read("Encounter", ended[1].encounter_id)).resource
            assert encounter is not None and encounter["subject"]["reference"] == "Patient/pat-002"
            assert encounter["serviceType"]["coding"][0]["code"] == "teleassistenza"
            await fhir.aclose()


async def test_precheck_reports_missing_turn_and_wrong_credentials(tmp_path: Path) -> None:
    with coturn(tmp_path, secret="the-real-secret") as port:
        args = ["--turn-secret", "a-wrong-secret", "--turn-uri", f"turn:127.0.0.1:{port}"]
        with regional_sim(tmp_path / "sim.db", extra_args=args) as sim:
            service = CallService(publish=lambda e: None, backend_url=lambda: sim.url)
            checks = {
                c.name: c
                for c in await service.precheck(camera="synthetic", microphone="synthetic")
            }
            assert checks["signaling"].status is Status.OK
            assert checks["TURN relay"].status is Status.ERROR
            assert "refused" in checks["TURN relay"].detail
    with regional_sim(tmp_path / "sim2.db") as sim:
        service = CallService(publish=lambda e: None, backend_url=lambda: sim.url)
        checks = {
            c.name: c for c in await service.precheck(camera="synthetic", microphone="synthetic")
        }
        assert checks["TURN relay"].status is Status.ERROR
        assert "no UDP TURN server" in checks["TURN relay"].detail


async def test_unreachable_backend_is_a_clear_error() -> None:
    port = free_port()
    service = CallService(
        publish=lambda e: None, backend_url=lambda: f"http://127.0.0.1:{port}", http_timeout_s=2
    )
    with pytest.raises(CallError, match="video servers unreachable"):
        await service.start(CallRequest(patient_id="pat-001"))
    checks = {c.name: c for c in await service.precheck(camera="synthetic", microphone="synthetic")}
    assert checks["signaling"].status is Status.ERROR
    assert checks["TURN relay"].status is Status.SKIPPED
    with pytest.raises(CallError, match="no call in progress"):
        await service.send_chat("hello")
    with pytest.raises(CallError, match="device not available"):
        await service.start(CallRequest(patient_id="pat-001"), camera="/dev/video-none")
    assert service.cameras()[0] == "synthetic"
    checks = {
        c.name: c for c in await service.precheck(camera="/dev/video-none", microphone="synthetic")
    }
    assert checks["camera"].status is Status.ERROR and "/dev/video-none" in checks["camera"].detail
