"""Catalog KPIs: procedures reorganised into events, and procedures fully online (toàn trình).

Pure functions over procedures and the set of codes that belong to ≥ 1 event. Reported for the
local scope (city and commune levels: what Hà Nội runs) and for the whole national catalog.
`fully_online` is derived from the channels unless an official list overrode it (design.md).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Iterable

from pydantic import BaseModel

from catalog.schema import Procedure
from models.kpi.share import KpiShare

EVENT_TARGET = 0.5  # Resolution 57 plan: ≥ 50 % of procedures in life-event groups
FULLY_ONLINE_TARGET = 0.8  # 80 % of procedures fully online by 6/2026


def _scope(procedures: Iterable[Procedure], local_only: bool) -> list[Procedure]:
    return [p for p in procedures if p.is_local or not local_only]


def event_coverage(
    procedures: Iterable[Procedure], codes_in_events: Collection[str], *, local_only: bool = True
) -> KpiShare:
    """Share of fully-online procedures that belong to at least one life or business event."""
    online = [p for p in _scope(procedures, local_only) if p.fully_online]
    inside = sum(p.code in codes_in_events for p in online)
    scope = "cấp tỉnh và cấp xã" if local_only else "toàn bộ danh mục"
    return KpiShare.of(
        name="procedures_in_events",
        numerator=inside,
        denominator=len(online),
        target=EVENT_TARGET,
        note=f"thủ tục trực tuyến toàn trình thuộc ≥ 1 nhóm sự kiện ({scope})",
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


def catalog_kpis(procedures: Iterable[Procedure], codes_in_events: Collection[str]) -> list[KpiShare]:
    """Both catalog KPIs, local scope first, then the whole catalog."""
    procedures = list(procedures)
    return [
        event_coverage(procedures, codes_in_events, local_only=True),
        event_coverage(procedures, codes_in_events, local_only=False),
        fully_online_share(procedures, local_only=True),
        fully_online_share(procedures, local_only=False),
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
