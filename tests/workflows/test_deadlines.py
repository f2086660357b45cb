"""Tests of the Assembly's deadline rules (Règlement art. 86 and 99) on real calendar cases."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest

from workflows.deadlines import (
    COSIGN_REMINDER_OFFSETS,
    FILING_REMINDER_OFFSETS,
    PARIS,
    REVIEW_REMINDER_OFFSETS,
    DeadlineSet,
    due_reminder_offsets,
    filing_deadline,
    filing_deadline_rule,
    format_paris,
    is_jour_ouvrable,
    nth_jour_ouvrable_before,
    paris_wall_time,
    validate_group_deadlines,
)


def utc(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware UTC datetime, to keep the tables short."""
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def paris(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """An aware Paris datetime, to keep the tables short."""
    return datetime(year, month, day, hour, minute, tzinfo=PARIS)


# The pension reform's séance deadline: Thursday 2 February 2023, 17:00 Paris (winter time).
PENSION_DEADLINE = utc(2023, 2, 2, 16)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        pytest.param(date(2023, 2, 4), True, id="saturday_counts"),
        pytest.param(date(2023, 2, 5), False, id="sunday_does_not_count"),
        pytest.param(date(2023, 2, 6), True, id="ordinary_monday"),
        pytest.param(date(2023, 7, 14), False, id="fete_nationale"),
        pytest.param(date(2023, 5, 1), False, id="fete_du_travail"),
        pytest.param(date(2023, 4, 10), False, id="easter_monday"),
        pytest.param(date(2023, 5, 29), False, id="whit_monday"),
        pytest.param(date(2023, 5, 18), False, id="ascension"),
        pytest.param(date(2023, 11, 11), False, id="armistice_on_a_saturday"),
        pytest.param(date(2023, 12, 25), False, id="christmas"),
        pytest.param(date(2024, 1, 1), False, id="new_year"),
        pytest.param(date(2023, 4, 7), True, id="good_friday_only_in_alsace_moselle"),
        pytest.param(date(2023, 12, 26), True, id="saint_stephen_only_in_alsace_moselle"),
    ],
)
def test_jour_ouvrable_is_any_day_but_sunday_and_metropolitan_public_holidays(
    day: date, expected: bool
) -> None:
    assert is_jour_ouvrable(day) is expected


@pytest.mark.parametrize(
    ("day", "n", "expected"),
    [
        pytest.param(date(2023, 2, 6), 1, date(2023, 2, 4), id="first_before_monday_is_saturday"),
        pytest.param(date(2023, 2, 6), 3, date(2023, 2, 2), id="third_before_monday_is_thursday"),
        pytest.param(date(2023, 2, 7), 1, date(2023, 2, 6), id="strictly_before_the_day"),
        pytest.param(date(2023, 7, 17), 2, date(2023, 7, 13), id="skips_sunday_and_14_july"),
    ],
)
def test_nth_jour_ouvrable_before_counts_back_strictly_before_the_day(
    day: date, n: int, expected: date
) -> None:
    assert nth_jour_ouvrable_before(day, n) == expected


@pytest.mark.parametrize("n", [0, -1])
def test_nth_jour_ouvrable_before_refuses_a_non_positive_rank(n: int) -> None:
    with pytest.raises(ValueError):
        nth_jour_ouvrable_before(date(2023, 2, 6), n)


@pytest.mark.parametrize(
    ("day", "hour", "minute", "expected"),
    [
        pytest.param(date(2023, 2, 2), 17, 0, utc(2023, 2, 2, 16), id="winter_is_utc_plus_1"),
        pytest.param(date(2023, 7, 12), 17, 0, utc(2023, 7, 12, 15), id="summer_is_utc_plus_2"),
        pytest.param(date(2023, 3, 26), 17, 0, utc(2023, 3, 26, 15), id="spring_change_day"),
        pytest.param(date(2023, 10, 29), 17, 0, utc(2023, 10, 29, 16), id="autumn_change_day"),
        pytest.param(date(2023, 3, 25), 17, 0, utc(2023, 3, 25, 16), id="day_before_spring"),
        pytest.param(date(2023, 2, 2), 9, 30, utc(2023, 2, 2, 8, 30), id="minutes_kept"),
    ],
)
def test_paris_wall_time_applies_the_paris_offset_of_that_day(
    day: date, hour: int, minute: int, expected: datetime
) -> None:
    result = paris_wall_time(day, hour, minute)
    assert result == expected
    assert result.utcoffset() == timedelta(0)


