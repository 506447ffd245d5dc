"""Load the curated event taxonomy shipped in `models/events/data/taxonomy.yaml`."""

from __future__ import annotations

import hashlib
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from catalog.store import Catalog
from models.events.schema import EventMember, EventStep, JointProcedure, LifeEvent

TAXONOMY_PATH = Path(__file__).parent / "data" / "taxonomy.yaml"


class TaxonomyError(Exception):
    """The taxonomy file is unreadable, malformed or names procedures the catalog lacks."""


class Taxonomy(BaseModel):
    """The curated events and the liên thông (joint) procedures."""

    model_config = ConfigDict(frozen=True)

    events: list[LifeEvent]
    joint: list[JointProcedure]

    def curated_codes(self) -> set[str]:
        return {m.code for e in self.events for m in e.members}


def _event(raw: dict) -> LifeEvent:
    steps, members = [], []
    for index, step in enumerate(raw.get("steps", [])):
        steps.append(EventStep(name_vi=step["name_vi"], choose_one=step.get("choose_one", False)))
        members.extend(EventMember(step=index, **member) for member in step.get("members", []))
    fields = {k: v for k, v in raw.items() if k != "steps"}
    return LifeEvent(steps=steps, members=members, **fields)


def taxonomy_fingerprint() -> dict[str, object]:
    """What an events build depends on besides the catalog: the shipped taxonomy's checksum."""
    return {"taxonomy_sha256": hashlib.sha256(TAXONOMY_PATH.read_bytes()).hexdigest()}


def load_taxonomy(path: Path | None = None) -> Taxonomy:
    """Parse and validate the taxonomy file (the shipped one by default)."""
    path = Path(path) if path is not None else TAXONOMY_PATH
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        taxonomy = Taxonomy(
            events=[_event(e) for e in raw["events"]],
            joint=[JointProcedure(**j) for j in raw.get("joint", [])],
        )
    except (OSError, yaml.YAMLError, KeyError, TypeError) as exc:
        raise TaxonomyError(f"{path}: cannot read the event taxonomy ({exc})") from exc
    except ValidationError as exc:
        raise TaxonomyError(f"{path}: invalid event taxonomy: {exc.errors()[0]['msg']}") from exc
    ids = [e.id for e in taxonomy.events]
    if len(ids) != len(set(ids)):
        raise TaxonomyError(f"{path}: duplicate event ids")
    return taxonomy


def check_against_catalog(taxonomy: Taxonomy, catalog: Catalog) -> None:
    """Raise `TaxonomyError` naming every curated code the catalog does not hold."""
    missing = sorted(
        {m.code for e in taxonomy.events for m in e.members if m.code not in catalog}
        | {c for j in taxonomy.joint for c in [j.code, *j.includes] if c not in catalog}
    )
    if missing:
        shown = ", ".join(missing[:10]) + (f" and {len(missing) - 10} more" if len(missing) > 10 else "")
        raise TaxonomyError(
            f"taxonomy names {len(missing)} procedures missing from catalog {catalog.version}: {shown}"
        )
