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