@pytest.mark.parametrize(
    ("stage", "examination_starts_at", "expected"),
    [
        pytest.param(
            "seance", paris(2023, 2, 6, 16), utc(2023, 2, 2, 16), id="pension_reform_2023_seance"
        ),
        pytest.param(
            "commission", paris(2023, 1, 30, 9), utc(2023, 1, 26, 16), id="commission_art86"
        ),
        pytest.param(
            "seance", paris(2023, 4, 11, 15), utc(2023, 4, 6, 15), id="easter_monday_skipped"
        ),
        pytest.param(
            "seance", paris(2023, 5, 30, 15), utc(2023, 5, 25, 15), id="whit_monday_skipped"
        ),
        pytest.param(
            "commission", paris(2023, 5, 22, 9), utc(2023, 5, 17, 15), id="ascension_skipped"
        ),
        pytest.param(
            "seance", paris(2024, 4, 2, 15), utc(2024, 3, 28, 16), id="easter_2024_across_dst"
        ),
        pytest.param("seance", paris(2023, 7, 17, 16), utc(2023, 7, 12, 15), id="14_july_skipped"),
        pytest.param(
            "seance", paris(2023, 11, 3, 9), utc(2023, 10, 30, 16), id="1_november_skipped"
        ),
        pytest.param(
            "seance", paris(2023, 11, 14, 15), utc(2023, 11, 9, 16), id="11_november_skipped"
        ),
        pytest.param(
            "seance", paris(2023, 4, 3, 16), utc(2023, 3, 30, 15), id="after_march_dst_summer"
        ),
        pytest.param(
            "seance", paris(2023, 3, 28, 15), utc(2023, 3, 24, 16), id="offset_of_deadline_day"
        ),
        pytest.param(
            "seance", paris(2023, 11, 6, 16), utc(2023, 11, 2, 16), id="after_october_dst_winter"
        ),
        pytest.param(
            "seance", paris(2023, 2, 8, 15), utc(2023, 2, 4, 16), id="deadline_on_a_saturday"
        ),
        pytest.param("seance", paris(2024, 1, 2, 15), utc(2023, 12, 28, 16), id="new_year"),
        pytest.param(
            "seance", paris(2023, 12, 27, 15), utc(2023, 12, 22, 16), id="christmas_26_counts"
        ),
        pytest.param(
            "seance", utc(2023, 2, 7, 23, 30), utc(2023, 2, 4, 16), id="paris_day_not_utc_day"
        ),
    ],
)
def test_filing_deadline_is_17h_paris_on_third_jour_ouvrable_before_examination(
    stage: str, examination_starts_at: datetime, expected: datetime
) -> None:
    result = filing_deadline(stage, examination_starts_at)
    assert result == expected
    assert result.utcoffset() == timedelta(0)
    assert result.astimezone(PARIS).hour == 17


def test_filing_deadline_refuses_an_unknown_stage() -> None:
    with pytest.raises(ValueError):
        filing_deadline("senat", paris(2023, 2, 6, 16))


def test_filing_deadline_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError):
        filing_deadline("seance", datetime(2023, 2, 6, 16))


@pytest.mark.parametrize(("stage", "rule"), [("seance", "art99"), ("commission", "art86")])
def test_filing_deadline_rule_names_the_reglement_article(stage: str, rule: str) -> None:
    assert filing_deadline_rule(stage) == rule


def test_filing_deadline_rule_refuses_an_unknown_stage() -> None:
    with pytest.raises(ValueError):
        filing_deadline_rule("hemicycle")


REOPENED = DeadlineSet(
    filing_deadline=PENSION_DEADLINE,
    reopenings={"7": utc(2023, 2, 8, 12), "2": utc(2023, 2, 1, 12)},
)


