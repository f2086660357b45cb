"""The gunicorn settings of `gunicorn.conf.py`, as gunicorn itself reads and runs them."""

from __future__ import annotations

import http.client
import socket
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest
from gunicorn.app.base import Application

ROOT = Path(__file__).resolve().parent.parent
CONF = ROOT / "gunicorn.conf.py"

PID_APP = """
import os


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [str(os.getpid()).encode()]
"""


class _FileOnly(Application):
    """gunicorn's own reading of a configuration file, without its command line."""

    def load_config(self) -> None:
        self.load_config_from_file(str(CONF))

    def load(self) -> None:  # never serves
        raise AssertionError


def test_the_file_gives_each_worker_its_own_listener_and_freezes_the_loaded_app() -> None:
    config = _FileOnly().cfg
    assert config.reuse_port is True
    assert config.post_worker_init.__module__ != "gunicorn.config"  # ours, not the no-op default


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _listeners(port: int) -> int:
    """Listening TCP sockets on 127.0.0.1:`port`, as the kernel lists them (Linux)."""
    local = f"0100007F:{port:04X}"
    rows = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for row in rows if row.split()[1] == local and row.split()[3] == "0A")


def _wait_for_listeners(port: int, count: int) -> None:
    for _ in range(300):
        if _listeners(port) == count:
            return
        time.sleep(0.05)
    raise AssertionError(f"listening sockets on the port: {_listeners(port)}, expected {count}")


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc/net/tcp, SO_REUSEPORT")
def test_each_worker_listens_on_its_own_socket_and_takes_its_share(tmp_path: Path) -> None:
    """gunicorn started with the file (as the Procfile does): one listening socket per worker
    (a shared socket would be one), and each worker serves part of 60 connections opened at once."""
    (tmp_path / "pid_app.py").write_text(PID_APP)
    port = _free_port()
    command = [sys.executable, "-m", "gunicorn", "-c", str(CONF), "-w", "2", "-k", "gthread"]
    command += ["--threads", "2", "-b", f"127.0.0.1:{port}", "--pythonpath", str(tmp_path)]
    server = subprocess.Popen([*command, "pid_app:app"], cwd=ROOT, stderr=subprocess.DEVNULL)
    try:
        _wait_for_listeners(port, 2)  # both workers booted, each with its own socket
        connections = [http.client.HTTPConnection("127.0.0.1", port, timeout=5) for _ in range(60)]
        for connection in connections:
            connection.connect()
        served_by: Counter[bytes] = Counter()
        for connection in connections:
            connection.request("GET", "/")
            served_by[connection.getresponse().read()] += 1
            connection.close()
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert len(served_by) == 2
    assert min(served_by.values()) >= 12  # a hash spread: 30 ± 4 each; below 12 is p < 1e-6
