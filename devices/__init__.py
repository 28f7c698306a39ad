"""BLE medical devices: pure GATT parsers, IEEE 11073 numbers, model registry.

Parsers (``devices.<profile>.parser``) are pure functions of the payload bytes and a
timezone-aware receive time; they raise only :class:`devices.errors.MalformedPayload`
(or its subclass ``ImplausibleValue``). Drivers and the transport live beside them and are
the only bleak users. This package imports nothing of the application but ``app.domain``.
"""
