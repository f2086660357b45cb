"""Build `amendement.docx`, the Word template of the official amendment sheet (python-docx).

Run `python templates/official/build_template.py` after changing the styles below, and commit the
generated file. A secretariat may also restyle `amendement.docx` directly in Word: the renderer
only fills paragraphs that reference these style *names* (page size, margins, header, fonts,
spacing and borders all come from the template). The footer's text is written by the renderer
(version, content hash, page numbers) with the "Liasse Pied de page" style. The output is
deterministic: rebuilding without changes gives the same bytes (and the same TEMPLATE_VERSION).
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH as ALIGN
from docx.enum.text import WD_TAB_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

HERE = Path(__file__).resolve().parent
OUTPUT = HERE / "amendement.docx"
FONT = "Times New Roman"  # Liberation Serif, its metric twin, replaces it on Linux
TEXT_WIDTH = Cm(16)  # A4 width minus the two 2.5 cm margins
CENTER, JUSTIFY, LEFT = ALIGN.CENTER, ALIGN.JUSTIFY, ALIGN.LEFT
# Children of w:pPr that must follow w:pBdr (the schema fixes their order).
_AFTER_PBDR = ("w:shd", "w:tabs", "w:suppressAutoHyphens", "w:spacing", "w:ind", "w:jc", "w:rPr")
_AFTER_LANG = ("w:eastAsianLayout", "w:specVanish", "w:oMath")


@dataclass(frozen=True)
class StyleSpec:
    """One paragraph style of the sheet."""

    name: str
    style_id: str
    size: float = 12
    align: Any = CENTER
    bold: bool = False
    italic: bool = False
    color: str | None = None
    before: float = 0
    after: float = 6
    indent: float | None = None  # first-line indent, cm
    sides: float | None = None  # left and right indents, cm
    border: tuple[str, ...] = ()  # "top", "left", "bottom", "right"
    border_color: str = "000000"
    keep_with_next: bool = False
    right_tab: Any = None  # a right-aligned tab stop (the number on the top line)


BOX = ("top", "left", "bottom", "right")
# One line per style reads as a table: keep it out of the formatter.
# fmt: off
STYLES = (
    StyleSpec("Liasse Projet", "LiasseProjet", 13, bold=True, color="C00000", after=4, border=BOX,
              border_color="C00000"),
    StyleSpec("Liasse Mention", "LiasseMention", 9, italic=True, color="595959", after=10),
    StyleSpec("Liasse Position", "LiassePosition", 12, LEFT, bold=True, after=14,
              right_tab=TEXT_WIDTH),
    StyleSpec("Liasse Chambre", "LiasseChambre", 14, bold=True, after=4),
    StyleSpec("Liasse Date", "LiasseDate", 12, after=10),
    StyleSpec("Liasse Titre texte", "LiasseTitreTexte", 12, bold=True, after=12),
    StyleSpec("Liasse Sort", "LiasseSort", 10, italic=True, after=14, border=BOX),
    StyleSpec("Liasse Numéro", "LiasseNumero", 14, bold=True, after=6),
    StyleSpec("Liasse Présenté par", "LiassePresentePar", 12, italic=True, after=2),
    StyleSpec("Liasse Signataires", "LiasseSignataires", 12, bold=True, after=10),
    StyleSpec("Liasse Séparateur", "LiasseSeparateur", 4, after=18, sides=6.5, border=("bottom",)),
    StyleSpec("Liasse Division", "LiasseDivision", 12, bold=True, after=10, keep_with_next=True),
    StyleSpec("Liasse Dispositif", "LiasseDispositif", 12, JUSTIFY, indent=1.25),
    StyleSpec("Liasse Exposé titre", "LiasseExposeTitre", 12, bold=True, before=18, after=12,
              keep_with_next=True),
    StyleSpec("Liasse Exposé", "LiasseExpose", 12, JUSTIFY, indent=1.25),
    StyleSpec("Liasse Pied de page", "LiassePiedDePage", 8, color="595959", after=0),
    StyleSpec("Liasse En-tête", "LiasseEnTete", 8, color="595959", after=0),
)
# fmt: on


def _border(edges: tuple[str, ...], color: str) -> Any:
    pbdr = OxmlElement("w:pBdr")
    for edge in edges:
        line = OxmlElement(f"w:{edge}")
        for key, value in (("val", "single"), ("sz", "6"), ("space", "4"), ("color", color)):
            line.set(qn(f"w:{key}"), value)
        pbdr.append(line)
    return pbdr


def _french(rpr: Any) -> None:
    """Mark the run properties as French (spelling, hyphenation, typography in Word)."""
    lang = OxmlElement("w:lang")
    lang.set(qn("w:val"), "fr-FR")
    rpr.insert_element_before(lang, *_AFTER_LANG)


def add_style(document: Any, spec: StyleSpec) -> None:
    """Add one paragraph style, based on Normal, shown in Word's style gallery."""
    style = document.styles.add_style(spec.name, WD_STYLE_TYPE.PARAGRAPH)
    style.style_id = spec.style_id
    style.base_style = document.styles["Normal"]
    style.quick_style = True
    font = style.font
    font.size, font.bold, font.italic = Pt(spec.size), spec.bold, spec.italic
    if spec.color:
        font.color.rgb = RGBColor.from_string(spec.color)
    fmt = style.paragraph_format
    fmt.alignment, fmt.keep_with_next = spec.align, spec.keep_with_next
    fmt.space_before, fmt.space_after = Pt(spec.before), Pt(spec.after)
    if spec.indent is not None:
        fmt.first_line_indent = Cm(spec.indent)
    if spec.sides is not None:
        fmt.left_indent = fmt.right_indent = Cm(spec.sides)
    if spec.right_tab is not None:
        fmt.tab_stops.add_tab_stop(spec.right_tab, WD_TAB_ALIGNMENT.RIGHT)
    if spec.border:
        ppr = style.element.get_or_add_pPr()
        ppr.insert_element_before(_border(spec.border, spec.border_color), *_AFTER_PBDR)