@pytest.mark.parametrize(
    ("deadlines", "article", "expected"),
    [
        pytest.param(REOPENED, None, PENSION_DEADLINE, id="no_article_gets_text_deadline"),
        pytest.param(REOPENED, "3", PENSION_DEADLINE, id="article_not_reopened"),
        pytest.param(REOPENED, "7", utc(2023, 2, 8, 12), id="reopening_extends_article"),
        pytest.param(REOPENED, "2", PENSION_DEADLINE, id="earlier_reopening_never_shortens"),
        pytest.param(DeadlineSet(), "7", None, id="no_deadline_set"),
        pytest.param(
            DeadlineSet(reopenings={"7": utc(2023, 2, 8)}), "7", None, id="no_text_deadline"
        ),
    ],
)
def test_filing_deadline_for_is_the_later_of_text_deadline_and_article_reopening(
    deadlines: DeadlineSet, article: str | None, expected: datetime | None
) -> None:
    assert deadlines.filing_deadline_for(article) == expected


@pytest.mark.parametrize(
    ("article", "now", "sub_amendment", "expected"),
    [
        pytest.param("3", utc(2023, 2, 2, 15, 59), False, True, id="open_before_deadline"),
        pytest.param("3", PENSION_DEADLINE, False, True, id="open_at_17h_au_plus_tard"),
        pytest.param("3", utc(2023, 2, 2, 16, 1), False, False, id="closed_after_deadline"),
        pytest.param("7", utc(2023, 2, 5), False, True, id="reopened_article_open"),
        pytest.param("7", utc(2023, 2, 9), False, False, id="reopening_also_ends"),
        pytest.param(None, utc(2023, 2, 5), False, False, id="reopening_is_per_article"),
        pytest.param("3", utc(2023, 2, 5), True, True, id="sub_amendment_never_bound"),
        pytest.param(None, utc(2024, 1, 1), True, True, id="sub_amendment_long_after"),
    ],
)
def test_is_filing_open_follows_the_article_deadline_except_for_sub_amendments(
    article: str | None, now: datetime, sub_amendment: bool, expected: bool
) -> None:
    assert REOPENED.is_filing_open(article, now, sub_amendment=sub_amendment) is expected


def test_filing_is_always_open_when_no_deadline_is_set() -> None:
    assert DeadlineSet().is_filing_open("7", utc(2030, 1, 1))


def test_deadline_set_reopenings_cannot_change_after_creation() -> None:
    reopenings = {"7": utc(2023, 2, 8)}
    deadlines = DeadlineSet(filing_deadline=PENSION_DEADLINE, reopenings=reopenings)
    reopenings["8"] = utc(2023, 2, 9)
    assert "8" not in deadlines.reopenings
    with pytest.raises(TypeError):
        deadlines.reopenings["9"] = utc(2023, 2, 9)  # type: ignore[index]


def test_deadline_set_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        DeadlineSet(filing_deadline=datetime(2023, 2, 2, 17))


def test_is_filing_open_refuses_a_naive_now() -> None:
    with pytest.raises(ValueError):
        REOPENED.is_filing_open("7", datetime(2023, 2, 2, 12))


@pytest.mark.parametrize(
    ("review_by", "cosign_by", "filing", "error_fields"),
    [
        pytest.param(utc(2023, 2, 1, 12), utc(2023, 2, 2, 10), PENSION_DEADLINE, set(), id="ok"),
        pytest.param(None, None, PENSION_DEADLINE, set(), id="nothing_set"),
        pytest.param(utc(2023, 2, 1), utc(2023, 2, 1), PENSION_DEADLINE, set(), id="same_time_ok"),
        pytest.param(
            PENSION_DEADLINE, None, PENSION_DEADLINE, {"review_by"}, id="review_not_before_filing"
        ),
        pytest.param(
            None, utc(2023, 2, 3), PENSION_DEADLINE, {"cosign_by"}, id="cosign_after_filing"
        ),
        pytest.param(
            utc(2023, 2, 2, 10),
            utc(2023, 2, 1, 12),
            PENSION_DEADLINE,
            {"review_by"},
            id="review_after_cosign",
        ),
        pytest.param(
            utc(2023, 2, 5),
            utc(2023, 2, 4),
            PENSION_DEADLINE,
            {"review_by", "cosign_by"},
            id="both_after_filing",
        ),
        pytest.param(
            utc(2023, 2, 5), utc(2023, 2, 4), None, {"review_by"}, id="filing_unknown_order_only"
        ),
    ],
)
def test_group_deadlines_precede_filing_and_review_comes_no_later_than_cosign(
    review_by: datetime | None,
    cosign_by: datetime | None,
    filing: datetime | None,
    error_fields: set[str],
) -> None:
    errors = validate_group_deadlines(review_by, cosign_by, filing)
    assert set(errors) == error_fields
    assert all(message.startswith("La date limite de") for message in errors.values())


