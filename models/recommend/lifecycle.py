"""Lifecycle links: the same registered thing at another stage of its life.

A title is read as an action and an object ("Gia hạn" + "tạm trú", "Xóa đăng ký" + "biện pháp bảo
đảm bằng quyền sử dụng đất"). Within one field, procedures about the same object at a later
stage (register → change, extend, reissue → suspend, delete, end; report lost → reissue or
restore) are follow-ups of one another. This is how Vietnamese administrative law names the stages of a
registration, so it holds for procedures no one has curated.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from enum import IntEnum

from catalog.schema import Procedure
from models.recommend.variants import variant_key
from models.text.normalize import normalize_vietnamese


class Stage(IntEnum):
    LOST = 0
    START = 1
    CHANGE = 2
    END = 3


# Longest first: "xóa đăng ký" before "đăng ký", "cấp lại" before "cấp".
_ACTIONS: list[tuple[str, Stage, str]] = [
    ("trình báo mất", Stage.LOST, "report_lost"),
    ("xóa đăng ký", Stage.END, "delete"),
    ("chấm dứt hoạt động", Stage.END, "terminate"),
    ("chấm dứt hiệu lực", Stage.END, "terminate"),
    ("chấm dứt", Stage.END, "terminate"),
    ("giải thể", Stage.END, "terminate"),
    ("tạm ngừng", Stage.END, "suspend"),
    ("thu hồi", Stage.END, "revoke"),
    ("đăng ký thay đổi", Stage.CHANGE, "change"),
    ("thay đổi", Stage.CHANGE, "change"),
    ("điều chỉnh", Stage.CHANGE, "change"),
    ("sửa đổi bổ sung", Stage.CHANGE, "change"),
    ("gia hạn", Stage.CHANGE, "extend"),
    ("cấp lại", Stage.CHANGE, "reissue"),
    ("cấp đổi", Stage.CHANGE, "renew"),
    ("khôi phục giá trị sử dụng", Stage.CHANGE, "restore"),
    ("khôi phục", Stage.CHANGE, "restore"),
    ("đăng ký lại", Stage.START, "register_again"),
    ("đăng ký", Stage.START, "register"),
    ("cấp mới", Stage.START, "issue"),
    ("cấp", Stage.START, "issue"),
    ("thành lập", Stage.START, "establish"),
]
# Titles are compared in canonical form (normalize_vietnamese writes "ký" as "kí").
_BY_WORDS = {normalize_vietnamese(a): (stage, name) for a, stage, name in _ACTIONS}
_ACTION = re.compile(r"^(?:" + "|".join(re.escape(a) for a in _BY_WORDS) + r")\b")
_FILLER = frozenset(normalize_vietnamese("cho của đối với trong trường hợp và các tại việt nam").split())


@dataclass(frozen=True)
class ParsedTitle:
    action: str
    stage: Stage
    object_words: frozenset[str]
    object_text: str


def parse_title(title: str) -> ParsedTitle | None:
    """Action and object of a title, or None when it starts with no lifecycle action."""
    text = variant_key(title)
    match = _ACTION.match(text)
    if match is None:
        return None
    stage, action = _BY_WORDS[match.group(0)]
    rest = text[match.end() :].strip()
    words = frozenset(w for w in rest.split() if w not in _FILLER)
    if len(words) < 2:
        return None
    return ParsedTitle(action=action, stage=stage, object_words=words, object_text=_short_object(rest))


def _short_object(rest: str) -> str:
    """The object's head, for a readable sentence: up to 'đối với'/'trong trường hợp', ≤ 8 words."""
    head = re.split(r" (?:đối với|trong trường hợp|trong các trường hợp|theo|do) ", rest, maxsplit=1)[0]
    return " ".join(head.split()[:8])


def same_object(a: ParsedTitle, b: ParsedTitle, *, min_overlap: float = 0.8) -> bool:
    """The two titles are about the same registered thing: the shorter object sits inside the
    longer and is most of it ("giấy phép lái xe" is not "giấy phép sát hạch ... lái xe")."""
    common = len(a.object_words & b.object_words)
    shorter = min(len(a.object_words), len(b.object_words))
    longer = max(len(a.object_words), len(b.object_words))
    return common / shorter >= min_overlap and common / longer >= 0.5


def ends_what_starts(given: ParsedTitle | None, candidate: ParsedTitle | None) -> bool:
    """The candidate ends or suspends something and the given procedure starts something: right
    after registering, closing down is the least likely next step."""
    return (
        given is not None
        and candidate is not None
        and given.stage is Stage.START
        and candidate.stage is Stage.END
    )


@dataclass(frozen=True)
class LifecycleLink:
    code: str
    action: str  # the candidate's action, e.g. "extend"
    object_text: str
    strength: float


def _follows(given: Stage, candidate: Stage) -> bool:
    """Candidate comes after the given stage in a registration's life."""
    if given is Stage.LOST:
        return candidate in (Stage.START, Stage.CHANGE)
    return candidate > given or (given is Stage.CHANGE and candidate is Stage.CHANGE)


def lifecycle_links(
    procedures: Iterable[Procedure], *, min_overlap: float = 0.8
) -> dict[str, list[LifecycleLink]]:
    """For each procedure, later-stage procedures about the same object in the same field."""
    by_field: dict[str | None, list[tuple[str, ParsedTitle]]] = defaultdict(list)
    for procedure in procedures:
        parsed = parse_title(procedure.title)
        if parsed is not None:
            by_field[procedure.field].append((procedure.code, parsed))
    links: dict[str, list[LifecycleLink]] = defaultdict(list)
    for members in by_field.values():
        for code, given in members:
            for other, candidate in members:
                if other == code or candidate.action == given.action:
                    continue
                if not _follows(given.stage, candidate.stage):
                    continue
                if not same_object(given, candidate, min_overlap=min_overlap):
                    continue
                common = len(given.object_words & candidate.object_words)
                shorter = min(len(given.object_words), len(candidate.object_words))
                longer = max(len(given.object_words), len(candidate.object_words))
                strength = round((common / shorter) * (0.5 + 0.5 * common / longer), 3)
                links[code].append(LifecycleLink(other, candidate.action, candidate.object_text, strength))
    return dict(links)
