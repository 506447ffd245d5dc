"""A bounded LRU of query embeddings in front of an encoder (`Encoder` or `OnnxEncoder`)."""

from __future__ import annotations

import threading
from collections import OrderedDict

import numpy as np

from models.embedding.encoder import TextEncoder


class QueryEmbeddingCache:
    """A bounded LRU of query vectors in front of an encoder (thread-safe).

    Repeated queries (the same counter search typed again, autocomplete refinements) skip the
    model entirely; keys are the exact query strings.
    """

    def __init__(self, encoder: TextEncoder, *, max_entries: int = 2048) -> None:
        self._encoder = encoder
        self._max_entries = max_entries
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def __len__(self) -> int:
        return len(self._vectors)

    def get(self, *, query: str) -> np.ndarray:
        """The query's vector, shape `(dim,)`, from the cache or freshly encoded (read-only)."""
        with self._lock:
            vector = self._vectors.get(query)
            if vector is not None:
                self._vectors.move_to_end(query)
                self.hits += 1
                return vector
        vector = self._encoder.encode_queries([query])[0]
        vector.setflags(write=False)
        with self._lock:
            self.misses += 1
            self._vectors[query] = vector
            self._vectors.move_to_end(query)
            while len(self._vectors) > self._max_entries:
                self._vectors.popitem(last=False)
        return vector
