"""The kinds of journal events: one vocabulary of named past facts, their French labels and the
keys of the data each one records (the services write them, the timeline and the history API
read them; the stored `action` strings are the enum's values and never change)."""

from __future__ import annotations

from enum import StrEnum

from flask_babel import lazy_gettext
from flask_babel.speaklater import LazyString


class EventKind(StrEnum):
    """A journal event's kind (`Event.action`), with its label and its data keys."""

    label: LazyString
    data_keys: frozenset[str]

    def __new__(cls, value: str, label: LazyString, *keys: str) -> EventKind:
        """A kind: its stored value, its French label (translated lazily) and its data keys."""
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        member.data_keys = frozenset(keys)
        return member

    @classmethod
    def named(cls, value: str) -> EventKind | None:
        """The kind stored as `value` (None for a value no longer in use)."""
        found = cls._value2member_map_.get(value)
        return found if isinstance(found, cls) else None

    # The amendment's content and workflow
    CREATED = "created", lazy_gettext("a créé l'amendement"), "version", "content_hash"
    EDITED = (
        "edited",
        lazy_gettext("a enregistré une nouvelle version"),
        *("version", "old", "new", "content_hash"),
    )
    SUBMITTED = (
        "submitted",
        lazy_gettext("a soumis l'amendement à la relecture"),
        *(
            "version",
            "comment",
            "by",
        ),
    )
    CHANGES_REQUESTED = (
        "changes_requested",
        lazy_gettext("a demandé des modifications"),
        *(
            "version",
            "comment",
            "by",
        ),
    )
    APPROVED = (
        "approved",
        lazy_gettext("a approuvé l'amendement (ouvert à la cosignature)"),
        *("version", "comment", "by"),
    )
    CLOSED = "closed", lazy_gettext("a clos la cosignature"), "version", "comment", "by"
    REOPENED = "reopened", lazy_gettext("a rouvert la cosignature"), "version", "comment", "by"
    FILED = (
        "filed",
        lazy_gettext("a déposé l'amendement"),
        *("version", "comment", "by", "number", "previous_number", "deadline_exception_reason"),
    )
    OUTCOME_RECORDED = (
        "outcome_recorded",
        lazy_gettext("a enregistré le sort"),
        *("version", "comment", "by", "outcome", "previous_outcome"),
    )
    ABANDONED = "abandoned", lazy_gettext("a abandonné l'amendement"), "version", "comment", "by"
    COMMENTED = "commented", lazy_gettext("a commenté"), "text"
    LINT_WARNINGS_PASSED = (
        "lint_warnings_passed",
        lazy_gettext("a laissé passer les avertissements de rédaction"),
        *("version", "codes", "reason"),
    )
    GROUP_AMENDMENT_CHANGED = (
        "group_amendment_changed",
        lazy_gettext("a modifié la mention « et les membres du groupe »"),
        "presented_by_group",
    )
    FILING_CONSENTED = (
        "filing_consented",
        lazy_gettext("a donné son accord au dépôt (bon à déposer)"),
        *("version", "by"),
    )
    RECTIFIED = (
        "rectified",
        lazy_gettext("a ouvert la rectification de l'amendement déposé"),
        *("version", "comment", "number", "next_number"),
    )
    # Co-signing
    SIGNED = (
        "signed",
        lazy_gettext("a cosigné"),
        *("deputy_id", "version", "content_hash", "after_withdrawal"),
    )
    RECONFIRMED = (
        "reconfirmed",
        lazy_gettext("a reconfirmé sa signature"),
        *("deputy_id", "version", "content_hash", "previous_version", "previous_content_hash"),
    )
    WITHDRAWN = (
        "withdrawn",
        lazy_gettext("a retiré sa signature"),
        *("deputy_id", "version", "content_hash"),
    )
    VOIDED = (
        "voided",
        lazy_gettext("a annulé une signature"),
        *("deputy_id", "version", "content_hash", "reason"),
    )
    INVITED = "invited", lazy_gettext("a invité à cosigner"), "deputy_ids", "deputies"
    DECLINED = (
        "declined",
        lazy_gettext("a décliné l'invitation à cosigner"),
        *("deputy_id", "version"),
    )
    # Texts and their deadlines
    TEXT_CREATED = "text_created", lazy_gettext("a créé le texte"), "number"
    FILING_DEADLINE_OVERRIDDEN = (
        "filing_deadline_overridden",
        lazy_gettext("a fixé le délai de dépôt"),
        *("filing_deadline", "reason", "previous", "groups_after"),
    )
    FILING_DEADLINE_RESTORED = (
        "filing_deadline_restored",
        lazy_gettext("a rétabli le délai de dépôt réglementaire"),
        *("filing_deadline", "reason", "previous"),
    )
    FILING_REOPENED = (
        "filing_reopened",
        lazy_gettext("a rouvert le dépôt sur un article"),
        *("article", "until", "reason"),
    )
    GROUP_DEADLINES_SET = (
        "group_deadlines_set",
        lazy_gettext("a fixé les échéances du groupe"),
        *("group", "review_by", "cosign_by", "previous"),
    )
    # The Assembly's data (imports, syncs, successive stages)
    TEXT_IMPORTED = (
        "text_imported",
        lazy_gettext("a importé le texte"),
        *("number", "stage", "source", "format", "articles", "alineas", "previous_text_id"),
    )
    TEXT_SYNCED = (
        "text_synced",
        lazy_gettext("a synchronisé les amendements avec l'Assemblée"),
        *("source", "matched", "updated", "external_added", "external_updated", "unmatched"),
    )
    ASSEMBLY_SYNCED = (
        "assembly_synced",
        lazy_gettext("a reporté les données de l'Assemblée"),
        *("uid", "changes"),
    )
    REFILED = (
        "refiled",
        lazy_gettext("a redéposé en séance un amendement tombé en commission"),
        *("from_amendment_id", "from_text_id", "from_number", "article_moved"),
    )
    PEOPLE_IMPORTED = (
        "people_imported",
        lazy_gettext("a importé les députés et les groupes"),
        *("source", "deputies_created", "deputies_updated", "groups_created", "groups_updated"),
    )
    FILING_DELEGATION_SET = (
        "filing_delegation_set",
        lazy_gettext("a délégué son accord au dépôt"),
        *("deputy_id", "assistants", "secretariat"),
    )
    # Accounts
    SECOND_FACTOR_ENABLED = (
        "second_factor_enabled",
        lazy_gettext("a activé la double authentification"),
        *("user_id", "email"),
    )
    RECOVERY_CODE_USED = (
        "recovery_code_used",
        lazy_gettext("a utilisé un code de secours"),
        *("user_id", "email"),
    )
    SECOND_FACTOR_RESET = (
        "second_factor_reset",
        lazy_gettext("a réinitialisé la double authentification"),
        *("user_id", "email"),
    )
