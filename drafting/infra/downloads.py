"""File downloads: a stream sent with its type, size, name and digest, never cached."""

from __future__ import annotations

from typing import IO, Protocol
from urllib.parse import quote

from flask import Response, request
from werkzeug.wsgi import wrap_file


class Downloadable(Protocol):
    """What a download names of the file it sends (a stored file's row)."""

    filename: str
    content_type: str
    size: int
    sha256: str


def content_disposition(filename: str) -> str:
    """`attachment; filename="…"`, with an RFC 5987 UTF-8 name when it is not plain ASCII."""
    ascii_name = filename.encode("ascii", "ignore").decode().replace('"', "").replace("\\", "")
    header = f'attachment; filename="{ascii_name or "document"}"'
    if ascii_name != filename:
        header += f"; filename*=UTF-8''{quote(filename, safe='')}"
    return header


def download_response(stream: IO[bytes], meta: Downloadable) -> Response:
    """Stream `stream` as a download of `meta` (its type, size, name and SHA-256).

    HTTP range requests are answered (206 with the asked bytes, 416 outside the file), so an
    interrupted download of a large liasse resumes where it stopped; the strong ETag is the
    file's digest, so `If-Range` resumes only the same file.
    """
    response = Response(
        wrap_file(request.environ, stream), mimetype=meta.content_type, direct_passthrough=True
    )
    response.content_length = meta.size
    response.headers["Content-Disposition"] = content_disposition(meta.filename)
    response.headers["Cache-Control"] = "private, no-store"
    response.headers["X-Content-SHA256"] = meta.sha256
    response.set_etag(meta.sha256)
    response.make_conditional(request, accept_ranges=True, complete_length=meta.size)
    return response
