"""Typed errors of the FHIR backend client, all rooted in :class:`BackendError`.

HTTP status errors carry the parsed ``OperationOutcome`` issues the server sent
(empty when it sent none). Transport errors say whether the request may have
reached the server (``request_sent``), so a caller can tell "nothing happened"
from "outcome unknown, resend the same bytes".
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class OutcomeIssue:
    """One ``OperationOutcome.issue`` (severity, code, diagnostics, expression paths)."""

    severity: str
    code: str
    diagnostics: str | None = None
    details_text: str | None = None
    expression: tuple[str, ...] = ()


class BackendError(Exception):
    """Base of every error raised by :mod:`app.backend`."""


class HttpStatusError(BackendError):
    """The server answered with a non-2xx status.

    Attributes: ``status`` (HTTP status code), ``issues`` (parsed OperationOutcome
    issues, possibly empty), ``method`` and ``url`` of the failed request.
    """

    def __init__(
        self,
        message: str,
        *,
        status: int,
        issues: tuple[OutcomeIssue, ...] = (),
        method: str = "",
        url: str = "",
    ) -> None:
        super().__init__(message)
        self.status = status
        self.issues = issues
        self.method = method
        self.url = url


class ClientError(HttpStatusError):
    """A 4xx answer not covered by a more specific subclass."""


class Unauthorized(ClientError):
    """401, raised after one token refresh attempt also failed."""


class Forbidden(ClientError):
    """403: the credentials are valid but not allowed to do this."""


class NotFound(ClientError):
    """404: the resource (or endpoint) does not exist."""


class Gone(ClientError):
    """410: the resource was deleted."""


class Conflict(ClientError):
    """409: a version or business conflict."""


class PreconditionFailed(Conflict):
    """412: ``If-Match`` did not match, or a conditional create matched several resources."""


class RateLimited(ClientError):
    """429 that outlived the bounded wait; ``retry_after_s`` is the server's hint (None if absent)."""

    def __init__(
        self,
        message: str,
        *,
        status: int,
        retry_after_s: float | None,
        issues: tuple[OutcomeIssue, ...] = (),
        method: str = "",
        url: str = "",
    ) -> None:
        super().__init__(message, status=status, issues=issues, method=method, url=url)
        self.retry_after_s = retry_after_s


class ServerError(HttpStatusError):
    """5xx from the server (after the retries allowed for the request)."""


class TransportError(BackendError):
    """The exchange failed below HTTP.

    ``request_sent`` is False only when the request certainly did not reach the server
    (e.g. connection refused, TLS handshake failure).
    """

    def __init__(self, message: str, *, request_sent: bool) -> None:
        super().__init__(message)
        self.request_sent = request_sent


class Timeout(TransportError):
    """A connect, read, write or pool timeout expired."""


class ConnectionFailed(TransportError):
    """Connection refused, reset or closed mid-response."""


class TlsError(TransportError):
    """TLS handshake failed: untrusted certificate, certificate for another host, protocol error."""


class MalformedResponse(BackendError):
    """A 2xx answer that is not what FHIR promised.

    Examples: HTML instead of JSON, truncated JSON, a resource of the wrong
    ``resourceType``, content failing the R4B model, a paging link to another origin.
    """
