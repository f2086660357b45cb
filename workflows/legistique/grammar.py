"""The Assembly's formula grammar: a dispositif parsed into operations on an article's alinéas."""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache
from typing import Any

from workflows.legistique.errors import NotUnderstood
from workflows.legistique.french import count_value, ordinal_value
from workflows.legistique.operation import Operation
from workflows.legistique.parts import (
    Paragraph,
    Quoted,
    block_alineas,
    canonical,
    has_part_number,
    paragraphs,
    part_number,
    skeleton,
)
from workflows.legistique.patterns import (
    ADDRESS,
    BLOCKS,
    CONSEQUENCE,
    LOCATION,
    WORD_FORMULAS,
    alineas_of,
)


# ---------------------------------------------------------------------------------------------
# Parts: a formula paragraph and the paragraphs that belong to it.
@dataclass
class _Part:
    """A formula paragraph, the paragraphs that belong to it, and its block formula if any."""

    head: Paragraph
    rest: list[Paragraph]
    block: tuple[str, re.Match[str]] | None
    start: int
    end: int


def _block_head(head: Paragraph) -> tuple[str, re.Match[str], Paragraph | None] | None:
    """Match a paragraph against the block formulas; return the inline quoted block if any."""
    for colon in (m.start() for m in re.finditer(":", head.text)):
        end = colon + 1
        while end < len(head.text) and head.text[end] in " \u00a0\u202f:":
            end += 1
        formula = CONSEQUENCE.sub("", canonical(head.text[:end]))
        for name, pattern in BLOCKS:
            match = pattern.match(formula)
            if match:
                inline = head.tail(end) if end < len(head.text) else None
                return name, match, inline
    return None


def _block_size(name: str, match: re.Match[str]) -> int | None:
    """Return how many paragraphs a block formula announces (None: all that follow)."""
    if name == "article":
        return None
    groups = match.groupdict()
    word = groups.get("k") or groups.get("k2")
    if word:
        try:
            return count_value(word)
        except KeyError:
            raise NotUnderstood(f"Nombre d’alinéas illisible : « {word} ».") from None
    return 1


def _take_block(paras: list[Paragraph], index: int, size: int | None) -> int:
    """Return the index just after the content of a block starting at index."""
    if size is None:
        return len(paras)
    end = index
    while end < len(paras) and not has_part_number(paras[end]):
        end += 1
    quoted = index < len(paras) and paras[index].text.startswith(("«", "“"))
    if end - index < size and not quoted:
        end = min(len(paras), index + size)
    return end


def _split_parts(paras: list[Paragraph]) -> list[_Part]:
    """Group paragraphs into parts: formula paragraph, then its quoted words or block."""
    parts: list[_Part] = []
    index = 0
    while index < len(paras):
        number, head = part_number(paras[index])
        if parts and number is None:
            raise NotUnderstood(
                "Ce paragraphe ne se rattache à aucune formule.",
                start=paras[index].start,
                end=paras[index].end,
            )
        found = _block_head(head)
        if found:
            name, match, inline = found
            size = _block_size(name, match)
            rest = [inline] if inline else []
            if size is not None and inline:
                size -= 1
            end = _take_block(paras, index + 1, size)
            rest += paras[index + 1 : end]
            parts.append(_Part(head, rest, (name, match), paras[index].start, paras[end - 1].end))
        else:
            end = index + 1
            while end < len(paras) and not has_part_number(paras[end]):
                end += 1
            parts.append(
                _Part(head, paras[index + 1 : end], None, paras[index].start, paras[end - 1].end)
            )
        index = end
    return parts


# ---------------------------------------------------------------------------------------------
# Operations from parts.
def _block_operation(part: _Part, previous: tuple[int, ...]) -> Operation:
    """Build the operation of a block formula (« Rédiger ainsi l’alinéa 3 : » + quoted block)."""
    assert part.block is not None
    name, match = part.block
    if name == "start":
        return _rewrite_start(part, alineas_of(match, previous))
    new = block_alineas(part.rest)
    if not new:
        raise NotUnderstood(
            "La formule annonce un texte qui manque.",
            code="content_missing",
            start=part.start,
            end=part.end,
        )
    size = _block_size(name, match)
    common: dict[str, Any] = {
        "new_alineas": new,
        "span": (part.start, part.end),
        "count_mismatch": size is not None and len(new) != size,
    }
    kind, family, fields = _block_meaning(name, match, previous)
    return Operation(kind, family, **fields, **common)


