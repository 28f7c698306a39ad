"""The loopback redirect receiver of a native-app login (RFC 8252 §7.3).

A one-shot HTTP listener on ``127.0.0.1`` with a port chosen by the OS. It accepts exactly the
redirect to ``/callback`` (query parameters only, no body), answers the browser with a short page,
and ignores everything else (``/favicon.ico`` gets a 404). Requests are bounded in size and time.

Thread affinity: core loop only.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from dataclasses import dataclass
from types import TracebackType
from urllib.parse import parse_qs, urlsplit

from app.logs import safe

_log = logging.getLogger(__name__)

CALLBACK_PATH = "/callback"
_MAX_HEAD_BYTES = 8192

_DONE_PAGE = (
    b"<!doctype html><html lang='it'><head><meta charset='utf-8'>"
    b"<title>Postazione di telemedicina</title></head><body>"
    b"<p>Accesso completato: torna alla postazione di telemedicina. Puoi chiudere questa scheda.</p>"
    b"<p lang='en'>Login complete: return to the telemedicine workstation. "
    b"You can close this tab.</p></body></html>"
)


@dataclass(frozen=True, slots=True)
class CallbackParams:
    """The query parameters of the redirect (single values; repeated parameters are refused)."""

    params: dict[str, str]

    def get(self, name: str) -> str | None:
        """The value of parameter ``name``, or None."""
        return self.params.get(name)


class LoopbackReceiver:
    """``async with LoopbackReceiver() as rx: ... await rx.wait(timeout_s=...)``."""

    def __init__(self, *, host: str = "127.0.0.1", read_timeout_s: float = 10.0) -> None:
        self._host = host
        self._read_timeout_s = read_timeout_s
        self._server: asyncio.Server | None = None
        self._result: asyncio.Future[CallbackParams] | None = None
        self.port: int | None = None

    @property
    def redirect_uri(self) -> str:
        """``http://127.0.0.1:<port>/callback`` (after ``__aenter__``)."""
        if self.port is None:
            raise RuntimeError("loopback receiver not started")
        return f"http://{self._host}:{self.port}{CALLBACK_PATH}"

    async def __aenter__(self) -> LoopbackReceiver:
        self._result = asyncio.get_running_loop().create_future()
        self._server = await asyncio.start_server(self._handle, self._host, 0)
        self.port = int(self._server.sockets[0].getsockname()[1])
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._server is not None:
            self._server.close()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._server.wait_closed(), 2.0)
            self._server = None
        if self._result is not None and not self._result.done():
            self._result.cancel()

    async def wait(self) -> CallbackParams:
        """The first well-formed redirect's parameters (the caller bounds the wait)."""
        assert self._result is not None
        return await asyncio.shield(self._result)

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            async with asyncio.timeout(self._read_timeout_s):
                head = await reader.readuntil(b"\r\n\r\n")
        except (TimeoutError, asyncio.IncompleteReadError, asyncio.LimitOverrunError):
            await self._close(writer)
            return
        status, body = self._route(head[:_MAX_HEAD_BYTES])
        reason = {200: "OK", 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed"}
        writer.write(
            f"HTTP/1.1 {status} {reason[status]}\r\nContent-Type: text/html; charset=utf-8\r\n"
            f"Content-Length: {len(body)}\r\nCache-Control: no-store\r\n"
            "Referrer-Policy: no-referrer\r\nConnection: close\r\n\r\n".encode()
            + body
        )
        with contextlib.suppress(ConnectionError, TimeoutError):
            async with asyncio.timeout(self._read_timeout_s):
                await writer.drain()
        await self._close(writer)

    async def _close(self, writer: asyncio.StreamWriter) -> None:
        writer.close()
        with contextlib.suppress(ConnectionError, TimeoutError):
            async with asyncio.timeout(self._read_timeout_s):
                await writer.wait_closed()

    def _route(self, head: bytes) -> tuple[int, bytes]:
        try:
            request_line = head.split(b"\r\n", 1)[0].decode("ascii")
            method, target, _version = request_line.split(" ", 2)
        except (UnicodeDecodeError, ValueError):
            return 400, b""
        url = urlsplit(target)
        if url.path != CALLBACK_PATH:
            return 404, b""
        if method != "GET":
            return 405, b""
        parsed = parse_qs(url.query, keep_blank_values=True)
        if any(len(v) != 1 for v in parsed.values()):
            return 400, b""
        assert self._result is not None
        if self._result.done():
            # A second redirect (reload, replay) is answered but never used.
            _log.info("loopback: extra redirect ignored")
            return 200, _DONE_PAGE
        self._result.set_result(CallbackParams({k: v[0] for k, v in parsed.items()}))
        _log.info("loopback: redirect received on port %s", safe(self.port))
        return 200, _DONE_PAGE
