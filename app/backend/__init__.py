"""Regional backend access: the async FHIR R4 client and its typed errors.

Thread affinity: everything here runs on the core asyncio loop.
"""

from app.backend.client import (
    BundleEntryResult,
    BundleResult,
    FhirClient,
    FhirResource,
    PullResult,
    ResourceResult,
    SearchResult,
    Timeouts,
    TokenProvider,
)
from app.backend.errors import (
    BackendError,
    ClientError,
    Conflict,
    ConnectionFailed,
    Forbidden,
    Gone,
    HttpStatusError,
    MalformedResponse,
    NotFound,
    OutcomeIssue,
    PreconditionFailed,
    RateLimited,
    ServerError,
    Timeout,
    TlsError,
    TransportError,
    Unauthorized,
)

__all__ = [
    "BackendError",
    "BundleEntryResult",
    "BundleResult",
    "ClientError",
    "Conflict",
    "ConnectionFailed",
    "FhirClient",
    "FhirResource",
    "Forbidden",
    "Gone",
    "HttpStatusError",
    "MalformedResponse",
    "NotFound",
    "OutcomeIssue",
    "PreconditionFailed",
    "PullResult",
    "RateLimited",
    "ResourceResult",
    "SearchResult",
    "ServerError",
    "Timeout",
    "Timeouts",
    "TlsError",
    "TokenProvider",
    "TransportError",
    "Unauthorized",
]
