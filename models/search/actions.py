"""The act a procedure title opens with, when it changes an earlier act (renew, amend, revoke...).

Procedures come in families: a permit or card is issued, then renewed, re-issued, amended or
revoked, each a procedure of its own whose title repeats the object after its action ("Cấp thẻ tư
vấn viên pháp luật", "Cấp lại thẻ...", "Thu hồi thẻ..."). A request that names no such action means
the first act ("xin thẻ tư vấn viên pháp luật"), so the search lowers the family members whose
action the query does not name; a query that names one ("thu hồi", or "bị mất", which the lexicon
reads as "cấp lại") keeps them whole.
"""

from __future__ import annotations

from collections.abc import Iterable

from models.text.normalize import fold_diacritics, tokenize

# Catalog wording of the acts that change, renew or end an earlier one, as titles open with them.
MODIFYING_ACTIONS = (
    "cấp lại", "cấp đổi", "gia hạn", "điều chỉnh", "thay đổi", "sửa đổi", "bổ sung", "đính chính",
    "cải chính", "xóa", "hủy", "thu hồi", "chấm dứt", "tạm ngừng", "giải thể", "đăng ký lại",
    "chuyển nhượng", "phục hồi", "khôi phục",
)  # fmt: skip
_FOLDED_ACTIONS = tuple(" ".join(fold_diacritics(w) for w in tokenize(a)) for a in MODIFYING_ACTIONS)
_TITLE_PREFIX = "thu tuc "


def _folded_text(words: Iterable[str]) -> str:
    return " ".join(fold_diacritics(w) for w in words)


def leading_action(title: str) -> str | None:
    """The modifying action a title opens with (folded, e.g. "gia han"), "Thủ tục" skipped; None
    for titles of a first act ("Cấp giấy phép...", "Đăng ký khai sinh")."""
    text = _folded_text(tokenize(title)).removeprefix(_TITLE_PREFIX)
    return next((a for a in _FOLDED_ACTIONS if text == a or text.startswith(a + " ")), None)


def named_actions(words: Iterable[str]) -> frozenset[str]:
    """The modifying actions (folded) a query's words name, wherever they stand."""
    text = f" {_folded_text(words)} "
    return frozenset(a for a in _FOLDED_ACTIONS if f" {a} " in text)
