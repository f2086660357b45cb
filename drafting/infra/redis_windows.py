"""Fixed-window counting on Redis for the rate limits, one command on a connection per thread.

Every signature counts one hit against its limit. Through redis-py's client (connection pool,
retry wrapper, events, metrics around each command) a hit cost about 9 % of a signature's CPU,
of which sending and reading the command were 4 % (docs/PERFORMANCE.md). `RedisWindows` sends
the same command, the `limits` library's own Lua script (INCRBY, then EXPIRE on a window's
first hit: the counter and its window as the library keeps them, so the library reads them
back, resets and clears them), on a connection each thread keeps open, with the same key.

A connection found closed (Redis restarted, an idle timeout) is reopened and the command sent
again, once; a script Redis no longer knows (restarted, flushed) is loaded again. Other failures
are the library's `StorageError`, which lets the request through
(`drafting.infra.rate_limits`). A forked child never uses its parent's connections.
"""

from __future__ import annotations

import os
import threading
from typing import Any

from limits import RateLimitItem
from limits.errors import StorageError
from limits.storage import RedisStorage
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import NoScriptError, RedisError
from redis.exceptions import TimeoutError as RedisTimeoutError

LOST = (RedisConnectionError, RedisTimeoutError, OSError)


class RedisWindows:
    """Fixed-window hits on the Redis of a `limits` storage (see the module)."""

    def __init__(self, storage: RedisStorage) -> None:
        self.storage = storage
        self._script = storage.lua_incr_expire
        self._pool = storage.storage.connection_pool
        self._local = threading.local()

    def hit(self, item: RateLimitItem, *identifiers: str, cost: int = 1) -> bool:
        """`FixedWindowRateLimiter.hit`: spend `cost`, True while within the limit."""
        return self.incr(item.key_for(*identifiers), item.get_expiry(), cost) <= item.amount

    def incr(self, key: str, expiry: int, amount: int = 1) -> int:
        """Add `amount` to `key` (the library's key, before its prefix): the count in its
        window, which lasts `expiry` seconds from the first hit."""
        key = self.storage.prefixed_key(key)
        arguments = ("EVALSHA", self._script.sha, 1, key, expiry, amount)
        try:
            try:
                return int(self._command(arguments))
            except NoScriptError:
                self._command(("SCRIPT", "LOAD", self._script.script))
                return int(self._command(arguments))
        except RedisError as error:
            raise StorageError(error) from error

    def _connection(self) -> Any:
        """This thread's connection, opened on its first command (a forked child opens its own:
        the socket it inherited is its parent's)."""
        local = self._local
        if getattr(local, "pid", None) != os.getpid():
            local.connection = self._pool.connection_class(**self._pool.connection_kwargs)
            local.pid = os.getpid()
        return local.connection

    def _command(self, arguments: tuple[Any, ...]) -> Any:
        connection = self._connection()
        try:
            return self._send(connection, arguments)
        except LOST:
            # Closed under us (Redis restarted, an idle timeout): reopen and send once more. If
            # the first command had reached Redis, the hit counts twice: a limit errs strict.
            connection.disconnect()
            try:
                return self._send(connection, arguments)
            except LOST as error:
                connection.disconnect()
                raise StorageError(error) from error

    @staticmethod
    def _send(connection: Any, arguments: tuple[Any, ...]) -> Any:
        connection.send_command(*arguments)
        return connection.read_response()
