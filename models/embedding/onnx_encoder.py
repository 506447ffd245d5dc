"""The query-time encoder: the exported e5 graph on ONNX Runtime, the vectors of `Encoder`.

Reads the prompts and the tokenizer from the sentence-transformers folder, so both encoders add
the same "query: " / "passage: " prefixes; passages are cut at the same 512 tokens, queries at
`QUERY_MAX_TOKENS`. Two graphs: fp32 (exact) and int8 (`onnx_quantize`, ~2.5x faster, cosine
≥ 0.98 to fp32), the one served. No torch is imported.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np

from models.embedding.convert import MAX_SEQ_LENGTH
from models.embedding.encoder import QUERY_MAX_TOKENS, EncoderNotFoundError, cut_tokens, default_threads
from models.embedding.onnx_export import onnx_path
from models.embedding.onnx_quantize import int8_path

OnnxPrecision = Literal["fp32", "int8"]
_CHUNK = 32


class OnnxEncoder:
    """Encodes queries and passages into L2-normalised float32 vectors with ONNX Runtime."""

    def __init__(
        self,
        encoder_dir: Path,
        *,
        precision: OnnxPrecision = "fp32",
        graph: Path | None = None,
        threads: int | None = None,
    ) -> None:
        """`precision` picks the built graph; `graph` overrides it (an export being checked)."""
        import onnxruntime
        from tokenizers import Tokenizer

        encoder_dir = Path(encoder_dir)
        graph = graph or (int8_path(encoder_dir) if precision == "int8" else onnx_path(encoder_dir))
        if not graph.is_file():
            raise EncoderNotFoundError(f"no ONNX export at {graph}; run `tthc build`")
        prompts = json.loads((encoder_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
        self._query_prompt: str = prompts["prompts"]["query"]
        self._passage_prompt: str = prompts["prompts"]["passage"]
        self._tokenizer = Tokenizer.from_file(str(encoder_dir / "tokenizer.json"))
        self._tokenizer.enable_truncation(max_length=MAX_SEQ_LENGTH)
        pad_id = self._tokenizer.token_to_id("<pad>")
        self._tokenizer.enable_padding(pad_id=pad_id, pad_token="<pad>")
        self._end_id = self._tokenizer.token_to_id("</s>")
        options = onnxruntime.SessionOptions()
        options.intra_op_num_threads = threads or default_threads()
        options.inter_op_num_threads = 1
        # Busy-waiting worker threads steal the CPU from everything else on a shared 2-core box;
        # measured, sleeping threads were also faster there (p50 7.0 vs 9.0 ms).
        options.add_session_config_entry("session.intra_op.allow_spinning", "0")
        self._session = onnxruntime.InferenceSession(str(graph), options, providers=["CPUExecutionProvider"])
        self.dim: int = int(self._session.get_outputs()[0].shape[-1])
        self.precision = f"onnx-{precision}"

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        """Embed search queries (with the "query: " prompt); shape `(len(texts), dim)`."""
        return self.encode_prompted(
            [self._query_prompt + _nfc(text) for text in texts], max_tokens=QUERY_MAX_TOKENS
        )

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = _CHUNK, show_progress: bool = False
    ) -> np.ndarray:
        """Embed documents (with the "passage: " prompt); shape `(len(texts), dim)`."""
        return self.encode_prompted(
            [self._passage_prompt + _nfc(text) for text in texts], batch_size=batch_size
        )

    def encode_prompted(
        self, texts: Sequence[str], *, batch_size: int = _CHUNK, max_tokens: int = MAX_SEQ_LENGTH
    ) -> np.ndarray:
        """Embed texts that already carry their prompt, each cut at `max_tokens` tokens."""
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        # Similar lengths in one batch waste less work on padding.
        order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            # One text (every search request) skips the batch path's hand-off to the tokenizer's
            # thread pool.
            if len(rows) == 1:
                encodings = [self._tokenizer.encode(texts[rows[0]])]
            else:
                encodings = self._tokenizer.encode_batch([texts[i] for i in rows])
            ids = np.array([e.ids for e in encodings], dtype=np.int64)
            mask = np.array([e.attention_mask for e in encodings], dtype=np.int64)
            ids, mask = cut_tokens(ids, mask, end_id=self._end_id, max_tokens=max_tokens)
            out[rows] = self._session.run(None, {"input_ids": ids, "attention_mask": mask})[0]
        return out


def _nfc(text: str) -> str:
    return unicodedata.normalize("NFC", text)