def _block_meaning(
    name: str, match: re.Match[str], previous: tuple[int, ...]
) -> tuple[str, str, dict[str, Any]]:
    """Return the kind, family and address of a block formula."""
    if name == "article":
        kind = "restore_article" if match["verb"] == "rétablir" else "rewrite_article"
        return kind, kind, {"scope": "article"}
    if name == "append":
        return "append_alineas", "append_alineas", {"scope": "article"}
    if name in ("insert", "insert_start"):
        before = name == "insert_start" or match["rel"] == "avant"
        number = 1 if name == "insert_start" else int(match["n"])
        fields = {"alineas": (number,), "relation": "before" if before else "after"}
        return "insert_alineas", "insert_alineas", fields
    if name == "title":
        return "replace_alineas", "rewrite_title", {"alineas": (1,), "scope": "title"}
    alineas = alineas_of(match, previous)
    if name == "restore" or match.group().startswith("rétablir"):
        family = "restore_alinea"
    elif name == "rewrite" and len(alineas) == 1:
        family = "rewrite_alinea"
    else:
        family = "replace_alineas"
    return "replace_alineas", family, {"alineas": alineas}


_UNCHANGED_REST = re.compile(r"\s*\(le reste sans changement\)\s*[»”]?\s*[.;]?\s*$", re.I)


def _rewrite_start(part: _Part, alineas: tuple[int, ...]) -> Operation:
    """Build « Rédiger ainsi le début de l’alinéa N : « new start … (le reste sans changement) »."""
    text = " ".join(paragraph.text for paragraph in part.rest)
    text = re.sub(r"^[«“][ \u00a0\u202f]*", "", text)
    text = _UNCHANGED_REST.sub("", text).rstrip()
    if not text.endswith(("…", "...")):
        raise NotUnderstood(
            "Le nouveau début doit finir par « … » suivi des mots conservés.",
            start=part.start,
            end=part.end,
        )
    text = text.rstrip(".…").rstrip()
    return Operation(
        "rewrite_start", "rewrite_start", alineas, text=text, span=(part.start, part.end)
    )


def _address(text: str, previous: tuple[int, ...]) -> tuple[tuple[int, ...], int | None, str]:
    """Read « la première phrase de l’alinéa 3 » as ((3,), 1, "alinea")."""
    match = ADDRESS.match(text.strip())
    if match is None:
        raise NotUnderstood(f"Adresse non reconnue : « {text} ».")
    sentence = ordinal_value(match["sent"]) if match["sent"] else None
    if match["title"]:
        return (1,), sentence, "title"
    if match["self"] or not match.group():
        return (), sentence, "anywhere"
    return alineas_of(match, previous), sentence, "alinea"


def _location(formula: str, previous: tuple[int, ...]) -> tuple[dict[str, Any], str]:
    """Split « à la fin de la première phrase de l’alinéa 3 , » off the start of a formula."""
    match = LOCATION.match(formula)
    if match is None:
        return {"scope": "anywhere"}, formula
    edge = None
    if match["edge"]:
        edge = "start" if match["edge"] == "au début" else "end"
    alineas, scope = alineas_of(match, previous), "alinea"
    if match["title"]:
        alineas, scope = (1,), "title"
    elif not alineas:
        scope = "anywhere"
    sentence = ordinal_value(match["sent"]) if match["sent"] else None
    found = {"alineas": alineas, "scope": scope, "sentence": sentence, "edge": edge}
    return found, formula[match.end() :]


def _quote_fields(quotes: list[Quoted], kind: str) -> dict[str, Any]:
    """Map the quoted texts of a word formula onto words (the target) and text (the new one)."""
    fields: dict[str, Any] = {}
    targets = kind in ("substitute_words", "insert_words", "delete_words")
    if targets:
        fields["words"] = quotes[0].text
        fields["words_span"] = (quotes[0].start, quotes[0].end)
    rest = quotes[1:] if targets else quotes
    if rest:
        fields["text"] = rest[0].text
    return fields


def _word_operation(part: _Part, previous: tuple[int, ...]) -> Operation:
    """Build the operation of a formula written as one sentence with quoted words."""
    formula, quotes = skeleton([part.head, *part.rest])
    formula = CONSEQUENCE.sub("", formula)
    location, rest = _location(formula, previous)
    for kind, pattern in WORD_FORMULAS:
        match = pattern.match(rest)
        if match is None or match.group().count("¤") != len(quotes):
            continue
        fields: dict[str, Any] = {**location, **_quote_fields(quotes, kind)}
        fields["span"] = (part.start, part.end)
        return _specialise(kind, match, fields, previous, location)
    raise NotUnderstood("Formule non reconnue.", start=part.start, end=min(part.end, part.head.end))


