"""Help-desk diagnostics: what a Telemedicine Service Centre operator needs, and no health data.

Every check returns a :class:`Check` with a status (ok / warning / error / skipped), a short
detail written by us and measured figures. Nothing here reads patient records or readings: of a
clinician's vault only the outbox counters are read; log files copied into a bundle are the
already-redacted workstation logs.

Thread affinity: coroutine functions run on the core loop; file work goes to worker threads.
"""

from __future__ import annotations

import asyncio
import enum
import importlib.metadata
import json
import os
import platform
import socket
import struct
import sys
import time
import zipfile
from collections.abc import Awaitable, Callable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

import httpx

from app import __version__
from app.config import Paths, Settings
from app.logs import scrub

if TYPE_CHECKING:
    from offline_cache.outbox import QueueCounts

#: Reads the queue counters of an already open outbox (the running workstation's).
QueueReader = Callable[[], Awaitable["QueueCounts | None"]]

PACKAGES = (
    "PySide6",
    "httpx",
    "aiortc",
    "av",
    "sqlcipher3",
    "bleak",
    "bumble",
    "pyqtgraph",
    "keyring",
    "fhir.resources",
)


class Status(enum.StrEnum):
    OK = "ok"
    WARNING = "warning"
    ERROR = "error"
    SKIPPED = "skipped"


