"""La Fabrique de la Loi's real before/after pairs, and how the légistique core is scored on them.

Each pair is an article before, the one amendment adopted on it, and the article after the reading.
The article after is the whole reading's text: other amendments adopted on the same article show
in it too, and deleted divisions appear as « 12° (Supprimé) ». A result is therefore « exact » when
it equals the article after, « consistent » when every change it made is in the article after at
the same place (the rest of the difference coming from the reading), and « wrong » otherwise.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from pathlib import Path

from workflows.legistique import (
    NoChange,
    NotUnderstood,
    apply_dispositif,
    formula_family,
    generate_dispositif,
    normalise,
    parse_dispositif,
    split_alineas,
)
from workflows.legistique.text import is_deletion_marker, keys

ROOT = Path(__file__).resolve().parents[1]
OPEN_DATA = ROOT.parent / "shared" / "domain" / "open-data"
PAIRS = {
    "AN": OPEN_DATA / "lafabrique-pairs-an.jsonl",
    "Sénat": OPEN_DATA / "lafabrique-pairs-senat.jsonl",
}
BTC1187 = OPEN_DATA / "an-opendata-BTC1187-liasse-index.jsonl"


@dataclass(frozen=True)
class Pair:
    """One real case: the article before, the adopted amendment, the article after."""

    id: str
    amendment: str
    dispositif: str
    before: list[str]
    after: list[str]


def load_pairs(chamber: str) -> list[Pair]:
    """Read the pairs of one chamber (empty when the shared data is absent)."""
    path = PAIRS[chamber]
    if not path.exists():
        return []
    pairs = []
    for line in path.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        pairs.append(
            Pair(
                record["id"],
                record["amendment"],
                html.unescape(record["dispositif"]),
                split_alineas(record["article_avant"]),
                split_alineas(record["article_apres"]),
            )
        )
    return pairs


_EDGE_QUOTES = re.compile(r'^"+|"+(?=[\s.;:,]*$)')


def comparable(alineas: list[str]) -> list[str]:
    """Normalise an article for scoring: spaces, quotes, and « (Supprimé) » lines left out."""
    kept = [normalise(text) for text in alineas if not is_deletion_marker(text)]
    return [_EDGE_QUOTES.sub("", text) for text in kept]


def _stream(text: str) -> list[str]:
    """Return the tokens of one alinéa between paragraph marks."""
    return ["¶", *keys(text), "¶"]


def _contains(haystack: list[str], needle: list[str]) -> bool:
    """Tell whether a token sequence occurs in another."""
    size = len(needle)
    return any(haystack[i : i + size] == needle for i in range(len(haystack) - size + 1))


def _similarity(left: str, right: str) -> float:
    """Return how alike two alinéas are, word for word (0 to 1)."""
    return SequenceMatcher(None, keys(left), keys(right), autojunk=False).ratio()


# A text the amendment supplies whole (a new alinéa) may have been retouched by the reading (a
# typo fixed, a sub-amendment): it counts as adopted when it is this alike to the adopted one.
_ALIKE = 0.85


def _word_edits_present(source: str, edited: str, adopted: str) -> bool:
    """Tell whether every word-level change from source to edited is in the adopted alinéa."""
    # Case aside: the reading often capitalises a name (« la Commission nationale »).
    old, new, truth = _stream(source.lower()), _stream(edited.lower()), _stream(adopted.lower())
    for tag, _i1, _i2, j1, j2 in SequenceMatcher(None, old, new, autojunk=False).get_opcodes():
        if tag == "equal":
            continue
        if not any(_contains(truth, new[max(0, j1 - k) : j2 + k]) for k in (3, 2, 1)):
            return False
    return True


def _pairs(result: list[str], truth: list[str]) -> list[tuple[str, str | None]]:
    """Pair each changed alinéa of the result with the adopted alinéa at the same place."""
    pairs: list[tuple[str, str | None]] = []
    matcher = SequenceMatcher(None, result, truth, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        candidates = truth[j1:j2]
        for text in result[i1:i2]:
            best = max(candidates, key=lambda other: _similarity(text, other), default=None)
            if best is not None and _similarity(text, best) < 0.5:
                best = None
            pairs.append((text, best))
    return pairs


def _alinea_adopted(text: str, adopted: str | None, before: list[str], supplied: set[str]) -> bool:
    """Tell whether one changed alinéa of the result is in the adopted text."""
    if adopted is None:
        return False
    if text in supplied:
        return _similarity(text, adopted) >= _ALIKE
    source = max(before, key=lambda old: _similarity(text, old), default="")
    return _word_edits_present(source, text, adopted)


def verdict(
    before: list[str],
    result: list[str],
    after: list[str],
    supplied: tuple[str, ...] = (),
    *,
    whole_article: bool = False,
) -> str:
    """Score an applied amendment: « exact », « consistent » or « wrong » (see the module doc)."""
    old, new, truth = comparable(before), comparable(result), comparable(after)
    if new == truth:
        return "exact"
    if whole_article:
        # Nothing to misplace: the amendment's text is the article, retouched or not by the reading.
        return (
            "consistent" if _similarity(" ¶ ".join(new), " ¶ ".join(truth)) >= _ALIKE else "wrong"
        )
    texts = set(comparable(list(supplied)))
    for text, adopted in _pairs(new, truth):
        if not _alinea_adopted(text, adopted, old, texts):
            return "wrong"
    # An alinéa the amendment deleted (not merely edited) must be gone from the adopted text.
    deleted = [text for text in old if not any(_similarity(text, n) >= 0.5 for n in new)]
    if any(text in truth for text in deleted):
        return "wrong"
    return "consistent"


# Pairs where the adopted text does not show a change the amendment plainly makes, checked by
# hand: the applier's literal result is right, the reading (or its consolidation) did otherwise.
KNOWN_DIVERGENCES = {
    "14-non-cumul_executif_local_depute_senateur__08_nouv.lect._assemblee_commission__1er": (
        "partie I (« supprimer la référence : « I.- » » au début de l’alinéa 1) : le texte adopté "
        "garde « I. – », le II étant devenu « II. – (Supprimé) » au lieu de disparaître"
    ),
    "13-plfss_2012__05_1erelecture_senat_hemicycle__3": (
        "l’article après lecture est vide (supprimé plus tard dans la lecture) : l’alinéa ajouté "
        "ne peut s’y retrouver"
    ),
    "14-biologie_medicale_reforme__02_1erelecture_senat_hemicycle__11": (
        "la lecture a réécrit l’article autrement (« La section 1 … est complétée par un "
        "article L. 6213-6-1 » au lieu de « Après l’article L. 6213-6 …, il est inséré … »)"
    ),
    "13-plfss_2012__05_1erelecture_senat_hemicycle__30_bis": (
        "« Rédiger ainsi le début » appliqué, mais la lecture a réécrit ce début autrement "
        "(« La sous-section 1 … est complétée par un article L. 133-8-3 ainsi rétabli »)"
    ),
    "13-reforme_retraites__05_1erelecture_senat_hemicycle__32_quinquies": (
        "partie II appliquée à la lettre (« 1° à 2° ») ; le texte adopté a coordonné en "
        "« 1° et 2° »"
    ),
    "14-transparence_vie_publique_pjl__07_1erelecture_senat_hemicycle__4": (
        "l’article après lecture est un autre texte : la ligne du tableau modifiée n’y figure plus"
    ),
    "15-competences_collectivite_europeenne_alsace__01_1erelecture_senat_commission__11": (
        "le dispositif porte des restes de conversion (« 1<sup>er</sup>_bis_ ») et la lecture a "
        "réécrit la phrase (« de l’article 1er bis, du I de l’article 2 … »)"
    ),
    "15-competences_collectivite_europeenne_alsace__01_1erelecture_senat_commission__2": (
        "l’article après lecture est un autre texte (I. et II. sur le code du tourisme et le "
        "CGCT) que la rédaction de l’amendement"
    ),
}


@dataclass(frozen=True)
class ApplierScore:
    """The applier's outcome on one pair."""

    pair: Pair
    family: str
    outcome: str  # exact, consistent, wrong, not_applied, unsupported
    reason: str = ""


