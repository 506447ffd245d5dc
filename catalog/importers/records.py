"""What every importer shares about one source record: the error that skips it, the code its file is
named after, and the checks of a raw record's types before any parsing."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError

from catalog.schema import CODE_PATTERN


class RecordError(ValueError):
    """A record that cannot become a procedure; the message says why."""


def code_from_name(path: Path) -> str | None:
    """The procedure code a file is named after, when its name is one (for failure reports)."""
    return path.stem if CODE_PATTERN.match(path.stem) else None


def _null_as_empty(value: object) -> object:
    return "" if value is None else value


def _null_as_default(value: object) -> object:
    return {} if value is None else value


def _null_as_no_rows(value: object) -> object:
    return [] if value is None else value


# A text cell of an export: a string; JSON null means "not stated". Any other type is a bad record.
Cell = Annotated[str, BeforeValidator(_null_as_empty)]
NullAsDefault = BeforeValidator(_null_as_default)
NullAsNoRows = BeforeValidator(_null_as_no_rows)


class RawRecord(BaseModel):
    """Base of the raw-record models: strict types (no 5 → "5"), unknown keys ignored."""

    model_config = ConfigDict(strict=True, extra="ignore", frozen=True, populate_by_name=True)


def record_error(exc: ValidationError) -> RecordError:
    """The first validation error of a record as a `RecordError` naming the field."""
    first = exc.errors()[0]
    where = ".".join(map(str, first["loc"])) or "record"
    return RecordError(f"invalid {where}: {first['msg']}")
