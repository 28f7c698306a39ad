"""``telemed-workstation sync``: the outbox for the help desk (status, drain, dead letters, retry,
pull, recover).

Opens the clinician's encrypted vault with the key from the OS secret store, so it runs in that
clinician's desktop session. Prints counts, kinds, labels and the server's reasons; never
payloads. Exit codes: 0 ok (``drain``: nothing left), 1 error or items left, 2 usage.
"""

from __future__ import annotations

import argparse
import asyncio
import getpass
import json
import sys
import time
from typing import Any

from app.backend.client import FhirClient, TokenProvider
from app.config import Paths, Settings
from app.services.sync import (
    RetryPolicy,
    SyncWorker,
    open_user_vault,
    pull_updates_into_cache,
)
from app.session.demo import DEFAULT_DEMO_PRACTITIONER
from app.session.errors import NotLoggedIn, SecretStoreUnavailable
from app.session.manager import oidc_config_for
from app.session.oidc import OidcClient
from app.session.tokens import TokenManager, TokenStore
from offline_cache.errors import StoreError, UnknownUnit
from offline_cache.vault import Vault, VaultId, recover_vault

# The clinician demo mode logs in as (its vault is the one to look at).
DEMO_SUBJECT = DEFAULT_DEMO_PRACTITIONER


