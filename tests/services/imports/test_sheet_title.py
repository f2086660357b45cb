"""The printed sheet of one of ours reads the text's short title, the committee text's number
and the group's configured mention."""

from __future__ import annotations

from drafting.db import commit
from drafting.rendering.sheet import signatory_line, text_heading
from drafting.services import amendments, texts
from drafting.services.assembly.people_import import set_printed_mention
from drafting.services.documents.sheets import build_sheet
from tests.conftest import NOW


def test_a_seance_amendment_carries_the_committee_texts_number_and_the_group_mention(people):
    text = texts.create_text(
        people["claire"],
        texts.TextInput(
            "PROJET DE LOI relatif aux jeux Olympiques et Paralympiques de 2024",
            "809",
            "seance",
            articles=[texts.ArticleInput("7", None, ["Al."])],
            short_title="JEUX OLYMPIQUES ET PARALYMPIQUES DE 2024",
            committee_text_number="939",
        ),
        NOW,
    )
    draft = amendments.Draft(text.id, amendments.PositionInput("article", "7"), "Supprimer.", "")
    created = amendments.create_amendment(people["regol"], draft, NOW)
    created.presented_by_group = True
    set_printed_mention(None, "ECOS", "Écologiste et Social (EcoS)")
    commit()
    sheet = build_sheet(created, people["claire"], NOW)
    assert text_heading(sheet) == "JEUX OLYMPIQUES ET PARALYMPIQUES DE 2024 - (N°\u00a0939)"
    assert signatory_line(sheet).endswith("et les membres du groupe Écologiste et Social (EcoS)")
