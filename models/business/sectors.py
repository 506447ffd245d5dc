"""Activity → sectors, and the licences or conditions each sector triggers.

The sector table (`data/sectors.json`) is written by hand from the law; this module only reads it
and matches a free-text activity against it:

1. a VSIC code, when given, selects sectors by its division (VSIC 2018, Quyết định 27/2018/QĐ-TTg);
2. keywords are matched as whole syllable sequences on normalised text; when the activity is typed
   without diacritics both sides are folded, and one-syllable keywords with marks are skipped
   because folding makes them ambiguous ("dược"/"được" → "duoc");
3. a sector's *contextual* keywords name its goods but also everyday things ("gà", "chè" are farm
   animals and crops, and dishes): they count only in a clause that also holds one of the sector's
   `context` words ("nuôi", "trồng") and none of its `context_blockers` ("quán", "cơm", "phở"), so
   "trang trại nuôi gà" is farming and "quán cơm gà" is not (likewise "cà phê" is a drinks
   service beside "quán", "uống", "pha", not beside "trồng", "rang xay"). Context words themselves
   obey the blockers ("nhà hàng trang trại" is a restaurant), and `context_excludes` blanks phrases that
   contain a context word but name something else ("thức ăn chăn nuôi" is a farm input);
   a contextual keyword beside one of the sector's `trade_context` words ("bán rau sạch") reads
   as trade in the sector's goods: the sector matches, marked trade-only, and only its requirements
   without triggers apply (the farm-food safety certificate), because triggers and own production
   still need a `context` word (no livestock registration or farm-product VAT for a pork stall);
4. when nothing matched, an optional `fallback` may propose sectors. Embedding similarity to the
   sector descriptions was tried as that fallback and rejected: with multilingual-e5-small every
   sector scores 0.82-0.86 for any activity ("dịch vụ giặt là" came out closest to food service),
   so it would attach wrong licences; the planner says instead that an activity no keyword
   recognises had its sector licences left unchecked.
"""

from __future__ import annotations

import re
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
    # The requirement lapses when one of these words appears (a pre-packaged-food note is moot for
    # a business that cooks).
    unless: tuple[str, ...] = ()
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
    # Unprocessed farm products are VAT-exempt when the business grows or raises them itself, which
    # the activity shows by one of the sector's context words.
    agricultural_products: bool = False
    contextual_keywords: tuple[str, ...] = ()
    context: tuple[str, ...] = ()
    context_blockers: tuple[str, ...] = ()
    context_excludes: tuple[str, ...] = ()
    trade_context: tuple[str, ...] = ()
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
    # The activity only trades the sector's goods (a shop selling pork is not a farm).
    trade_only: bool = False


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


# Clause boundaries: punctuation, a spaced dash, and the conjunction "và" (checked after
# normalisation, folded or not), so "trồng rau và bán cơm gà" reads as two clauses.
_CLAUSE_BREAK = re.compile(r"[,;/.()\[\]\n+&|:!?]+|\s[-–—]\s")
_CONJUNCTIONS = (" và ", " va ")


class ActivityText:
    """An activity prepared once for keyword look-ups (normalised, and folded when typed bare)."""

    def __init__(self, activity: str) -> None:
        self.folded_mode = not has_diacritics(activity)
        self._text = _padded(self._prepare(activity))
        clauses = [_padded(self._prepare(part)) for part in _CLAUSE_BREAK.split(activity)]
        for conjunction in _CONJUNCTIONS:
            clauses = [f" {piece.strip()} " for clause in clauses for piece in clause.split(conjunction)]
        self._clauses = tuple(clause for clause in clauses if clause.strip())

    def _prepare(self, text: str) -> str:
        normalized = normalize_vietnamese(text)
        return fold_diacritics(normalized) if self.folded_mode else normalized

    def _needle(self, keyword: str) -> str | None:
        accented, folded = _keyword_forms(keyword)
        return folded if self.folded_mode else accented

    def mentions(self, keyword: str) -> bool:
        """True when the keyword occurs as a whole syllable sequence."""
        needle = self._needle(keyword)
        return needle is not None and needle in self._text

    def first_mention(self, keywords: Sequence[str]) -> str | None:
        return next((keyword for keyword in keywords if self.mentions(keyword)), None)

    def mentions_in_context(self, keyword: str, context: Sequence[str], blockers: Sequence[str] = ()) -> bool:
        """True when one clause holds the keyword and a context word, and no blocker."""
        needle = self._needle(keyword)
        if needle is None:
            return False
        needles = [self._needle(word) for word in context]
        stops = [self._needle(word) for word in blockers]
        return any(
            needle in clause
            and any(n is not None and n in clause for n in needles)
            and not any(n is not None and n in clause for n in stops)
            for clause in self._clauses
        )

    def without(self, phrases: Sequence[str]) -> ActivityText:
        """The same text with these phrases blanked out."""
        if not phrases:
            return self
        needles = [needle for phrase in phrases if (needle := self._needle(phrase)) is not None]

        def blank(text: str) -> str:
            for needle in needles:
                text = text.replace(needle, " | ")
            return text

        blanked = ActivityText("")
        blanked.folded_mode = self.folded_mode
        blanked._text = blank(self._text)
        blanked._clauses = tuple(blank(clause) for clause in self._clauses)
        return blanked


