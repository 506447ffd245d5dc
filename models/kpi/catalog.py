"""Catalog KPIs: procedures reorganised into events, and procedures fully online (toàn trình).

Pure functions over procedures and the set of codes that belong to ≥ 1 event. Reported for the
local scope (city and commune levels: what Hà Nội runs) and for the whole national catalog. Event
coverage is measured twice: over every procedure (the city's target, 50 %) and over fully-online
procedures (this product's own goal, 80 %: those are the ones a bundle can send people to online).
`fully_online` is derived from the channels unless an official list overrode it (design.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable

from pydantic import BaseModel

from catalog.schema import Procedure
from models.kpi.share import KpiShare

EVENT_TARGET = 0.5  # Resolution 57 plan: ≥ 50 % of procedures in life-event groups
ONLINE_EVENT_GOAL = 0.8  # issue 5: ≥ 80 % of fully-online procedures in ≥ 1 event
FULLY_ONLINE_TARGET = 0.8  # 80 % of procedures fully online by 6/2026


def _scope(procedures: Iterable[Procedure], local_only: bool) -> list[Procedure]:
    return [p for p in procedures if p.is_local or not local_only]


def event_coverage(
    procedures: Iterable[Procedure],
    codes_in_events: Collection[str],
    *,
    local_only: bool = True,
    fully_online_only: bool = False,
) -> KpiShare:
    """Share of procedures (or of fully-online ones only) in at least one life or business event."""
    chosen = [p for p in _scope(procedures, local_only) if p.fully_online or not fully_online_only]
    inside = sum(p.code in codes_in_events for p in chosen)
    scope = "cấp tỉnh và cấp xã" if local_only else "toàn bộ danh mục"
    kind = "thủ tục trực tuyến toàn trình" if fully_online_only else "thủ tục"
    return KpiShare.of(
        name="online_procedures_in_events" if fully_online_only else "procedures_in_events",
        numerator=inside,
        denominator=len(chosen),
        target=ONLINE_EVENT_GOAL if fully_online_only else EVENT_TARGET,
        note=f"{kind} thuộc ≥ 1 nhóm sự kiện ({scope})",
        synthetic=False,
    )


def fully_online_share(procedures: Iterable[Procedure], *, local_only: bool = True) -> KpiShare:
    """Share of procedures with an end-to-end online channel."""
    chosen = _scope(procedures, local_only)
    online = sum(p.fully_online for p in chosen)
    sources = {p.fully_online_source for p in chosen}
    scope = "cấp tỉnh và cấp xã" if local_only else "toàn bộ danh mục"
    origin = "danh sách chính thức" if sources == {"official"} else "suy ra từ kênh nộp"
    return KpiShare.of(
        name="procedures_fully_online",
        numerator=online,
        denominator=len(chosen),
        target=FULLY_ONLINE_TARGET,
        note=f"thủ tục trực tuyến toàn trình ({scope}; {origin})",
        synthetic=False,
    )


def catalog_kpis(
    procedures: Iterable[Procedure], codes_in_events: Collection[str], *, local_only: bool = True
) -> list[KpiShare]:
    """The catalog KPIs of one scope: event coverage of all and of fully-online procedures, and the
    fully-online share."""
    procedures = list(procedures)
    return [
        event_coverage(procedures, codes_in_events, local_only=local_only),
        event_coverage(procedures, codes_in_events, local_only=local_only, fully_online_only=True),
        fully_online_share(procedures, local_only=local_only),
    ]


class CoverageRow(BaseModel):
    group: str
    fully_online: int
    in_events: int
    share: float | None


def coverage_by(
    procedures: Iterable[Procedure],
    codes_in_events: Collection[str],
    *,
    key: Callable[[Procedure], str | None],
    local_only: bool = True,
) -> list[CoverageRow]:
    """Event coverage of fully-online procedures per group (e.g. field or ministry), largest first."""
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for procedure in _scope(procedures, local_only):
        if procedure.fully_online:
            row = counts[key(procedure) or "?"]
            row[0] += 1
            row[1] += procedure.code in codes_in_events
    rows = [
        CoverageRow(group=g, fully_online=n, in_events=k, share=round(k / n, 4) if n else None)
        for g, (n, k) in counts.items()
    ]
    return sorted(rows, key=lambda r: (-r.fully_online, r.group))