def score_applier(pair: Pair) -> ApplierScore:
    """Apply the real dispositif to the article before and score the result."""
    family = formula_family(pair.dispositif)
    if family == "not_understood":
        return ApplierScore(pair, family, "unsupported")
    try:
        result = apply_dispositif(pair.dispositif, pair.before)
    except NotUnderstood as error:
        return ApplierScore(pair, family, "not_applied", error.reason)
    operations = parse_dispositif(pair.dispositif)
    supplied = tuple(text for op in operations for text in op.new_alineas)
    whole = all(op.scope == "article" and op.kind != "append_alineas" for op in operations)
    outcome = verdict(pair.before, result, pair.after, supplied, whole_article=whole)
    if outcome == "wrong" and pair.id in KNOWN_DIVERGENCES:
        return ApplierScore(pair, family, "divergent", KNOWN_DIVERGENCES[pair.id])
    return ApplierScore(pair, family, outcome)


@dataclass(frozen=True)
class GeneratorScore:
    """The generator's outcome on one pair."""

    pair: Pair
    real_family: str
    family: str
    round_trip: bool
    own_family: str


def _generated_family(before: list[str], after: list[str]) -> tuple[str, bool]:
    """Generate a dispositif and check that applying it gives the article after."""
    try:
        generated = generate_dispositif(before, after)
        result = apply_dispositif(generated.dispositif, before)
    except (NotUnderstood, NoChange):
        return "none", False
    return generated.family, comparable(result) == comparable(after)


def score_generator(pair: Pair) -> GeneratorScore:
    """Generate from (before, after) and from the amendment's own effect; compare families."""
    real = formula_family(pair.dispositif)
    family, round_trip = _generated_family(pair.before, pair.after)
    own = "none"
    try:
        effect = apply_dispositif(pair.dispositif, pair.before)
        own = _generated_family(pair.before, effect)[0]
    except NotUnderstood:
        pass
    return GeneratorScore(pair, real, family, round_trip, own)