def _serif_defaults(document: Any) -> None:
    """Times New Roman and French everywhere: document defaults (no theme fonts) and Normal."""
    rpr = document.styles.element.find(qn("w:docDefaults")).find(qn("w:rPrDefault"))
    fonts = rpr.find(qn("w:rPr")).find(qn("w:rFonts"))
    for key in list(fonts.attrib):
        del fonts.attrib[key]
    for key in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{key}"), FONT)
    rpr.find(qn("w:rPr")).find(qn("w:lang")).set(qn("w:val"), "fr-FR")
    normal = document.styles["Normal"]
    normal.font.name, normal.font.size = FONT, Pt(12)
    normal.paragraph_format.line_spacing = 1.0
    _french(normal.element.get_or_add_rPr())


def _prune(document: Any) -> None:
    """Drop the styles nobody uses (the default template's hundreds) and unused parts."""
    keep = {spec.name for spec in STYLES} | {"Normal"}
    for style in list(document.styles):
        if style.name not in keep and not style.element.get(qn("w:default")):
            style.element.getparent().remove(style.element)
    for rels in (document.part.rels, document.part.package.rels):
        for rid, rel in list(rels.items()):
            if rel.reltype.endswith(("/thumbnail", "/stylesWithEffects", "/customXml")):
                del rels[rid]


def _page(document: Any) -> None:
    """A4 portrait, 2 cm top and bottom, 2.5 cm sides; the header and the footer."""
    section = document.sections[0]
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin = section.bottom_margin = Cm(2)
    section.left_margin = section.right_margin = Cm(2.5)
    section.header_distance = section.footer_distance = Cm(1)
    section.header.is_linked_to_previous = False
    section.header.paragraphs[0].style = document.styles["Liasse En-tête"]
    section.footer.is_linked_to_previous = False
    footer = section.footer.paragraphs[0]
    footer.style = document.styles["Liasse Pied de page"]
    footer.text = "Version et empreinte (écrites par Liasse)"


def build() -> bytes:
    """The template's bytes."""
    document = docx.Document()
    _serif_defaults(document)
    for spec in STYLES:
        add_style(document, spec)
    _prune(document)
    _page(document)
    body = document.element.body
    for paragraph in list(body.iterchildren(qn("w:p"))):
        body.remove(paragraph)
    properties = document.core_properties
    properties.title, properties.author = "Amendement — modèle officiel (Liasse)", "Liasse"
    properties.comments, properties.last_modified_by = "", "Liasse"
    raw = io.BytesIO()
    document.save(raw)
    return _deterministic(raw.getvalue())


def _deterministic(data: bytes) -> bytes:
    """The same ZIP with fixed entry dates (python-docx stamps the current time)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            entry = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            entry.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(entry, source.read(info))
    return out.getvalue()


if __name__ == "__main__":
    OUTPUT.write_bytes(build())
    print(f"wrote {OUTPUT}")
