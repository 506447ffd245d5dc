"""Everyday descriptions of procedures: the catalog said in the words people search with.

People ask "thuyền chạy trên sông chưa đăng ký thì làm sao"; the catalog says "Đăng ký phương tiện
lần đầu đối với phương tiện đang khai thác trên đường thủy nội địa". A lexicon maps single terms;
whole situations need the procedure itself described in everyday words. Each procedure has three
situations (what happened, who needs it), a question as asked at a counter, a search phrase, and
two English sentences, written for every procedure of the catalog from its title, field, subjects,
results and first documents, with each sibling's distinguishing situation made explicit, by
writers who saw neither the evaluation sets nor the written tuning queries. A second round, given
the first four, added the question, a situation from another angle (a relative, a clerk sent by
the company...) and an English question in other words; a third, two more situations and
questions for the 516 local procedures in the fields of everyday life and business (civil status,
residence, ID cards, land, housing, building, vehicles, passports, certification, notaries, social
insurance, tax, household businesses, companies).

Indexed as one more lexical field and as extra dense passages of each procedure, this is document
expansion (Nogueira, Yang, Lin & Cho, "Document Expansion by Query Prediction", 2019, there with
generated queries): the words are added on the document side, once, at build time, so the query
path costs nothing more.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from models.embedding.checksum import sha256_file

DESCRIPTIONS_FILE = Path(__file__).with_name("everyday_descriptions.jsonl")


class EverydayDescription(BaseModel):
    """How people would describe one procedure, in Vietnamese and in English."""

    model_config = ConfigDict(frozen=True)

    code: str
    # What happened and who needs it, in everyday words.
    situations: list[str] = Field(min_length=1)
    # The request as asked at a counter, on the phone or to a chatbot.
    questions: list[str] = Field(default_factory=list)
    # What would be typed into a search box or said at a counter.
    phrases: list[str] = Field(default_factory=list)
    english: list[str] = Field(default_factory=list)

    def vietnamese(self) -> list[str]:
        """Every Vietnamese description."""
        return [*self.situations, *self.questions, *self.phrases]

    def sentences(self) -> list[str]:
        """Every description, Vietnamese first."""
        return [*self.vietnamese(), *self.english]


def load_descriptions(path: Path = DESCRIPTIONS_FILE) -> dict[str, EverydayDescription]:
    """The descriptions of a file, by procedure code."""
    lines = path.read_text(encoding="utf-8").splitlines()
    rows = (EverydayDescription.model_validate_json(line) for line in lines)
    return {row.code: row for row in rows}


@lru_cache(maxsize=1)
def default_descriptions() -> dict[str, EverydayDescription]:
    """The shipped descriptions (read once per process)."""
    return load_descriptions()


def descriptions_fingerprint() -> dict[str, object]:
    """What an index of the shipped descriptions depends on: their checksum (the lexical index and
    the description vectors record it, so an edit rebuilds both)."""
    return {"descriptions_sha256": sha256_file(DESCRIPTIONS_FILE)}
