"""Passage vectors kept on disk between builds, so a new catalog version embeds only changed texts.

Embedding every procedure takes minutes on the 2-core machine, while successive catalog versions
mostly share their titles. The store lives inside the converted encoder folder, so reconverting
the model (which deletes that folder) also drops vectors the new model would not reproduce.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from models.embedding.encoder import TextEncoder

STORE_FILE = "passage_vectors.npz"


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class StoredPassageEncoder:
    """A `TextEncoder` whose `encode_passages` reuses vectors saved by earlier builds.

    Queries pass straight through. Use it inside a build (which holds the artefacts lock): the
    file is rewritten after each call that embedded something new.
    """

    def __init__(self, encoder: TextEncoder, encoder_dir: Path) -> None:
        self._encoder = encoder
        self.dim = encoder.dim
        self._path = Path(encoder_dir) / STORE_FILE
        self._vectors: dict[str, np.ndarray] = {}
        if self._path.is_file():
            with np.load(self._path) as stored:
                keys, vectors = stored["keys"], stored["vectors"]
            if vectors.ndim == 2 and vectors.shape[1] == self.dim:
                self._vectors = dict(zip(keys.tolist(), vectors, strict=True))
        self.reused = 0
        self.embedded = 0

    def encode_queries(self, texts: Sequence[str]) -> np.ndarray:
        return self._encoder.encode_queries(texts)

    def encode_passages(
        self, texts: Sequence[str], *, batch_size: int = 32, show_progress: bool = False
    ) -> np.ndarray:
        keys = [_key(text) for text in texts]
        missing = sorted(
            {key: text for key, text in zip(keys, texts, strict=True) if key not in self._vectors}.items()
        )
        if missing:
            fresh = self._encoder.encode_passages(
                [text for _, text in missing], batch_size=batch_size, show_progress=show_progress
            )
            self._vectors.update(zip([key for key, _ in missing], fresh, strict=True))
            self._save()
        self.embedded += len(missing)
        self.reused += len(texts) - len(missing)
        if not texts:
            return np.empty((0, self.dim), dtype=np.float32)
        return np.stack([self._vectors[key] for key in keys]).astype(np.float32, copy=False)

    def _save(self) -> None:
        keys = np.array(list(self._vectors), dtype="U64")
        vectors = np.stack(list(self._vectors.values())).astype(np.float32, copy=False)
        temporary = self._path.with_name(f".{STORE_FILE}.{os.getpid()}.npz")
        np.savez(temporary, keys=keys, vectors=vectors)
        os.replace(temporary, self._path)
