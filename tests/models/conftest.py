"""Fixtures shared by the `models` tests.

`artefacts` — the built artefacts of the shipped catalog (`models.artefacts.Artefacts`: the
converted e5 encoder folder, the FAISS dense index and every other registered build step). Built
once per session into the settings' artefacts directory (`$TTHC_ARTEFACTS_DIR`, default
`<repo>/artefacts`), so later runs and the CLI reuse it; the first build takes a few minutes, so
mark tests that use it `@pytest.mark.slow`. Use `artefacts.step_dir("<step>")` for a step's files,
`artefacts.load_encoder()` and `artefacts.load_dense_index()` for the dense side.
"""

from __future__ import annotations

import pytest

from catalog.store import Catalog
from models.artefacts import Artefacts, ensure_artefacts
from service.settings import get_settings


@pytest.fixture(scope="session")
def artefacts(catalog: Catalog) -> Artefacts:
    """The shipped catalog's artefacts, built if missing (all registered steps)."""
    return ensure_artefacts(catalog, get_settings().artefacts_dir)
