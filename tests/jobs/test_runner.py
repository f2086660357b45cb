"""The worker's preparation before it forks a job."""

from __future__ import annotations

import gc
import sys

from drafting.jobs import runner


def test_the_worker_loads_the_renderers_and_freezes_them_before_forking():
    gc.unfreeze()
    try:
        runner.preload()
        assert "drafting.rendering.pdf" in sys.modules
        assert gc.get_freeze_count() > 10_000  # a job's collections skip the loaded modules
    finally:
        gc.unfreeze()
