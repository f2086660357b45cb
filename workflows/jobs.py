"""The job functions' old dotted names (`workflows.jobs.*`), kept for one release.

Jobs queued in Redis before the upgrade name their function `workflows.jobs.render_document`
and so on; RQ imports it by that name, so this module hands each old name to its new home in
`drafting.jobs`. Remove it in the release after 0.2.0 (see CHANGELOG); it is the one module of
`workflows/` allowed to import the application (tests/test_architecture.py, LEGACY_ALIASES).
"""

from __future__ import annotations

from drafting.jobs.deadlines import sweep_deadlines
from drafting.jobs.documents import assemble_export, export_chunk, export_liasse, render_document
from drafting.jobs.notifications import send_notification_email
from drafting.jobs.runner import ping

__all__ = [
    "assemble_export",
    "export_chunk",
    "export_liasse",
    "ping",
    "render_document",
    "send_notification_email",
    "sweep_deadlines",
]
