"""Run every benchmark of this folder, one after the other (`make bench`)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).parent


def main() -> int:
    """Run bench_*.py scripts in order; return non-zero if one fails."""
    failures = 0
    for script in sorted(HERE.glob("bench_*.py")):
        print(f"=== {script.name}", flush=True)
        failures += subprocess.call([sys.executable, str(script)]) != 0
    return failures


if __name__ == "__main__":
    sys.exit(main())
