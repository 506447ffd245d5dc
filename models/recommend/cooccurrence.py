"""Item-item co-occurrence learned from dossier logs, and a generator of synthetic logs.

A dossier log line says which procedures one person or business filed for one case, in order.
`CooccurrenceModel.fit` turns the logs into a case × procedure matrix and keeps, for each
procedure, the procedures most similar to it by cosine over cases (scikit-learn), plus how often
each one was filed after it. Real logs from the một cửa system plug in unchanged
(`load_dossier_logs`, JSON Lines); `synthetic_dossier_logs` simulates people living through the
curated events for development only (notebooks, tests, benchmarks). Every synthetic line carries
`synthetic: true` and the model remembers whether it learnt from them.
"""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from scipy import sparse
from sklearn.metrics.pairwise import cosine_similarity

from models.events.schema import LifeEvent, MemberRole, MemberSource


class DossierLog(BaseModel):
    """Procedures filed for one case, in filing order."""

    model_config = ConfigDict(frozen=True)

    case_id: str
    codes: list[str] = Field(min_length=1)
    synthetic: bool = False


class DossierLogError(ValueError):
    """A dossier log file that cannot be read; the message names the file and line."""


def load_dossier_logs(path: Path) -> list[DossierLog]:
    """Read a JSON Lines dossier log (`{"case_id", "codes": [...]}` per line, filing order)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise DossierLogError(f"{path}: cannot read the dossier log ({exc})") from exc
    logs = []
    for lineno, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            logs.append(DossierLog.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(map(str, first["loc"])) or "line"
            raise DossierLogError(f"{path}:{lineno}: {where}: {first['msg']}") from exc
    return logs


def synthetic_dossier_logs(
    events: Sequence[LifeEvent],
    *,
    cases: int = 20_000,
    noise_codes: Sequence[str] = (),
    seed: int = 7,
) -> list[DossierLog]:
    """Simulated cases: a person goes through one event, filing core members most of the time,
    situational ones sometimes, in step order, with an occasional unrelated filing."""
    rng = random.Random(seed)
    logs = []
    for index in range(cases):
        event = rng.choice(events)
        members = sorted((m for m in event.members if m.source is MemberSource.CURATED), key=lambda m: m.step)
        filed = list(
            dict.fromkeys(
                m.code for m in members if rng.random() < (0.7 if m.role is MemberRole.CORE else 0.2)
            )
        )
        if noise_codes and rng.random() < 0.15:
            filed.insert(rng.randrange(len(filed) + 1), rng.choice(noise_codes))
        if filed:
            logs.append(DossierLog(case_id=f"synthetic-{index}", codes=filed, synthetic=True))
    return logs


class Neighbour(BaseModel):
    model_config = ConfigDict(frozen=True)

    code: str
    similarity: float
    after_share: float  # share of joint cases where this one was filed after the given one
    cases: int


class CooccurrenceModel(BaseModel):
    """For each procedure, the procedures filed in the same cases, most associated first."""

    model_config = ConfigDict(frozen=True)

    neighbours: dict[str, list[Neighbour]]
    cases: int
    synthetic: bool

    @classmethod
    def fit(cls, logs: Iterable[DossierLog], *, top: int = 20, min_cases: int = 3) -> CooccurrenceModel:
        logs = list(logs)
        codes = sorted({c for log in logs for c in log.codes})
        column = {c: i for i, c in enumerate(codes)}
        rows, cols = [], []
        after: dict[tuple[int, int], int] = defaultdict(int)
        for r, log in enumerate(logs):
            # A code filed twice in one case is one filing at its first position; counting every
            # repeat made "filed after" pairs outnumber the joint cases (after_share above 1).
            positions = [column[c] for c in dict.fromkeys(log.codes)]
            rows.extend([r] * len(positions))
            cols.extend(positions)
            for i, a in enumerate(positions):
                for b in positions[i + 1 :]:
                    after[(a, b)] += 1
        matrix = sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(logs), len(codes)))
        matrix.data[:] = 1.0
        joint = (matrix.T @ matrix).toarray()
        similarity = cosine_similarity(matrix.T, dense_output=True)
        np.fill_diagonal(similarity, 0.0)
        neighbours: dict[str, list[Neighbour]] = {}
        for i, code in enumerate(codes):
            order = np.argsort(-similarity[i])[:top]
            neighbours[code] = [
                Neighbour(
                    code=codes[j],
                    similarity=round(float(similarity[i, j]), 4),
                    after_share=round(after[(i, j)] / joint[i, j], 3),
                    cases=int(joint[i, j]),
                )
                for j in order
                if joint[i, j] >= min_cases and similarity[i, j] > 0
            ]
        return cls(neighbours=neighbours, cases=len(logs), synthetic=any(log.synthetic for log in logs))

    def for_code(self, code: str) -> list[Neighbour]:
        return self.neighbours.get(code, [])