def test_group_deadline_error_names_the_filing_deadline_in_paris_time() -> None:
    errors = validate_group_deadlines(utc(2023, 2, 3), None, PENSION_DEADLINE)
    assert "jeudi 2 février 2023 à 17 h 00" in errors["review_by"]


H = timedelta(hours=1)


@pytest.mark.parametrize(
    ("offsets", "now", "expected"),
    [
        pytest.param(REVIEW_REMINDER_OFFSETS, PENSION_DEADLINE - 25 * H, [], id="too_early"),
        pytest.param(
            REVIEW_REMINDER_OFFSETS, PENSION_DEADLINE - 24 * H, [24 * H], id="24h_due_on_the_dot"
        ),
        pytest.param(REVIEW_REMINDER_OFFSETS, PENSION_DEADLINE - 3 * H, [24 * H], id="24h_only"),
        pytest.param(
            COSIGN_REMINDER_OFFSETS, PENSION_DEADLINE - 2 * H, [24 * H, 2 * H], id="both_due"
        ),
        pytest.param(
            COSIGN_REMINDER_OFFSETS,
            PENSION_DEADLINE - timedelta(minutes=1),
            [24 * H, 2 * H],
            id="both_due_last_minute",
        ),
        pytest.param(REVIEW_REMINDER_OFFSETS, PENSION_DEADLINE, [], id="none_at_deadline"),
        pytest.param(REVIEW_REMINDER_OFFSETS, PENSION_DEADLINE + H, [], id="none_after"),
        pytest.param(FILING_REMINDER_OFFSETS, PENSION_DEADLINE - H, [24 * H], id="filing_24h"),
    ],
)
def test_reminder_is_due_from_deadline_minus_offset_until_the_deadline(
    offsets: tuple[timedelta, ...], now: datetime, expected: list[timedelta]
) -> None:
    assert due_reminder_offsets(PENSION_DEADLINE, offsets, now) == expected


def test_reminder_offsets_are_24h_and_2h_for_groups_and_24h_for_filing() -> None:
    assert REVIEW_REMINDER_OFFSETS == (24 * H, 2 * H)
    assert COSIGN_REMINDER_OFFSETS == (24 * H, 2 * H)
    assert FILING_REMINDER_OFFSETS == (24 * H,)


def test_due_reminder_offsets_refuses_naive_datetimes() -> None:
    with pytest.raises(ValueError):
        due_reminder_offsets(PENSION_DEADLINE, FILING_REMINDER_OFFSETS, datetime(2023, 2, 2))


@pytest.mark.parametrize(
    ("dt", "expected"),
    [
        pytest.param(PENSION_DEADLINE, "jeudi 2 février 2023 à 17 h 00", id="pension_deadline"),
        pytest.param(utc(2023, 2, 1, 8, 5), "mercredi 1er février 2023 à 9 h 05", id="premier"),
        pytest.param(utc(2023, 7, 12, 15), "mercredi 12 juillet 2023 à 17 h 00", id="summer"),
        pytest.param(utc(2023, 8, 15, 10), "mardi 15 août 2023 à 12 h 00", id="accented_month"),
        pytest.param(
            utc(2023, 12, 31, 23, 30), "lundi 1er janvier 2024 à 0 h 30", id="paris_day_and_year"
        ),
        pytest.param(paris(2023, 12, 3, 18), "dimanche 3 décembre 2023 à 18 h 00", id="paris_in"),
    ],
)
def test_format_paris_writes_the_french_long_form_in_paris_time(
    dt: datetime, expected: str
) -> None:
    assert format_paris(dt) == expected


def test_format_paris_refuses_a_naive_datetime() -> None:
    with pytest.raises(ValueError):
        format_paris(datetime(2023, 2, 2, 17))
