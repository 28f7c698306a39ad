"""Why an operation failed, in the clinician's language.

The core raises typed errors whose messages are in English and written for the help desk. The UI
says the reason with :func:`reason_text` (a short clause, translated) and keeps the core's own
words for the help desk (tooltips, details). Unknown errors fall back to their type name.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication

from app.backend.errors import (
    Conflict,
    Forbidden,
    Gone,
    HttpStatusError,
    MalformedResponse,
    NotFound,
    RateLimited,
    ServerError,
    Timeout,
    TlsError,
    TransportError,
    Unauthorized,
)
from app.services.telemonitoring import NoStoreOpen

_CONTEXT = "ErrorText"


def _t(text: str) -> str:
    return QCoreApplication.translate(_CONTEXT, text)


def reason_text(error: BaseException) -> str:
    """A short translated clause saying why (e.g. "the regional server cannot be reached")."""
    # Most specific first: the classes below derive from one another.
    if isinstance(error, TlsError):
        return _t("the regional server's certificate is not trusted")
    if isinstance(error, Timeout | TimeoutError):
        return _t("the regional server did not answer in time")
    if isinstance(error, TransportError):
        return _t("the regional server cannot be reached")
    if isinstance(error, Unauthorized):
        return _t("your sign-in has expired: sign in again")
    if isinstance(error, Forbidden):
        return _t("your account is not allowed to do this")
    if isinstance(error, NotFound | Gone):
        return _t("it no longer exists on the regional server")
    if isinstance(error, Conflict):
        return _t("someone else changed it meanwhile")
    if isinstance(error, RateLimited):
        return _t("the regional server is busy")
    if isinstance(error, ServerError):
        return _t("the regional server had a problem")
    if isinstance(error, HttpStatusError):
        return _t("the regional server refused it (HTTP %1)").replace("%1", str(error.status))
    if isinstance(error, MalformedResponse):
        return _t("the regional server's answer could not be read")
    if isinstance(error, NoStoreOpen):
        return _t("your encrypted store is not open: sign in or unlock")
    return type(error).__name__
