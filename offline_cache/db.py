"""The DB thread: one thread owns one SQLCipher connection; callers get awaitables.

Thread affinity: :meth:`Database.read` / :meth:`Database.write` may be awaited from any asyncio
loop (the result is delivered on the caller's loop); the callables passed to them run on the DB
thread and must only use the connection they are given. Nothing blocks the caller's loop.
"""

from __future__ import annotations

import asyncio
import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any, TypeVar

import sqlcipher3

from offline_cache.errors import StoreClosed, StoreError, VaultCorrupted

__all__ = ["Connection", "Database"]

T = TypeVar("T")
if TYPE_CHECKING:
    # sqlcipher3 ships no type hints; its DB-API mirrors the stdlib module exactly.
    from sqlite3 import Connection as Connection
else:
    Connection = sqlcipher3.Connection

_log = logging.getLogger(__name__)
_STOP = object()


class Database:
    """A connection owned by a dedicated thread.

    ``opener`` runs first on the DB thread and returns the connection (opening, keying and
    migrating happen there). Construct with :meth:`open`.
    """

    def __init__(self, *, name: str, path: Any) -> None:
        self._queue: queue.SimpleQueue[object] = queue.SimpleQueue()
        self._conn: Connection | None = None
        self._closed = False
        self.path = path
        self._thread = threading.Thread(target=self._run, name=f"db-{name}", daemon=True)

    @classmethod
    async def open(cls, opener: Callable[[], Connection], *, name: str, path: Any) -> Database:
        """Start the thread and run ``opener`` on it; raises whatever ``opener`` raises."""
        db = cls(name=name, path=path)
        db._thread.start()
        try:
            await db._call(lambda _conn: db._adopt(opener()), needs_conn=False)
        except BaseException:
            await db.close()
            raise
        return db

    def _adopt(self, conn: Connection) -> None:
        self._conn = conn

    async def read(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(connection)`` on the DB thread (no transaction is opened for it)."""
        return await self._call(fn)

    async def write(self, fn: Callable[[Connection], T]) -> T:
        """Run ``fn(connection)`` inside ``BEGIN IMMEDIATE`` ... ``COMMIT`` on the DB thread.

        The result is delivered only after the commit is on disk (``synchronous=FULL``); if ``fn``
        raises, the transaction is rolled back and the error re-raised.
        """

        def in_transaction(conn: Connection) -> T:
            conn.execute("BEGIN IMMEDIATE")
            try:
                result = fn(conn)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
            return result

        return await self._call(in_transaction)

    async def close(self) -> None:
        """Checkpoint the WAL, close the connection and stop the thread (idempotent)."""
        if self._closed:
            return
        self._closed = True
        done: Future[None] = Future()
        self._queue.put((_STOP, done))
        await asyncio.wrap_future(done)
        await asyncio.to_thread(self._thread.join, 10.0)

    async def _call(self, fn: Callable[[Connection], T], *, needs_conn: bool = True) -> T:
        if self._closed:
            raise StoreClosed("the offline store is closed")
        fut: Future[T] = Future()
        self._submit(fn, fut, needs_conn)
        return await asyncio.wrap_future(fut)

    def _submit(self, fn: Callable[[Connection], Any], fut: Future[Any], needs_conn: bool) -> None:
        if self._closed:
            raise StoreClosed("the offline store is closed")
        self._queue.put((fn, fut, needs_conn))

    def _run(self) -> None:
        while True:
            item = self._queue.get()
            if isinstance(item, tuple) and item[0] is _STOP:
                self._shutdown(item[1])
                return
            assert isinstance(item, tuple)
            fn: Callable[[Any], Any] = item[0]
            fut: Future[Any] = item[1]
            needs_conn: bool = item[2]
            if not fut.set_running_or_notify_cancel():
                continue
            try:
                if needs_conn and self._conn is None:
                    raise StoreClosed("the offline store is not open")
                fut.set_result(fn(self._conn))
            except sqlcipher3.DatabaseError as exc:
                fut.set_exception(_map_db_error(exc, self.path))
            except BaseException as exc:
                fut.set_exception(exc)

    def _shutdown(self, done: Future[None]) -> None:
        # Fail whatever is still queued so no caller waits forever.
        while True:
            try:
                item = self._queue.get_nowait()
            except queue.Empty:
                break
            if isinstance(item, tuple) and len(item) == 3:
                item[1].set_exception(StoreClosed("the offline store is closed"))
        if self._conn is not None:
            try:
                self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            except sqlcipher3.Error:
                _log.warning("WAL checkpoint at close failed")
            self._conn.close()
            self._conn = None
        done.set_result(None)


def _map_db_error(
    exc: sqlcipher3.DatabaseError, path: Any
) -> StoreError | sqlcipher3.DatabaseError:
    text = str(exc).lower()
    if "malformed" in text or "not a database" in text or "corrupt" in text:
        return VaultCorrupted(
            f"the offline store file is damaged ({type(exc).__name__}); it was kept as is",
            path=path,
        )
    return exc
