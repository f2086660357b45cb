"""The official sheet as DOCX: python-docx checks the styled template, the body is written directly.

python-docx as usually written (load, add paragraphs, save) costs 33–50 ms a document, mostly
re-parsing and re-compressing the template. Here the template is read once: its parts are kept
pre-compressed, and each document only generates word/document.xml, the footer and
docProps/core.xml, whose paragraphs reference the template's style ids (so the layout belongs to
the template and a secretariat can restyle it in Word). Entries carry a fixed date: the same sheet
always gives the same bytes.
"""

from __future__ import annotations

import functools
import hashlib
import re
import struct
import zipfile
import zlib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import docx as python_docx
from docx.enum.style import WD_STYLE_TYPE

from drafting.rendering.sheet import (
    CHAMBER,
    DRAFT_MARK,
    EXPOSE_TITLE,
    PRESENTED_BY,
    AmendmentSheet,
    box_text,
    division_heading,
    footer_lines,
    french_date,
    is_draft,
    number_label,
    one_line,
    paragraphs,
    position_parts,
    printable,
    signatory_line,
    signatory_names,
    text_heading,
    version_line,
)

TEMPLATES = Path(__file__).resolve().parents[2] / "templates" / "official"
TEMPLATE_PATH = TEMPLATES / "amendement.docx"
TYPST_TEMPLATE_PATH = TEMPLATES / "amendement.typ"
# What decides a document's look: both templates and the code that fills them.
_LOOK = (
    TEMPLATE_PATH,
    TYPST_TEMPLATE_PATH,
    *(Path(__file__).with_name(n) for n in ("sheet.py", "docx.py", "pdf.py")),
)

PROJET, MENTION, POSITION = "Liasse Projet", "Liasse Mention", "Liasse Position"
CHAMBRE, DATE, TITRE = "Liasse Chambre", "Liasse Date", "Liasse Titre texte"
SORT, NUMERO, PRESENTE = "Liasse Sort", "Liasse Numéro", "Liasse Présenté par"
SIGNATAIRES, SEPARATEUR, DIVISION = "Liasse Signataires", "Liasse Séparateur", "Liasse Division"
DISPOSITIF, EXPOSE_TITRE, EXPOSE = "Liasse Dispositif", "Liasse Exposé titre", "Liasse Exposé"
PIED = "Liasse Pied de page"
REQUIRED_STYLES: tuple[str, ...] = (
    PROJET, MENTION, POSITION, CHAMBRE, DATE, TITRE, SORT, NUMERO, PRESENTE, SIGNATAIRES,
    SEPARATEUR, DIVISION, DISPOSITIF, EXPOSE_TITRE, EXPOSE, PIED,
)  # fmt: skip

_DOS_DATE, _DOS_TIME = (0 << 9) | (1 << 5) | 1, 0  # 1980-01-01 00:00, the ZIP format's epoch
_CORE = "docProps/core.xml"
_CORE_NS = (
    'xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" '
    'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" '
    'xmlns:dcmitype="http://purl.org/dc/dcmitype/" '
    'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
)
_XML_DECL = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'


def _template_version() -> str:
    digest = hashlib.sha256()
    for path in _LOOK:
        digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# Changes whenever a template or the rendering code changes: part of the documents' cache keys.
TEMPLATE_VERSION = _template_version()


class TemplateError(ValueError):
    """The Word template cannot be used (a required style or part is missing)."""


def _paragraph_style_ids(document: Any) -> dict[str, str]:
    styles = (s for s in document.styles if s.type == WD_STYLE_TYPE.PARAGRAPH)
    return {style.name: style.style_id for style in styles}


def check_template(path: str | Path) -> list[str]:
    """The required paragraph styles missing from the Word template at `path` (empty: usable)."""
    present = _paragraph_style_ids(python_docx.Document(str(path)))
    return [name for name in REQUIRED_STYLES if name not in present]


# ----- XML -----


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _attr(text: str) -> str:
    return _escape(text).replace('"', "&quot;")


def _runs(text: str) -> str:
    """A paragraph's run: tabs as w:tab, line breaks as w:br, the rest as escaped text."""
    lines = ("<w:tab/>".join(map(_t, line.split("\t"))) for line in printable(text).split("\n"))
    body = "<w:br/>".join(lines)
    return f"<w:r>{body}</w:r>" if body else ""


def _t(piece: str) -> str:
    return f'<w:t xml:space="preserve">{_escape(piece)}</w:t>' if piece else ""


def _paragraph(style_id: str, text: str, extra: str = "") -> str:
    return f'<w:p><w:pPr><w:pStyle w:val="{style_id}"/></w:pPr>{_runs(text)}{extra}</w:p>'


