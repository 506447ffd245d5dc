"""The `events` build step: event assignment with e5 embeddings, and FAISS embedding neighbours.

Runs after the `dense` step of the same artefact version and reads its FAISS index: the passage
vectors join words, field and target group in the assignment features, and each procedure's
nearest passages become the suggester's embedding neighbours. Written files:

    assignments.json   `AssignmentResult` (model memberships, confidence, evidence, review flags)
    neighbours.json    {code: [[code, cosine], ...]} from the dense index, best first
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from catalog.store import Catalog
from models.events.catalog import EventCatalog
from models.events.features import build_features

ASSIGNMENTS_FILE = "assignments.json"
NEIGHBOURS_FILE = "neighbours.json"
NEIGHBOURS_PER_CODE = 12


def _dense_vectors(dense_dir: Path, codes: list[str]) -> np.ndarray:
    """Passage vectors of `codes` (catalog order) read back from the dense step's FAISS index."""
    import faiss

    from models.search.dense import IDS_FILE, INDEX_FILE

    index = faiss.read_index(str(dense_dir / INDEX_FILE))
    ids = json.loads((dense_dir / IDS_FILE).read_text(encoding="utf-8"))
    stored = index.reconstruct_n(0, index.ntotal)
    row = {code: i for i, code in enumerate(ids)}
    missing = [c for c in codes if c not in row]
    if missing:
        raise ValueError(f"dense index lacks {len(missing)} catalog codes (e.g. {missing[:3]}); rebuild it")
    return np.ascontiguousarray(stored[[row[c] for c in codes]], dtype=np.float32)


def build_event_artefacts(catalog: Catalog, out_dir: Path, encoder: object) -> None:
    """Build step: assign the catalog to events with dense features; store embedding neighbours."""
    import faiss

    procedures = list(catalog)
    codes = [p.code for p in procedures]
    vectors = _dense_vectors(out_dir.parent / "dense", codes)
    events = EventCatalog.build(catalog, features=build_features(procedures, dense=vectors))
    events.save(out_dir / ASSIGNMENTS_FILE)
    index = faiss.IndexFlatIP(vectors.shape[1])
    index.add(vectors)
    scores, rows = index.search(vectors, NEIGHBOURS_PER_CODE + 1)
    neighbours = {
        code: [[codes[j], round(float(s), 4)] for s, j in zip(scores[i], rows[i], strict=True) if j != i][
            :NEIGHBOURS_PER_CODE
        ]
        for i, code in enumerate(codes)
    }
    (out_dir / NEIGHBOURS_FILE).write_text(json.dumps(neighbours, ensure_ascii=False), encoding="utf-8")


def load_event_artefacts(step_dir: Path) -> tuple[EventCatalog, dict[str, list[tuple[str, float]]]]:
    """The event catalog and embedding neighbours written by `build_event_artefacts`."""
    events = EventCatalog.load(step_dir / ASSIGNMENTS_FILE)
    raw = json.loads((step_dir / NEIGHBOURS_FILE).read_text(encoding="utf-8"))
    return events, {code: [(c, float(s)) for c, s in pairs] for code, pairs in raw.items()}
