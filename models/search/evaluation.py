"""Search evaluation: Recall@k and MRR@10 overall and per query style, for any number of systems.

A query is a hit at k when any of its relevant codes is among the first k results (the convention
of the evaluation README). MRR@10 is the mean of 1/rank of the first relevant result, 0 beyond 10
(Voorhees, TREC-8 Question Answering track, 1999).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from models.text.normalize import has_diacritics

KS = (1, 5, 10)
MRR_DEPTH = 10
OVERALL = "overall"
# Tuning queries of our own: two per procedure for 1,330 local procedures (one per distinct
# title): 280 sampled at random among all of them (seed 2026), 350 among those open to citizens
# (seed 2027), then 350 and 350 more among the rest (seeds 2028, 2029), written from each
# procedure's title, field and results as people would ask (colloquial, then by turns unaccented,
# misspelt, counter jargon, acronym/slang, English), by writers who never saw the evaluation sets.
# Relevant: the procedure and its twins of the same title at other levels. They train the
# encoder's bias tuning (but for the held-out batches below) and choose the fusion weights, never
# the dev set; `tthc eval search` reads this file like any evaluation file.
WRITTEN_QUERIES = Path(__file__).with_name("written_queries.jsonl")
# Seven writers' batches (490 procedures) never train the encoder's bias tuning: fusion weights are
# chosen on them, and they show what the tuning does for procedures it never saw. Batches 14-18
# were written after the shipped tuning was trained; retraining on them did not beat it there.
WRITTEN_HELD_OUT = tuple(f"written-{batch}-" for batch in (7, 8, 14, 15, 16, 17, 18))


def is_held_out(query: EvalQuery) -> bool:
    """True for a written query kept out of encoder training (`WRITTEN_HELD_OUT`)."""
    return query.id.startswith(WRITTEN_HELD_OUT)


def everyday_sentences(path: Path = WRITTEN_QUERIES) -> list[str]:
    """Written queries outside the held-out batches that carry their marks and are spelt as meant
    (the misspelt style left out): everyday Vietnamese the catalog never writes, which the query
    repair learns its bigrams from (`QueryRepairer`)."""
    return [
        row.query
        for row in load_eval_queries(path)
        if not is_held_out(row) and row.style != "typo" and has_diacritics(row.query)
    ]


class EvalQuery(BaseModel):
    """One row of a search evaluation file."""

    model_config = ConfigDict(frozen=True)

    id: str
    query: str
    relevant: list[str] = Field(min_length=1)
    style: str = "all"


class Metrics(BaseModel):
    """Recall@1/5/10 and MRR@10 of one system on one group of queries."""

    queries: int
    recall: dict[int, float]
    mrr: float


class SystemReport(BaseModel):
    """Metrics of one system, overall and per style."""

    system: str
    overall: Metrics
    by_style: dict[str, Metrics]


class EvalFileError(ValueError):
    """An evaluation file is missing or has an invalid line."""


def load_eval_queries(path: Path) -> list[EvalQuery]:
    """Read a JSON Lines evaluation file (`{"id","query","relevant","style"}` per line)."""
    if not path.exists():
        raise EvalFileError(f"evaluation file not found: {path}")
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            rows.append(EvalQuery.model_validate(json.loads(line)))
        except (json.JSONDecodeError, ValidationError) as exc:
            raise EvalFileError(f"{path}:{lineno}: not an evaluation row ({exc})") from exc
    return rows


def first_relevant_rank(ranked: Sequence[str], relevant: Iterable[str]) -> int | None:
    """1-based rank of the first relevant code, or None."""
    wanted = set(relevant)
    return next((i for i, code in enumerate(ranked, 1) if code in wanted), None)


def metrics(ranks: Sequence[int | None]) -> Metrics:
    """Aggregate first-relevant ranks into Recall@k and MRR@10."""
    n = len(ranks)
    if not n:
        return Metrics(queries=0, recall={k: 0.0 for k in KS}, mrr=0.0)
    recall = {k: sum(1 for r in ranks if r is not None and r <= k) / n for k in KS}
    mrr = sum(1 / r for r in ranks if r is not None and r <= MRR_DEPTH) / n
    return Metrics(queries=n, recall=recall, mrr=mrr)


def evaluate(
    system: str, queries: Sequence[EvalQuery], search: Callable[[str], Sequence[str]]
) -> SystemReport:
    """Run `search` (query → ranked codes) on every query and report the metrics."""
    ranks = [first_relevant_rank(search(q.query), q.relevant) for q in queries]
    styles = sorted({q.style for q in queries})
    by_style = {
        style: metrics([r for r, q in zip(ranks, queries, strict=True) if q.style == style])
        for style in styles
    }
    return SystemReport(system=system, overall=metrics(ranks), by_style=by_style)


def report_rows(reports: Sequence[SystemReport]) -> list[dict[str, object]]:
    """Flat rows (group, system, n, R@1, R@5, R@10, MRR@10) for tables and data frames."""
    rows: list[dict[str, object]] = []
    groups = [OVERALL, *sorted({s for r in reports for s in r.by_style})]
    for group in groups:
        for report in reports:
            m = report.overall if group == OVERALL else report.by_style.get(group)
            if m is None:
                continue
            rows.append(
                {
                    "group": group,
                    "system": report.system,
                    "n": m.queries,
                    "R@1": round(m.recall[1], 3),
                    "R@5": round(m.recall[5], 3),
                    "R@10": round(m.recall[10], 3),
                    "MRR@10": round(m.mrr, 3),
                }
            )
    return rows


def format_table(reports: Sequence[SystemReport]) -> str:
    """A plain-text table: one block per group (overall, then each style), one line per system."""
    rows = report_rows(reports)
    width = max([len(r.system) for r in reports] + [6])
    lines = [f"{'group':<16} {'system':<{width}} {'n':>4} {'R@1':>6} {'R@5':>6} {'R@10':>6} {'MRR@10':>7}"]
    previous = None
    for row in rows:
        if previous is not None and row["group"] != previous:
            lines.append("")
        group = row["group"] if row["group"] != previous else ""
        previous = row["group"]
        lines.append(
            f"{group!s:<16} {row['system']!s:<{width}} {row['n']:>4} {row['R@1']:>6.3f} {row['R@5']:>6.3f} "
            f"{row['R@10']:>6.3f} {row['MRR@10']:>7.3f}"
        )
    return "\n".join(lines)
