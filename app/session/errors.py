"""Errors of login, token handling, offline unlock and user switching.

Every error of :mod:`app.session` derives from :class:`SessionError`. Messages are safe to show to
the clinician and never contain tokens, PINs or health data.
"""

from __future__ import annotations


class SessionError(Exception):
    """Base of every :mod:`app.session` error."""


class OidcError(SessionError):
    """The OpenID Connect exchange failed."""


class DiscoveryError(OidcError):
    """The provider's discovery document is unreachable or malformed."""


class LoginTimeout(OidcError):
    """No answer came back from the browser in time."""


class AuthorizationDenied(OidcError):
    """The provider answered the authorization request with an error (user cancelled, ...)."""

    def __init__(self, error: str, description: str = "") -> None:
        super().__init__(f"login refused by the provider: {error}")
        self.error = error
        self.description = description


class StateMismatch(OidcError):
    """The redirect's ``state`` is not the one this login sent (CSRF or a stale browser tab)."""


class TokenRejected(OidcError):
    """The token endpoint refused the grant (replayed or expired code, revoked refresh token)."""

    def __init__(self, error: str, status: int) -> None:
        super().__init__(f"token endpoint refused the grant: {error} (HTTP {status})")
        self.error = error
        self.status = status


class ReauthenticationRequired(OidcError):
    """Tokens can no longer be refreshed: the clinician must log in again in the browser."""


class TokenInvalid(OidcError):
    """An ID token failed validation."""


class IssuerMismatch(TokenInvalid):
    """Issued by another provider than the configured one."""


class AudienceMismatch(TokenInvalid):
    """Issued for another client (``aud``/``azp`` is not this app)."""


class TokenExpired(TokenInvalid):
    """``exp`` is in the past (beyond the allowed clock skew)."""


class BadSignature(TokenInvalid):
    """The signature does not verify with the provider's published keys."""


class NonceMismatch(TokenInvalid):
    """The ``nonce`` claim is not the one this login sent (token replay)."""


class SecretStoreUnavailable(SessionError):
    """The OS secret store (Keychain, Credential Manager, Secret Service) cannot be used."""


class NotLoggedIn(SessionError):
    """No tokens are stored for this clinician."""


class UnlockError(SessionError):
    """Offline unlock failed."""


class NoOfflineUnlock(UnlockError):
    """This clinician never logged in online on this workstation, or never set a PIN."""


class WrongPin(UnlockError):
    """The PIN or passphrase is wrong. ``retry_after_s`` is the wait before the next try."""

    def __init__(self, *, failures: int, retry_after_s: float) -> None:
        super().__init__("wrong PIN or passphrase")
        self.failures = failures
        self.retry_after_s = retry_after_s


class UnlockThrottled(UnlockError):
    """Too many wrong PINs: the next try is allowed after ``retry_after_s`` seconds."""

    def __init__(self, retry_after_s: float) -> None:
        super().__init__(f"too many wrong attempts: try again in {int(retry_after_s + 0.999)} s")
        self.retry_after_s = retry_after_s


class WeakPin(UnlockError):
    """The chosen PIN or passphrase is too short or trivial."""


class VaultOwnedByAnotherUser(SessionError):
    """A clinician tried to open a vault that belongs to another clinician."""
