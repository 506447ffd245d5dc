"""Vietnamese wording of catalog facts on the pages."""

from __future__ import annotations

from catalog.schema import ChannelKind, Fee, TimeLimit, TimeUnit

CHANNEL_LABELS = {
    ChannelKind.IN_PERSON: "Trực tiếp",
    ChannelKind.ONLINE: "Trực tuyến",
    ChannelKind.POST: "Dịch vụ bưu chính",
}

_UNIT_LABELS = {
    TimeUnit.WORKING_DAY: "ngày làm việc",
    TimeUnit.DAY: "ngày",
    TimeUnit.HOUR: "giờ",
    TimeUnit.MONTH: "tháng",
    TimeUnit.YEAR: "năm",
}

RELATION_LABELS = {
    "prerequisite": "Làm trước",
    "companion": "Làm cùng",
    "follow_up": "Làm tiếp theo",
    "alternative": "Trường hợp khác",
}


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else f"{value:g}".replace(".", ",")


def time_limit_text(limit: TimeLimit | None) -> str:
    if limit is None:
        return "Không nêu"
    if limit.amount == 0 and limit.text:
        return limit.text
    return f"{_number(limit.amount)} {_UNIT_LABELS[limit.unit]}"


def fee_text(fee: Fee | None) -> str:
    if fee is None:
        return "Không nêu"
    if fee.kind == "free":
        return "Miễn phí"
    if fee.kind == "amount" and fee.amount_vnd is not None:
        return f"{fee.amount_vnd:,} đồng".replace(",", ".")
    return fee.text or "Không nêu"


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.1f} %".replace(".", ",")
