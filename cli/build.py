"""`tthc build`: convert the embedding model and build the artefacts of a catalog version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.options import CatalogOption, fail, open_catalog
from models.artefacts import BUILD_STEPS, ArtefactsError, build_artefacts
from models.embedding.convert import ConversionError
from models.embedding.encoder import EncoderNotFoundError
from service.settings import get_settings


def build(
    catalog: CatalogOption = None,
    artefacts: Annotated[
        Path | None,
        typer.Option(
            "--artefacts",
            help="Artefacts directory. Default: $TTHC_ARTEFACTS_DIR or <repo>/artefacts.",
            show_default=False,
        ),
    ] = None,
    step: Annotated[
        list[str] | None,
        typer.Option("--step", help=f"Build only this step (repeatable): {', '.join(BUILD_STEPS)}."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Rebuild even what is already built.")] = False,
) -> None:
    """Build the search artefacts (converted e5 model, FAISS index, ...) for the catalog."""
    procedures = open_catalog(catalog)
    artefacts_dir = artefacts or get_settings().artefacts_dir
    try:
        built = build_artefacts(procedures, artefacts_dir, steps=step, force=force)
    except (ArtefactsError, ConversionError, EncoderNotFoundError, OSError) as exc:
        fail(str(exc))
    typer.echo(
        f"catalog {built.manifest.catalog_version}: {built.manifest.procedures} procedures → {built.root}"
    )
    for name, record in built.manifest.steps.items():
        size = sum(file.bytes for file in record.files.values())
        typer.echo(f"  {name:<12} {record.seconds:>8.1f} s  {len(record.files)} files  {size / 1e6:.1f} MB")
