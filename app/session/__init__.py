"""Who is at the workstation: OIDC login (RFC 8252), tokens in the OS secret store, offline
unlock with a PIN, locking and fast user switching on shared stations.

The UI reaches this package only through ``ui/bridge.py``; nothing here imports Qt.
"""
