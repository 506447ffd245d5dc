"""Versioned artefact builds: everything the service loads that is computed from a catalog.

Layout under `artefacts_dir`:

    encoder/                 multilingual-e5-small converted once with the bias tuning, shared by
                             every catalog version: it embeds the passages (PyTorch, at build time)
        passage_vectors.npz  passage vectors reused by later builds (only changed texts are embedded)
    query-encoder/           the same model with the query tuning (`bias_tuning.train_query_tuning`)
        onnx/                its ONNX export (fp32, exact)
        onnx-int8/           that export quantised to int8: the query encoder the service runs
    <catalog.version>/
        manifest.json        catalog version, created_at, per step: build seconds and files (sha256)
        <step>/              what one build step wrote (e.g. `dense/dense.faiss`)

A build step is any `callable(catalog, out_dir, encoder)` that writes into `out_dir`; registering
one is one line in `BUILD_STEPS`. Steps already recorded in the manifest are not rebuilt (unless
forced), so adding a step to an existing version builds only that step. Builds hold a file lock,
so test sessions and CLI runs started at the same time do not build the same folder twice.
"""

from __future__ import annotations

import fcntl
import os
import shutil
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError
from tqdm import tqdm

from catalog.store import Catalog
from models.embedding.bias_tuning import QUERY_TUNING_FILE, TUNING_FILE
from models.embedding.checksum import sha256_file
from models.embedding.convert import CONVERTER_VERSION, convert
from models.embedding.encoder import Encoder, Precision, TextEncoder, load_encoder
from models.embedding.onnx_encoder import OnnxEncoder, OnnxPrecision
from models.embedding.onnx_export import export_onnx
from models.embedding.onnx_quantize import quantize_onnx
from models.embedding.passage_store import StoredPassageEncoder
from models.events.artefacts import build_event_artefacts
from models.events.taxonomy import taxonomy_fingerprint
from models.search.dense import DenseIndex, procedure_passage
from models.search.descriptions import default_descriptions, descriptions_fingerprint
from models.search.lexical import build_lexical_index, index_fingerprint

MANIFEST_FILE = "manifest.json"
ENCODER_DIR = "encoder"
QUERY_ENCODER_DIR = "query-encoder"
_LOCK_FILE = ".build.lock"

BuildStep = Callable[[Catalog, Path, TextEncoder], None]


def build_dense_index(catalog: Catalog, out_dir: Path, encoder: TextEncoder) -> None:
    """FAISS index of every procedure's `procedure_passage`, keyed by code."""
    procedures = list(catalog)
    index = DenseIndex.build(
        [procedure_passage(p) for p in procedures],
        [p.code for p in procedures],
        encoder,
        show_progress=True,
    )
    index.save(out_dir)


def build_description_index(catalog: Catalog, out_dir: Path, encoder: TextEncoder) -> None:
    """FAISS index of every procedure's everyday descriptions (`models.search.descriptions`), each
    keyed by its procedure's code: a procedure scores as its best description."""
    descriptions = default_descriptions()
    passages = [
        (text, procedure.code)
        for procedure in catalog
        if (description := descriptions.get(procedure.code)) is not None
        for text in description.sentences()
    ]
    index = DenseIndex.build(
        [text for text, _ in passages], [code for _, code in passages], encoder, show_progress=True
    )
    index.save(out_dir)


# name → step; each writes into `<artefacts_dir>/<catalog.version>/<name>/`. Order is build order.
BUILD_STEPS: dict[str, BuildStep] = {
    "dense": build_dense_index,
    "descriptions": build_description_index,
    "lexical": build_lexical_index,
    "events": build_event_artefacts,  # after "dense": reads its index
}


def encoder_fingerprint() -> dict[str, object]:
    """What passage vectors depend on besides the catalog: the converter and the bias tuning."""
    return {"converter_version": CONVERTER_VERSION, "tuning_sha256": sha256_file(TUNING_FILE)}


# name → what a step's output depends on besides the catalog (code format, shipped data files).
# A step whose recorded inputs differ from these is stale and rebuilt by the next `tthc build`.
STEP_INPUTS: dict[str, Callable[[], dict[str, object]]] = {
    "dense": encoder_fingerprint,
    "descriptions": lambda: {**encoder_fingerprint(), **descriptions_fingerprint()},
    "lexical": index_fingerprint,
    # Events assign procedures by their passage vectors.
    "events": lambda: {**taxonomy_fingerprint(), **encoder_fingerprint()},
}


class ArtefactsError(Exception):
    """Artefacts are missing, incomplete or do not match their manifest."""


class FileRecord(BaseModel):
    sha256: str
    bytes: int


