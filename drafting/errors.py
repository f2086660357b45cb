"""Domain errors raised by services and turned into HTTP answers by web and API layers."""

from __future__ import annotations

from typing import ClassVar


class DomainError(Exception):
    """A refusal with an HTTP status, a stable machine code and a French message."""

    status: ClassVar[int] = 400
    code: ClassVar[str] = "bad_request"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        fields: dict[str, str] | None = None,
        retry_after: int | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields or {}
        self.extra = extra or {}  # more of the error's body, e.g. the linter's "findings"
        self.retry_after = retry_after  # seconds, sent as Retry-After (429, 503)
        if code:
            self.code = code  # type: ignore[misc]

    def to_json(self) -> dict[str, object]:
        """The API error body: {"error": {code, message, fields}}."""
        body = {"code": self.code, "message": self.message, "fields": self.fields}
        return {"error": body | self.extra}


class BadRequest(DomainError):
    """Malformed request (not JSON, not an object…)."""

    status, code = 400, "bad_request"


class Unauthorized(DomainError):
    """No credentials or bad credentials."""

    status, code = 401, "unauthorized"


class Forbidden(DomainError):
    """The role may not do this."""

    status, code = 403, "forbidden"


class NotFound(DomainError):
    """Unknown, or not visible to the caller (the two are indistinguishable on purpose)."""

    status, code = 404, "not_found"


class Conflict(DomainError):
    """Stale version, action out of turn, deadline passed."""

    status, code = 409, "conflict"


class TooLarge(DomainError):
    """The request or a field is over its bound."""

    status, code = 413, "too_large"


class Invalid(DomainError):
    """Well-formed but invalid fields; `fields` names each one."""

    status, code = 422, "invalid"


class Throttled(DomainError):
    """Too many attempts; retry later."""

    status, code = 429, "throttled"


class Unavailable(DomainError):
    """The database connection was lost (a restart, say): the request may be retried."""

    status, code = 503, "unavailable"
