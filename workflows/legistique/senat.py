"""The Sénat's layout (§3.3): an address line, an operation line, then the words on their own lines.

« Alinéa 10 / Remplacer les mots : / de prestations / par les mots : / des mêmes prestations ».
Read into the same operations as the Assembly's formulas.
"""

from __future__ import annotations

import re
from typing import Any

from workflows.legistique.errors import NotUnderstood
from workflows.legistique.french import ORDINAL_PATTERN, ordinal_value
from workflows.legistique.operation import Operation
from workflows.legistique.parts import (
    Paragraph,
    block_alineas,
    canonical,
    has_part_number,
    part_number,
)
from workflows.legistique.patterns import NUMBERS, numbers

_ORD = ORDINAL_PATTERN
_NOUN = r"(?:mots?|dates?|montants?|taux|années?|références?|nombres?|mentions?|signes?)"
_THE = r"(?:le |la |les |l')"
_ADDRESS = re.compile(
    rf"^(?:en conséquence , )?(?:(?P<rel>après|avant) ?l'alinéa (?P<n>\d+)"
    rf"|alinéas? (?P<list>{NUMBERS})(?: , (?P<sent>{_ORD}) phrase)?|(?P<sent2>{_ORD}) phrase)$"
)
_REPLACE = re.compile(rf"^remplacer {_THE}?{_NOUN} :$")
_BY = re.compile(rf"^par {_THE}?{_NOUN} :$")
_DELETE_WORDS = re.compile(rf"^supprimer {_THE}?{_NOUN} :$")
_AFTER = re.compile(rf"^(?P<rel>après|avant) {_THE}?{_NOUN} :$")
_INSERT_WORDS = re.compile(rf"^(?:insérer|ajouter) {_THE}?{_NOUN} :$")
_COMPLETE = re.compile(
    r"^compléter (?:cet alinéa|cette phrase) par "
    r"(?P<what>les mots|le mot|une phrase ainsi rédigée) :$"
)
_REWRITE = re.compile(
    r"^rédiger ainsi (?P<what>cet alinéa|ces alinéas|cette phrase|le début de cet alinéa) :$"
)
_DELETE = re.compile(r"^supprimer (?P<what>cet alinéa|ces alinéas|cette phrase) \.$")
_REPLACE_ALINEAS = re.compile(
    r"^remplacer (?:cet alinéa|ces alinéas) par (?P<k>[\w-]+) alinéas? ainsi rédigés? :$"
)
_INSERT_ALINEAS = re.compile(
    r"^(?:insérer|ajouter) (?P<k>[\w-]+) (?:alinéas?|paragraphes?) ainsi rédigés? :$"
)
_TAGS = re.compile(r"<[^>]+>")
_STEP = re.compile(r"^\d+°\s*")


def _line(paragraph: Paragraph) -> str:
    """Return a paragraph's canonical form, markup and « 1° » step numbers left out."""
    return canonical(_STEP.sub("", _TAGS.sub(" ", paragraph.text)))


def looks_senat(paras: list[Paragraph]) -> bool:
    """Tell whether a dispositif is laid out the Sénat's way (an address line of its own)."""
    first = _line(part_number(paras[0])[1]) if paras else ""
    return bool(_ADDRESS.match(first) or _REPLACE.match(first) or _AFTER.match(first))


def _words(paragraph: Paragraph) -> str:
    """Return a line of words, without the guillemets some authors put around them."""
    text = _TAGS.sub("", paragraph.text).strip()
    match = re.fullmatch(r"[«“]\s*(.*?)\s*[»”]", text, re.S)
    return match.group(1) if match else text


class _Reader:
    """Reads one Sénat part: paragraph by paragraph, remembering the address."""

    def __init__(self, paras: list[Paragraph], number: int) -> None:
        self.paras, self.index, self.number = paras, 0, number
        self.address: dict[str, Any] = {"scope": "anywhere"}
        self.span = (paras[0].start, paras[-1].end)

    def next(self) -> Paragraph:
        """Return the next paragraph, or explain that the formula stops short."""
        if self.index >= len(self.paras):
            raise NotUnderstood(
                "La formule du Sénat s’arrête avant ses mots.", start=self.span[0], end=self.span[1]
            )
        paragraph = self.paras[self.index]
        self.index += 1
        return paragraph

    def operation(self, kind: str, family: str | None = None, **fields: Any) -> Operation:
        """Build an operation at the current address."""
        merged = {**self.address, **fields, "part": self.number, "span": self.span}
        return Operation(kind, family or kind, **merged)

    def read_address(self, line: str) -> bool:
        """Read an address line (« Alinéa 3, première phrase »); tell whether it was one."""
        match = _ADDRESS.match(line)
        if match is None:
            return False
        sentence = match["sent"] or match["sent2"]
        alineas = (int(match["n"]),) if match["n"] else numbers(match["list"] or "")
        self.address = {"alineas": alineas, "scope": "alinea" if alineas else "anywhere"}
        if sentence:
            self.address["sentence"] = ordinal_value(sentence)
        if match["rel"]:
            self.address["relation"] = "after" if match["rel"] == "après" else "before"
        return True

    def rest(self) -> list[Paragraph]:
        """Return the remaining paragraphs (a quoted block) and consume them."""
        rest, self.index = self.paras[self.index :], len(self.paras)
        return rest


