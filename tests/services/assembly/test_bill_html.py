"""Reading a bill: every non-empty paragraph of an article is one alinéa, quoted ones included;
pastilles must agree; divisions, statuses and anchors as the Assembly writes them."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from drafting.services.assembly.bill_html import parse_bill
from drafting.services.assembly.errors import SourceError

PASTILLE = '<img width="45" height="31" src="data:image/png;base64,iVBORw0KGgo=">'


def _modern(articles: list[tuple[str, list[str]]], *, pastilles: bool = True) -> str:
    """A small page in the modern Word export's shape (classes assnat…, pastille slots)."""
    slot = f'<span style="position:absolute">{PASTILLE if pastilles else ""}</span>'
    body = [
        '<div class="assnatSection1"><p>N° 3046</p><p>PROJET DE LOI</p></div>',
        '<div class="assnatSection2">',
        '<p class="assnat4TitreNum">TITRE I<span style="vertical-align:super">er</span></p>',
        '<p class="assnat4TitreIntit">DISPOSITIONS <br>GÉNÉRALES</p>',
    ]
    for heading, alineas in articles:
        body.append(f'<p class="assnat9ArticleNum">{heading}</p>')
        body += [f'<p class="assnatLoiTexte">{slot}{text}</p>' for text in alineas]
    page = "".join(body)
    return f"<!DOCTYPE html><html><head><title>T</title></head><body>{page}</div></body></html>"


MODERN = _modern(
    [
        (
            'Article 1<span style="vertical-align:super">er</span>',
            ["I. – Le code est ainsi modifié :", "« Art. 1. – Texte inséré. »", "II. – Fin."],
        ),
        ('Article 1<sup>er</sup> <span style="font-style:italic">bis (nouveau)</span>', ["Un."]),
        ("Article 2", ["<i>(Supprimé)</i>"]),
        ("Article 3 <i>bis</i> A", ["Premier.", "1° à 3° <i>(Supprimés)</i>"]),
    ]
)


def test_modern_page_articles_alineas_and_pastilles() -> None:
    bill = parse_bill(MODERN.encode())
    assert bill.kind == "an"
    assert [(a.number, a.status, len(a.alineas)) for a in bill.articles] == [
        ("1er", None, 3),
        ("1er bis", "nouveau", 1),
        ("2", "supprime", 0),
        ("3 bis A", None, 2),
    ]
    first = bill.articles[0]
    assert first.alineas[1] == "« Art. 1. – Texte inséré. »"  # a quoted inserted paragraph
    assert first.anchor == "D_Article_1er" and bill.articles[3].anchor == "D_Article_3_bis_A"
    assert first.pastilles == 3
    # "1° à 3° (Supprimés)" is a numbered alinéa of the law, not the article's status.
    assert bill.articles[3].alineas[1] == "1° à 3° (Supprimés)"


def test_modern_page_divisions_sit_before_their_first_article() -> None:
    (division,) = parse_bill(MODERN).divisions
    assert (division.kind, division.label, division.heading) == (
        "titre",
        "TITRE Ier",
        "DISPOSITIONS GÉNÉRALES",
    )
    assert division.article_index == 0


def test_a_pastille_count_that_disagrees_is_an_error() -> None:
    without_one = MODERN.replace(PASTILLE, "", 1)
    with pytest.raises(SourceError, match="article 1er : 2 pastilles pour 3 alinéas"):
        parse_bill(without_one)
    one_too_many = MODERN.replace(f"{PASTILLE}</span>Un.", f"{PASTILLE}{PASTILLE}</span>Un.")
    with pytest.raises(SourceError, match="article 1er bis : 2 pastilles pour 1 alinéa"):
        parse_bill(one_too_many)


def test_a_quoted_heading_styled_as_a_heading_is_an_alinea_of_the_article() -> None:
    page = _modern([("Article 2", ["Le code est complété par un chapitre ainsi rédigé :"])])
    page = page.replace(
        "rédigé :</p>",
        f'rédigé :</p><p class="assnat5ChapitreNum">{PASTILLE}« Chapitre III</p>'
        f'<p class="assnat5ChapitreIntit">{PASTILLE}« Dispositions nouvelles</p>',
    )
    (article,) = parse_bill(page, kind="an").articles
    assert article.alineas[1:] == ("« Chapitre III", "« Dispositions nouvelles")
    assert len(parse_bill(page).divisions) == 1  # only the page's own TITRE Ier


def test_a_page_without_pastilles_is_counted_by_paragraphs() -> None:
    bill = parse_bill(_modern([("Article 1er", ["a", "b"])], pastilles=False))
    assert bill.articles[0].pastilles is None and len(bill.articles[0].alineas) == 2