def _specialise(
    kind: str,
    match: re.Match[str],
    fields: dict[str, Any],
    previous: tuple[int, ...],
    location: dict[str, Any],
) -> Operation:
    """Finish an operation from the pattern that matched: occurrence, relation, address."""
    groups = match.groupdict()
    if groups.get("occ"):
        fields["occurrence"] = ordinal_value(groups["occ"])
    if groups.get("rel"):
        fields["relation"] = "after" if groups["rel"] == "après" else "before"
    if groups.get("addr") is not None or kind in ("delete_sentence", "rewrite_sentence"):
        alineas, sentence, scope = _address(groups.get("addr") or "", previous)
        if location.get("alineas"):
            alineas, scope = location["alineas"], location["scope"]
        fields.update(alineas=alineas, scope=scope)
        if sentence is not None:
            fields["sentence"] = sentence
    if groups.get("s"):
        fields["sentence"] = ordinal_value(groups["s"])
    if kind == "edge_words":
        edge = fields.get("edge")
        if edge is None:
            raise NotUnderstood("« Insérer » sans dire où : après quels mots, au début, à la fin ?")
        kind = "prepend_words" if edge == "start" else "append_words"
        fields["edge"] = None
    if kind in ("delete_alineas", "repeat"):
        fields.update(alineas=alineas_of(match, previous), scope="alinea")
    if kind == "delete_article":
        fields["scope"] = "article"
    family = "insert_words" if kind == "prepend_words" else kind
    return Operation(kind, family, **fields)


def _repeat(template: list[Operation], repeat: Operation) -> list[Operation]:
    """Copy the previous part's word operations onto the alinéas « procéder à la même … »."""
    words = [op for op in template if op.words is not None or op.kind == "append_words"]
    if not words:
        raise NotUnderstood("« Procéder à la même … » ne suit aucune modification de mots.")
    return [
        replace(
            op,
            alineas=(number,),
            scope="alinea",
            family="repeat",
            part=repeat.part,
            span=repeat.span,
        )
        for number in repeat.alineas
        for op in words
    ]


def _check_whole_article(operations: list[Operation]) -> None:
    """Refuse an article-level formula mixed with other parts: the result would be ambiguous."""
    whole = [
        op
        for op in operations
        if op.kind in ("delete_article", "rewrite_article", "restore_article")
    ]
    if whole and len(operations) > 1:
        raise NotUnderstood(
            "Une formule sur l’article entier ne peut pas être combinée avec d’autres parties.",
            start=whole[0].span[0],
            end=whole[0].span[1],
        )


@lru_cache(maxsize=4096)
def _parse(dispositif: str) -> tuple[Operation, ...]:
    """Parse a dispositif once; the tuple is shared by the callers that parse it again."""
    paras = paragraphs(dispositif)
    if not paras:
        raise NotUnderstood("Le dispositif est vide.", code="empty")
    try:
        return _parse_assembly(paras)
    except NotUnderstood:
        # Imported here: the Sénat's reader builds on this module's operations.
        from workflows.legistique.senat import looks_senat, parse_senat

        if not looks_senat(paras):
            raise
        operations = parse_senat(paras)
    _check_whole_article(operations)
    return tuple(operations)


def _parse_assembly(paras: list[Paragraph]) -> tuple[Operation, ...]:
    """Parse the paragraphs of a dispositif written with the Assembly's formulas."""
    operations: list[Operation] = []
    previous: tuple[int, ...] = ()
    for number, part in enumerate(_split_parts(paras), start=1):
        if part.block:
            found = [_block_operation(part, previous)]
        else:
            found = [_word_operation(part, previous)]
        found = [replace(op, part=number) for op in found]
        if found[0].kind == "repeat":
            last_part = [op for op in operations if op.part == number - 1]
            found = _repeat(last_part, found[0])
        operations.extend(found)
        previous = found[-1].alineas or previous
    _check_whole_article(operations)
    return tuple(operations)


def parse_dispositif(dispositif: str) -> list[Operation]:
    """Parse a dispositif into operations; raise NotUnderstood for anything outside the grammar."""
    return list(_parse(dispositif))


def formula_family(dispositif: str) -> str:
    """Name the formula family of a dispositif (« multi_part » for « I. – … II. – … »)."""
    try:
        operations = _parse(dispositif)
    except NotUnderstood:
        return "not_understood"
    if len({op.part for op in operations}) > 1:
        return "multi_part"
    return operations[0].family


def part_formulas(dispositif: str) -> list[tuple[str, int, int]]:
    """Return each part's formula text (quoted words left out, lower case) with its span."""
    paras = paragraphs(dispositif)
    try:
        parts = _split_parts(paras)
    except NotUnderstood:
        return [(canonical(p.text), p.start, p.end) for p in paras]
    found = []
    for part in parts:
        try:
            formula, _ = skeleton([part.head] if part.block else [part.head, *part.rest])
        except NotUnderstood:
            formula = canonical(part.head.text)
        found.append((formula, part.start, part.end))
    return found
