"""Catalog and dossier KPI arithmetic, on hand-made records and on the shipped catalog."""

from __future__ import annotations

from datetime import date

import pytest

from catalog.schema import Channel, ChannelKind, Level, Procedure
from models.kpi.catalog import catalog_kpis, coverage_by, event_coverage, fully_online_share
from models.kpi.dossiers import DossierRecord, feedback_rates, records_from_log, suggestion_share


def _procedure(code: str, *, local: bool, online: bool) -> Procedure:
    return Procedure(
        code=code,
        title=f"Thủ tục {code}",
        field="Hộ tịch" if code.endswith("1") else "Thuế",
        levels=[Level.COMMUNE if local else Level.MINISTRY],
        channels=[Channel(kind=ChannelKind.ONLINE if online else ChannelKind.IN_PERSON)],
        fully_online=online,
        source="test",
        imported_on=date(2026, 1, 1),
    )


PROCEDURES = [
    _procedure("1.000001", local=True, online=True),
    _procedure("1.000002", local=True, online=True),
    _procedure("1.000011", local=True, online=False),
    _procedure("1.000003", local=False, online=True),
    _procedure("1.000004", local=False, online=False),
]


def test_event_coverage_of_all_procedures_against_the_city_target():
    local = event_coverage(PROCEDURES, {"1.000001", "1.000011"}, local_only=True)
    assert (local.numerator, local.denominator, local.share) == (2, 3, 0.6667)
    assert local.meets_target and local.target == 0.5
    whole = event_coverage(PROCEDURES, {"1.000001", "1.000003"}, local_only=False)
    assert (whole.numerator, whole.denominator, whole.share) == (2, 5, 0.4)
    assert not whole.meets_target


def test_event_coverage_of_fully_online_procedures_against_the_product_goal():
    local = event_coverage(PROCEDURES, {"1.000001", "1.000011"}, local_only=True, fully_online_only=True)
    assert (local.numerator, local.denominator, local.share) == (1, 2, 0.5)
    assert not local.meets_target and local.target == 0.8
    whole = event_coverage(PROCEDURES, {"1.000001", "1.000003"}, local_only=False, fully_online_only=True)
    assert (whole.numerator, whole.denominator) == (2, 3)


def test_fully_online_share_per_scope():
    local = fully_online_share(PROCEDURES, local_only=True)
    assert (local.numerator, local.denominator) == (2, 3)
    assert not local.meets_target  # 67 % < 80 %
    whole = fully_online_share(PROCEDURES, local_only=False)
    assert (whole.numerator, whole.denominator, whole.share) == (3, 5, 0.6)


def test_empty_scope_has_no_share():
    share = event_coverage([], set())
    assert share.share is None and not share.meets_target


def test_coverage_by_field():
    rows = {
        r.group: r for r in coverage_by(PROCEDURES, {"1.000001"}, key=lambda p: p.field, local_only=False)
    }
    assert rows["Hộ tịch"].fully_online == 1 and rows["Hộ tịch"].share == 1.0
    assert rows["Thuế"].fully_online == 2 and rows["Thuế"].in_events == 0


def test_dossier_suggestion_share_and_feedback():
    records = [
        DossierRecord(case_id="a", suggestions_shown=3, accepted=1, declined=1),
        DossierRecord(case_id="b", suggestions_shown=0),
        DossierRecord(case_id="c", suggestions_shown=5, accepted=2, declined=0),
    ]
    share = suggestion_share(records)
    assert (share.numerator, share.denominator) == (2, 3)
    assert share.meets_target  # 67 % ≥ 60 %
    rates = feedback_rates(records)
    assert rates.acceptance_rate == 0.75 and rates.decline_rate == 0.25
    assert rates.accepted_per_shown == pytest.approx(3 / 8, abs=1e-4)
    assert suggestion_share([]).share is None
    assert feedback_rates([]).acceptance_rate is None


def test_records_from_log_marks_synthetic():
    records = records_from_log([("x", ["1.000001"], True), ("y", [], True)], lambda codes: len(codes))
    assert [r.suggestions_shown for r in records] == [1, 0]
    assert suggestion_share(records).synthetic


def test_catalog_kpis_on_the_shipped_catalog(catalog):
    from models.events import EventCatalog

    in_events = EventCatalog.build(catalog).codes_in_events()
    local_all, local_online_events, local_online = catalog_kpis(catalog, in_events)
    assert local_all.denominator == local_online.denominator == sum(p.is_local for p in catalog)
    assert local_online_events.denominator == local_online.numerator
    assert local_all.meets_target and local_online_events.share >= 0.8
    whole_all, whole_online_events, whole_online = catalog_kpis(catalog, in_events, local_only=False)
    assert whole_all.denominator == whole_online.denominator == len(catalog)
    assert whole_online_events.denominator == whole_online.numerator