def _word_step(reader: _Reader, line: str) -> Operation | None:
    """Read a word-level step: replace, delete, insert or complete words."""
    if _REPLACE.match(line):
        words = _words(reader.next())
        if not _BY.match(_line(reader.next())):
            raise NotUnderstood(
                "« Remplacer … » sans « par … ».", start=reader.span[0], end=reader.span[1]
            )
        return reader.operation("substitute_words", words=words, text=_words(reader.next()))
    if _DELETE_WORDS.match(line):
        return reader.operation("delete_words", words=_words(reader.next()))
    after = _AFTER.match(line)
    if after:
        words = _words(reader.next())
        if not _INSERT_WORDS.match(_line(reader.next())):
            raise NotUnderstood(
                "« Après les mots … » sans « insérer … ».", start=reader.span[0], end=reader.span[1]
            )
        relation = "after" if after["rel"] == "après" else "before"
        return reader.operation(
            "insert_words", words=words, relation=relation, text=_words(reader.next())
        )
    complete = _COMPLETE.match(line)
    if complete:
        kind = "append_sentence" if complete["what"].startswith("une phrase") else "append_words"
        return reader.operation(kind, text=_words(reader.next()))
    return None


def _alinea_step(reader: _Reader, line: str) -> Operation | None:
    """Read an alinéa- or sentence-level step: rewrite, delete, replace, insert."""
    rewrite = _REWRITE.match(line)
    if rewrite:
        what, content = rewrite["what"], block_alineas(reader.rest())
        if what == "cette phrase":
            return reader.operation("rewrite_sentence", text=" ".join(content))
        if what == "le début de cet alinéa":
            return reader.operation("rewrite_start", text=" ".join(content).rstrip(".…").rstrip())
        family = (
            "rewrite_alinea" if len(content) == 1 and what == "cet alinéa" else "replace_alineas"
        )
        return reader.operation("replace_alineas", family, new_alineas=content)
    delete = _DELETE.match(line)
    if delete:
        kind = "delete_sentence" if delete["what"] == "cette phrase" else "delete_alineas"
        return reader.operation(kind)
    if _REPLACE_ALINEAS.match(line):
        return reader.operation("replace_alineas", new_alineas=block_alineas(reader.rest()))
    insert = _INSERT_ALINEAS.match(line)
    if insert and reader.address.get("relation"):
        return reader.operation("insert_alineas", new_alineas=block_alineas(reader.rest()))
    return None


def _part(paras: list[Paragraph], number: int) -> list[Operation]:
    """Read one part of a Sénat dispositif."""
    reader = _Reader(paras, number)
    operations = []
    while reader.index < len(paras):
        line = _line(reader.next())
        if reader.read_address(line):
            continue
        found = _word_step(reader, line) or _alinea_step(reader, line)
        if found is None:
            raise NotUnderstood(
                "Formule du Sénat non reconnue.", start=reader.span[0], end=reader.span[1]
            )
        operations.append(found)
    if not operations:
        raise NotUnderstood("Adresse sans opération.", start=reader.span[0], end=reader.span[1])
    return operations


def parse_senat(paras: list[Paragraph]) -> list[Operation]:
    """Parse a dispositif laid out the Sénat's way into operations."""
    groups: list[list[Paragraph]] = []
    for paragraph in paras:
        number, rest = part_number(paragraph)
        if number is not None or not groups:
            groups.append([rest])
        else:
            groups[-1].append(paragraph)
    if any(has_part_number(p) for p in paras[1:]) and part_number(paras[0])[0] is None:
        raise NotUnderstood("Parties numérotées incohérentes.")
    return [op for number, group in enumerate(groups, 1) for op in _part(group, number)]
