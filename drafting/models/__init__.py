"""The data model: one module per domain concept."""

from drafting.models.amendments import Amendment, PositionKind, Revision
from drafting.models.deadlines import GroupDeadline, Reopening, SentReminder
from drafting.models.documents import Job, StoredFile, StoredFilePart
from drafting.models.events import Event, Notification, ReadRecord
from drafting.models.groups import Group
from drafting.models.legistique import AmendmentTouch
from drafting.models.signatures import Invitation, Signature
from drafting.models.texts import Alinea, Article, LegislativeText, Stage
from drafting.models.types import UTCDateTime, utcnow
from drafting.models.users import (
    CIVILITIES,
    ApiToken,
    LoginFailure,
    Person,
    RecoveryCode,
    Role,
    User,
    WebSession,
)

__all__ = [
    "CIVILITIES",
    "Alinea",
    "Amendment",
    "AmendmentTouch",
    "ApiToken",
    "Article",
    "Event",
    "Group",
    "GroupDeadline",
    "Invitation",
    "Job",
    "LegislativeText",
    "LoginFailure",
    "Notification",
    "Person",
    "PositionKind",
    "ReadRecord",
    "RecoveryCode",
    "Reopening",
    "Revision",
    "Role",
    "SentReminder",
    "Signature",
    "Stage",
    "StoredFile",
    "StoredFilePart",
    "UTCDateTime",
    "User",
    "WebSession",
    "utcnow",
]
