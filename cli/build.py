"""`tthc build`: convert the embedding model and build the artefacts of a catalog version."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from catalog.store import Catalog
from cli.options import CatalogOption, fail, open_catalog
from models.artefacts import BUILD_STEPS, ArtefactsError, build_artefacts, load_artefacts
from models.embedding.bias_tuning import TuningError
from models.embedding.convert import ConversionError
from models.embedding.encoder import EncoderNotFoundError
from models.embedding.onnx_export import ExportError
from models.embedding.onnx_quantize import QuantizeError
from models.events import TaxonomyError, check_against_catalog, load_taxonomy
from service.settings import get_settings


def _check_events_step(procedures: Catalog, artefacts_dir: Path, steps: list[str]) -> None:
    """Before any model work: the taxonomy must name only codes of this catalog, and the dense index
    the events step reads must be built or part of this build."""
    if "events" not in steps:
        return
    try:
        check_against_catalog(load_taxonomy(), procedures)
    except TaxonomyError as exc:
        fail(f"{exc}; fix models/events/data/taxonomy.yaml or import a catalog that holds them")
    if "dense" in steps:
        return
    try:
        load_artefacts(procedures, artefacts_dir, steps=["dense"])
    except ArtefactsError:
        fail(
            f"step 'events' reads the dense index, which is not built for catalog {procedures.version};"
            " run `tthc build --step dense --step events` (or `tthc build`)"
        )


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
    _check_events_step(procedures, artefacts_dir, step or list(BUILD_STEPS))
    try:
        built = build_artefacts(procedures, artefacts_dir, steps=step, force=force)
    except (
        ArtefactsError,
        ConversionError,
        EncoderNotFoundError,
        ExportError,
        QuantizeError,
        TaxonomyError,
        TuningError,
        OSError,
    ) as exc:
        fail(str(exc))
    typer.echo(
        f"catalog {built.manifest.catalog_version}: {built.manifest.procedures} procedures → {built.root}"
    )
    for name, record in built.manifest.steps.items():
        size = sum(file.bytes for file in record.files.values())
        typer.echo(f"  {name:<12} {record.seconds:>8.1f} s  {len(record.files)} files  {size / 1e6:.1f} MB")
