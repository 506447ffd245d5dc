"""Load and save a catalog: gzip JSON Lines of `Procedure` plus a manifest with counts and checksum."""

from __future__ import annotations

import gzip
import hashlib
import os
import tempfile
import zlib
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


def _serialise(procedure: Procedure) -> bytes:
    return procedure.model_dump_json(exclude_defaults=True).encode() + b"\n"


class Catalog:
    """An immutable, code-indexed collection of procedures.

    `sha256` is the checksum of the file the procedures were read from; without one (a catalog built
    in memory) the version hashes the procedures' serialised content, so any change of content changes
    the version either way.
    """

    def __init__(
        self,
        procedures: Iterable[Procedure],
        *,
        manifest: Manifest | None = None,
        sha256: str | None = None,
    ) -> None:
        self._by_code: dict[str, Procedure] = {p.code: p for p in procedures}
        self.manifest = manifest
        if sha256 is None:
            digest = hashlib.sha256()
            for procedure in sorted(self._by_code.values(), key=lambda p: p.code):
                digest.update(_serialise(procedure))
            sha256 = digest.hexdigest()
        self.sha256 = sha256

    def __len__(self) -> int:
        return len(self._by_code)

    def __iter__(self) -> Iterator[Procedure]:
        return iter(self._by_code.values())

    def __contains__(self, code: object) -> bool:
        return code in self._by_code

    @property
    def version(self) -> str:
        """A short identifier of this catalog's content, for cache keys and artefact builds."""
        return self.sha256[:12]

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


def _write_atomically(path: Path, data: bytes) -> None:
    """Write beside `path`, then rename over it: a reader never sees a half-written file.

    The file keeps the mode of the one it replaces (0644 for a new one): mkstemp makes it 0600,
    and a service running as another user must still read the catalog.
    """
    mode = path.stat().st_mode & 0o777 if path.exists() else 0o644
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        os.fchmod(handle, mode)
        with os.fdopen(handle, "wb") as out:
            out.write(data)
            out.flush()
            os.fsync(out.fileno())  # on disk before the rename: a power cut never leaves it empty
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def save_catalog(procedures: Iterable[Procedure], path: Path, *, sources: list[str]) -> Manifest:
    """Write procedures (sorted by code) as gzip JSON Lines and a manifest beside them.

    Both files are written to temporary files first and renamed into place, the catalog before its
    manifest, so a crash leaves at worst a manifest that disagrees with the catalog, which
    `load_catalog` reports.
    """
    ordered = sorted(procedures, key=lambda p: p.code)
    path.parent.mkdir(parents=True, exist_ok=True)
    # mtime=0 keeps the file byte-identical across imports of the same data.
    data = gzip.compress(b"".join(_serialise(p) for p in ordered), mtime=0)
    local = [p for p in ordered if p.is_local]
    manifest = Manifest(
        sources=sources,
        created_at=datetime.now(UTC),
        procedures=len(ordered),
        local_procedures=len(local),
        online_local_procedures=sum(p.has_online_channel for p in local),
        by_ministry=dict(sorted(Counter(p.ministry or "" for p in ordered).items())),
        sha256=hashlib.sha256(data).hexdigest(),
    )
    _write_atomically(path, data)
    _write_atomically(manifest_path(path), (manifest.model_dump_json(indent=2) + "\n").encode())
    return manifest


def read_manifest(path: Path) -> Manifest | None:
    """The manifest beside a catalog file, or None when it has none."""
    mpath = manifest_path(path)
    if not mpath.exists():
        return None
    try:
        return Manifest.model_validate_json(mpath.read_bytes())
    except (OSError, ValidationError) as exc:
        raise CatalogError(
            f"{mpath}: unreadable manifest ({exc}); re-run the import or delete the manifest"
        ) from exc


def _parse_line(path: Path, lineno: int, line: str) -> Procedure:
    try:
        return Procedure.model_validate_json(line)
    except ValidationError as exc:
        raise CatalogError(f"{path}:{lineno}: invalid procedure record: {exc.errors()[0]['msg']}") from exc


def _decode(path: Path, data: bytes) -> str:
    try:
        if path.suffix == ".gz":
            data = gzip.decompress(data)
        return data.decode("utf-8")
    except (OSError, EOFError, zlib.error) as exc:
        raise CatalogError(f"{path}: cannot read catalog ({exc})") from exc
    except UnicodeDecodeError as exc:
        raise CatalogError(f"{path}: not UTF-8 text at byte {exc.start}") from exc


def load_catalog(path: Path | None = None, *, verify: bool = True) -> Catalog:
    """Load a catalog file (the shipped one by default).

    The version is the checksum of the file's bytes. With `verify` (the default) a manifest beside
    the file must agree with it (checksum and count); otherwise it describes another catalog and
    `CatalogError` says so. `verify=False` only serves to inspect a catalog whose manifest is stale.
    """
    path = Path(path) if path is not None else SHIPPED_CATALOG
    try:
        data = path.read_bytes()
    except FileNotFoundError as exc:
        raise CatalogError(f"catalog file not found: {path}") from exc
    except OSError as exc:
        raise CatalogError(f"{path}: cannot read catalog ({exc})") from exc
    sha256 = hashlib.sha256(data).hexdigest()
    manifest = read_manifest(path) if verify else None
    stale = "does not match the catalog; re-run the import or delete the manifest"
    if manifest is not None and manifest.sha256 != sha256:
        raise CatalogError(f"{manifest_path(path)}: checksum {stale}")
    procedures: list[Procedure] = []
    line_of: dict[str, int] = {}
    for lineno, line in enumerate(_decode(path, data).splitlines(), 1):
        if not line.strip():
            continue
        procedure = _parse_line(path, lineno, line)
        if procedure.code in line_of:
            raise CatalogError(
                f"{path}: code {procedure.code} on line {line_of[procedure.code]} and line {lineno}; keep one"
            )
        line_of[procedure.code] = lineno
        procedures.append(procedure)
    if not procedures:
        raise CatalogError(f"{path}: catalog holds no procedure; re-run the import")
    if manifest is not None and manifest.procedures != len(procedures):
        raise CatalogError(
            f"{manifest_path(path)}: counts {manifest.procedures} procedures, the catalog holds"
            f" {len(procedures)}; re-run the import or delete the manifest"
        )
    return Catalog(procedures, manifest=manifest, sha256=sha256)
