"""Load and save a catalog: gzip JSON Lines of `Procedure` plus a manifest with counts and checksum."""

from __future__ import annotations

import gzip
import hashlib
from collections import Counter
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path

from pydantic import BaseModel, ValidationError

from catalog.schema import Procedure

SHIPPED_CATALOG = Path(__file__).parent / "data" / "procedures.jsonl.gz"
MANIFEST_SUFFIX = ".manifest.json"


class CatalogError(Exception):
    """A catalog file is missing, unreadable or inconsistent with its manifest."""


class UnknownProcedureError(KeyError):
    """No procedure with this code in the catalog."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code

    def __str__(self) -> str:
        return f"no procedure with code {self.code!r} in the catalog"


class Manifest(BaseModel):
    """What a catalog file holds and where it came from."""

    sources: list[str]
    created_at: datetime
    procedures: int
    local_procedures: int
    online_local_procedures: int
    by_ministry: dict[str, int]
    sha256: str


class Catalog:
    """An immutable, code-indexed collection of procedures."""

    def __init__(self, procedures: Iterable[Procedure], *, manifest: Manifest | None = None) -> None:
        self._by_code: dict[str, Procedure] = {p.code: p for p in procedures}
        self.manifest = manifest

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def version(self) -> str:
        """A short identifier of this catalog's content, for cache keys and artefact builds."""
        if self.manifest is not None:
            return self.manifest.sha256[:12]
        digest = hashlib.sha256("\n".join(sorted(self._by_code)).encode())
        return digest.hexdigest()[:12]

    def get(self, *, code: str) -> Procedure | None:
        """The procedure with this code, or None."""
        return self._by_code.get(code.strip())

    def get_or_raise(self, *, code: str) -> Procedure:
        """The procedure with this code; `UnknownProcedureError` when there is none."""
        procedure = self.get(code=code)
        if procedure is None:
            raise UnknownProcedureError(code)
        return procedure

    def codes(self) -> list[str]:
        return list(self._by_code)


def manifest_path(path: Path) -> Path:
    return path.with_name(path.name.removesuffix(".gz").removesuffix(".jsonl") + MANIFEST_SUFFIX)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def save_catalog(procedures: Iterable[Procedure], path: Path, *, sources: list[str]) -> Manifest:
    """Write procedures (sorted by code) as gzip JSON Lines and a manifest beside them."""
    ordered = sorted(procedures, key=lambda p: p.code)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical across imports of the same data.
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for procedure in ordered:
            gz.write(procedure.model_dump_json(exclude_defaults=True).encode() + b"\n")
    local = [p for p in ordered if p.is_local]
    manifest = Manifest(
        sources=sources,
        created_at=datetime.now(UTC),
        procedures=len(ordered),
        local_procedures=len(local),
        online_local_procedures=sum(p.has_online_channel for p in local),
        by_ministry=dict(sorted(Counter(p.ministry or "" for p in ordered).items())),
        sha256=_sha256(path),
    )
    manifest_path(path).write_text(manifest.model_dump_json(indent=2) + "\n", encoding="utf-8")
    return manifest


def read_manifest(path: Path) -> Manifest | None:
    """The manifest beside a catalog file, or None when it has none."""
    mpath = manifest_path(path)
    if not mpath.exists():
        return None
    try:
        return Manifest.model_validate_json(mpath.read_text(encoding="utf-8"))
    except ValidationError as exc:
        raise CatalogError(f"{mpath}: unreadable manifest ({exc.error_count()} errors)") from exc


def _parse_line(path: Path, lineno: int, line: str) -> Procedure:
    try:
        return Procedure.model_validate_json(line)
    except ValidationError as exc:
        raise CatalogError(f"{path}:{lineno}: invalid procedure record: {exc.errors()[0]['msg']}") from exc


def load_catalog(path: Path | None = None, *, verify: bool = False) -> Catalog:
    """Load a catalog file (the shipped one by default).

    With `verify`, the file's checksum must match its manifest.
    """
    path = Path(path) if path is not None else SHIPPED_CATALOG
    if not path.exists():
        raise CatalogError(f"catalog file not found: {path}")
    manifest = read_manifest(path)
    if verify and manifest is not None and manifest.sha256 != _sha256(path):
        raise CatalogError(f"{path}: checksum does not match its manifest; re-run the import")
    opener = gzip.open if path.suffix == ".gz" else open
    procedures = []
    try:
        with opener(path, "rt", encoding="utf-8") as lines:
            for lineno, line in enumerate(lines, 1):
                if line.strip():
                    procedures.append(_parse_line(path, lineno, line))
    except (OSError, EOFError) as exc:
        raise CatalogError(f"{path}: cannot read catalog ({exc})") from exc
    return Catalog(procedures, manifest=manifest)