def register(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = subparsers.add_parser("sync", help="offline outbox: status, drain, dead letters, retry")
    p.add_argument(
        "--user", help="the clinician's subject (login id); default in --demo: the demo clinician"
    )
    p.add_argument("--json", action="store_true", help="print JSON")
    actions = p.add_subparsers(dest="sync_action", metavar="ACTION")
    actions.add_parser("status", help="items waiting, dead letters, last success (default)")
    drain = actions.add_parser("drain", help="send everything that is waiting, then stop")
    drain.add_argument(
        "--timeout", type=float, default=300.0, help="give up after this many seconds"
    )
    drain.add_argument("--concurrency", type=int, default=4, help=argparse.SUPPRESS)
    drain.add_argument("--fast-retry", action="store_true", help=argparse.SUPPRESS)
    actions.add_parser("dead-letters", help="items the server refused, with its reason")
    retry = actions.add_parser("retry", help="put dead letters back in line")
    retry.add_argument("unit_ids", nargs="*", help="item ids (default: every dead letter)")
    actions.add_parser("pull", help="refresh the local copy of worklists, patients, care plans")
    actions.add_parser(
        "recover",
        help="open the store with its recovery key (read from standard input) and put the key "
        "back in the system keyring",
    )
    p.set_defaults(handler=handle)


def handle(args: argparse.Namespace, settings: Settings) -> int:
    subject = args.user or (DEMO_SUBJECT if settings.demo else None)
    if not subject:
        print("telemed-workstation sync: give --user SUBJECT (or --demo)", file=sys.stderr)
        return 2
    try:
        return asyncio.run(_run(args, settings, subject))
    except (StoreError, FileNotFoundError) as exc:
        print(f"telemed-workstation sync: {exc}", file=sys.stderr)
        return 1


async def _run(args: argparse.Namespace, settings: Settings, subject: str) -> int:
    if args.sync_action == "recover":
        return await _recover(settings, subject)
    opened = await open_user_vault(
        data_dir=Paths.default().data_dir, tenant=settings.tenant, subject=subject, create=False
    )
    vault = opened.vault
    try:
        action = args.sync_action or "status"
        if action == "status":
            return await _status(vault, as_json=args.json)
        if action == "dead-letters":
            return await _dead_letters(vault, as_json=args.json)
        if action == "retry":
            return await _retry(vault, args.unit_ids)
        if action == "drain":
            return await _drain(vault, settings, args)
        if action == "pull":
            tokens = await _stored_login(settings, subject)
            async with FhirClient(
                settings.fhir_base_url, token_provider=tokens, ca_bundle_path=settings.ca_bundle
            ) as c:
                report = await pull_updates_into_cache(c, vault.cache)
            _print({"stored": report.stored}, as_json=args.json)
            return 0
        return 2
    finally:
        await vault.close()


async def _recover(settings: Settings, subject: str) -> int:
    # Standard input, never the command line: the key must not land in the shell history.
    if sys.stdin.isatty():
        recovery_key = getpass.getpass("recovery key: ")
    else:
        recovery_key = sys.stdin.readline()
    vault = await recover_vault(
        data_dir=Paths.default().data_dir,
        vault_id=VaultId(tenant=settings.tenant, user=subject),
        recovery_key=recovery_key.strip(),
    )
    counts = await vault.outbox.counts()
    await vault.close()
    print(
        f"offline store recovered: {counts.pending} item(s) waiting, {counts.dead} dead letter(s)"
    )
    return 0


async def _stored_login(settings: Settings, subject: str) -> TokenProvider | None:
    """The clinician's saved login (refreshed as needed), so work is sent as them; None if the
    secret store holds none (the backend may then refuse with 401: items wait, nothing is lost)."""
    store = TokenStore()
    try:
        await store.load(subject)
    except (NotLoggedIn, SecretStoreUnavailable):
        print("note: no saved login for this user; sending without one", file=sys.stderr)
        return None
    return TokenManager(
        client=OidcClient(oidc_config_for(settings.backend_url)), store=store, subject=subject
    )


async def _status(vault: Vault, *, as_json: bool) -> int:
    counts = await vault.outbox.counts()
    last_pull = await vault.cache.last_pulled_utc()
    _print(
        {
            "pending": counts.pending,
            "dead_letters": counts.dead,
            "sent": counts.done,
            "last_success_utc": counts.last_success_utc.isoformat()
            if counts.last_success_utc
            else None,
            "last_pull_utc": last_pull.isoformat() if last_pull else None,
            "cached": await vault.cache.counts(),
        },
        as_json=as_json,
    )
    return 0


async def _dead_letters(vault: Vault, *, as_json: bool) -> int:
    dead = await vault.outbox.units(state="dead", limit=10_000)
    rows = [
        {
            "id": d.unit_id,
            "kind": d.kind,
            "label": d.label,
            "created_utc": d.created_at_utc.isoformat(),
            "attempts": d.attempts,
            "http_status": d.last_status,
            "reason": d.last_error,
        }
        for d in dead
    ]
    if as_json:
        print(json.dumps(rows, indent=2, ensure_ascii=False))
    elif not rows:
        print("no dead letters")
    else:
        for row in rows:
            print(
                f"{row['id']}  {row['kind']:<18} {row['label']!s:<24} "
                f"HTTP {row['http_status']}: {row['reason']}"
            )
    return 0


async def _retry(vault: Vault, unit_ids: list[str]) -> int:
    if not unit_ids:
        unit_ids = [d.unit_id for d in await vault.outbox.units(state="dead", limit=10_000)]
    try:
        for unit_id in unit_ids:
            await vault.outbox.retry(unit_id)
    except UnknownUnit as exc:
        print(f"telemed-workstation sync: {exc}", file=sys.stderr)
        return 1
    print(f"{len(unit_ids)} item(s) back in line")
    return 0


async def _drain(vault: Vault, settings: Settings, args: argparse.Namespace) -> int:
    policy = (
        RetryPolicy(base_delay_s=0.05, max_delay_s=0.5, offline_max_delay_s=0.5)
        if args.fast_retry
        else RetryPolicy()
    )
    deadline = time.monotonic() + args.timeout
    totals = {"sent": 0, "retried": 0, "dead_lettered": 0}
    tokens = await _stored_login(settings, vault.vault_id.user)
    async with FhirClient(
        settings.fhir_base_url, token_provider=tokens, ca_bundle_path=settings.ca_bundle
    ) as client:
        worker = SyncWorker(
            outbox=vault.outbox, client=client, policy=policy, concurrency=args.concurrency
        )
        while True:
            report = await worker.drain()
            totals["sent"] += report.sent
            totals["retried"] += report.retried
            totals["dead_lettered"] += report.dead_lettered
            due = await vault.outbox.next_due_in_s()
            if due is None or time.monotonic() + due > deadline:
                break
            await asyncio.sleep(due)
        worker.close()
    counts = await vault.outbox.counts()
    _print({**totals, "pending": counts.pending, "dead_letters": counts.dead}, as_json=args.json)
    return 0 if counts.pending == 0 else 1


def _print(data: dict[str, Any], *, as_json: bool) -> None:
    if as_json:
        print(json.dumps(data, indent=2, ensure_ascii=False))
        return
    for key, value in data.items():
        print(f"{key.replace('_', ' ')}: {value}")
