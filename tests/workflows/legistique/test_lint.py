"""Tests of the légistique linter: one test per rule of §3.5 and per text-dependent check."""

from __future__ import annotations

import datetime
import random

import pytest

from workflows.legistique import lint

NBSP = "\u00a0"
TODAY = datetime.date(2025, 10, 1)
ARTICLE = [
    "Le code pénal est ainsi modifié :",
    "1° L’article 132‑19 est ainsi modifié :",
    "a) Les mots : « un mois » sont remplacés par les mots : « six mois » ;",
    "b) Le deuxième alinéa est supprimé ;",
    "c) (Supprimé)",
]
GOOD = (
    f"À l’alinéa{NBSP}4, substituer au mot{NBSP}:\n«{NBSP}deuxième{NBSP}»\n"
    f"le mot{NBSP}:\n«{NBSP}troisième{NBSP}»."
)
GAGE_ETAT = (
    "La perte de recettes pour l’État est compensée à due concurrence par la création d’une taxe "
    "additionnelle à l’accise sur les tabacs prévue au chapitre IV du titre Ier du livre III "
    "du code "
    "des impositions sur les biens et services."
)


def codes(dispositif: str, **options: object) -> dict[str, str]:
    """Lint and return {code: severity} of the findings."""
    options.setdefault("today", TODAY)
    return {f.code: f.severity for f in lint(dispositif, **options)}  # type: ignore[arg-type]


def test_a_well_typed_formula_on_the_text_has_no_finding():
    assert lint(GOOD, alineas=ARTICLE, position_alinea=4, expose="Parce que.", today=TODAY) == []


@pytest.mark.parametrize(
    ("dispositif", "code", "severity"),
    [
        pytest.param(
            "À l’alinéa 4, supprimer le mot : :\n« deuxième ».",
            "doubled_colon",
            "error",
            id="doubled_colon",
        ),
        pytest.param(
            f"Substituer aux mots :\n«{NBSP}douze mois»\nles mots :\n«{NBSP}six{NBSP}».",
            "guillemet_spacing",
            "error",
            id="glued_closing",
        ),
        pytest.param(
            f"Supprimer les mots{NBSP}:\n«deuxième{NBSP}».",
            "guillemet_spacing",
            "error",
            id="glued_opening",
        ),
        pytest.param(
            "Supprimer les mots\u00a0:\n« deuxième\u00a0».",
            "guillemet_nbsp",
            "warning",
            id="plain_space_in_guillemets",
        ),
        pytest.param(
            "Après l’alinéa 2, insérer l’alinéa suivant:\n« Texte. »",
            "nbsp_punctuation",
            "warning",
            id="colon_without_space",
        ),
        pytest.param(
            "Rédiger ainsi l'alinéa 4 :\n« Texte. »",
            "apostrophe",
            "warning",
            id="straight_apostrophe",
        ),
        pytest.param(
            'À l’alinéa 4, supprimer le mot :\n"deuxième".',
            "straight_quotes",
            "warning",
            id="straight_quotes",
        ),
        pytest.param(
            "I - Supprimer l’alinéa 3.\nII - Supprimer l’alinéa 4.",
            "part_number",
            "warning",
            id="part_number",
        ),
        pytest.param(
            "A l’alinéa 4, supprimer le mot :\n« deuxième ».",
            "capital_a",
            "warning",
            id="capital_a",
        ),
        pytest.param("Supprimer l’alinéa 4", "final_period", "warning", id="final_period"),
        pytest.param(
            "Rédiger ainsi l’alinéa 4 :", "content_missing", "error", id="content_missing"
        ),
        pytest.param(
            "Après l’alinéa 2, ajouter l’alinéa suivant :\n« Texte. »",
            "ajouter",
            "warning",
            id="ajouter",
        ),
        pytest.param(
            "À l’alinéa 4, substituer aux mots :\n« deuxième »,\n"
            "substituer les mots :\n« troisième ».",
            "doubled_verb",
            "error",
            id="doubled_verb",
        ),
        pytest.param(
            "Au quatrième alinéa, supprimer le mot :\n« deuxième ».",
            "not_understood",
            "warning",
            id="not_understood",
        ),
    ],
)
def test_typography_and_formula_rules(dispositif, code, severity):
    assert codes(dispositif).get(code) == severity


@pytest.mark.parametrize(
    "dispositif",
    [
        pytest.param("Supprimer l’alinéa N.", id="alinea_N"),
        pytest.param(
            "À l’alinéa 4, substituer aux mots :\n« … »\nles mots :\n« … ».", id="ellipsis"
        ),
        pytest.param("À l’alinéa {n}, supprimer les mots :\n« deuxième ».", id="braces"),
        pytest.param("À l’alinéa 4, supprimer les mots :\n« [à compléter] ».", id="brackets"),
    ],
)
def test_a_placeholder_left_by_a_formula_button_is_an_error(dispositif):
    assert codes(dispositif)["placeholder"] == "error"


def test_the_ellipsis_of_a_law_number_is_not_a_placeholder():
    dispositif = (
        "Compléter cet article par l’alinéa suivant :\n« Au sens de la loi n° … du … précitée. »"
    )
    assert "placeholder" not in codes(dispositif)


@pytest.mark.parametrize(
    ("dispositif", "code"),
    [
        pytest.param("Supprimer l’alinéa 9.", "alinea_missing", id="alinea_missing"),
        pytest.param(
            "À l’alinéa 4, supprimer le mot :\n« troisième ».",
            "words_not_found",
            id="words_not_found",
        ),
        pytest.param(
            "À l’alinéa 3, supprimer le mot :\n« mois ».", "words_ambiguous", id="words_ambiguous"
        ),
        pytest.param(
            "À l’alinéa 3, supprimer la cinquième occurrence du mot :\n« mois ».",
            "words_not_found",
            id="occurrence",
        ),
    ],
)
def test_the_text_dependent_checks_are_errors(dispositif, code):
    assert codes(dispositif, alineas=ARTICLE)[code] == "error"


