"""Edit the article → the dispositif: the shortest correct formulas, checked by the applier."""

from __future__ import annotations

import re
from dataclasses import dataclass

from workflows.legistique.align import Edit, align
from workflows.legistique.apply import apply_dispositif
from workflows.legistique.errors import NoChange, NotUnderstood
from workflows.legistique.formulas import changed_share, word_formulas
from workflows.legistique.french import NBSP, alinea_ref, alineas_noun, alineas_ref
from workflows.legistique.grammar import formula_family
from workflows.legistique.text import is_deletion_marker, normalise, tokens

_ROMAN = (
    (1000, "M"),
    (900, "CM"),
    (500, "D"),
    (400, "CD"),
    (100, "C"),
    (90, "XC"),
    (50, "L"),
    (40, "XL"),
    (10, "X"),
    (9, "IX"),
    (5, "V"),
    (4, "IV"),
    (1, "I"),
)
# Beyond this share of its words changed, an alinéa is rewritten rather than edited (§3.4.2).
_REWRITE_SHARE = 0.5
# What one more numbered part costs a reader, in characters: « II. – À l’alinéa 12, … ».
PART_COST = 60


@dataclass(frozen=True)
class Generated:
    """A generated dispositif, the alinéa it is placed on (None: the whole article), its family."""

    dispositif: str
    alinea: int | None
    family: str


def _block(formula: str, alineas: tuple[str, ...] | list[str]) -> str:
    """Write a formula followed by its quoted alinéas: « each opens, the last closes »."""
    lines = [f"«{NBSP}{text}" for text in alineas]
    lines[-1] += f"{NBSP}»"
    return "\n".join([formula, *lines])


def _subject(target: str) -> str:
    """Name what is amended: « cet article », or « cet amendement » for a sub-amendment."""
    return "cet amendement" if target == "amendment" else "cet article"


def _insertion(edit: Edit, count: int, target: str) -> str:
    """Write the insertion of new alinéas after alinéa N (or before the first, or at the end)."""
    noun = alineas_noun(len(edit.new))
    if edit.first == count:
        return _block(f"Compléter {_subject(target)} par {noun}{NBSP}:", edit.new)
    if edit.first == 0:
        return _block(f"Avant {alinea_ref(1)}, insérer {noun}{NBSP}:", edit.new)
    return _block(f"Après {alinea_ref(edit.first)}, insérer {noun}{NBSP}:", edit.new)


def _replacement(edit: Edit, before: list[str]) -> str:
    """Write « Rédiger ainsi l’alinéa N : » or « Substituer aux alinéas N à M … : »."""
    numbers = list(range(edit.first, edit.last + 1))
    if len(numbers) == 1 and len(edit.new) == 1:
        return _rewrite(edit.first, edit.new[0], restore=is_deletion_marker(before[edit.first - 1]))
    where = alineas_ref(numbers)
    where = f"à {where}" if len(numbers) == 1 else f"aux {where.removeprefix('les ')}"
    return _block(f"Substituer {where} {alineas_noun(len(edit.new))}{NBSP}:", edit.new)


def _rewrite(number: int, text: str, *, restore: bool = False) -> str:
    """Write « Rédiger ainsi l’alinéa N : « … » » (« Rétablir … » for a deleted one)."""
    if restore:
        return _block(f"Rétablir {alinea_ref(number)} dans la rédaction suivante{NBSP}:", [text])
    return _block(f"Rédiger ainsi {alinea_ref(number)}{NBSP}:", [text])


def _word_parts(edit: Edit, before: list[str], verify: bool) -> list[str] | None:
    """Write an alinéa's edit word by word, unless most of its words change (§3.4.2)."""
    old, new = before[edit.first - 1], edit.new[0]
    if changed_share(tokens(old), tokens(new)) > _REWRITE_SHARE:
        return None
    rewrite = len(_rewrite(edit.first, new))
    candidates = [word_formulas(edit.first, old, new)]
    if len(candidates[0]) > 1:
        # One substitution over the whole changed stretch may be shorter than several parts.
        candidates.append(word_formulas(edit.first, old, new, gap=len(old)))
    for parts in sorted(candidates, key=cost):
        # Many scattered parts longer than the new wording read worse than the new wording.
        if len(parts) > 2 and sum(map(len, parts)) > rewrite:
            continue
        if parts and (not verify or _does(parts, before, edit)):
            return parts
    return None


