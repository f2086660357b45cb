"""gunicorn settings read from the working directory (the Procfile's `web` runs from here).

`reuse_port`: every worker opens its own listening socket on the port (SO_REUSEPORT) and the
kernel hands each new connection to one of them by a hash of its addresses. With the one shared
socket, the workers race to accept: a burst of new connections (deputies signing at the same
moment, a proxy opening its pool) can pile onto whichever worker wakes first, and with keep-alive
they stay there; one worker (one interpreter lock) then carries the load while the others idle.
Measured with 200 keep-alive clients on 4 workers: 91/70/38/1 and 149/51/0/0 connections per
worker with the shared socket, 41 to 61 each with `reuse_port` (docs/PERFORMANCE.md). The cost:
when a worker stops (a timeout, a restart), connections still waiting in its own queue are reset
rather than taken by another worker.

`post_worker_init`: after a worker has loaded the application, its objects (modules, mappers,
compiled statements, templates) live as long as the process: `gc.freeze()` moves them out of the
cyclic garbage collector's reach, so its passes no longer walk them on every collection. Measured
on the signing path: 7 % fewer instructions per request (docs/PERFORMANCE.md).
"""

from __future__ import annotations

import gc
from typing import Any

reuse_port = True


def post_worker_init(worker: Any) -> None:
    """Freeze what the worker has loaded; what requests allocate is collected as usual."""
    gc.freeze()