def test_qualified_repeated_words_are_fine():
    dispositif = "À l’alinéa 3, supprimer la seconde occurrence des mots :\n« les mots »."
    assert not {"words_ambiguous", "words_not_found"} & set(codes(dispositif, alineas=ARTICLE))


def test_an_alinea_already_deleted_is_a_warning():
    assert codes("Supprimer l’alinéa 5.", alineas=ARTICLE)["alinea_deleted"] == "warning"


def test_without_the_article_the_text_checks_are_skipped():
    assert "alinea_missing" not in codes("Supprimer l’alinéa 9.")


def test_the_position_must_name_the_alinea_the_formula_amends():
    assert codes(GOOD, position_alinea=3)["position_mismatch"] == "error"
    assert "position_mismatch" not in codes(GOOD, position_alinea=4)
    assert codes("Supprimer cet article.", position_alinea=2)["position_mismatch"] == "error"


def test_an_additional_article_is_not_a_formula_on_an_existing_article():
    assert (
        codes("Supprimer l’alinéa 4.", position_kind="after_article")["position_mismatch"]
        == "error"
    )
    assert "not_understood" not in codes(
        "Le Gouvernement remet au Parlement un rapport.", position_kind="after_article"
    )


def test_the_division_heading_inside_an_additional_article_is_an_error():
    dispositif = "Après l’article 7, insérer l’article suivant :\nLe Gouvernement remet un rapport."
    assert codes(dispositif, position_kind="after_article")["heading_in_dispositif"] == "error"


def test_an_additional_article_is_not_wrapped_in_guillemets():
    dispositif = "« Le Gouvernement remet un rapport. »"
    assert codes(dispositif, position_kind="after_article")["quoted_article"] == "warning"


def test_an_empty_expose_is_an_error_rule_98():
    assert codes(GOOD, expose="  <p>&nbsp;</p> ")["expose_empty"] == "error"
    assert "expose_empty" not in codes(GOOD, expose="Cet amendement corrige une erreur.")
    assert "expose_empty" not in codes(GOOD)


def test_the_tobacco_excise_gage_in_force_passes():
    dispositif = f"I. – L’article L. 1 est abrogé.\nII. – {GAGE_ETAT}"
    assert not {c for c in codes(dispositif, position_kind="after_article") if c.startswith("gage")}


def test_the_repealed_cgi_575_gage_is_flagged_after_its_repeal_date():
    dispositif = (
        "II. – La perte de recettes pour l’État est compensée à due concurrence par la "
        "création d’une "
        "taxe additionnelle aux droits prévus aux articles 575 et 575 A du code général des impôts."
    )
    assert codes(dispositif, position_kind="after_article")["gage_repealed"] == "warning"
    before = codes(dispositif, position_kind="after_article", today=datetime.date(2024, 1, 1))
    assert "gage_repealed" not in before


@pytest.mark.parametrize(
    ("slip", "code"),
    [
        ("biens et services", "gage_wording"),
        ("biens et les services", "gage_wording"),
    ],
)
def test_gage_wording_slips(slip, code):
    dispositif = GAGE_ETAT.replace("biens et services", slip).replace("à due concurrence ", "")
    assert codes(dispositif, position_kind="after_article")[code] == "warning"


def test_an_unknown_gage_instrument_is_flagged():
    dispositif = (
        "La perte de recettes pour l’État est compensée à due concurrence par une hausse de la TVA."
    )
    assert codes(dispositif, position_kind="after_article")["gage_unrecognised"] == "warning"


def test_a_gaged_charge_has_no_effect():
    dispositif = (
        "La charge pour l’État est compensée à due concurrence par la majoration de l’accise."
    )
    assert codes(dispositif, position_kind="after_article")["gage_charge"] == "warning"


def test_article_40_cues_are_warnings():
    assert (
        codes("Les heures supplémentaires sont exonérées d’impôt.", position_kind="after_article")[
            "art40_revenue"
        ]
        == "warning"
    )
    gaged = f"I. – Les heures supplémentaires sont exonérées d’impôt.\nII. – {GAGE_ETAT}"
    assert "art40_revenue" not in codes(gaged, position_kind="after_article")
    assert (
        codes("Le Gouvernement remet au Parlement un rapport.", position_kind="after_article") == {}
    )
    assert (
        codes("Est créé un fonds de soutien aux communes.", position_kind="after_article")[
            "art40_charge"
        ]
        == "warning"
    )


def test_offsets_point_at_the_offending_text():
    dispositif = "À l’alinéa 4, supprimer le mot :\n« troisième »."
    [finding] = [f for f in lint(dispositif, alineas=ARTICLE) if f.code == "words_not_found"]
    assert dispositif[finding.start : finding.end] == "troisième"


@pytest.mark.parametrize("seed", range(40))
def test_the_linter_never_raises_on_garbage(seed):
    rng = random.Random(seed)
    alphabet = "«» :;.,'’\"\n–-IVX0123456789alinéaSupprimercetarticle{}[]…"
    dispositif = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
    kind = rng.choice(["article", "amendment", "title", "after_article"])
    for finding in lint(
        dispositif, alineas=ARTICLE, position_alinea=rng.randint(1, 9), position_kind=kind
    ):
        assert finding.severity in ("error", "warning")
