"""The search evaluation notebook runs end to end and shows the comparison table and chart."""

from __future__ import annotations

from pathlib import Path

import pytest

from models.artefacts import Artefacts
from tests.conftest import SHARED

NOTEBOOK = Path(__file__).resolve().parents[2] / "notebooks" / "search_evaluation.ipynb"


@pytest.mark.slow
def test_search_notebook_runs_and_plots(artefacts: Artefacts, monkeypatch: pytest.MonkeyPatch) -> None:
    import nbformat
    from nbclient import NotebookClient

    monkeypatch.setenv("TTHC_SHARED_DIR", str(SHARED))
    monkeypatch.setenv("TTHC_ARTEFACTS_DIR", str(artefacts.root.parent))
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    NotebookClient(
        notebook, timeout=900, kernel_name="python3", resources={"metadata": {"path": NOTEBOOK.parent}}
    ).execute()
    outputs = [o for cell in notebook.cells if cell.cell_type == "code" for o in cell.outputs]
    text = "".join(o.get("text", "") for o in outputs)
    for system in ("sqlite-fts5", "bm25-folded", "dense-e5", "ours"):
        assert system in text
    assert "colloquial" in text and "no_diacritics" in text
    # One table and chart for the dev set, one for the written tuning queries.
    assert " 128 " in text and " 980 " in text
    assert sum("image/png" in o.get("data", {}) for o in outputs) == 2