class SectorReading:
    """An activity read with one sector's vocabulary: its excludes, contextual words and blockers."""

    def __init__(self, sector: Sector, text: ActivityText) -> None:
        self.sector = sector
        self._text = text.without(sector.excludes)
        self._context_text = self._text.without(sector.context_excludes)

    def mentions(self, keyword: str) -> bool:
        """Whether the keyword counts for this sector (contextual and context words need their clause)."""
        sector = self.sector
        if keyword in sector.contextual_keywords:
            return self._context_text.mentions_in_context(keyword, sector.context, sector.context_blockers)
        if keyword in sector.context:
            return self._context_text.mentions_in_context(keyword, (keyword,), sector.context_blockers)
        return self._text.mentions(keyword)

    def first_mention(self, keywords: Sequence[str]) -> str | None:
        return next((keyword for keyword in keywords if self.mentions(keyword)), None)

    def evidence(self) -> str | None:
        """Why the activity belongs to the sector, or None when it does not."""
        if keyword := self.first_mention(self.sector.keywords):
            return f"hoạt động có từ “{keyword}”"
        if keyword := self.first_mention(self.sector.contextual_keywords):
            context = self.first_mention(self.sector.context)
            return f"hoạt động có từ “{keyword}” cùng “{context}”"
        return None

    def traded_goods(self) -> str | None:
        """Evidence that the activity trades the sector's goods: a contextual keyword in a clause
        with a trade word and no blocker ("bán thịt lợn", not "quán cơm gà"), or None."""
        sector = self.sector
        text = self._context_text
        goods = next(
            (
                keyword
                for keyword in sector.contextual_keywords
                if text.mentions_in_context(keyword, sector.trade_context, sector.context_blockers)
            ),
            None,
        )
        if goods is None:
            return None
        return f"hoạt động có từ “{goods}” cùng “{text.first_mention(sector.trade_context)}”"

    def produces_own_goods(self) -> bool:
        """A farm sector whose activity shows the business grows or raises what it sells."""
        return self.sector.agricultural_products and self.first_mention(self.sector.context) is not None


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
        reading = SectorReading(sector, text)
        if evidence := reading.evidence():
            matches.append(SectorMatch(sector=sector, evidence=evidence))
        elif evidence := reading.traded_goods():
            matches.append(SectorMatch(sector=sector, evidence=evidence, trade_only=True))
    if not matches and fallback is not None:
        matches = fallback(activity, table.sectors)
    return matches


def applicable_requirements(
    sector: Sector, activity: str | ActivityText
) -> list[tuple[SectorRequirement, bool]]:
    """The sector's requirements that apply to this activity, each with its required flag."""
    text = activity if isinstance(activity, ActivityText) else ActivityText(activity)
    reading = SectorReading(sector, text)
    chosen = []
    for requirement in sector.requirements:
        if requirement.triggers and reading.first_mention(requirement.triggers) is None:
            continue
        if reading.first_mention(requirement.unless) is not None:
            continue
        required = requirement.required or (
            bool(requirement.required_when) and reading.first_mention(requirement.required_when) is not None
        )
        chosen.append((requirement, required))
    return chosen


def sector_catalog_codes(table: SectorTable | None = None) -> set[str]:
    """Every catalog code the sector table points to (checked against the shipped catalog in tests)."""
    table = table or load_sector_table()
    return {r.code for s in table.sectors for r in s.requirements if r.code}
