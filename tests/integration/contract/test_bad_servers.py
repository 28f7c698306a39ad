"""The client against misbehaving servers on loopback: every failure is one clear typed error.

Small local servers (aiohttp, raw sockets, TLS with a freshly generated CA) produce what real
networks and proxies do: HTML error pages, truncated JSON, OperationOutcome 4xx/5xx, 429 with
Retry-After, certificates for another host, connection resets, silence.
"""

from __future__ import annotations

import asyncio
import datetime as dt
import ipaddress
import json
import socket
import ssl
import struct
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from aiohttp import web
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from app.backend import (
    ClientError,
    ConnectionFailed,
    FhirClient,
    MalformedResponse,
    NotFound,
    RateLimited,
    ServerError,
    Timeout,
    Timeouts,
    TlsError,
)

pytestmark = pytest.mark.integration

FHIR = "application/fhir+json"
PATIENT = {"resourceType": "Patient", "id": "p1", "meta": {"versionId": "1"}}
OUTCOME = {
    "resourceType": "OperationOutcome",
    "issue": [{"severity": "error", "code": "processing", "diagnostics": "rule X violated"}],
}
TX_BUNDLE = {
    "resourceType": "Bundle",
    "type": "transaction",
    "entry": [
        {
            "fullUrl": "urn:uuid:6a1f4a9e-0000-4000-8000-000000000001",
            "resource": {"resourceType": "Patient"},
            "request": {"method": "POST", "url": "Patient"},
        },
        {
            "fullUrl": "urn:uuid:6a1f4a9e-0000-4000-8000-000000000002",
            "resource": {"resourceType": "Patient"},
            "request": {"method": "POST", "url": "Patient"},
        },
    ],
}

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@asynccontextmanager
async def aiohttp_server(
    routes: dict[str, Handler], *, ssl_context: ssl.SSLContext | None = None
) -> AsyncIterator[int]:
    app = web.Application()
    for path, handler in routes.items():
        app.router.add_route("*", path, handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0, ssl_context=ssl_context)
    await site.start()
    try:
        yield runner.addresses[0][1]
    finally:
        await runner.cleanup()


def fhir_response(status: int, body: Any, headers: dict[str, str] | None = None) -> web.Response:
    return web.Response(
        status=status, body=json.dumps(body).encode(), content_type=FHIR, headers=headers
    )


async def test_html_error_page_is_malformed_response() -> None:
    async def html(_: web.Request) -> web.Response:
        return web.Response(text="<html><body>Proxy login</body></html>", content_type="text/html")

    async with aiohttp_server({"/fhir/Patient/p1": html}) as port:
        async with FhirClient(f"http://127.0.0.1:{port}/fhir") as client:
            with pytest.raises(MalformedResponse, match="text/html"):
                await client.read("Patient", "p1")


async def test_truncated_json_is_malformed_response() -> None:
    async def truncated(_: web.Request) -> web.Response:
        return web.Response(body=json.dumps(PATIENT).encode()[:20], content_type=FHIR)

    async with aiohttp_server({"/fhir/Patient/p1": truncated}) as port:
        async with FhirClient(f"http://127.0.0.1:{port}/fhir") as client:
            with pytest.raises(MalformedResponse, match="invalid JSON"):
                await client.read("Patient", "p1")


async def test_wrong_resource_type_is_malformed_response() -> None:
    async def wrong(_: web.Request) -> web.Response:
        return fhir_response(200, {"resourceType": "Practitioner", "id": "p1"})

    async with aiohttp_server({"/fhir/Patient/p1": wrong}) as port:
        async with FhirClient(f"http://127.0.0.1:{port}/fhir") as client:
            with pytest.raises(MalformedResponse, match="expected Patient"):
                await client.read("Patient", "p1")


async def test_operation_outcome_4xx_and_5xx_are_typed_with_issues() -> None:
    calls: list[str] = []

    async def unprocessable(request: web.Request) -> web.Response:
        calls.append(request.method)
        return fhir_response(422, OUTCOME)

    async def missing(request: web.Request) -> web.Response:
        calls.append(request.method)
        return fhir_response(404, OUTCOME)

    async def broken(request: web.Request) -> web.Response:
        calls.append(request.method)
        return fhir_response(500, OUTCOME)

    routes = {"/fhir/Patient": unprocessable, "/fhir/Patient/gone": missing, "/fhir/": broken}
    async with aiohttp_server(routes) as port:
        async with FhirClient(f"http://127.0.0.1:{port}/fhir") as client:
            with pytest.raises(ClientError) as client_error:
                await client.create({"resourceType": "Patient"})
            with pytest.raises(NotFound):
                await client.read("Patient", "gone")
            with pytest.raises(ServerError) as server_error:
                await client.transaction(TX_BUNDLE)
    assert client_error.value.status == 422
    assert client_error.value.issues[0].diagnostics == "rule X violated"
    assert server_error.value.issues[0].code == "processing"
    assert calls == ["POST", "GET", "POST"]  # nothing retried: none of these is transient