LEGACY = """<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-1">
<title>Texte de la commission</title></head><body>
<p style="text-align: center">N°&nbsp;575</p><p style="text-align: center"><b>PROJET DE LOI</b></p>
<p style="text-align: center"><a name="P29"></a>TITRE PRÉLIMINAIRE</p>
<p style="text-align: center"><b>DISPOSITIONS D&#8217;ORIENTATION</b></p>
<div style="margin-left: 21pt">
<p style="text-align: center"><b><a name="P31"></a>Article 1<sup>er</sup></b></p>
</div><p style="text-align: justify">Le code est ainsi modifié&nbsp;:</p>
<p style="text-align: center"><i>«&nbsp;Chapitre III</i></p>
<p style="text-align: center"><i><b>«&nbsp;Droit à régularisation</b></i></p>
<p style="text-align: justify">«&nbsp;<i>Art.&nbsp;L.&nbsp;123-1.</i>&nbsp;&#8211;&nbsp;Une
personne…</p>
<p style="text-align: justify">   </p>
<p><center><table><tr><td>«</td><td>L.&nbsp;123-1</td><td>&#160;</td></tr></table></center>
<p style="text-align: center"><a name="P33"></a>Chapitre I<sup>ER</sup></p>
<p style="text-align: center"><b>Une administration qui accompagne</b></p>
<div style="margin-left: 21pt">
<p style="text-align: center"><b>Article 3&nbsp;<i>bis (nouveau)</i></b></p>
</div>
<p style="text-align: justify">I.&nbsp;&#8211;&nbsp;Le I est complété.<!--&#339;--></p>
<p style="text-align: center"><b>Article 4</b></p>
<p style="text-align: justify"><i>(Non modifié)</i></p>
</body></html>"""


def test_legacy_page_quoted_headings_and_tables_are_alineas() -> None:
    bill = parse_bill(LEGACY.encode("utf-8"))  # UTF-8 although the page says iso-8859-1
    assert bill.kind == "an_legacy"
    first, bis, fourth = bill.articles
    assert first.alineas == (
        "Le code est ainsi modifié\u00a0:",
        "«\u00a0Chapitre III",
        "«\u00a0Droit à régularisation",
        "«\u00a0Art.\u00a0L.\u00a0123-1.\u00a0–\u00a0Une personne…",
        "« | L.\u00a0123-1",
    )
    assert (bis.number, bis.status, bis.alineas) == (
        "3 bis",
        "nouveau",
        ("I.\u00a0–\u00a0Le I est complété.",),
    )
    assert (fourth.number, fourth.status, fourth.alineas) == ("4", "non_modifie", ())
    assert [(d.kind, d.label, d.heading, d.article_index) for d in bill.divisions] == [
        ("titre", "TITRE PRÉLIMINAIRE", "DISPOSITIONS D’ORIENTATION", 0),
        ("chapitre", "Chapitre Ier", "Une administration qui accompagne", 1),
    ]


def test_a_page_in_latin_1_is_decoded_by_its_declared_charset() -> None:
    bill = parse_bill(LEGACY.replace("&nbsp;", " ").encode("latin-1", "replace"))
    assert bill.articles[0].alineas[0] == "Le code est ainsi modifié :"


def test_the_pages_own_division_anchor_is_kept() -> None:
    page = (
        '<html><body><p><b><a name="D_Article_7"></a>Article 7</b></p><p>Texte.</p></body></html>'
    )
    assert parse_bill(page).articles[0].anchor == "D_Article_7"


SENAT = """<html><head><title>projet de loi - Sénat</title></head><body>
<ul><li><p>Article 99 du règlement</p></li></ul><p>Menu du site</p>
<div id="wysiwyg"><p Align=center>PREMIÈRE PARTIE</p>
<p Align=center><strong>DISPOSITIONS</strong></p>
<p Align=center><strong>Article 1<sup>er</sup></strong></p>
<p Align=justify>Au titre de 2016&nbsp;:</p>
<p Align=right><em>(En milliards d'euros)</em></p>
<p Align=center><strong>Article 2</strong></p><p Align=justify>Est approuvé.</p>
<p Align=center>ANNEXE A</p><p Align=justify>Rapport annexé.</p></div>
<p>Pied de page</p></body></html>"""


def test_senat_page_is_read_inside_its_content_and_stops_at_the_annexe() -> None:
    bill = parse_bill(SENAT)
    assert bill.kind == "senat"
    assert [(a.number, a.alineas) for a in bill.articles] == [
        ("1er", ("Au titre de 2016\u00a0:", "(En milliards d'euros)")),
        ("2", ("Est approuvé.",)),
    ]
    assert bill.divisions[0].kind == "partie"


def test_plain_text_one_alinea_per_line() -> None:
    text = (
        "TITRE Ier\nDISPOSITIONS\nArticle 1er\nI. – Le code :\n« Art. 2. – Inséré. »\n\u00a0\n"
        "Article 2 (Supprimé)\nArticle 2 bis\nTexte."
    )
    bill = parse_bill(text)
    assert bill.kind == "plain"
    assert [(a.number, a.status, a.alineas) for a in bill.articles] == [
        ("1er", None, ("I. – Le code :", "« Art. 2. – Inséré. »")),
        ("2", "supprime", ()),
        ("2 bis", None, ("Texte.",)),
    ]
    assert bill.divisions[0].heading == "DISPOSITIONS"


