"""Export the converted e5 folder to one ONNX graph (tokens → pooled, normalised vector) for queries.

Why: on the shared 2-core machine PyTorch eager encodes one short query in ~25-40 ms, and far
worse when its two OpenMP threads compete with other processes; ONNX Runtime runs the same fp32
graph in ~7-10 ms with agreement of cosine 1.0000 (`benchmarks/encode_latency.py`). This graph
stays fp32 (exact); `onnx_quantize` derives the int8 graph served for queries from it. Mean
pooling and L2 normalisation are inside the graph, so the runtime side only tokenises.
The weights are stored as external data, which ONNX Runtime memory-maps.

Written to `<encoder folder>/onnx/`, with a manifest tying it to the conversion it came from, so
it is exported once per conversion. A build step (`models.artefacts`), never run at import time.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from tqdm import tqdm

from models.embedding.checksum import sha256_file
from models.embedding.convert import MANIFEST_NAME as CONVERSION_MANIFEST
from models.embedding.derived_folder import building, folder_bytes, matches_parent, read_manifest

ONNX_DIR = "onnx"
ONNX_FILE = "sentence_embedding.onnx"
# Weights live beside the graph: ONNX Runtime then maps them from the file instead of copying,
# so a serving process holds ~150 MB resident instead of ~520 MB, shared between workers.
WEIGHTS_FILE = "sentence_embedding.onnx.data"
_FILES = (ONNX_FILE, WEIGHTS_FILE)
EXPORT_MANIFEST = "export.json"
# Bump when the exported graph changes, so old exports are redone.
EXPORTER_VERSION = 2
OPSET = 17
# Sentences checked against the PyTorch model after export.
_CHECK_SENTENCES = ["query: đăng ký tạm trú", "passage: Cấp lại thẻ căn cước. Cấp, quản lý căn cước"]


class ExportError(Exception):
    """The converted folder is missing or the exported graph disagrees with PyTorch."""


class ExportManifest(BaseModel):
    exporter_version: int
    conversion_sha256: str
    onnxruntime_agreement: float
    created_at: datetime
    seconds: float
    bytes: int


def onnx_path(encoder_dir: Path) -> Path:
    return Path(encoder_dir) / ONNX_DIR / ONNX_FILE


def read_export_manifest(encoder_dir: Path) -> ExportManifest | None:
    return read_manifest(Path(encoder_dir) / ONNX_DIR / EXPORT_MANIFEST, ExportManifest)


def is_exported(encoder_dir: Path) -> bool:
    """True when the ONNX graph exists and was exported from the folder's current conversion."""
    manifest = read_export_manifest(encoder_dir)
    return (
        manifest is not None
        and manifest.exporter_version == EXPORTER_VERSION
        and matches_parent(
            Path(encoder_dir) / ONNX_DIR,
            _FILES,
            parent_manifest=Path(encoder_dir) / CONVERSION_MANIFEST,
            recorded_sha256=manifest.conversion_sha256,
            recorded_bytes=manifest.bytes,
        )
    )


def export_onnx(encoder_dir: Path, *, force: bool = False, show_progress: bool = True) -> ExportManifest:
    """Export (unless current) and check the graph against PyTorch (cosine ≥ 0.9999)."""
    encoder_dir = Path(encoder_dir)
    if not (encoder_dir / CONVERSION_MANIFEST).is_file():
        raise ExportError(f"no converted model in {encoder_dir}; convert it first (`tthc build`)")
    if not force and is_exported(encoder_dir):
        manifest = read_export_manifest(encoder_dir)
        assert manifest is not None
        return manifest

    started = time.perf_counter()
    with building(encoder_dir, ONNX_DIR) as work:
        with tqdm(total=2, desc="export e5 to ONNX", disable=not show_progress) as bar:
            reference = _export(encoder_dir, work / ONNX_FILE)
            bar.update()
            agreement = _check(encoder_dir, work / ONNX_FILE, reference)
            bar.update()
        manifest = ExportManifest(
            exporter_version=EXPORTER_VERSION,
            conversion_sha256=sha256_file(encoder_dir / CONVERSION_MANIFEST),
            onnxruntime_agreement=round(agreement, 6),
            created_at=datetime.now(UTC),
            seconds=round(time.perf_counter() - started, 2),
            bytes=folder_bytes(work, _FILES) or 0,
        )
        (work / EXPORT_MANIFEST).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def _export(encoder_dir: Path, target: Path) -> np.ndarray:
    """Trace BERT + mean pooling + normalisation; returns PyTorch's vectors of the check sentences."""
    import warnings

    import onnx
    import torch
    from transformers import AutoTokenizer, BertModel

    bert = BertModel.from_pretrained(encoder_dir, add_pooling_layer=False, attn_implementation="eager").eval()
    tokenizer = AutoTokenizer.from_pretrained(encoder_dir)

    class PooledEncoder(torch.nn.Module):
        """What sentence-transformers' Transformer → Pooling(mean) → Normalize computes."""

        def __init__(self) -> None:
            super().__init__()
            self.bert = bert

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            hidden = self.bert(input_ids=input_ids, attention_mask=attention_mask).last_hidden_state
            mask = attention_mask.unsqueeze(-1).to(hidden.dtype)
            mean = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1e-9)
            return torch.nn.functional.normalize(mean, p=2.0, dim=-1)

    model = PooledEncoder().eval()
    batch = tokenizer(_CHECK_SENTENCES, padding=True, return_tensors="pt")
    inputs = (batch["input_ids"], batch["attention_mask"])
    with torch.inference_mode():
        reference = model(*inputs).numpy()
    single_file = target.with_name("single-file.onnx")
    with warnings.catch_warnings():
        # The TorchScript exporter warns about shape-dependent Python branches in transformers'
        # mask helpers; the dynamic axes below keep the graph valid for any batch and length.
        warnings.simplefilter("ignore")
        torch.onnx.export(
            model,
            inputs,
            str(single_file),
            dynamo=False,
            input_names=["input_ids", "attention_mask"],
            output_names=["sentence_embedding"],
            dynamic_axes={
                "input_ids": {0: "batch", 1: "tokens"},
                "attention_mask": {0: "batch", 1: "tokens"},
                "sentence_embedding": {0: "batch"},
            },
            opset_version=OPSET,
        )
    graph = onnx.load(str(single_file))
    onnx.save_model(
        graph, str(target), save_as_external_data=True, all_tensors_to_one_file=True, location=WEIGHTS_FILE
    )
    single_file.unlink()
    return reference


def _check(encoder_dir: Path, graph: Path, reference: np.ndarray) -> float:
    from models.embedding.onnx_encoder import OnnxEncoder

    encoder = OnnxEncoder(encoder_dir, graph=graph)
    vectors = encoder.encode_prompted(_CHECK_SENTENCES)
    agreement = float(np.min(np.sum(vectors * reference, axis=1)))
    if agreement < 0.9999:
        raise ExportError(f"ONNX graph disagrees with PyTorch (cosine {agreement:.5f}); not installed")
    return agreement
