"""Each kind of core failure is said in the clinician's language (English and Italian)."""

from __future__ import annotations

import pytest
from PySide6.QtWidgets import QApplication

from app.backend.errors import (
    ClientError,
    ConnectionFailed,
    Forbidden,
    Gone,
    MalformedResponse,
    NotFound,
    PreconditionFailed,
    RateLimited,
    ServerError,
    Timeout,
    TlsError,
    Unauthorized,
)
from app.services.telemonitoring import NoStoreOpen
from ui.error_text import reason_text
from ui.i18n import Translations

CASES = [
    (TlsError("x", request_sent=False), "the regional server's certificate is not trusted"),
    (Timeout("x", request_sent=True), "the regional server did not answer in time"),
    (TimeoutError(), "the regional server did not answer in time"),
    (ConnectionFailed("x", request_sent=False), "the regional server cannot be reached"),
    (Unauthorized("x", status=401), "your sign-in has expired: sign in again"),
    (Forbidden("x", status=403), "your account is not allowed to do this"),
    (NotFound("x", status=404), "it no longer exists on the regional server"),
    (Gone("x", status=410), "it no longer exists on the regional server"),
    (PreconditionFailed("x", status=412), "someone else changed it meanwhile"),
    (RateLimited("x", status=429, retry_after_s=None), "the regional server is busy"),
    (ServerError("x", status=503), "the regional server had a problem"),
    (ClientError("x", status=422), "the regional server refused it (HTTP 422)"),
    (MalformedResponse("x"), "the regional server's answer could not be read"),
    (NoStoreOpen("x"), "your encrypted store is not open: sign in or unlock"),
    (KeyError("x"), "KeyError"),
]


@pytest.mark.parametrize(("error", "text"), CASES)
def test_reason_in_english(qapp, error: BaseException, text: str) -> None:
    assert reason_text(error) == text


def test_reasons_in_italian(qapp) -> None:
    translations = Translations(QApplication.instance())
    translations.apply("it")
    try:
        assert reason_text(ConnectionFailed("x", request_sent=False)) == (
            "il server regionale non è raggiungibile"
        )
        assert reason_text(Unauthorized("x", status=401)) == (
            "il tuo accesso è scaduto: accedi di nuovo"
        )
        assert reason_text(ClientError("x", status=422)) == (
            "il server regionale l'ha rifiutato (HTTP 422)"
        )
    finally:
        translations.apply("en")
