"""Options and helpers shared by every `tthc` command."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer

from catalog.store import Catalog, CatalogError, load_catalog
from service.settings import get_settings

if TYPE_CHECKING:
    from models.recommend import DossierLog

CatalogOption = Annotated[
    Path | None,
    typer.Option(
        "--catalog",
        help="Catalog file (gzip JSON Lines). Default: $TTHC_CATALOG_PATH or the shipped catalog.",
        show_default=False,
    ),
]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a message a person can act on and exit non-zero (no stack trace)."""
    typer.secho(f"error: {message}", err=True, fg=typer.colors.RED)
    raise typer.Exit(code)


def open_catalog(path: Path | None) -> Catalog:
    """Load the catalog named by `--catalog`, the environment or the shipped default."""
    try:
        return load_catalog(path or get_settings().catalog_path)
    except CatalogError as exc:
        fail(str(exc))


def configured_dossier_logs() -> list[DossierLog] | None:
    """The dossier log named by `TTHC_DOSSIER_LOG` (co-occurrence suggestions), None when unset."""
    path = get_settings().dossier_log
    if path is None:
        return None
    from models.recommend import DossierLogError, load_dossier_logs

    try:
        return load_dossier_logs(path)
    except DossierLogError as exc:
        fail(f"TTHC_DOSSIER_LOG: {exc}")
