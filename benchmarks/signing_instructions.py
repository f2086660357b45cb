"""Instructions per co-signature, counted by callgrind: a figure that does not move with the
machine's load, for comparing two versions of the signing path (docs/PERFORMANCE.md).

Seeds the same PostgreSQL database as bench_signing.py (200 deputies of one group, one open
amendment each), then re-runs itself under `valgrind --tool=callgrind --instr-atstart=no`: the
app is created as gunicorn's workers create it (gc.freeze() as in gunicorn.conf.py, rate limits
on Redis), 200 signatures warm it up uncounted, then instrumentation is switched on (a 3-line C
helper calling CALLGRIND_START_INSTRUMENTATION, compiled with gcc) for `--count` signatures
through the WSGI app (Flask test client: no HTTP server, no concurrency).

With `--cpu`, no valgrind: the same signatures timed in process (CPU milliseconds per signature).
Instructions do not move with the machine, milliseconds do: the two together say how fast this
machine runs Python today (docs/PERFORMANCE.md compares sessions with it).

Usage: python benchmarks/signing_instructions.py [--count 100] [--cpu]
(counting needs valgrind and gcc; --cpu needs neither)
Environment: BENCH_DATABASE_URL, BENCH_REDIS_URL as for bench_signing.py.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

import bench_signing as bench  # noqa: E402

TOGGLE_C = """#include <valgrind/callgrind.h>
void counting_on(void) { CALLGRIND_ZERO_STATS; CALLGRIND_START_INSTRUMENTATION; }
void counting_off(void) { CALLGRIND_STOP_INSTRUMENTATION; CALLGRIND_DUMP_STATS_AT("measured"); }
"""
WARM_UP = 200


def _seed(state: Path) -> None:
    bench._create_database()
    app = bench._app()
    with app.app_context():
        bench._reset()
        tokens, ids = bench._seed(200)
        bench.db.session.remove()
    state.write_text(json.dumps({"tokens": tokens, "ids": ids}))


def _measure(state: Path, count: int, helper: Path | None) -> float:
    """Warm up, then sign `count` times: counted by callgrind (inside valgrind, `helper` set)
    or timed. Returns the CPU seconds of the counted signatures."""
    import redis

    from drafting import create_app

    seeded = json.loads(state.read_text())
    tokens, ids = seeded["tokens"], seeded["ids"]
    redis.Redis.from_url(bench.REDIS_URL).flushdb()  # fresh rate-limit counters
    app = create_app()
    client = app.test_client()
    plan = [(tokens[i % 200], ids[(i % 200 + 1 + i // 200) % 200]) for i in range(count + WARM_UP)]

    def sign(token: str, amendment_id: int) -> None:
        response = client.post(
            f"/api/v1/amendments/{amendment_id}/signatures",
            headers={"Authorization": f"Bearer {token}"},
        )
        if response.status_code != 201:
            raise SystemExit(f"signing failed: {response.status_code} {response.data[:200]!r}")

    for token, amendment_id in plan[:WARM_UP]:
        sign(token, amendment_id)
    gc.freeze()  # as gunicorn.conf.py does once a worker has loaded the app
    toggle = ctypes.CDLL(str(helper)) if helper is not None else None
    if toggle is not None:
        toggle.counting_on()
    started = time.process_time()
    for token, amendment_id in plan[WARM_UP:]:
        sign(token, amendment_id)
    spent = time.process_time() - started
    if toggle is not None:
        toggle.counting_off()
    return spent


def _compile_helper(workdir: Path) -> Path:
    source, library = workdir / "toggle.c", workdir / "libtoggle.so"
    source.write_text(TOGGLE_C)
    subprocess.run(["gcc", "-O2", "-shared", "-fPIC", "-o", library, source], check=True)
    return library


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=100)
    parser.add_argument("--cpu", action="store_true", help="time in process, no valgrind")
    parser.add_argument("--inside", nargs=2, metavar=("STATE", "HELPER"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.count + WARM_UP > 200 * 199:
        raise SystemExit("--count too large for 200 deputies")
    if args.inside:
        _measure(Path(args.inside[0]), args.count, Path(args.inside[1]))
        return 0
    if not args.cpu and not (shutil.which("valgrind") and shutil.which("gcc")):
        raise SystemExit("valgrind and gcc are needed (or --cpu)")
    os.environ.update(
        DATABASE_URL=bench.DATABASE_URL,
        REDIS_URL=bench.REDIS_URL,
        LIASSE_REQUIRE_2FA="0",
        SECRET_KEY="instruction-count-" + "x" * 32,
    )
    with tempfile.TemporaryDirectory(prefix="liasse-instructions-") as tmp:
        workdir = Path(tmp)
        os.environ["LIASSE_DATA_DIR"] = str(workdir / "data")
        state = workdir / "seeded.json"
        _seed(state)
        if args.cpu:
            spent = _measure(state, args.count, None)
            print(
                f"{spent / args.count * 1e3:.2f} ms of CPU per signature in process "
                f"({args.count} signatures timed after {WARM_UP} untimed)"
            )
            return 0
        helper = _compile_helper(workdir)
        out = workdir / "callgrind.out"
        command = [
            "valgrind",
            "--tool=callgrind",
            "--instr-atstart=no",
            f"--callgrind-out-file={out}.%p",
            sys.executable,
            __file__,
            "--count",
            str(args.count),
            "--inside",
            str(state),
            str(helper),
        ]
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        dumps = [p for p in workdir.glob("callgrind.out.*") if "measured" in p.read_text()]
        totals = [line for line in dumps[0].read_text().splitlines() if line.startswith("totals:")]
        instructions = int(totals[0].split()[1])
    print(
        f"{instructions / args.count / 1e6:.2f} million instructions per signature "
        f"({args.count} signatures counted after {WARM_UP} uncounted)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
