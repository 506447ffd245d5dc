"""Everyday descriptions of procedures: the catalog said in the words people search with.

People ask "thuyền chạy trên sông chưa đăng ký thì làm sao"; the catalog says "Đăng ký phương tiện
lần đầu đối với phương tiện đang khai thác trên đường thủy nội địa". A lexicon maps single terms;
whole situations need the procedure itself described in everyday words. Each procedure has three
Vietnamese descriptions (two situations in different words, one counter-style keyword phrase) and
one English sentence, written for every procedure of the catalog from its title, field, subjects,
results and first documents, with each sibling's distinguishing situation made explicit, by
writers who saw none of the evaluation sets nor the written tuning queries.

Indexed as one more lexical field and one more dense passage per procedure, this is document
expansion (Nogueira, Yang, Lin & Cho, "Document Expansion by Query Prediction", 2019, there with
generated queries): the words are added on the document side, once, at build time, so the query
path costs nothing more.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

DESCRIPTIONS_FILE = Path(__file__).with_name("everyday_descriptions.jsonl")


class EverydayDescription(BaseModel):
    """How people would describe one procedure: Vietnamese sentences and phrases, and English."""

    model_config = ConfigDict(frozen=True)

    code: str
    vi: list[str] = Field(min_length=1)
    en: str

    def sentences(self) -> list[str]:
        """Every description, Vietnamese first."""
        return [*self.vi, self.en]


def load_descriptions(path: Path = DESCRIPTIONS_FILE) -> dict[str, EverydayDescription]:
    """The descriptions of a file, by procedure code."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = (EverydayDescription.model_validate_json(line) for line in lines)
    return {row.code: row for row in rows}


@lru_cache(maxsize=1)
def default_descriptions() -> dict[str, EverydayDescription]:
    """The shipped descriptions (read once per process)."""
    return load_descriptions()