def layout(sheet: AmendmentSheet) -> list[tuple[str, str]]:
    """The body's paragraphs top to bottom, as (style name, text)."""
    tag, number = position_parts(sheet)
    blocks = [(PROJET, DRAFT_MARK)] if is_draft(sheet) else []
    if sheet.watermark:
        blocks.append((MENTION, one_line(sheet.watermark)))
    blocks += [
        (POSITION, f"{tag}\t{number}" if number else tag),
        (CHAMBRE, CHAMBER),
        (DATE, french_date(sheet.date)),
        (TITRE, text_heading(sheet)),
        (SORT, box_text(sheet)),
        (NUMERO, number_label(sheet)),
        (PRESENTE, PRESENTED_BY),
        (SIGNATAIRES, signatory_line(sheet)),
        (SEPARATEUR, ""),
    ]
    blocks += [(DIVISION, line) for line in division_heading(sheet)]
    blocks += [(DISPOSITIF, text) for text in paragraphs(sheet.dispositif)]
    blocks.append((EXPOSE_TITRE, EXPOSE_TITLE))
    blocks += [(EXPOSE, text) for text in paragraphs(sheet.expose)]
    return blocks


_PAGES = (
    '<w:r><w:t xml:space="preserve"> — page </w:t></w:r>'
    '<w:fldSimple w:instr=" PAGE "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
    '<w:r><w:t xml:space="preserve"> / </w:t></w:r>'
    '<w:fldSimple w:instr=" NUMPAGES "><w:r><w:t>1</w:t></w:r></w:fldSimple>'
)


def core_xml(sheet: AmendmentSheet) -> str:
    """docProps/core.xml: title, author, version and hash, dated with the sheet (deterministic)."""
    stamp = f"{sheet.date.isoformat()}T00:00:00Z"
    described = [version_line(sheet), *([DRAFT_MARK] if is_draft(sheet) else [])]
    fields = (
        ("dc:title", f"{number_label(sheet)} — {position_parts(sheet)[0]}"),
        ("dc:subject", text_heading(sheet)),
        ("dc:creator", signatory_names(sheet)[0]),
        ("cp:keywords", f"version {sheet.version}; empreinte {one_line(sheet.content_hash)}"),
        ("dc:description", " ; ".join([*described, one_line(sheet.watermark or "")]).strip(" ;")),
        ("cp:lastModifiedBy", "Liasse"),
        ("cp:revision", str(sheet.version)),
        ("cp:category", "Amendement"),
        ("cp:contentStatus", "Projet" if is_draft(sheet) else "Déposé"),
    )
    body = "".join(f"<{tag}>{_escape(printable(value))}</{tag}>" for tag, value in fields)
    dates = "".join(
        f'<dcterms:{tag} xsi:type="dcterms:W3CDTF">{stamp}</dcterms:{tag}>'
        for tag in ("created", "modified")
    )
    return f"{_XML_DECL}<cp:coreProperties {_CORE_NS}>{body}{dates}</cp:coreProperties>"


# ----- ZIP -----


@dataclass(frozen=True)
class _Entry:
    """A ZIP entry, already deflated."""

    name: bytes
    crc: int
    size: int
    data: bytes

    @classmethod
    def of(cls, name: str, raw: bytes, level: int = 6) -> _Entry:
        """Deflate `raw` under `name`."""
        packer = zlib.compressobj(level, zlib.DEFLATED, -15)
        data = packer.compress(raw) + packer.flush()
        return cls(name.encode("utf-8"), zlib.crc32(raw), len(raw), data)

    def _fields(self) -> tuple[int, ...]:
        flags = 0 if self.name.isascii() else 0x800  # bit 11: the name is UTF-8
        return (20, flags, zipfile.ZIP_DEFLATED, _DOS_TIME, _DOS_DATE, self.crc, len(self.data))

    def local(self) -> bytes:
        """The local header followed by the data."""
        head = struct.pack("<IHHHHHII", 0x04034B50, *self._fields())
        return head + struct.pack("<IHH", self.size, len(self.name), 0) + self.name + self.data

    def central(self, offset: int) -> bytes:
        """The central directory record of this entry written at `offset`."""
        head = struct.pack("<IH", 0x02014B50, 20) + struct.pack("<HHHHHII", *self._fields())
        tail = struct.pack("<IHHHHHII", self.size, len(self.name), 0, 0, 0, 0, 0, offset)
        return head + tail + self.name