async def test_429_retry_after_is_honoured_then_bounded() -> None:
    hits: list[float] = []

    async def limited(_: web.Request) -> web.Response:
        hits.append(asyncio.get_running_loop().time())
        if len(hits) == 1:
            return fhir_response(429, OUTCOME, {"Retry-After": "1"})
        return fhir_response(200, PATIENT)

    async def always_limited(_: web.Request) -> web.Response:
        return fhir_response(429, OUTCOME, {"Retry-After": "3600"})

    routes = {"/fhir/Patient/p1": limited, "/fhir/Patient/p2": always_limited}
    async with aiohttp_server(routes) as port:
        async with FhirClient(f"http://127.0.0.1:{port}/fhir", max_retry_wait_s=5) as client:
            result = await client.read("Patient", "p1")
            assert result.resource is not None
            with pytest.raises(RateLimited) as info:
                await client.read("Patient", "p2")
    assert len(hits) == 2
    assert hits[1] - hits[0] >= 0.9  # the server's Retry-After, not an immediate hammering
    assert info.value.retry_after_s == 3600.0


async def test_503_get_is_retried_post_is_not() -> None:
    gets: list[int] = []
    posts: list[int] = []

    async def flaky(request: web.Request) -> web.Response:
        bucket = gets if request.method == "GET" else posts
        bucket.append(1)
        if request.method == "GET" and len(gets) > 1:
            return fhir_response(200, PATIENT)
        return fhir_response(503, OUTCOME)

    async with aiohttp_server({"/fhir/Patient/p1": flaky, "/fhir/Patient": flaky}) as port:
        async with FhirClient(f"http://127.0.0.1:{port}/fhir", backoff_s=0.01) as client:
            await client.read("Patient", "p1")
            with pytest.raises(ServerError):
                await client.create({"resourceType": "Patient"})
    assert len(gets) == 2 and len(posts) == 1


# ------------------------------------------------------------------ raw sockets


@asynccontextmanager
async def raw_server(
    behaviour: Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]],
) -> AsyncIterator[tuple[int, list[bytes]]]:
    requests: list[bytes] = []

    async def serve(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 10)
            length = 0
            for line in head.split(b"\r\n"):
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":", 1)[1])
            body = await asyncio.wait_for(reader.readexactly(length), 10) if length else b""
            requests.append(head + body)
            await behaviour(reader, writer)
        except (asyncio.IncompleteReadError, ConnectionError, TimeoutError):
            pass
        finally:
            writer.close()

    server = await asyncio.start_server(serve, "127.0.0.1", 0)
    try:
        yield server.sockets[0].getsockname()[1], requests
    finally:
        server.close()
        await server.wait_closed()


