"""Integration fixtures: the real Secret Service (gnome-keyring under dbus-run-session)."""

from tests.fixtures.secret_service import secret_service as secret_service

__all__ = ["secret_service"]
