"""multilingual-e5-small at run time: a converted sentence-transformers folder behind two verbs.

e5 was trained with the prefixes "query: " and "passage: "; the folder written by
`models.embedding.convert` stores them as the sentence-transformers prompts `query` and `passage`,
so callers never add them by hand. Vectors are float32 and L2-normalised: inner product = cosine.
"""

from __future__ import annotations

import os
import unicodedata
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal, Protocol, TypeVar

import numpy as np

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

Precision = Literal["fp32", "int8"]

# Queries go through the model in chunks of this many texts: bounds attention memory when a batch
# holds a few 512-token inputs.
_QUERY_CHUNK = 32
# Queries are cut here (passages at 512) by both encoders: a query costs time linear-to-quadratic in
# its tokens (int8, one core: 16 tokens ~3 ms, 128 ~15 ms, 512 ~90 ms), and a pasted page must not
# hold a worker for 100 ms. Everyday queries are far shorter (generated: ≤ 70 tokens, dev: ≤ 27).
QUERY_MAX_TOKENS = 128

TokenArray = TypeVar("TokenArray", np.ndarray, "torch.Tensor")


def cut_tokens(
    ids: TokenArray, mask: TokenArray, *, end_id: int, max_tokens: int = QUERY_MAX_TOKENS
) -> tuple[TokenArray, TokenArray]:
    """What the tokenizer's truncation at `max_tokens` gives for a padded batch (numpy or torch):
    the head of each longer text, closed by its end token."""
    if ids.shape[1] <= max_tokens:
        return ids, mask
    longer = mask[:, max_tokens] == 1
    ids, mask = ids[:, :max_tokens], mask[:, :max_tokens]
    ids[longer, -1] = end_id
    return ids, mask


class TextEncoder(Protocol):
    """What indexing and search need from an encoder (`Encoder`, `OnnxEncoder`)."""

    dim: int

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray: ...


class EncoderNotFoundError(FileNotFoundError):
    """The converted model folder does not exist; it is built by `tthc build`."""


class Encoder:
    """Encodes queries and passages into L2-normalised 384-d float32 vectors."""

    def __init__(self, model: SentenceTransformer, *, precision: Precision = "fp32") -> None:
        self._model = model
        self.precision: Precision = precision
        dimension = model.get_embedding_dimension()
        if dimension is None:
            raise ValueError("the sentence-transformers model does not report its embedding dimension")
        self.dim: int = dimension
        self._query_prompt = model.prompts["query"]
        self._end_id = int(model.tokenizer.eos_token_id)

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search queries (with the "query: " prompt); shape `(len(texts), dim)`.

        Runs the model's modules directly rather than `SentenceTransformer.encode`: for a single
        short query the bookkeeping of `encode` (sorting, batching, conversions) costs a few
        milliseconds, a large share of the latency budget.
        """
        import torch

        prompted = [self._query_prompt + _nfc(text) for text in texts]
        if not prompted:
            return np.empty((0, self.dim), dtype=np.float32)
        chunks = []
        with torch.inference_mode():
            for start in range(0, len(prompted), _QUERY_CHUNK):
                features = self._model.preprocess(prompted[start : start + _QUERY_CHUNK])
                features["input_ids"], features["attention_mask"] = cut_tokens(
                    features["input_ids"], features["attention_mask"], end_id=self._end_id
                )
                chunks.append(self._model.forward(features)["sentence_embedding"].float().numpy())
        return np.ascontiguousarray(np.concatenate(chunks), dtype=np.float32)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        """Embed documents (with the "passage: " prompt); shape `(len(texts), dim)`."""
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        vectors = self._model.encode(
            [_nfc(text) for text in texts],
            prompt_name="passage",
            batch_size=batch_size,
            show_progress_bar=show_progress,
            convert_to_numpy=True,
            normalize_embeddings=True,
        )
        return np.ascontiguousarray(vectors, dtype=np.float32)


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)


def default_threads() -> int:
    """Intra-op threads for one query: at most 2, the cores of the target machine.

    More threads than cores only adds contention; a single short query does not scale past two.
    """
    return max(1, min(2, os.cpu_count() or 1))


def load_encoder(path: Path, *, precision: Precision = "fp32", threads: int | None = None) -> Encoder:
    """Load a converted folder on the CPU without touching any model hub.

    `precision="int8"` applies PyTorch dynamic int8 quantisation (per output channel) to every
    linear layer. It is faster per query but measurably less faithful (see
    `benchmarks/encode_latency.py`), so fp32 is the default; for queries at serving time the
    ONNX Runtime encoder (`models.embedding.onnx_encoder`) is both faster and exact. `threads`
    sets torch's intra-op thread count for the whole process (default `default_threads()`).
    """
    path = Path(path)
    if not (path / "modules.json").is_file():
        raise EncoderNotFoundError(f"no converted embedding model at {path}; run `tthc build` first")
    # Set before sentence-transformers/huggingface_hub are first imported, which read it once;
    # `local_files_only` covers the case where they were imported earlier.
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import torch
    from sentence_transformers import SentenceTransformer

    torch.set_num_threads(threads or default_threads())
    model = SentenceTransformer(
        str(path),
        device="cpu",
        local_files_only=True,
        trust_remote_code=False,
        # The folder has no pooler weights (e5 pools by mean); not building one avoids a
        # "newly initialised" report and dead parameters.
        model_kwargs={"add_pooling_layer": False},
    )
    model.eval()
    if precision == "int8":
        model = _quantize_int8(model)
    return Encoder(model, precision=precision)


def _quantize_int8(model: SentenceTransformer) -> SentenceTransformer:
    import torch
    from torch.ao.quantization import per_channel_dynamic_qconfig, quantize_dynamic

    with warnings.catch_warnings():
        # torch.ao's eager quantisation announces its move to torchao; the API still works in 2.x.
        warnings.simplefilter("ignore")
        return quantize_dynamic(model, {torch.nn.Linear: per_channel_dynamic_qconfig}, inplace=True)