class StepRecord(BaseModel):
    """One build step's outcome: how long it took and what it wrote (paths relative to the version)."""

    seconds: float
    built_at: datetime
    files: dict[str, FileRecord]
    inputs: dict[str, object] = {}


class ArtefactManifest(BaseModel):
    """What one catalog version's artefact folder holds."""

    catalog_version: str
    procedures: int
    created_at: datetime
    encoder_seconds: float | None = None
    query_encoder_seconds: float | None = None
    # ONNX export and int8 quantisation of the query encoder.
    onnx_export_seconds: float | None = None
    onnx_quantize_seconds: float | None = None
    steps: dict[str, StepRecord] = {}


@dataclass(frozen=True)
class Artefacts:
    """A built artefact folder: where each step's files are and the encoder that indexed them."""

    root: Path
    encoder_dir: Path
    query_encoder_dir: Path
    manifest: ArtefactManifest

    def step_dir(self, name: str) -> Path:
        """The folder step `name` wrote into; `ArtefactsError` if it was not built."""
        if name not in self.manifest.steps:
            raise ArtefactsError(f"artefact step {name!r} was not built in {self.root}; run `tthc build`")
        return self.root / name

    def load_encoder(self, *, precision: Precision = "fp32", threads: int | None = None) -> Encoder:
        """The encoder the dense index was built with (arguments as `encoder.load_encoder`)."""
        return load_encoder(self.encoder_dir, precision=precision, threads=threads)

    def load_torch_query_encoder(
        self, *, precision: Precision = "fp32", threads: int | None = None
    ) -> Encoder:
        """The query encoder on PyTorch (slower than `load_query_encoder`; for checks and benchmarks)."""
        return load_encoder(self.query_encoder_dir, precision=precision, threads=threads)

    def load_query_encoder(
        self, *, precision: OnnxPrecision = "int8", threads: int | None = None
    ) -> OnnxEncoder:
        """The fast query encoder (ONNX Runtime; int8 by default, cosine ~0.98 to the vectors of
        `load_torch_query_encoder`, search quality unchanged): use it at serve time."""
        return OnnxEncoder(self.query_encoder_dir, precision=precision, threads=threads)

    def load_dense_index(self) -> DenseIndex:
        """One passage vector per procedure (`procedure_passage`)."""
        return DenseIndex.load(self.step_dir("dense"))

    def load_description_index(self) -> DenseIndex:
        """The vectors of the procedures' everyday descriptions, several per procedure."""
        return DenseIndex.load(self.step_dir("descriptions"))


def version_dir(catalog: Catalog, artefacts_dir: Path) -> Path:
    return Path(artefacts_dir) / catalog.version