def cost(parts: list[str]) -> int:
    """Return the reading cost of formulas: their length, plus a fixed cost per extra part."""
    return sum(map(len, parts)) + PART_COST * (len(parts) - 1)


def _does(parts: list[str], before: list[str], edit: Edit) -> bool:
    """Tell whether formulas, applied to the article, edit the alinéa exactly as wanted."""
    expected = [*before[: edit.first - 1], edit.new[0], *before[edit.first :]]
    try:
        return _same(apply_dispositif(_numbered(parts), before), expected)
    except NotUnderstood:
        return False


def _same(left: list[str], right: list[str]) -> bool:
    """Compare two articles after normalisation."""
    return [normalise(t) for t in left] == [normalise(t) for t in right]


def _numbered(parts: list[str]) -> str:
    """Join parts as « I. – … II. – … » (one part stays unnumbered)."""
    if len(parts) == 1:
        return parts[0]
    return "\n".join(f"{roman(i)}.{NBSP}–{NBSP}{part}" for i, part in enumerate(parts, start=1))


def roman(number: int) -> str:
    """Write a part number in Roman numerals: 4 → « IV »."""
    digits = []
    for value, letters in _ROMAN:
        count, number = divmod(number, value)
        digits.append(letters * count)
    return "".join(digits)


def _interval(edit: Edit) -> tuple[int, int, tuple[str, ...]]:
    """Return the old alinéas an alinéa-level edit replaces (start > end: none) and the new ones."""
    if edit.kind == "insert":
        return edit.first + 1, edit.first, edit.new
    return edit.first, edit.last, edit.new


def _merged(edits: list[Edit]) -> list[Edit]:
    """Merge touching alinéa-level edits: a rewrite next to an insertion is one substitution."""
    merged: list[Edit] = []
    for edit in edits:
        start, end, new = _interval(edit)
        if merged and merged[-1].kind != "modify" and edit.kind != "modify":
            last_start, last_end, last_new = _interval(merged[-1])
            if start == last_end + 1:
                merged[-1] = _edit_for(last_start, max(end, last_end), last_new + new)
                continue
        merged.append(edit)
    return merged


def _edit_for(start: int, end: int, new: tuple[str, ...]) -> Edit:
    """Build the edit replacing old alinéas start..end (none when start > end) by new ones."""
    if start > end:
        return Edit("insert", end, end, new)
    if not new:
        return Edit("delete", start, end)
    return Edit("replace", start, end, new)


def _plan(
    edits: list[Edit], before: list[str], budget: int, *, verify: bool = False
) -> list[Edit | list[str]] | None:
    """Decide each edit's formulas (word-level, or alinéa-level merged); None past the budget.

    With verify, each alinéa's word formulas are applied on their own first, and replaced by
    a new wording of the alinéa when they do not give it.
    """
    planned: list[Edit | list[str]] = []
    spent = -PART_COST
    for edit in edits:
        if edit.kind == "modify":
            parts = _word_parts(edit, before, verify)
            planned.append(parts if parts else Edit("replace", edit.first, edit.last, edit.new))
            spent += cost(parts) if parts else len(edit.new[0])
        else:
            planned.append(edit)
            spent += sum(map(len, edit.new))
        # Stop as soon as rewriting the whole article is the shorter formula.
        spent += PART_COST
        if spent > budget:
            return None
    return _merged_plan(planned)


def _kept(plan: list[Edit | list[str]], count: int) -> int:
    """Count the alinéas a plan keeps (as they are, or edited word by word)."""
    removed = [i for i in plan if isinstance(i, Edit) and i.kind in ("delete", "replace")]
    return count - sum(edit.last - edit.first + 1 for edit in removed)


def _formulas(plan: list[Edit | list[str]], before: list[str], target: str) -> list[str]:
    """Write the formulas of a plan, in text order."""
    formulas: list[str] = []
    for item in plan:
        if isinstance(item, list):
            formulas += item
            continue
        if item.kind == "delete":
            formulas.append(f"Supprimer {alineas_ref(list(range(item.first, item.last + 1)))}.")
        elif item.kind == "insert":
            formulas.append(_insertion(item, len(before), target))
        else:
            formulas.append(_replacement(item, before))
    return _repeated(formulas)