async def reset(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    sock = writer.get_extra_info("socket")
    # SO_LINGER 0: close() sends RST instead of FIN, a real "connection reset by peer".
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    writer.transport.abort()


async def short_body(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    writer.write(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/fhir+json\r\nContent-Length: 500\r\n\r\n"
        b'{"resourceType":"Bundle","type":"transaction-response","entry":['
    )
    await writer.drain()


async def silence(reader: asyncio.StreamReader, _: asyncio.StreamWriter) -> None:
    # Answer nothing; return when the client gives up and closes (bounded).
    await asyncio.wait_for(reader.read(), 10)


async def test_connection_reset_on_transaction_is_typed_and_not_resent() -> None:
    async with raw_server(reset) as (port, requests):
        async with FhirClient(f"http://127.0.0.1:{port}/fhir", backoff_s=0.01) as client:
            with pytest.raises(ConnectionFailed) as info:
                await client.transaction(TX_BUNDLE)
    assert info.value.request_sent  # outcome unknown: the caller keeps the bundle queued
    assert len(requests) == 1  # plain POSTs are never resent by the client itself


async def test_body_cut_mid_response_is_connection_failed_not_partial() -> None:
    async with raw_server(short_body) as (port, requests):
        async with FhirClient(f"http://127.0.0.1:{port}/fhir") as client:
            with pytest.raises(ConnectionFailed):
                await client.transaction(TX_BUNDLE)
    assert len(requests) == 1


async def test_reset_on_get_is_retried_then_typed() -> None:
    async with raw_server(reset) as (port, requests):
        async with FhirClient(
            f"http://127.0.0.1:{port}/fhir", backoff_s=0.01, max_attempts=3
        ) as client:
            with pytest.raises(ConnectionFailed):
                await client.read("Patient", "p1")
    assert len(requests) == 3


async def test_silent_server_is_a_timeout() -> None:
    async with raw_server(silence) as (port, _):
        async with FhirClient(
            f"http://127.0.0.1:{port}/fhir",
            timeouts=Timeouts(connect_s=2, read_s=0.3, write_s=2, pool_s=2),
            max_attempts=1,
        ) as client:
            with pytest.raises(Timeout):
                await client.read("Patient", "p1")


async def test_connection_refused_is_connection_failed_before_sending() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]  # bound, never listening: connections are refused
        async with FhirClient(
            f"http://127.0.0.1:{port}/fhir", backoff_s=0.01, max_attempts=2
        ) as client:
            with pytest.raises(ConnectionFailed) as info:
                await client.create({"resourceType": "Patient"})
    assert not info.value.request_sent


# ------------------------------------------------------------------------- TLS


def make_ca_and_cert(
    tmp_path: Path, *, dns_names: list[str], ip: str | None
) -> tuple[Path, ssl.SSLContext]:
    """A throwaway CA, and a server certificate it signs for the given names."""
    now = dt.datetime.now(dt.UTC)
    ca_key = ec.generate_private_key(ec.SECP256R1())
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "contract test CA")])
    ca_cert = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=False,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(
            x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), critical=False
        )
        .sign(ca_key, hashes.SHA256())
    )
    key = ec.generate_private_key(ec.SECP256R1())
    alt: list[x509.GeneralName] = [x509.DNSName(n) for n in dns_names]
    if ip is not None:
        alt.append(x509.IPAddress(ipaddress.ip_address(ip)))
    cert = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, dns_names[0])]))
        .issuer_name(ca_name)
        .public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(minutes=5))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.SubjectAlternativeName(alt), critical=False)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.ExtendedKeyUsage([x509.oid.ExtendedKeyUsageOID.SERVER_AUTH]), critical=False
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()),
            critical=False,
        )
        .sign(ca_key, hashes.SHA256())
    )
    ca_path = tmp_path / "ca.pem"
    ca_path.write_bytes(ca_cert.public_bytes(serialization.Encoding.PEM))
    cert_path = tmp_path / "server.pem"
    key_path = tmp_path / "server.key"
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_path.write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server_ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_ctx.load_cert_chain(cert_path, key_path)
    return ca_path, server_ctx


async def patient_route(_: web.Request) -> web.Response:
    return fhir_response(200, PATIENT)


async def test_tls_certificate_for_another_host_is_tls_error(tmp_path: Path) -> None:
    ca_path, server_ctx = make_ca_and_cert(tmp_path, dns_names=["fhir.other-host.example"], ip=None)
    async with aiohttp_server({"/fhir/Patient/p1": patient_route}, ssl_context=server_ctx) as port:
        async with FhirClient(
            f"https://127.0.0.1:{port}/fhir", ca_bundle_path=ca_path, http2=True, backoff_s=0.01
        ) as client:
            with pytest.raises(TlsError) as info:
                await client.read("Patient", "p1")
    assert not info.value.request_sent


async def test_tls_with_the_right_ca_bundle_works_and_without_it_fails(tmp_path: Path) -> None:
    ca_path, server_ctx = make_ca_and_cert(tmp_path, dns_names=["localhost"], ip="127.0.0.1")
    async with aiohttp_server({"/fhir/Patient/p1": patient_route}, ssl_context=server_ctx) as port:
        base = f"https://127.0.0.1:{port}/fhir"
        async with FhirClient(base, ca_bundle_path=ca_path, http2=True) as client:
            assert (await client.read("Patient", "p1")).resource == PATIENT
        async with FhirClient(base, backoff_s=0.01) as untrusting:
            with pytest.raises(TlsError):
                await untrusting.read("Patient", "p1")
