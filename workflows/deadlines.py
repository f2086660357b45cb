"""The Assembly's deadline rules: jours ouvrables, Paris time, filing and group deadlines."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import lru_cache
from types import MappingProxyType
from zoneinfo import ZoneInfo

import holidays

PARIS = ZoneInfo("Europe/Paris")

# Règlement de l'Assemblée nationale, art. 99 (séance) and art. 86 (commission), same wording:
# "au plus tard le troisième jour ouvrable précédant la date de début [de l'examen] à 17 heures".
_FILING_RULES: Mapping[str, str] = MappingProxyType({"seance": "art99", "commission": "art86"})
_FILING_DAYS_BEFORE = 3
_FILING_HOUR = 17

REVIEW_REMINDER_OFFSETS: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))
COSIGN_REMINDER_OFFSETS: tuple[timedelta, ...] = (timedelta(hours=24), timedelta(hours=2))
FILING_REMINDER_OFFSETS: tuple[timedelta, ...] = (timedelta(hours=24),)

_DAY_NAMES = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTH_NAMES = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def _require_aware(name: str, value: datetime) -> None:
    """Raise ValueError when a datetime carries no time zone (it could not be placed in Paris)."""
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be a timezone-aware datetime, got {value!r}")


@lru_cache(maxsize=64)
def _public_holidays(year: int) -> frozenset[date]:
    """French public holidays of one year in metropolitan France (no Alsace-Moselle days)."""
    return frozenset(holidays.France(years=year))


def is_jour_ouvrable(day: date) -> bool:
    """Tell whether a day is a jour ouvrable: not Sunday, not a public holiday (Saturdays count)."""
    return day.weekday() != 6 and day not in _public_holidays(day.year)


def nth_jour_ouvrable_before(day: date, n: int) -> date:
    """Return the n-th jour ouvrable strictly before a day (n=1 is the closest one)."""
    if n < 1:
        raise ValueError(f"n must be at least 1, got {n}")
    current = day
    remaining = n
    while remaining:
        current -= timedelta(days=1)
        if is_jour_ouvrable(current):
            remaining -= 1
    return current


def paris_wall_time(day: date, hour: int, minute: int = 0) -> datetime:
    """Return the aware UTC datetime of a Paris wall-clock time on a day, DST included."""
    # A wall time skipped by the spring change (02:xx) resolves with the pre-change offset (fold=0).
    local = datetime(day.year, day.month, day.day, hour, minute, tzinfo=PARIS)
    return local.astimezone(UTC)


def filing_deadline_rule(stage: str) -> str:
    """Return the Règlement article setting a stage's filing deadline ("art99" or "art86")."""
    try:
        return _FILING_RULES[stage]
    except KeyError:
        raise ValueError(
            f"unknown stage {stage!r}, expected one of {sorted(_FILING_RULES)}"
        ) from None


def filing_deadline(stage: str, examination_starts_at: datetime) -> datetime:
    """Return the computed filing deadline (aware UTC) for a text examined from a given moment."""
    filing_deadline_rule(stage)
    _require_aware("examination_starts_at", examination_starts_at)
    # The rule counts from the calendar day in Paris, not in UTC: a sitting opening at 00:30 Paris
    # belongs to that Paris day even though it is still the previous day in UTC.
    paris_day = examination_starts_at.astimezone(PARIS).date()
    deadline_day = nth_jour_ouvrable_before(paris_day, _FILING_DAYS_BEFORE)
    return paris_wall_time(deadline_day, _FILING_HOUR)


@dataclass(frozen=True)
class DeadlineSet:
    """The deadlines that apply to one text at one stage; None means no deadline is set."""

    filing_deadline: datetime | None = None
    reopenings: Mapping[str, datetime] = field(default_factory=dict)
    review_by: datetime | None = None
    cosign_by: datetime | None = None

    def __post_init__(self) -> None:
        """Check every datetime is aware and freeze the reopenings against later mutation."""
        for name in ("filing_deadline", "review_by", "cosign_by"):
            value = getattr(self, name)
            if value is not None:
                _require_aware(name, value)
        for article, until in self.reopenings.items():
            _require_aware(f"reopenings[{article!r}]", until)
        object.__setattr__(self, "reopenings", MappingProxyType(dict(self.reopenings)))

    def filing_deadline_for(self, article: str | None) -> datetime | None:
        """Return an article's deadline: the later of the text's and the article's reopening."""
        # No text deadline means filing is not limited at all; a reopening cannot make it stricter.
        if self.filing_deadline is None:
            return None
        reopened_until = self.reopenings.get(article) if article is not None else None
        if reopened_until is None:
            return self.filing_deadline
        return max(self.filing_deadline, reopened_until)

    def is_filing_open(
        self, article: str | None, now: datetime, *, sub_amendment: bool = False
    ) -> bool:
        """Tell whether deputies may still file on an article at `now` (sub-amendments always)."""
        _require_aware("now", now)
        if sub_amendment:
            return True
        deadline = self.filing_deadline_for(article)
        # "au plus tard ... à 17 heures": the deadline instant itself is still on time.
        return deadline is None or now <= deadline


def validate_group_deadlines(
    review_by: datetime | None, cosign_by: datetime | None, filing_deadline: datetime | None
) -> dict[str, str]:
    """Check a group's internal deadlines; return field → French error message (empty when fine)."""
    errors: dict[str, str] = {}
    if filing_deadline is not None:
        when = format_paris(filing_deadline)
        if review_by is not None and review_by >= filing_deadline:
            errors["review_by"] = (
                f"La date limite de relecture doit précéder le délai de dépôt ({when})."
            )
        if cosign_by is not None and cosign_by >= filing_deadline:
            errors["cosign_by"] = (
                f"La date limite de cosignature doit précéder le délai de dépôt ({when})."
            )
    if review_by is not None and cosign_by is not None and review_by > cosign_by:
        errors.setdefault(
            "review_by",
            "La date limite de relecture ne peut pas être postérieure"
            " à la date limite de cosignature.",
        )
    return errors


def due_reminder_offsets(
    deadline: datetime, offsets: Iterable[timedelta], now: datetime
) -> list[timedelta]:
    """Return the offsets whose reminder time has come while the deadline is still ahead."""
    _require_aware("deadline", deadline)
    _require_aware("now", now)
    if now >= deadline:
        return []
    return [offset for offset in offsets if deadline - offset <= now]


def format_paris(dt: datetime) -> str:
    """Format an aware datetime in Paris time, e.g. "jeudi 2 février 2023 à 17 h 00"."""
    _require_aware("dt", dt)
    local = dt.astimezone(PARIS)
    day = "1er" if local.day == 1 else str(local.day)
    return (
        f"{_DAY_NAMES[local.weekday()]} {day} {MONTH_NAMES[local.month - 1]} {local.year}"
        f" à {local.hour} h {local.minute:02d}"
    )
