"""The data model: one module per domain concept."""

from drafting.models.amendments import Amendment, PositionKind, Revision
from drafting.models.deadlines import GroupDeadline, Reopening, SentReminder
from drafting.models.documents import Job, StoredFile, StoredFilePart, StoredFileSource
from drafting.models.events import Event, Notification, ReadRecord
from drafting.models.filing import FilingDelegation
from drafting.models.groups import Group, GroupMembership
from drafting.models.legistique import AmendmentTouch
from drafting.models.published import PublishedAmendment
from drafting.models.signatures import Invitation, Signature
from drafting.models.texts import (
    Alinea,
    Article,
    ArticleStatus,
    LegislativeText,
    Stage,
    TextDivision,
)
from drafting.models.types import UTCDateTime, utcnow
from drafting.models.users import (
    CIVILITIES,
    AccountInvitation,
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
    "AccountInvitation",
    "Alinea",
    "Amendment",
    "AmendmentTouch",
    "ApiToken",
    "Article",
    "ArticleStatus",
    "Event",
    "FilingDelegation",
    "Group",
    "GroupDeadline",
    "GroupMembership",
    "Invitation",
    "Job",
    "LegislativeText",
    "LoginFailure",
    "Notification",
    "Person",
    "PositionKind",
    "PublishedAmendment",
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
    "StoredFileSource",
    "TextDivision",
    "UTCDateTime",
    "User",
    "WebSession",
    "utcnow",
]