@dataclass(frozen=True, slots=True)
class Check:
    name: str
    status: Status
    detail: str
    figures: dict[str, float | int | str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Report:
    created_utc: str
    checks: tuple[Check, ...]

    def to_json(self) -> str:
        return json.dumps(
            {"created_utc": self.created_utc, "checks": [asdict(c) for c in self.checks]},
            indent=2,
            ensure_ascii=False,
        )

    def to_text(self) -> str:
        lines = [f"telemed-workstation diagnostics {self.created_utc}"]
        for c in self.checks:
            figs = ", ".join(f"{k}={v}" for k, v in c.figures.items())
            lines.append(
                f"[{c.status.value:>7}] {c.name}: {c.detail}" + (f" ({figs})" if figs else "")
            )
        return "\n".join(lines)

    @property
    def worst(self) -> Status:
        order = [Status.OK, Status.SKIPPED, Status.WARNING, Status.ERROR]
        return max((c.status for c in self.checks), key=order.index, default=Status.OK)


def check_versions() -> Check:
    figures: dict[str, float | int | str] = {
        "workstation": __version__,
        "python": platform.python_version(),
    }
    missing = []
    for pkg in PACKAGES:
        try:
            figures[pkg] = importlib.metadata.version(pkg)
        except importlib.metadata.PackageNotFoundError:
            missing.append(pkg)
    if missing:
        return Check("versions", Status.ERROR, "missing packages: " + ", ".join(missing), figures)
    return Check("versions", Status.OK, "all components installed", figures)


def check_os() -> Check:
    return Check(
        "operating system",
        Status.OK,
        platform.platform(),
        {"machine": platform.machine(), "cpus": os.cpu_count() or 0},
    )


def check_bluetooth(sys_root: Path = Path("/sys/class/bluetooth")) -> Check:
    """Adapters and their rfkill state (Linux); other systems report what bleak will use."""
    if not sys.platform.startswith("linux"):
        return Check(
            "bluetooth", Status.SKIPPED, f"adapter listing not implemented on {sys.platform}"
        )
    adapters = sorted(p.name for p in sys_root.glob("hci*")) if sys_root.exists() else []
    if not adapters:
        return Check(
            "bluetooth",
            Status.WARNING,
            "no Bluetooth adapter found: plug in a USB adapter or enable Bluetooth; "
            "demo mode uses virtual devices",
        )
    blocked = []
    for rf in Path("/sys/class/rfkill").glob("rfkill*"):
        try:
            if (rf / "type").read_text().strip() == "bluetooth" and (
                rf / "soft"
            ).read_text().strip() == "1":
                blocked.append(rf.name)
        except OSError:
            continue
    if blocked:
        return Check(
            "bluetooth",
            Status.WARNING,
            "Bluetooth is switched off (rfkill): switch it on",
            {"adapters": len(adapters)},
        )
    return Check(
        "bluetooth", Status.OK, "adapters: " + ", ".join(adapters), {"adapters": len(adapters)}
    )


def check_media(dev_root: Path = Path("/dev"), asound: Path = Path("/proc/asound/cards")) -> Check:
    """Cameras and sound cards visible to the system (Linux)."""
    if not sys.platform.startswith("linux"):
        return Check(
            "camera and microphone", Status.SKIPPED, f"listing not implemented on {sys.platform}"
        )
    cameras = sorted(p.name for p in dev_root.glob("video*"))
    cards = 0
    if asound.exists():
        cards = sum(1 for line in asound.read_text().splitlines() if line[:3].strip().isdigit())
    status = Status.OK if cameras and cards else Status.WARNING
    detail = (
        f"{len(cameras)} camera(s), {cards} sound card(s)"
        if status is Status.OK
        else "no camera or no sound card: video visits fall back to audio or chat; "
        "check the cable and the operating system's privacy settings"
    )
    return Check(
        "camera and microphone", status, detail, {"cameras": len(cameras), "sound_cards": cards}
    )


def check_keyring() -> Check:
    import keyring

    backend = keyring.get_keyring()
    name = f"{type(backend).__module__}.{type(backend).__name__}"
    priority = float(getattr(backend, "priority", 0))
    if priority <= 0 or "fail" in name:
        return Check(
            "secret store",
            Status.ERROR,
            "no usable OS secret store: health data will not be stored. On Linux install and "
            "unlock gnome-keyring (Secret Service) or KWallet",
            {"backend": name},
        )
    return Check("secret store", Status.OK, name, {"backend": name})


async def check_backend(base_url: str, *, ca_bundle: str | None, timeout_s: float = 5.0) -> Check:
    """GET /fhir/metadata: round-trip time and download throughput."""
    verify: bool | str = ca_bundle or True
    try:
        async with httpx.AsyncClient(timeout=timeout_s, verify=verify) as client:
            t0 = time.perf_counter()
            r1 = await client.get(f"{base_url.rstrip('/')}/health")
            rtt_ms = (time.perf_counter() - t0) * 1000
            t1 = time.perf_counter()
            r2 = await client.get(f"{base_url.rstrip('/')}/fhir/metadata")
            elapsed = max(time.perf_counter() - t1, 1e-6)
    except httpx.HTTPError as exc:
        return Check(
            "regional backend",
            Status.ERROR,
            f"not reachable ({type(exc).__name__}): work continues offline",
        )
    kbps = len(r2.content) * 8 / 1000 / elapsed
    figures: dict[str, float | int | str] = {
        "rtt_ms": round(rtt_ms, 1),
        "throughput_kbit_s": round(kbps, 1),
        "http_status": r2.status_code,
    }
    if r1.status_code != 200 or r2.status_code != 200:
        return Check("regional backend", Status.ERROR, f"answered HTTP {r2.status_code}", figures)
    return Check("regional backend", Status.OK, "reachable", figures)


def stun_binding_request(transaction_id: bytes) -> bytes:
    """A STUN Binding Request (RFC 5389 §6) with the magic cookie; no attributes."""
    return struct.pack("!HHI", 0x0001, 0, 0x2112A442) + transaction_id


class _StunProtocol(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.reply: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        if not self.reply.done():
            self.reply.set_result(data)


async def check_turn(turn_uri: str, *, timeout_s: float = 3.0) -> Check:
    """A STUN binding request to the TURN server's UDP port: reachability and RTT."""
    hostport = turn_uri.split(":", 1)[1].split("?", 1)[0]
    host, _, port_s = hostport.rpartition(":")
    if not host:
        host, port_s = hostport, "3478"
    loop = asyncio.get_running_loop()
    try:
        transport, proto = await loop.create_datagram_endpoint(
            _StunProtocol, remote_addr=(host, int(port_s)), family=socket.AF_INET
        )
    except OSError as exc:
        return Check("TURN relay", Status.ERROR, f"cannot reach {hostport} ({type(exc).__name__})")
    try:
        tid = os.urandom(12)
        t0 = time.perf_counter()
        transport.sendto(stun_binding_request(tid))
        data = await asyncio.wait_for(proto.reply, timeout_s)
        rtt_ms = (time.perf_counter() - t0) * 1000
    except (TimeoutError, OSError):
        return Check(
            "TURN relay",
            Status.ERROR,
            f"no answer from {hostport}: video may fail behind strict firewalls",
        )
    finally:
        transport.close()
    ok = len(data) >= 20 and data[:2] == b"\x01\x01" and data[8:20] == tid
    status = Status.OK if ok else Status.ERROR
    return Check(
        "TURN relay",
        status,
        "answered" if ok else "unexpected answer",
        {"rtt_ms": round(rtt_ms, 1)},
    )


async def ice_turn_uris(base_url: str, *, ca_bundle: str | None) -> list[str]:
    """The TURN/STUN URIs the backend hands out (``GET /rtc/ice-servers``)."""
    try:
        async with httpx.AsyncClient(timeout=5.0, verify=ca_bundle or True) as client:
            r = await client.get(f"{base_url.rstrip('/')}/rtc/ice-servers")
            r.raise_for_status()
            body = r.json()
    except (httpx.HTTPError, ValueError):
        return []
    uris: list[str] = []
    for server in body.get("iceServers", []) if isinstance(body, dict) else []:
        urls = server.get("urls", []) if isinstance(server, dict) else []
        for u in [urls] if isinstance(urls, str) else urls:
            if isinstance(u, str) and u.startswith(("turn:", "stun:")) and "transport=tcp" not in u:
                uris.append(u)
    return uris


async def check_sync_queue(
    paths: Paths,
    tenant: str,
    *,
    subject: str | None = None,
    open_queue: QueueReader | None = None,
) -> Check:
    """Outbox depth and dead letters of one clinician's store, plus how many stores there are.

    ``open_queue`` reads the running workstation's open outbox; otherwise ``subject``'s vault is
    opened read-only for its counters (key from the secret store). Never creates a vault.
    """
    vault_dir = paths.data_dir / "vaults" / tenant
    stores = len(list(vault_dir.glob("*.vault"))) if vault_dir.is_dir() else 0
    figures: dict[str, float | int | str] = {"stores": stores}
    counts: QueueCounts | None = None
    if open_queue is not None:
        counts = await open_queue()
    if counts is None and subject:
        from app.services.sync import open_user_vault
        from offline_cache.errors import StoreError

        try:
            opened = await open_user_vault(
                data_dir=paths.data_dir, tenant=tenant, subject=subject, create=False
            )
        except (StoreError, FileNotFoundError, ValueError) as exc:
            return Check("sync queue", Status.ERROR, f"store not readable: {exc}", figures)
        try:
            counts = await opened.vault.outbox.counts()
        finally:
            await opened.vault.close()
    if counts is None:
        detail = f"{stores} clinician store(s) on this station"
        return Check(
            "sync queue", Status.SKIPPED, detail + "; nobody logged in (diag --user)", figures
        )
    figures.update(pending=counts.pending, dead_letters=counts.dead, sent=counts.done)
    if counts.last_success_utc is not None:
        age = datetime.now(UTC) - counts.last_success_utc
        figures["last_success_min_ago"] = round(age.total_seconds() / 60)
    if counts.dead:
        return Check(
            "sync queue",
            Status.WARNING,
            f"{counts.dead} item(s) refused by the backend: see 'telemed-workstation sync "
            "dead-letters'",
            figures,
        )
    return Check("sync queue", Status.OK, f"{counts.pending} item(s) waiting to be sent", figures)


async def run_diagnostics(
    settings: Settings,
    *,
    offline: bool = False,
    paths: Paths | None = None,
    subject: str | None = None,
    open_queue: QueueReader | None = None,
) -> Report:
    """Run every check; ``offline`` skips the network checks.

    ``subject``/``open_queue`` select whose sync queue is reported (see :func:`check_sync_queue`).
    """
    checks = [check_versions(), check_os(), check_bluetooth(), check_media(), check_keyring()]
    checks.append(
        await check_sync_queue(
            paths or Paths.default(), settings.tenant, subject=subject, open_queue=open_queue
        )
    )
    if offline:
        checks.append(Check("regional backend", Status.SKIPPED, "offline run requested"))
    else:
        backend = await check_backend(settings.backend_url, ca_bundle=settings.ca_bundle)
        checks.append(backend)
        if backend.status is Status.OK:
            uris = await ice_turn_uris(settings.backend_url, ca_bundle=settings.ca_bundle)
            if uris:
                checks.append(await check_turn(uris[0]))
            else:
                checks.append(
                    Check("TURN relay", Status.WARNING, "the backend lists no TURN server")
                )
    host = urlsplit(settings.backend_url).hostname or "?"
    checks.append(
        Check(
            "configuration",
            Status.OK,
            f"backend host {host}",
            {"demo": str(settings.demo), "auto_lock_s": settings.auto_lock_s},
        )
    )
    return Report(datetime.now(UTC).isoformat(timespec="seconds"), tuple(checks))


def write_bundle(report: Report, paths: Paths, destination: Path) -> Path:
    """A zip with the report and the (already redacted) logs and crash reports, scrubbed again."""
    destination.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(destination, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("report.json", report.to_json())
        zf.writestr("report.txt", report.to_text())
        if paths.log_dir.exists():
            for path in sorted(p for p in paths.log_dir.rglob("*") if p.is_file()):
                text = path.read_text(encoding="utf-8", errors="replace")
                zf.writestr(f"logs/{path.relative_to(paths.log_dir)}", scrub(text))
    return destination
