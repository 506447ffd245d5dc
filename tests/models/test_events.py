"""The curated event taxonomy, model assignment and the event catalog, on the shipped catalog."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.events import EventKind, MemberRole, TaxonomyError, check_against_catalog, load_taxonomy


@pytest.fixture(scope="module")
def taxonomy():
    return load_taxonomy()


def test_every_curated_code_is_in_the_shipped_catalog(taxonomy, catalog):
    check_against_catalog(taxonomy, catalog)


def test_taxonomy_covers_life_and_business_events(taxonomy):
    kinds = {e.kind for e in taxonomy.events}
    assert kinds == {EventKind.LIFE, EventKind.BUSINESS}
    assert len(taxonomy.events) >= 25
    for event in taxonomy.events:
        assert event.steps and event.members, event.id
        assert event.description and event.name_en and event.name_vi
        assert all(0 <= m.step < len(event.steps) for m in event.members)
        assert any(m.role is MemberRole.CORE for m in event.members), event.id


def test_situational_members_say_when_they_apply(taxonomy):
    for event in taxonomy.events:
        for member in event.members:
            if member.role is MemberRole.SITUATIONAL:
                assert member.situation, (event.id, member.code)


def test_birth_bundle_holds_the_registrations_the_law_links(taxonomy, catalog):
    birth = next(e for e in taxonomy.events if e.id == "having-a-baby")
    codes = birth.codes()
    titles = {catalog.get_or_raise(code=c).title.lower() for c in codes}
    assert "1.001193" in codes  # đăng ký khai sinh
    assert "2.000986" in codes  # liên thông khai sinh, thường trú, thẻ BHYT dưới 6 tuổi
    assert "1.004222" in codes  # đăng ký thường trú
    assert any("liên thông" in t and "thường trú" in t and "bảo hiểm y tế" in t for t in titles)
    # the liên thông comes first, before the separate residence registration
    assert birth.member("2.000986").step < birth.member("1.004222").step


def test_death_bundle_follows_decree_63(taxonomy, catalog):
    death = next(e for e in taxonomy.events if e.id == "death-of-a-relative")
    titles = [catalog.get_or_raise(code=c).title.lower() for c in death.codes()]
    assert any("khai tử" in t for t in titles)
    assert any("xóa đăng ký thường trú" in t for t in titles)
    assert any("tử tuất" in t for t in titles)
    assert "63/2024" in (death.legal_basis or "")


def test_joint_procedures_include_what_they_replace(taxonomy, catalog):
    joint = {j.code: j for j in taxonomy.joint}
    assert set(joint["2.000986"].includes) >= {"1.001193", "1.004222"}


def test_a_broken_taxonomy_file_is_a_clear_error(tmp_path: Path):
    bad = tmp_path / "taxonomy.yaml"
    bad.write_text("events:\n  - id: Not An Id\n    name_vi: x\n", encoding="utf-8")
    with pytest.raises(TaxonomyError, match="taxonomy"):
        load_taxonomy(bad)


@pytest.fixture(scope="module")
def events(catalog):
    from models.events import EventCatalog

    return EventCatalog.build(catalog)


def test_event_catalog_verbs(events):
    from models.events import UnknownEventError

    assert len(events.list()) == len(events.list(kind="life")) + len(events.list(kind="business"))
    assert events.get(event_id="having-a-baby").name_en == "Having a baby"
    assert events.get(event_id="no-such-event") is None
    with pytest.raises(UnknownEventError):
        events.get_or_raise(event_id="no-such-event")
    assert "having-a-baby" in [e.id for e in events.events_for(code="1.001193")]
    assert events.events_for(code="9.999999") == []


def test_model_assignments_are_explained_and_reviewable(events, catalog):
    result = events.assignments
    assert result.assignments
    for assignment in result.assignments[:200]:
        assert assignment.evidence.neighbours, assignment
        assert assignment.code not in events.taxonomy.curated_codes()
        assert 0 <= assignment.confidence <= 1
    review = result.review_list()
    assert all(a.needs_review for a in review)
    assert [a.confidence for a in review] == sorted(a.confidence for a in review)


def test_variant_of_a_curated_act_lands_in_the_same_event(events):
    # "đăng ký khai tử lưu động" is not curated; its nearest curated member is "đăng ký khai tử"
    assert "death-of-a-relative" in [e.id for e in events.events_for(code="1.000419")]


def test_coverage_goal_of_fully_online_local_procedures(events, catalog):
    inside = events.codes_in_events()
    local_online = [p for p in catalog if p.is_local and p.fully_online]
    assert sum(p.code in inside for p in local_online) / len(local_online) >= 0.8


@pytest.mark.slow
def test_events_notebook_runs_and_plots():
    import nbformat
    from nbclient import NotebookClient

    path = Path(__file__).resolve().parents[2] / "notebooks" / "events_and_suggestions.ipynb"
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(
        notebook, timeout=600, kernel_name="python3", resources={"metadata": {"path": path.parent}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    assert any("image/png" in o.get("data", {}) for o in outputs)
    text = "".join(o.get("text", "") for o in outputs)
    assert "recall@10" in text and "procedures_in_events" in text


@pytest.mark.slow
def test_events_build_step_uses_e5_and_faiss(artefacts, catalog):
    from models.events.artefacts import load_event_artefacts
    from models.recommend import build_related_suggester

    events, neighbours = load_event_artefacts(artefacts.step_dir("events"))
    assert events.assignments.catalog_version == catalog.version
    inside = events.codes_in_events()
    local_online = [p for p in catalog if p.is_local and p.fully_online]
    assert sum(p.code in inside for p in local_online) / len(local_online) >= 0.8
    assert len(neighbours) == len(catalog)
    assert all(code != other for code, pairs in list(neighbours.items())[:100] for other, _ in pairs)
    suggester = build_related_suggester(catalog, events=events, embedding_neighbours=neighbours)
    assert any("embedding" in s.sources for s in suggester.suggest(codes=["1.013274"], limit=20))


def test_knn_recovers_held_out_curated_members(catalog):
    from models.events import load_taxonomy
    from models.events.assignment import holdout_accuracy
    from models.events.features import build_features

    report = holdout_accuracy(build_features(list(catalog)), load_taxonomy())
    assert report.members > 250
    assert report.top1_accuracy >= 0.7 and report.top2_recall >= 0.8


def test_wage_tax_members_are_the_wage_returns(taxonomy, catalog):
    """A PIT return placed for wages (step or situation about lương) must be the wage return, not
    the one for capital income, securities, royalties or prizes."""
    checked = 0
    for event in taxonomy.events:
        for member in event.members:
            said = f"{event.steps[member.step].name_vi} {member.situation or ''}".lower()
            title = catalog.get_or_raise(code=member.code).title.lower()
            if "lương" in said and "thuế thu nhập cá nhân" in title:
                assert "tiền lương" in title, (event.id, member.code, title)
                checked += 1
    assert checked >= 4


def test_methods_of_one_return_are_a_choose_one_step(taxonomy, catalog):
    """Two members of one step that each name a `phương pháp` are the same return by different
    methods: a taxpayer uses one, so the step must say choose_one."""
    for event in taxonomy.events:
        for index, step in enumerate(event.steps):
            methods = [
                m.code
                for m in event.members
                if m.step == index and "phương pháp" in catalog.get_or_raise(code=m.code).title.lower()
            ]
            assert len(methods) < 2 or step.choose_one, (event.id, step.name_vi, methods)
