"""Shared fixtures: where the real exports live, and the shipped catalog."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from catalog.store import Catalog, load_catalog

REPO = Path(__file__).resolve().parent.parent
SHARED = Path(os.environ.get("TTHC_SHARED_DIR", REPO.parent / "shared"))
RAW = SHARED / "data" / "raw"
PORTAL_CRAWL = RAW / "chatbot-tthc__chatbot_tthc" / "scripts" / "crawler" / "data" / "raw"
EVAL = SHARED / "eval"


@pytest.fixture(scope="session")
def shared_dir() -> Path:
    if not SHARED.exists():
        pytest.fail(f"the real exports are expected at {SHARED} (set TTHC_SHARED_DIR)")
    return SHARED


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The shipped catalog, as every command and the service load it by default."""
    return load_catalog()
