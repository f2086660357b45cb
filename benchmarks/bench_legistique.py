"""Benchmark and score of the légistique core on real data (issue 18).

Prints, per formula family: the applier on La Fabrique's Assembly pairs (and the Sénat's), the
generator's round trip and family agreement, the linter on the BTC1187 liasse, and timings
(generation and application per amendment; the amended text of a 50-article text with 300
amendments). Skips cleanly when ../shared is absent. Usage: python benchmarks/bench_legistique.py
"""

from __future__ import annotations

import contextlib
import datetime
import json
import random
import statistics
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.legistique_corpus import (  # noqa: E402
    BTC1187,
    Pair,
    load_pairs,
    score_applier,
    score_generator,
)
from workflows.legistique import (  # noqa: E402
    NotUnderstood,
    amend_article,
    apply_dispositif,
    digest,
    generate_dispositif,
    html_to_text,
    lint,
)
from workflows.legistique.grammar import _parse  # noqa: E402
from workflows.legistique.text import keys, normalise, tokens  # noqa: E402


def _table(title: str, header: list[str], rows: list[list[object]]) -> None:
    """Print a plain-text table."""
    widths = [max(len(str(x)) for x in column) for column in zip(header, *rows, strict=True)]
    print(f"\n{title}")
    for row in [header, ["-" * w for w in widths], *rows]:
        print("  ".join(str(cell).ljust(width) for cell, width in zip(row, widths, strict=True)))


def _percent(part: int, whole: int) -> str:
    """Format a share as a percentage with its counts."""
    return f"{100 * part / whole:.1f} % ({part}/{whole})" if whole else "n/a"


def applier_report(chamber: str) -> dict[str, int]:
    """Score the applier on one chamber's pairs; print a table per family."""
    outcomes: dict[str, Counter[str]] = defaultdict(Counter)
    notes = []
    for pair in load_pairs(chamber):
        scored = score_applier(pair)
        outcomes[scored.family][scored.outcome] += 1
        if scored.outcome in ("not_applied", "divergent", "wrong"):
            notes.append(f"  {pair.amendment} ({scored.family}) {scored.outcome}: {scored.reason}")
    columns = ["exact", "consistent", "divergent", "not_applied", "wrong", "unsupported"]
    rows = [
        [family, sum(c.values()), *(c[k] for k in columns)]
        for family, c in sorted(outcomes.items())
    ]
    total: Counter[str] = sum(outcomes.values(), Counter())
    rows.append(["TOTAL", sum(total.values()), *(total[k] for k in columns)])
    _table(
        f"Applier, {chamber} pairs (apply(dispositif, avant) vs apres)",
        ["family", "pairs", *columns],
        rows,
    )
    supported = sum(total.values()) - total["unsupported"]
    print(
        f"supported (parsed): {supported}; correct (exact + consistent): "
        f"{_percent(total['exact'] + total['consistent'], supported)}; literal exact: "
        f"{_percent(total['exact'], supported)}; wrong: {total['wrong']}"
    )
    print("\n".join(notes))
    return dict(total)


def generator_report(chamber: str) -> None:
    """Score the generator: round trip, and the family compared with the real amendment's."""
    per_family: dict[str, Counter[str]] = defaultdict(Counter)
    for pair in load_pairs(chamber):
        scored = score_generator(pair)
        if scored.real_family == "not_understood":
            continue
        counts = per_family[scored.real_family]
        counts["pairs"] += 1
        counts["round_trip"] += scored.round_trip
        counts["family"] += scored.family == scored.real_family
        if scored.own_family != "none":
            counts["own_pairs"] += 1
            counts["own_family"] += scored.own_family == scored.real_family
    keys_ = ["pairs", "round_trip", "family", "own_pairs", "own_family"]
    rows = [[family, *(c[k] for k in keys_)] for family, c in sorted(per_family.items())]
    total: Counter[str] = sum(per_family.values(), Counter())
    rows.append(["TOTAL", *(total[k] for k in keys_)])
    _table(f"Generator, {chamber} supported pairs", ["real family", *keys_], rows)
    print(
        f"round trip apply(generate(avant, apres), avant) == apres: "
        f"{_percent(total['round_trip'], total['pairs'])}"
    )
    print(
        f"same family, generated from (avant, apres): {_percent(total['family'], total['pairs'])}"
    )
    print(
        f"same family, generated from the amendment's own effect: "
        f"{_percent(total['own_family'], total['own_pairs'])}"
    )


def linter_report() -> None:
    """Lint the real dispositifs of the BTC1187 liasse; list errors, count warnings."""
    if not BTC1187.exists():
        return
    counts: Counter[tuple[str, str]] = Counter()
    errors = []
    linted = 0
    for line in BTC1187.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        if not record["dispositif"]:
            continue
        linted += 1
        for finding in lint(html_to_text(record["dispositif"]), **btc_position(record)):
            counts[(finding.severity, finding.code)] += 1
            if finding.severity == "error":
                errors.append(f"  n° {record['numeroLong']}: {finding.code} — {finding.message}")
    rows = [[severity, code, count] for (severity, code), count in sorted(counts.items())]
    _table(f"Linter on the {linted} BTC1187 dispositifs", ["severity", "code", "count"], rows)
    print("\n".join(errors))


def btc_position(record: dict) -> dict[str, object]:
    """Return the lint keyword arguments (position) of a BTC1187 amendment."""
    short = record["division"]["articleDesignationCourte"]
    kind = "article"
    if record["amendementParentRef"]:
        kind = "amendment"
    elif short == "TITRE":
        kind = "title"
    elif short.startswith("APRÈS"):
        kind = "after_article"
    elif short.startswith("AVANT"):
        kind = "before_article"
    alinea = record.get("alinea") or {}
    number = int(alinea["numero"]) if alinea.get("numero") else None
    return {"position_kind": kind, "position_alinea": number, "today": datetime.date(2025, 4, 1)}


