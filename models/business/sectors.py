"""Activity → sectors, and the licences or conditions each sector triggers.

The sector table (`data/sectors.json`) is written by hand from the law; this module only reads it
and matches a free-text activity against it:

1. a VSIC code, when given, selects sectors by its division (VSIC 2018, Quyết định 27/2018/QĐ-TTg);
2. keywords are matched as whole syllable sequences on normalised text; when the activity is typed
   without diacritics both sides are folded, and one-syllable keywords with marks are skipped
   because folding makes them ambiguous ("dược"/"được" → "duoc");
3. when nothing matched, an optional `fallback` may propose sectors. Embedding similarity to the
   sector descriptions was tried as that fallback and rejected: with multilingual-e5-small every
   sector scores 0.82-0.86 for any activity ("dịch vụ giặt là" came out closest to food service),
   so it would attach wrong licences; an activity no keyword recognises gets no sector licence.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field

from models.text.normalize import fold_diacritics, has_diacritics, normalize_vietnamese

SECTOR_TABLE = Path(__file__).parent / "data" / "sectors.json"


class SectorRequirement(BaseModel):
    """A licence or condition a sector triggers; `code` is None when the catalog lacks it."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    code: str | None
    title: str
    authority: str | None = None
    legal_basis: str
    when: str
    triggers: tuple[str, ...] = ()
    required_when: tuple[str, ...] = ()
    required: bool
    month: int = Field(ge=0, le=12)


class Sector(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    id: str
    name: str
    vsic: tuple[str, ...]
    description: str
    keywords: tuple[str, ...]
    requirements: tuple[SectorRequirement, ...]
    customer_premises: bool = False
    trade: bool = False
    value_added_vat: bool = False
    agricultural_products: bool = False
    # Phrases that contain a keyword but name another trade ("vật liệu xây dựng" is retail, not
    # construction); they are blanked before this sector's keywords are looked up.
    excludes: tuple[str, ...] = ()


class SectorTable(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    about: str
    sectors: tuple[Sector, ...]


class SectorMatch(BaseModel):
    """A sector found in an activity, with the evidence ("từ khóa 'nhà hàng'", "VSIC 5610")."""

    model_config = ConfigDict(frozen=True)

    sector: Sector
    evidence: str


@lru_cache(maxsize=4)
def load_sector_table(path: Path = SECTOR_TABLE) -> SectorTable:
    """The sector table shipped with the package (cached)."""
    return SectorTable.model_validate_json(path.read_text(encoding="utf-8"))


def _padded(text: str) -> str:
    return f" {text} "


@lru_cache(maxsize=4096)
def _keyword_forms(keyword: str) -> tuple[str, str | None]:
    """Padded normalised form, and folded form (None when folding makes a lone syllable ambiguous)."""
    normalized = normalize_vietnamese(keyword)
    if " " not in normalized and has_diacritics(normalized):
        return _padded(normalized), None
    return _padded(normalized), _padded(fold_diacritics(normalized))


class ActivityText:
    """An activity prepared once for keyword look-ups (normalised, and folded when typed bare)."""

    def __init__(self, activity: str) -> None:
        self.folded_mode = not has_diacritics(activity)
        normalized = normalize_vietnamese(activity)
        self._text = _padded(fold_diacritics(normalized) if self.folded_mode else normalized)

    def mentions(self, keyword: str) -> bool:
        """True when the keyword occurs as a whole syllable sequence."""
        accented, folded = _keyword_forms(keyword)
        needle = folded if self.folded_mode else accented
        return needle is not None and needle in self._text

    def first_mention(self, keywords: Sequence[str]) -> str | None:
        return next((keyword for keyword in keywords if self.mentions(keyword)), None)

    def without(self, phrases: Sequence[str]) -> ActivityText:
        """The same text with these phrases blanked out."""
        if not phrases:
            return self
        text = self._text
        for phrase in phrases:
            accented, folded = _keyword_forms(phrase)
            needle = folded if self.folded_mode else accented
            if needle is not None:
                text = text.replace(needle, " | ")
        blanked = ActivityText("")
        blanked.folded_mode, blanked._text = self.folded_mode, text
        return blanked


SectorFallback = Callable[[str, Sequence[Sector]], list[SectorMatch]]


def match_sectors(
    activity: str,
    *,
    vsic: str | None = None,
    table: SectorTable | None = None,
    fallback: SectorFallback | None = None,
) -> list[SectorMatch]:
    """Sectors of an activity, in table order, each with the evidence that selected it."""
    table = table or load_sector_table()
    text = ActivityText(activity)
    matches: list[SectorMatch] = []
    for sector in table.sectors:
        if vsic and (division := next((d for d in sector.vsic if vsic.startswith(d)), None)):
            matches.append(SectorMatch(sector=sector, evidence=f"mã VSIC {vsic} thuộc nhóm {division}"))
            continue
        if keyword := text.without(sector.excludes).first_mention(sector.keywords):
            matches.append(SectorMatch(sector=sector, evidence=f"hoạt động có từ “{keyword}”"))
    if not matches and fallback is not None:
        matches = fallback(activity, table.sectors)
    return matches


def applicable_requirements(
    sector: Sector, activity: str | ActivityText
) -> list[tuple[SectorRequirement, bool]]:
    """The sector's requirements that apply to this activity, each with its required flag."""
    text = activity if isinstance(activity, ActivityText) else ActivityText(activity)
    chosen = []
    for requirement in sector.requirements:
        if requirement.triggers and text.first_mention(requirement.triggers) is None:
            continue
        required = requirement.required or (
            bool(requirement.required_when) and text.first_mention(requirement.required_when) is not None
        )
        chosen.append((requirement, required))
    return chosen


def sector_catalog_codes(table: SectorTable | None = None) -> set[str]:
    """Every catalog code the sector table points to (checked against the shipped catalog in tests)."""
    table = table or load_sector_table()
    return {r.code for s in table.sectors for r in s.requirements if r.code}
