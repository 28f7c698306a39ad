"""Start Debian's ``janus`` on loopback with its own config dir and ports (bounded waits)."""

from __future__ import annotations

import random
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

LIB = Path("/usr/lib/x86_64-linux-gnu/janus")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def write_config(folder: Path, *, http_port: int, rtp_range: tuple[int, int]) -> Path:
    """Minimal janus.jcfg + VideoRoom + HTTP transport (loopback only) in ``folder``."""
    folder.mkdir(parents=True, exist_ok=True)
    others = ",".join(
        f"libjanus_{p}.so"
        for p in ("audiobridge", "duktape", "echotest", "lua", "nosip", "recordplay", "sip",
                  "streaming", "textroom", "videocall", "voicemail")
    )  # fmt: skip
    (folder / "janus.jcfg").write_text(
        f"""general: {{
    configs_folder = "{folder}"
    plugins_folder = "{LIB}/plugins"
    transports_folder = "{LIB}/transports"
    events_folder = "{LIB}/events"
    loggers_folder = "{LIB}/loggers"
    debug_level = 3
    session_timeout = 60
    server_name = "telemed-test-janus"
}}
certificates: {{
}}
media: {{
    rtp_port_range = "{rtp_range[0]}-{rtp_range[1]}"
}}
nat: {{
    nice_debug = false
    ice_ignore_list = "vmnet"
}}
plugins: {{
    disable = "{others}"
}}
transports: {{
    disable = "libjanus_websockets.so,libjanus_pfunix.so,libjanus_mqtt.so,libjanus_rabbitmq.so,libjanus_nanomsg.so"
}}
loggers: {{
    disable = "libjanus_jsonlog.so"
}}
events: {{
    broadcast = false
}}
"""
    )
    (folder / "janus.plugin.videoroom.jcfg").write_text("general: {\n}\n")
    (folder / "janus.transport.http.jcfg").write_text(
        f"""general: {{
    json = "plain"
    base_path = "/janus"
    http = true
    port = {http_port}
    ip = "127.0.0.1"
    https = false
}}
admin: {{
    admin_http = false
}}
cors: {{
}}
"""
    )
    return folder / "janus.jcfg"


@contextmanager
def janus_server(folder: Path, *, timeout_s: float = 20.0) -> Iterator[str]:
    """Run janus until the context exits; yields the REST base URL (``http://127.0.0.1:P/janus``)."""
    exe = shutil.which("janus")
    if exe is None:
        raise RuntimeError("Debian janus is not installed")
    port = _free_port()
    base = random.randrange(30_000, 59_000, 500)
    config = write_config(folder, http_port=port, rtp_range=(base, base + 499))
    log = folder / "janus.log"
    proc = subprocess.Popen(
        [exe, "-C", str(config), "-F", str(folder), "-N", "-L", str(log)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/janus"
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"janus exited early: {log.read_text()[-2000:]}")
            try:
                with urllib.request.urlopen(f"{url}/info", timeout=1) as resp:  # noqa: S310
                    if resp.status == 200:
                        break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise TimeoutError("janus did not start in time")
            time.sleep(0.1)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=10)
