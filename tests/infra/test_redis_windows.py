"""`RedisWindows`: rate-limit hits sent straight on a connection per thread count exactly as the
`limits` library counts, and survive a restarted Redis, a flushed script and a fork."""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator

import pytest
from limits import parse
from limits.errors import StorageError
from limits.storage import RedisStorage, storage_from_string
from limits.strategies import FixedWindowRateLimiter

from drafting.infra.redis_windows import RedisWindows

THREE_PER_MINUTE = parse("3 per minute")


@pytest.fixture
def storage() -> Iterator[RedisStorage]:
    url = os.environ.get("REDIS_URL")
    if not url:
        pytest.skip("REDIS_URL not set (the PostgreSQL + Redis run covers it)")
    made = storage_from_string(url, key_prefix="liasse-counters-" + secrets.token_hex(4))
    assert isinstance(made, RedisStorage)
    yield made
    made.reset()


def test_hits_count_with_the_librarys_key_window_and_limit(storage):
    windows, library = RedisWindows(storage), FixedWindowRateLimiter(storage)
    assert [windows.hit(THREE_PER_MINUTE, "scope", "me") for _ in range(2)] == [True, True]
    assert library.hit(THREE_PER_MINUTE, "scope", "me")  # the same counter: third hit
    assert not windows.hit(THREE_PER_MINUTE, "scope", "me")
    assert windows.hit(THREE_PER_MINUTE, "scope", "someone else")
    key = THREE_PER_MINUTE.key_for("scope", "me")
    assert storage.get(key) == 4
    ttl = storage.storage.ttl(storage.prefixed_key(key))
    assert 0 < ttl <= THREE_PER_MINUTE.get_expiry()  # the window set on the first hit
    assert windows.incr("other", 60, amount=5) == 5


def test_a_script_redis_forgot_is_loaded_again(storage):
    windows = RedisWindows(storage)
    assert windows.incr("flushed", 60) == 1
    storage.storage.script_flush()
    assert windows.incr("flushed", 60) == 2


def test_a_connection_closed_under_it_is_reopened(storage):
    windows = RedisWindows(storage)
    assert windows.incr("killed", 60) == 1
    connection = windows._connection()
    connection.send_command("CLIENT", "ID")
    storage.storage.client_kill_filter(_id=connection.read_response())
    assert windows.incr("killed", 60) == 2


def test_redis_out_of_reach_is_a_storage_error():
    down = storage_from_string("redis://127.0.0.1:1/0")
    assert isinstance(down, RedisStorage)
    with pytest.raises(StorageError):
        RedisWindows(down).incr("anything", 60)


def test_a_forked_child_counts_on_its_own_connection(storage):
    windows = RedisWindows(storage)
    assert windows.incr("forked", 60) == 1
    parent_connection = windows._connection()
    pid = os.fork()
    if pid == 0:  # the child: a new connection, the same counter
        ok = windows._connection() is not parent_connection and windows.incr("forked", 60) == 2
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert windows._connection() is parent_connection
    assert windows.incr("forked", 60) == 3