_ALINEA_OF_PART = re.compile(rf"^À l’alinéa{NBSP}(\d+), ")
_REPEATABLE = {"substituer": "substitution", "supprimer": "suppression", "insérer": "insertion"}


def _repeated(formulas: list[str]) -> list[str]:
    """Write the same word edit on several alinéas once, then « procéder à la même … »."""
    numbers: dict[str, list[int]] = {}
    for formula in formulas:
        match = _ALINEA_OF_PART.match(formula)
        if match:
            numbers.setdefault(formula[match.end() :], []).append(int(match[1]))
    result: list[str] = []
    for formula in formulas:
        match = _ALINEA_OF_PART.match(formula)
        seen = numbers.get(formula[match.end() :], []) if match else []
        if len(seen) < 2 or not match:
            result.append(formula)
        elif int(match[1]) == seen[0]:
            result += [formula, _same_edit(formula, seen[1:])]
    return result


def _same_edit(formula: str, numbers: list[int]) -> str:
    """Write « En conséquence, procéder à la même substitution aux alinéas 16, 19 et 20. »."""
    verb = next(v for v in _REPEATABLE if v in formula)
    if len(numbers) == 1:
        where = f"à {alinea_ref(numbers[0])}"
    else:
        listed = ", ".join(map(str, numbers[:-1])) + f" et {numbers[-1]}"
        where = f"aux alinéas{NBSP}{listed}"
    return f"En conséquence, procéder à la même {_REPEATABLE[verb]} {where}."


def _merged_plan(planned: list[Edit | list[str]]) -> list[Edit | list[str]]:
    """Merge the alinéa-level edits of a plan, keeping word-level formulas where they are."""
    result: list[Edit | list[str]] = []
    run: list[Edit] = []
    for item in planned:
        if isinstance(item, Edit):
            run.append(item)
            continue
        result += _merged(run)
        run = []
        result.append(item)
    return result + _merged(run)


def _whole(before: list[str], after: list[str], target: str) -> str:
    """Write the article-level formula: rewrite, or restore a deleted article."""
    if (before and all(is_deletion_marker(t) for t in before)) or not before:
        return _block(f"Rétablir {_subject(target)} dans la rédaction suivante{NBSP}:", after)
    return _block(f"Rédiger ainsi {_subject(target)}{NBSP}:", after)


def _position(edits: list[Edit]) -> int | None:
    """Return the alinéa an amendment is placed on: the first it touches."""
    first = edits[0]
    return max(first.first, 1)


def _checked(dispositif: str, before: list[str], after: list[str]) -> bool:
    """Tell whether a dispositif, applied to the article before, gives the article after."""
    try:
        return _same(apply_dispositif(dispositif, before), after)
    except NotUnderstood:
        return False


def generate_dispositif(
    before: list[str], after: list[str], *, target: str = "article"
) -> Generated:
    """Write the dispositif turning the alinéas before into those after; check it by applying it.

    target is "article", or "amendment" for a sub-amendment (the alinéas are then the parent
    amendment's dispositif paragraphs). Raises NoChange when nothing changed.
    """
    if _same(before, after):
        raise NoChange("L’article modifié est identique à l’article.")
    if not after:
        if target == "amendment":
            raise NotUnderstood("Un sous-amendement ne supprime pas l’amendement : votez contre.")
        return _result("Supprimer cet article.", None)
    whole = _whole(before, after, target)
    if not before or all(is_deletion_marker(t) for t in before):
        return _result(whole, None)
    edits = align(before, after)
    # Checked as a whole first (the usual case); edit by edit only when that check fails.
    for verify in (False, True):
        plan = _plan(edits, before, len(whole), verify=verify)
        if plan is None or not _kept(plan, len(before)):
            # Every alinéa rewritten or deleted: the article itself is rewritten.
            break
        formulas = _formulas(plan, before, target)
        dispositif = _numbered(formulas)
        if cost(formulas) >= len(whole):
            break
        if _checked(dispositif, before, after):
            return _result(dispositif, _position(edits))
    if _checked(whole, before, after):
        return _result(whole, None)
    raise NotUnderstood("Cette modification ne s’écrit pas avec les formules connues.")


def _result(dispositif: str, alinea: int | None) -> Generated:
    """Package a generated dispositif with its position and family."""
    return Generated(dispositif, alinea, formula_family(dispositif))
