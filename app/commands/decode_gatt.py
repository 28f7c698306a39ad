"""``telemed-workstation decode-gatt <uuid> <hex>``: decode one GATT payload to JSON.

Prints the decoded fields (``devices.decode``; numbers keep their precision) and exits 0.
Malformed hex, malformed or implausible payloads and unsupported characteristics print
``{"error": "..."}`` and exit 2. Diagnostic tool: output goes to stdout only, never to logs.
"""

from __future__ import annotations

import argparse
import json
import re

from app.config import Settings
from devices.decode import decode, supported, to_json
from devices.errors import MalformedPayload, Unsupported

EXIT_OK = 0
EXIT_BAD_INPUT = 2

_SEPARATORS = re.compile(r"[\s:\-_]")


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser(
        "decode-gatt",
        help="decode a Bluetooth GATT characteristic payload (hex) to JSON",
        description=(
            "Decode a GATT payload. UUID as 2a35, 0x2A35 or the 128-bit SIG form; also SFLOAT "
            "and FLOAT (big-endian notation) and 181d-adv. Supported: " + ", ".join(supported())
        ),
    )
    p.add_argument("uuid", help="characteristic UUID")
    p.add_argument("hex", help="payload as on air, e.g. 06000101 or 06-00-01-01")
    p.add_argument(
        "--no-plausibility",
        action="store_true",
        help="decode physiologically implausible values instead of rejecting them",
    )
    p.add_argument(
        "--lenient", action="store_true", help="accept tolerated vendor deviations (RACP counts)"
    )
    p.set_defaults(handler=handle)


def _error(message: str) -> int:
    print(json.dumps({"error": message}))
    return EXIT_BAD_INPUT


def handle(args: argparse.Namespace, settings: Settings | None) -> int:
    """Decode ``args.hex`` as ``args.uuid``; returns 0, or 2 on malformed input."""
    text = _SEPARATORS.sub("", args.hex)
    if text.lower().startswith("0x"):
        text = text[2:]
    try:
        data = bytes.fromhex(text)
    except ValueError:
        return _error("payload is not hexadecimal")
    try:
        result = decode(
            args.uuid,
            data,
            check_plausibility=not args.no_plausibility,
            lenient=args.lenient,
        )
    except MalformedPayload as exc:
        return _error(str(exc))
    except Unsupported as exc:
        return _error(str(exc))
    print(to_json(result))
    return EXIT_OK
