"""Fees (the "Phí, lệ phí" column of the portal's channel table and its bracketed description).

Rule: the kind follows the portal's fee column ("Miễn phí" → free, "2,000,000 Việt Nam Đồng" →
amount). When the column says "Miễn phí" or "Không có thông tin" but the description states a
figure in đồng ("Lệ phí: 135.000 đồng/lần"), the figure wins: the column then holds the portal's
default, not the fee. A figure in US dollars (visas, foreigners' papers) goes to `amount_usd`;
anything else is text.
"""

from __future__ import annotations

import re

from catalog.schema import NOT_STATED, Fee, clean_text

FREE_WORDS = ("Miễn phí", "Không thu", "Không có", "Không")

SHORT_TEXT_CHARS = 160
# No fee in the national catalog is below 1,000 đồng; a smaller column figure is a typing slip.
MIN_PLAUSIBLE_VND = 1000

# The fee column: "2,000,000 Việt Nam Đồng", "100,000 VNĐ", "145 USD", "Phí : 0 Đồng".
_COLUMN_AMOUNT = re.compile(
    r"(?:(?:Lệ phí|Phí)\s*:\s*)?(?P<amount>\d[\d.,]*)\s*(?P<currency>Việt Nam Đồng|VNĐ|VND|Đồng|đồng|USD)"
)
# A figure in đồng inside prose: "135.000 đồng", "2.000.000đ/lần", "8.000.000/lần", "15000000/lần Đồng".
_PROSE_AMOUNT = re.compile(
    r"(?<![\d/.,])(?P<amount>\d{1,3}(?:[.,]\d{3})+|\d{4,})(?![\d/.,]\d)"
    r"(?=\s*(?:(?i:đồng|vnđ|vnd)|đ\b|/[a-zđà-ỹ0-9]))"
)
_PROSE_USD = re.compile(r"(?<![\d.,])(?P<amount>\d+(?:[.,]\d+)?)\s*USD")


def shorten(text: str, limit: int = SHORT_TEXT_CHARS) -> str:
    """Cut a text at a word boundary so that it fits `limit` characters, marking the cut."""
    text = clean_text(text)
    if len(text) <= limit:
        return text
    return text[: limit - 1].rsplit(" ", 1)[0].rstrip(" ,;:(") + "…"


def vnd_amount(digits: str) -> int:
    """'2,000,000' / '2.000.000' / '2000000' → 2000000 (Vietnamese and English grouping)."""
    return int(re.sub(r"[.,]", "", digits))


def find_amount_in_prose(text: str) -> int | None:
    """The first amount in đồng stated in a description, or None."""
    match = _PROSE_AMOUNT.search(text)
    return vnd_amount(match["amount"]) if match else None


def parse_fee(column: str, description: str | None = None) -> Fee | None:
    """Read a fee from its column value and optional description; None when none is stated."""
    column = clean_text(column)
    description = clean_text(description or "")
    text = shorten(description) if description else None
    prose_amount = find_amount_in_prose(description) if description else None
    match = _COLUMN_AMOUNT.fullmatch(column)
    if match is not None:
        if match["currency"] == "USD":
            return Fee(kind="amount", amount_usd=float(match["amount"].replace(",", "")), text=text)
        amount = vnd_amount(match["amount"])
        if amount < MIN_PLAUSIBLE_VND:
            # "150 VNĐ(150.000 đồng/lần)": the column lost its thousands; trust the description.
            if prose_amount is not None:
                return Fee(kind="amount", amount_vnd=prose_amount, text=text)
            usd = _PROSE_USD.search(description)
            if usd is not None:  # "155 VNĐ(...: 155 USD/thẻ)": the currency was mistyped
                return Fee(kind="amount", amount_usd=float(usd["amount"].replace(",", ".")), text=text)
            if amount > 0:
                return Fee(kind="text", text=shorten(f"{column} {description}".strip()))
        if amount == 0:
            return Fee(kind="free", text=text)
        return Fee(kind="amount", amount_vnd=amount, text=text)
    if prose_amount is not None:
        return Fee(kind="amount", amount_vnd=prose_amount, text=text)
    if not column or column == NOT_STATED:
        return None
    if column.startswith(FREE_WORDS):
        return Fee(kind="free", text=text)
    return Fee(kind="text", text=shorten(f"{column} {description}".strip()))
