"""Start Debian's ``janus`` on loopback with its own config dir and ports (bounded waits)."""

from __future__ import annotations

import random
import shutil
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from tests.integration.processes import free_port, running_process, wait_until_ready

LIB = Path("/usr/lib/x86_64-linux-gnu/janus")


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
    port = free_port()
    base = random.randrange(30_000, 59_000, 500)
    config = write_config(folder, http_port=port, rtp_range=(base, base + 499))
    log = folder / "janus.log"
    url = f"http://127.0.0.1:{port}/janus"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(f"{url}/info", timeout=1) as resp:  # noqa: S310
                return bool(resp.status == 200)
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    with running_process([exe, "-C", str(config), "-F", str(folder), "-N", "-L", str(log)]) as proc:
        wait_until_ready(
            proc,
            name="janus",
            ready=answers,
            timeout_s=timeout_s,
            log=lambda: log.read_text()[-2000:],
        )
        yield url