class _ZipImage:
    """A ZIP whose first entries never change: laid out once, then followed by fresh ones."""

    def __init__(self, fixed: Iterable[_Entry]) -> None:
        blobs: list[bytes] = []
        records: list[bytes] = []
        offset = 0
        for entry in fixed:
            records.append(entry.central(offset))
            blobs.append(entry.local())
            offset += len(blobs[-1])
        self._prefix, self._central, self._count = b"".join(blobs), b"".join(records), len(records)

    def build(self, fresh: list[_Entry]) -> bytes:
        """The whole ZIP: the fixed entries, then `fresh`, then the central directory."""
        out, records, offset = [self._prefix], [self._central], len(self._prefix)
        for entry in fresh:
            out.append(entry.local())
            records.append(entry.central(offset))
            offset += len(out[-1])
        directory = b"".join(records)
        count = self._count + len(fresh)
        end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, count, count, len(directory), offset, 0)
        return b"".join(out) + directory + end


# ----- the renderer -----


def _footer_parts(document: Any) -> list[str]:
    """The footer parts the document's (last) section shows: default, first page, even pages."""
    section = document.sections[-1]
    footers = (section.footer, section.first_page_footer, section.even_page_footer)
    names = {f.part.partname.lstrip("/") for f in footers if not f.is_linked_to_previous}
    return sorted(names)


def _split_body(xml: str) -> tuple[str, str]:
    """What precedes the body's content (declaration, root, w:body) and the final w:sectPr."""
    opening = re.search(r"<w:body\s*>", xml)
    if opening is None:
        raise TemplateError("Modèle Word illisible : pas de <w:body>.")
    start, end = xml.rfind("<w:sectPr"), xml.rfind("</w:body>")
    section = xml[start:end].strip() if start >= opening.end() else ""
    if not section.endswith(("</w:sectPr>", "/>")):
        section = ""
    return xml[: opening.end()], section


def _footer_head(xml: str) -> str:
    opening = re.search(r"<w:ftr\b[^>]*>", xml)
    if opening is None or opening.group(0).endswith("/>"):
        raise TemplateError("Modèle Word illisible : pied de page sans <w:ftr>.")
    return xml[: opening.end()]


def _read_parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as package:
        return {i.filename: package.read(i) for i in package.infolist() if not i.is_dir()}


class DocxRenderer:
    """Renders sheets with one Word template, read, checked and pre-compressed once."""

    def __init__(self, template: str | Path = TEMPLATE_PATH) -> None:
        """Load `template`; raise TemplateError if a required style or part is missing."""
        document = python_docx.Document(str(template))
        ids = _paragraph_style_ids(document)
        missing = [name for name in REQUIRED_STYLES if name not in ids]
        if missing:
            raise TemplateError(f"Styles manquants dans le modèle Word : {', '.join(missing)}.")
        self._ids = {name: _attr(ids[name]) for name in REQUIRED_STYLES}
        parts = _read_parts(Path(template))
        if _CORE not in parts:
            raise TemplateError("Modèle Word sans propriétés du document (docProps/core.xml).")
        self._main = document.part.partname.lstrip("/")
        self._head, self._section = _split_body(parts[self._main].decode("utf-8"))
        footers = _footer_parts(document)
        self._footer_heads = {n: _footer_head(parts[n].decode("utf-8")) for n in footers}
        fresh = {self._main, _CORE, *footers}
        self._zip = _ZipImage(_Entry.of(n, raw, 9) for n, raw in parts.items() if n not in fresh)

    def document_xml(self, sheet: AmendmentSheet) -> str:
        """word/document.xml: the layout's paragraphs, then the template's section properties."""
        body = "".join(_paragraph(self._ids[style], text) for style, text in layout(sheet))
        return f"{self._head}{body}{self._section}</w:body></w:document>"

    def footer_xml(self, sheet: AmendmentSheet, head: str) -> str:
        """A footer part: the footer lines in the footer style, the second ending "page N / M"."""
        style = self._ids[PIED]
        version, marks = footer_lines(sheet)
        return f"{head}{_paragraph(style, version)}{_paragraph(style, marks, _PAGES)}</w:ftr>"

    def render(self, sheet: AmendmentSheet) -> bytes:
        """The DOCX bytes of `sheet` (the same sheet always gives the same bytes)."""
        entries = [
            _Entry.of(self._main, self.document_xml(sheet).encode("utf-8")),
            _Entry.of(_CORE, core_xml(sheet).encode("utf-8")),
        ]
        for name, head in self._footer_heads.items():
            entries.append(_Entry.of(name, self.footer_xml(sheet, head).encode("utf-8")))
        return self._zip.build(entries)


@functools.lru_cache(maxsize=1)
def default_renderer() -> DocxRenderer:
    """The renderer of the official template, loaded on first use and kept."""
    return DocxRenderer(TEMPLATE_PATH)


def render_docx(sheet: AmendmentSheet) -> bytes:
    """The official sheet of `sheet` as DOCX bytes, with the official template."""
    return default_renderer().render(sheet)