def _clear_caches() -> None:
    """Empty the parsing and tokenising caches, so a timing is that of a first call."""
    for cached in (_parse, normalise, tokens, keys):
        cached.cache_clear()


def _timed(calls: list[Callable[[], object]], cold: bool, repeats: int = 5) -> list[float]:
    """Return the milliseconds each call takes: the median of a few runs (the machine is shared),
    the parsing and tokenising caches emptied before each run when cold."""
    times = []
    for call in calls:
        runs = []
        for _ in range(repeats):
            if cold:
                _clear_caches()
            start = time.perf_counter()
            with contextlib.suppress(NotUnderstood):
                call()
            runs.append((time.perf_counter() - start) * 1000)
        times.append(statistics.median(runs))
    return times


def _summary(name: str, times: list[float]) -> list[object]:
    """Summarise timings: count, mean, 95th percentile, max (ms)."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))]
    return [name, len(times), f"{statistics.mean(times):.2f}", f"{p95:.2f}", f"{ordered[-1]:.2f}"]


def timing_report(pairs: list[Pair]) -> None:
    """Time application, generation and linting per amendment, cold and warm."""
    applicable = []
    for pair in pairs:
        try:
            applicable.append((pair, apply_dispositif(pair.dispositif, pair.before)))
        except NotUnderstood:
            continue
    applying = [lambda p=p: apply_dispositif(p.dispositif, p.before) for p, _ in applicable]
    generating = [lambda p=p, e=e: generate_dispositif(p.before, e) for p, e in applicable]
    linting = [lambda p=p: lint(p.dispositif, alineas=p.before) for p, _ in applicable]
    rows = []
    for cold in (True, False):
        label = "cold caches" if cold else "warm caches"
        rows.append(_summary(f"apply ({label})", _timed(applying, cold)))
        rows.append(_summary(f"generate ({label})", _timed(generating, cold)))
        rows.append(_summary(f"lint, with the article ({label})", _timed(linting, cold)))
    _table(
        "Per amendment, ms (AN pairs the applier understands)",
        ["what", "n", "mean", "p95", "max"],
        rows,
    )


def digest_report(pairs: list[Pair]) -> None:
    """Time the normalised digest over 20 000 dispositifs (identical-amendment detection)."""
    dispositifs = [
        f"{p.dispositif}\n(n° {i})" for i in range(20_000 // len(pairs) + 1) for p in pairs
    ]
    dispositifs = dispositifs[:20_000]
    start = time.perf_counter()
    for dispositif in dispositifs:
        digest(dispositif)
    elapsed = (time.perf_counter() - start) * 1000
    print(
        f"\ndigest of 20 000 dispositifs: {elapsed:.0f} ms ({1000 * elapsed / 20_000:.1f} µs each)"
    )


def _edited(text: str, rng: random.Random) -> str:
    """Replace one word of an alinéa by another, as an author would."""
    words = [t for t in tokens(text) if t.key.isalpha() and len(t.key) > 3]
    if not words:
        return text + " Phrase ajoutée."
    chosen = rng.choice(words)
    return (
        text[: chosen.start] + rng.choice(["nouveau", "différent", "modifié"]) + text[chosen.end :]
    )


def _synthetic_text(
    pairs: list[Pair], rng: random.Random
) -> list[tuple[list[str], list[tuple[int, str]]]]:
    """Build a 50-article text with 300 amendments (6 per article) from the real articles."""
    articles = [p.before for p in pairs if len(p.before) >= 2]
    text = []
    number = 0
    for index in range(50):
        source = articles[index % len(articles)]
        article = [f"{alinea} (version {index})" for alinea in source]
        amendments = []
        for _ in range(6):
            number += 1
            target = rng.randrange(len(article))
            after = list(article)
            after[target] = _edited(article[target], rng)
            try:
                amendments.append((number, generate_dispositif(article, after).dispositif))
            except NotUnderstood:
                amendments.append((number, "Supprimer cet article."))
        text.append((article, amendments))
    return text


def amended_text_report(pairs: list[Pair]) -> None:
    """Time the amended text of a 50-article text with 300 amendments."""
    text = _synthetic_text(pairs, random.Random(18))
    rows = []
    for cold in (True, False):
        if cold:
            _clear_caches()
        start = time.perf_counter()
        results = [amend_article(article, amendments) for article, amendments in text]
        elapsed = (time.perf_counter() - start) * 1000
        applied = sum(len(r.applied) for r in results)
        conflicts = sum(len(r.conflicts) for r in results)
        rows.append(
            [
                "cold caches" if cold else "warm caches",
                50,
                300,
                applied,
                conflicts,
                f"{elapsed:.1f}",
            ]
        )
    _table(
        "Amended text (50 articles, 300 amendments)",
        ["run", "articles", "amendments", "applied", "conflicts", "total ms"],
        rows,
    )


def main() -> int:
    """Run every report; skip when the shared data is absent."""
    pairs = load_pairs("AN")
    if not pairs:
        print("../shared/domain/open-data is absent: nothing to score (skipped).")
        return 0
    applier_report("AN")
    applier_report("Sénat")
    generator_report("AN")
    generator_report("Sénat")
    linter_report()
    timing_report(pairs)
    amended_text_report(pairs)
    digest_report(pairs)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
