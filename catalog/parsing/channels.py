"""The portal's channel table (`cach_thuc_thuc_hien`): one row per submission channel.

The crawl flattened the table without separators:
``Hình thức nộpThời gianPhí, lệ phíMô tả`` then rows of
``<channel><time><fee>(<fee description>)<description>``, e.g.
``Trực tuyến5 Ngày làm việc2,000,000 Việt Nam Đồng(Phí ...)Dịch vụ bưu chính5 Ngày làm việc...``.
A row starts where a channel name is glued to the next cell (a digit or a capital letter); in
description prose a channel name is followed by a space or a colon.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict

from catalog.parsing.fees import parse_fee
from catalog.parsing.time_limits import TIME_WITH_UNIT, find_time_in_prose, parse_time_column
from catalog.schema import NOT_STATED, Channel, ChannelKind, TimeLimit, clean_text

HEADER = "Hình thức nộpThời gianPhí, lệ phíMô tả"

CHANNEL_NAMES: dict[str, ChannelKind] = {
    "Trực tuyến": ChannelKind.ONLINE,
    "Dịch vụ bưu chính": ChannelKind.POST,
    "Trực tiếp": ChannelKind.IN_PERSON,
}

_CHANNEL_NAME = re.compile(r"(?P<name>Trực tuyến|Dịch vụ bưu chính|Trực tiếp)")
_FEE_COLUMN = re.compile(
    r"Miễn phí|Không có thông tin|(?:(?:Lệ phí|Phí)\s*:\s*)?\d[\d.,]*\s*(?:Việt Nam Đồng|VNĐ|VND|Đồng|USD)"
)
# A one-digit time with its unit lost, glued to an ungrouped fee: "Trực tuyến120 VNĐ(20.000 vnđ / tờ
# khai)" is time 1 and fee "20 VNĐ". Across the crawl an ungrouped fee after a time column is always
# below 1,000 (the portal drops the thousands: "20 VNĐ(20.000 đồng)"), and the glued figures match
# their descriptions that way (1.007882, 2.002042: "1100 VNĐ(... 100.000 đồng/lần)").
_GLUED_TIME_AND_FEE = re.compile(r"(?P<time>\d)(?P<fee>\d{2,3}\s*(?:Việt Nam Đồng|VNĐ|VND|Đồng))")
_BARE_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")


class ChannelRow(BaseModel):
    """One parsed row, with what the parser saw, for the import report."""

    model_config = ConfigDict(frozen=True)

    channel: Channel
    time_stated: bool
    fee_stated: bool


def has_channel_table(text: str) -> bool:
    """True when the field holds the channel table header."""
    return clean_text(text).startswith(clean_text(HEADER))


def _balanced_parenthesis(text: str) -> int:
    """Length of the parenthesised group at the start of `text` (0 when there is none)."""
    if not text.startswith("("):
        return 0
    depth = 0
    for index, char in enumerate(text):
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth == 0:
            return index + 1
    return len(text)


def _row_starts(body: str) -> list[re.Match[str]]:
    starts = []
    for match in _CHANNEL_NAME.finditer(body):
        following = body[match.end() : match.end() + 1]
        if following.isdigit() or following.isupper():
            starts.append(match)
    return starts


def _split_time(cell: str) -> tuple[TimeLimit | None, bool, str]:
    """Take the time column off the start of a row: (time limit, stated?, rest of the row)."""
    if cell.startswith(NOT_STATED):
        return None, False, cell[len(NOT_STATED) :]
    with_unit = TIME_WITH_UNIT.match(cell)
    if with_unit is not None:
        return parse_time_column(with_unit.group(0)), True, cell[with_unit.end() :]
    glued = _GLUED_TIME_AND_FEE.match(cell)
    if glued is not None:
        return parse_time_column(glued["time"]), True, cell[glued.start("fee") :]
    # The fee column comes first when the time is missing ("Trực tuyến120,000 VNĐ").
    if _FEE_COLUMN.match(cell):
        return None, False, cell
    bare = _BARE_NUMBER.match(cell)
    if bare is not None:
        return parse_time_column(bare.group(0)), True, cell[bare.end() :]
    # Words instead of a number ("Không quy định", "Không phải trả kết quả ..."): up to the fee.
    fee = _FEE_COLUMN.search(cell)
    words = cell[: fee.start()] if fee else cell
    return find_time_in_prose(words), False, cell[len(words) :]


def parse_row(name: str, cell: str) -> ChannelRow:
    """Parse one flattened row (the text after the channel name, up to the next row)."""
    time_limit, time_stated, rest = _split_time(cell)
    fee_match = _FEE_COLUMN.match(rest)
    fee_column = fee_match.group(0) if fee_match else ""
    rest = rest[len(fee_column) :]
    paren = _balanced_parenthesis(rest)
    fee_description = rest[1 : paren - 1] if paren else ""
    description = rest[paren:]
    if time_limit is None:
        time_limit = find_time_in_prose(description)
    fee = parse_fee(fee_column, fee_description)
    return ChannelRow(
        channel=Channel(kind=CHANNEL_NAMES[name], time_limit=time_limit, fee=fee),
        time_stated=time_stated or time_limit is not None,
        fee_stated=(bool(fee_column) and fee_column != NOT_STATED) or fee is not None,
    )


def parse_channel_rows(text: str) -> list[ChannelRow]:
    """All rows of a flattened channel table, in portal order; [] when there is no table."""
    text = clean_text(text)
    header = clean_text(HEADER)
    if not text.startswith(header):
        return []
    body = text[len(header) :]
    starts = _row_starts(body)
    rows = []
    for index, start in enumerate(starts):
        end = starts[index + 1].start() if index + 1 < len(starts) else len(body)
        rows.append(parse_row(start["name"], body[start.end() : end]))
    return _with_units_of_sibling_rows(rows)


def _with_units_of_sibling_rows(rows: list[ChannelRow]) -> list[ChannelRow]:
    """A bare time takes the unit another row of the same table states for the same number.

    1.007857 reads "Trực tuyến220 VNĐ..." and "Trực tiếp2 Giờ...": both channels take 2 hours, not
    the 2 working days the bare-number rule would give.
    """
    stated = {
        row.channel.time_limit.amount: row.channel.time_limit
        for row in rows
        if row.channel.time_limit and not _BARE_NUMBER.fullmatch(row.channel.time_limit.text or "")
    }
    adjusted = []
    for row in rows:
        limit = row.channel.time_limit
        sibling = stated.get(limit.amount) if limit and _BARE_NUMBER.fullmatch(limit.text or "") else None
        if sibling is not None and sibling.unit is not limit.unit:
            channel = row.channel.model_copy(update={"time_limit": sibling})
            row = row.model_copy(update={"channel": channel})
        adjusted.append(row)
    return adjusted
