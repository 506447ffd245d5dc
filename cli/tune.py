"""`tthc tune-encoder` and `tthc tune-query-encoder`: retrain the e5 tunings shipped in
`models/embedding/` (`e5_bias_tuning.npz`, then `e5_query_tuning.npz`, trained against the first)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import numpy as np
import typer
from tqdm import tqdm

from catalog.store import Catalog
from cli.options import CatalogOption, fail, open_catalog
from models.artefacts import ArtefactsError, ensure_artefacts
from models.embedding.bias_tuning import (
    QUERY_TUNING_FILE,
    TUNING_FILE,
    QueryExample,
    save_tuning,
    train_bias_tuning,
    train_query_tuning,
)
from models.embedding.convert import ConversionError, convert
from models.search.engine import SearchEngine
from models.search.evaluation import WRITTEN_QUERIES, EvalQuery, is_held_out, load_eval_queries
from models.search.query import QueryKind
from models.search.synthetic import synthetic_queries
from models.search.tuning_examples import tuning_examples
from models.text.lexicon import default_lexicon
from service.settings import get_settings

if TYPE_CHECKING:
    from sentence_transformers import SentenceTransformer

GeneratedOption = Annotated[
    int, typer.Option("--generated", min=0, help="Title-derived queries per style mixed in.")
]


def tune_encoder(
    catalog: CatalogOption = None,
    steps: Annotated[int, typer.Option("--steps", min=1, help="Training steps of 32 pairs.")] = 130,
    generated: GeneratedOption = 80,
    out: Annotated[Path, typer.Option("--out", help="Where to write the tuning.")] = TUNING_FILE,
) -> None:
    """Train e5's bias terms on the written queries (held-out batches excluded) and on queries
    generated from titles, which keep title-like queries (counter staff typing the words of a
    title) from losing to paraphrases, each with a hard negative mined by lexical search;
    ~15 min on 2 cores.

    Then `tthc tune-query-encoder` retrains the query side against it, and `tthc build` rebuilds
    the model folders and the dense index.
    """
    procedures = open_catalog(catalog)
    rows = _training_rows(procedures, generated=generated)
    # Negatives come from lexical search alone: what the tuning produces must not depend on an
    # earlier tuning.
    examples = tuning_examples(procedures, tqdm(rows, desc="hard negatives"), engine=SearchEngine(procedures))

    with tempfile.TemporaryDirectory() as work:
        try:
            convert(Path(work) / "e5", tuning_path=None)  # training starts from e5 as published
        except ConversionError as exc:
            fail(str(exc))
        model = _trainable_model(Path(work) / "e5")
        values = _with_progress(
            "bias tuning", steps, lambda done: train_bias_tuning(model, examples, steps=steps, progress=done)
        )
    save_tuning(values, out)
    typer.echo(f"{out}: {sum(v.size for v in values.values()):,} parameters from {len(examples)} examples")
    if out == TUNING_FILE:
        typer.echo("the query tuning was trained against the old passages: run `tthc tune-query-encoder`")


def tune_query_encoder(
    catalog: CatalogOption = None,
    steps: Annotated[int, typer.Option("--steps", min=1, help="Training steps of 64 queries.")] = 400,
    generated: GeneratedOption = 80,
    out: Annotated[Path, typer.Option("--out", help="Where to write the tuning.")] = QUERY_TUNING_FILE,
) -> None:
    """Train the query side of e5 (bias terms, from the shipped bias tuning) against the catalog's
    built passage vectors, each training query's procedures against every other passage, on the
    text the search engine embeds for it (repaired, with its lexicon meanings); ~10 min on 2 cores.

    Then `tthc build` rebuilds the query encoder with it.
    """
    procedures = open_catalog(catalog)
    rows = _training_rows(procedures, generated=generated)
    try:
        artefacts = ensure_artefacts(procedures, get_settings().artefacts_dir, steps=["dense"])
    except (ArtefactsError, ConversionError) as exc:
        fail(str(exc))
    index = artefacts.load_dense_index()
    position = {code: i for i, code in enumerate(index.ids)}
    # The engine reads queries; lexical search alone is enough to analyse them.
    engine = SearchEngine(procedures)
    examples = []
    for row in tqdm(rows, desc="analyse queries"):
        analysed = engine.analyse(row.query)
        if analysed.syllables and analysed.kind is not QueryKind.CODE:
            answers = tuple(position[code] for code in row.relevant if code in position)
            examples.append(QueryExample(query=analysed.dense_text(), answers=answers))
    model = _trainable_model(artefacts.encoder_dir)
    passages = index.vectors()
    values = _with_progress(
        "query tuning",
        steps,
        lambda done: train_query_tuning(model, examples, passages, steps=steps, progress=done),
    )
    save_tuning(values, out, base=TUNING_FILE)
    typer.echo(f"{out}: {sum(v.size for v in values.values()):,} parameters from {len(examples)} queries")


def _training_rows(procedures: Catalog, *, generated: int) -> list[EvalQuery]:
    """The written queries outside the held-out batches and `generated` title-derived queries per
    style (a seed of their own: the queries generated to choose weights, seeds 7 and 11, stay
    unseen)."""
    rows = [row for row in load_eval_queries(WRITTEN_QUERIES) if not is_held_out(row)]
    missing = sorted({row.relevant[0] for row in rows} - set(procedures.codes()))
    if missing:
        fail(f"written queries name {len(missing)} procedures this catalog lacks (e.g. {missing[0]})")
    rows += [
        row
        for row in synthetic_queries(procedures, default_lexicon(), per_style=generated, seed=101)
        if row.style != "title"
    ]
    return rows


def _trainable_model(folder: Path) -> SentenceTransformer:
    """A converted e5 folder loaded for training (no BERT pooler: e5 pools token states by mean)."""
    from sentence_transformers import SentenceTransformer

    return SentenceTransformer(
        str(folder), device="cpu", local_files_only=True, model_kwargs={"add_pooling_layer": False}
    )


def _with_progress(
    description: str, steps: int, train: Callable[[Callable[[float], None]], dict[str, np.ndarray]]
) -> dict[str, np.ndarray]:
    """Run `train` with a progress bar of its steps showing the last loss."""
    with tqdm(total=steps, desc=description) as bar:

        def step_done(loss: float) -> None:
            bar.set_postfix(loss=f"{loss:.3f}")
            bar.update()

        return train(step_done)