def read_manifest(root: Path) -> ArtefactManifest | None:
    """The manifest of a version folder, or None when absent or unreadable (then it is rebuilt)."""
    try:
        return ArtefactManifest.model_validate_json((root / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValidationError):
        return None


def build_artefacts(
    catalog: Catalog,
    artefacts_dir: Path,
    *,
    steps: Sequence[str] | None = None,
    force: bool = False,
) -> Artefacts:
    """Build the named steps (default: all registered) for this catalog version.

    Converts the embedding model twice (passage and query tunings) and exports the query encoder to
    ONNX (fp32 and int8) first if missing or stale. Steps already in the manifest are kept unless
    `force`; `force` also reconverts the encoders.
    """
    names = _check_step_names(steps)
    artefacts_dir = Path(artefacts_dir)
    artefacts_dir.mkdir(parents=True, exist_ok=True)
    with _build_lock(artefacts_dir):
        encoder_dir = artefacts_dir / ENCODER_DIR
        conversion = convert(encoder_dir, force=force)
        query_encoder_dir = artefacts_dir / QUERY_ENCODER_DIR
        query_conversion = convert(query_encoder_dir, tuning_path=QUERY_TUNING_FILE, force=force)
        # Only queries are encoded at serve time: the passage encoder needs no ONNX graph.
        export = export_onnx(query_encoder_dir, force=force)
        quantized = quantize_onnx(query_encoder_dir, force=force)
        root = version_dir(catalog, artefacts_dir)
        root.mkdir(parents=True, exist_ok=True)
        manifest = read_manifest(root) or ArtefactManifest(
            catalog_version=catalog.version, procedures=len(catalog), created_at=datetime.now(UTC)
        )
        manifest.encoder_seconds = conversion.seconds
        manifest.query_encoder_seconds = query_conversion.seconds
        manifest.onnx_export_seconds = export.seconds
        manifest.onnx_quantize_seconds = quantized.seconds
        todo = [name for name in names if force or not _step_intact(root, manifest, name)]
        encoder: TextEncoder | None = None
        for name in tqdm(todo, desc=f"artefacts {catalog.version}", unit="step", disable=not todo):
            if encoder is None:
                # Passages embedded by an earlier build (another catalog version) are reused.
                encoder = StoredPassageEncoder(load_encoder(encoder_dir), encoder_dir)
            manifest.steps[name] = _run_step(name, BUILD_STEPS[name], catalog, root, encoder)
            # Written after every step, so an interrupted build keeps what it finished.
            _write_manifest(root, manifest)
        if not todo:
            _write_manifest(root, manifest)
    return Artefacts(
        root=root, encoder_dir=encoder_dir, query_encoder_dir=query_encoder_dir, manifest=manifest
    )


def load_artefacts(
    catalog: Catalog, artefacts_dir: Path, *, steps: Sequence[str] | None = None, verify: bool = False
) -> Artefacts:
    """Open the artefacts of this catalog version; `ArtefactsError` when any named step is missing.

    `verify` also compares every file's sha256 with the manifest (reads every byte).
    """
    names = _check_step_names(steps)
    artefacts_dir = Path(artefacts_dir)
    root = version_dir(catalog, artefacts_dir)
    manifest = read_manifest(root)
    if manifest is None:
        raise ArtefactsError(
            f"no artefacts for catalog {catalog.version} in {artefacts_dir}; run `tthc build`"
        )
    encoder_dir = artefacts_dir / ENCODER_DIR
    query_encoder_dir = artefacts_dir / QUERY_ENCODER_DIR
    for folder in (encoder_dir, query_encoder_dir):
        if not (folder / "modules.json").is_file():
            raise ArtefactsError(f"no converted embedding model in {folder}; run `tthc build`")
    for name in names:
        if not _step_intact(root, manifest, name):
            raise ArtefactsError(
                f"artefact step {name!r} missing, incomplete or stale in {root}; run `tthc build`"
            )
        if verify:
            for relative, record in manifest.steps[name].files.items():
                if sha256_file(root / relative) != record.sha256:
                    raise ArtefactsError(f"{root / relative} does not match its manifest checksum; rebuild")
    return Artefacts(
        root=root, encoder_dir=encoder_dir, query_encoder_dir=query_encoder_dir, manifest=manifest
    )


def ensure_artefacts(
    catalog: Catalog, artefacts_dir: Path, *, steps: Sequence[str] | None = None
) -> Artefacts:
    """Load the artefacts of this catalog version, building whatever is missing first."""
    try:
        return load_artefacts(catalog, artefacts_dir, steps=steps)
    except ArtefactsError:
        return build_artefacts(catalog, artefacts_dir, steps=steps)


def _check_step_names(steps: Sequence[str] | None) -> list[str]:
    if steps is None:
        return list(BUILD_STEPS)
    unknown = [name for name in steps if name not in BUILD_STEPS]
    if unknown:
        raise ArtefactsError(f"unknown build step(s) {unknown}; known: {sorted(BUILD_STEPS)}")
    return list(steps)


def _step_inputs(name: str) -> dict[str, object]:
    return STEP_INPUTS[name]() if name in STEP_INPUTS else {}


def _step_intact(root: Path, manifest: ArtefactManifest, name: str) -> bool:
    """The step is recorded with today's inputs and every file it wrote has the recorded size."""
    record = manifest.steps.get(name)
    if record is None or record.inputs != _step_inputs(name):
        return False
    return all(
        (root / relative).is_file() and (root / relative).stat().st_size == file.bytes
        for relative, file in record.files.items()
    )


def _run_step(name: str, step: BuildStep, catalog: Catalog, root: Path, encoder: TextEncoder) -> StepRecord:
    """Run a step into a scratch folder and swap it in, so a failed step leaves no half output."""
    final = root / name
    scratch = root / f".{name}.building-{os.getpid()}"
    shutil.rmtree(scratch, ignore_errors=True)
    scratch.mkdir()
    started = time.perf_counter()
    try:
        step(catalog, scratch, encoder)
        seconds = time.perf_counter() - started
        shutil.rmtree(final, ignore_errors=True)
        scratch.rename(final)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    files = {
        str(path.relative_to(root)): FileRecord(sha256=sha256_file(path), bytes=path.stat().st_size)
        for path in sorted(final.rglob("*"))
        if path.is_file()
    }
    return StepRecord(
        seconds=round(seconds, 2), built_at=datetime.now(UTC), files=files, inputs=_step_inputs(name)
    )


def _write_manifest(root: Path, manifest: ArtefactManifest) -> None:
    temporary = root / f".{MANIFEST_FILE}.{os.getpid()}"
    temporary.write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    os.replace(temporary, root / MANIFEST_FILE)


@contextmanager
def _build_lock(artefacts_dir: Path) -> Iterator[None]:
    with open(artefacts_dir / _LOCK_FILE, "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)