def test_plain_text_in_paragraphs_joins_wrapped_lines() -> None:
    text = (
        "Article 1er\n\nLe code est\nainsi modifié :\n\n« Art. 2. – Inséré. »\n\n"
        "Article 2\nSeul alinéa."
    )
    bill = parse_bill(text, kind="plain")
    assert bill.articles[0].alineas == ("Le code est ainsi modifié :", "« Art. 2. – Inséré. »")
    assert bill.articles[1].alineas == ("Seul alinéa.",)


def test_a_sentence_starting_with_article_is_not_a_heading() -> None:
    bill = parse_bill("Article 1er\nArticle 3 du code pénal : il est modifié.")
    assert bill.articles[0].alineas == ("Article 3 du code pénal : il est modifié.",)


def test_a_page_that_is_not_a_bill_is_refused() -> None:
    with pytest.raises(SourceError, match="Aucun article trouvé"):
        parse_bill(b"<html><body><h1>Accueil</h1><p>Bienvenue sur le site.</p></body></html>")
    with pytest.raises(SourceError, match="Aucun article trouvé"):
        parse_bill(b"")


def test_an_article_twice_is_refused() -> None:
    with pytest.raises(SourceError, match="L'article 2 figure deux fois"):
        parse_bill("Article 2\nUn.\nArticle 2\nDeux.")


def test_an_unknown_kind_is_refused() -> None:
    with pytest.raises(SourceError, match="Format de texte inconnu"):
        parse_bill("Article 1er", kind="pdf")  # type: ignore[arg-type]


def test_a_300_article_text_is_read_whole() -> None:
    articles = [
        (f"Article {n}", [f"Alinéa {k} de l'article {n}." for k in range(1, 9)])
        for n in range(2, 302)
    ]
    bill = parse_bill(_modern(articles))
    assert len(bill.articles) == 300 and sum(len(a.alineas) for a in bill.articles) == 2400


# --- the real pages of ../shared/domain/open-data ----------------------------------------------


def test_real_modern_page(open_data: Path) -> None:
    bill = parse_bill((open_data / "an-texte-PRJLANR5L17BTC3046-cmp-excerpt.html").read_bytes())
    assert [(a.number, len(a.alineas)) for a in bill.articles] == [("1er", 16), ("1er bis", 6)]
    assert bill.articles[0].alineas[2].startswith("« Art. 15‑3‑2‑2. – En cas de plainte")
    assert bill.articles[0].alineas[4] == "1° à 3° (Supprimés)"
    assert bill.divisions[0].label == "TITRE Ier"


def test_real_modern_page_with_real_pastilles_agrees_and_a_missing_one_is_caught(
    open_data: Path,
) -> None:
    """The excerpt keeps each alinéa's empty pastille slot: fill them with the real pastille."""
    png = base64.b64encode((open_data / "an-pastille-alinea-065.png").read_bytes()).decode()
    image = f'<img width="45" height="31" src="data:image/png;base64,{png}">'
    page = (open_data / "an-texte-PRJLANR5L17BTC3046-cmp-excerpt.html").read_text(encoding="utf-8")
    slot = "position:absolute; z-index:"
    filled = page.replace('"></span>', f'">{image}</span>')
    assert filled.count(image) == page.count(slot) == 22
    bill = parse_bill(filled)
    assert [a.pastilles for a in bill.articles] == [16, 6]
    with pytest.raises(SourceError, match="article 1er bis : 5 pastilles pour 6 alinéas"):
        parse_bill(filled.replace(image, "", 17))


def test_real_legacy_commission_text(open_data: Path) -> None:
    bill = parse_bill((open_data / "an-texte-commission-r0575-a0.html").read_bytes())
    assert [(a.number, a.status, len(a.alineas)) for a in bill.articles] == [
        ("1er", None, 1),
        ("2", None, 28),
        ("3", None, 7),
        ("3 bis", "nouveau", 4),
        ("4", None, 8),
    ]
    second = bill.articles[1]
    assert second.alineas[3] == "«\u00a0Chapitre III"  # quoted inserted headings count
    assert second.alineas[26].startswith("« | L.\u00a0123-1 | Résultant de la loi")  # a table
    assert [d.label for d in bill.divisions] == ["TITRE PRÉLIMINAIRE", "TITRE Ier", "Chapitre Ier"]


def test_real_senat_text(open_data: Path) -> None:
    bill = parse_bill((open_data / "senat-texte-pjl17-063.html").read_bytes())
    assert bill.kind == "senat"
    assert [(a.number, len(a.alineas)) for a in bill.articles] == [
        ("1er", 14),
        ("2", 1),
        ("3", 8),
        ("4", 6),
        ("4 bis", 3),
        ("5", 3),
    ]
    assert bill.articles[4].status == "nouveau"
