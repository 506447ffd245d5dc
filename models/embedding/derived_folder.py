"""Folders derived from another build output inside the encoder folder (the ONNX export from the
conversion, the int8 graph from the export): how they are sized, read and swapped in.

Each is built in a private work folder beside its final place and renamed over it only once built
and checked, so a crash or a concurrent reader never sees half a folder. Its manifest ties it to
the output it came from and records its size, which `is_exported`/`is_quantized` compare.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel

from models.embedding.checksum import sha256_file
from models.embedding.convert import make_readable

Manifest = TypeVar("Manifest", bound=BaseModel)


def folder_bytes(folder: Path, names: Sequence[str]) -> int | None:
    """Total size of the named files of a folder, or None when any is missing."""
    files = [Path(folder) / name for name in names]
    if not all(path.is_file() for path in files):
        return None
    return sum(path.stat().st_size for path in files)


def matches_parent(
    folder: Path, names: Sequence[str], *, parent_manifest: Path, recorded_sha256: str, recorded_bytes: int
) -> bool:
    """True when the folder was built from the parent output whose manifest is `parent_manifest`
    (its checksum is the one recorded) and still holds the named files at their recorded size."""
    return (
        Path(parent_manifest).is_file()
        and recorded_sha256 == sha256_file(parent_manifest)
        and folder_bytes(folder, names) == recorded_bytes
    )


def read_manifest(path: Path, model: type[Manifest]) -> Manifest | None:
    """The manifest at `path`, or None when it is missing or unreadable (the folder is then redone)."""
    try:
        return model.model_validate_json(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


@contextmanager
def building(parent: Path, name: str) -> Iterator[Path]:
    """A fresh work folder; when the block ends without error it replaces `parent / name` (made
    readable to every user), and it is removed in any case."""
    work = Path(parent) / f".{name}.building-{os.getpid()}"
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir()
    try:
        yield work
        make_readable(work)
        shutil.rmtree(Path(parent) / name, ignore_errors=True)
        work.rename(Path(parent) / name)
    finally:
        shutil.rmtree(work, ignore_errors=True)
