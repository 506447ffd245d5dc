"""One plain-Vietnamese sentence saying why a procedure is suggested, with its legal basis.

Each signal explains itself in its own words: the step of a life event and the situation it
applies in, the stage of a registration's life, what people filing the same case did next, or
the law two procedures share. Which document is cited is chosen in `legal.py`.
"""

from __future__ import annotations


def _basis_clause(basis: str | None) -> str:
    return f" (căn cứ {basis})" if basis else ""


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text else text


def event_reason(
    *,
    event_name: str,
    given_step: str,
    candidate_step: str,
    relation: str,
    situation: str | None,
    basis: str | None,
) -> str:
    """Why a fellow member of a life event is suggested."""
    event, given, candidate = (_lower_first(x) for x in (event_name, given_step, candidate_step))
    if relation == "follow_up":
        head = f"Khi «{event}», sau bước «{given}» là bước «{candidate}»"
    elif relation == "prerequisite":
        head = f"Khi «{event}», bước «{candidate}» thường làm trước «{given}»"
    elif relation == "alternative":
        head = f"Khi «{event}», đây là cách làm khác của bước «{given}»"
    else:
        head = f"Khi «{event}», thủ tục này đi cùng bước «{given}»"
    tail = f", {situation}" if situation else ""
    return f"{head}{tail}{_basis_clause(basis)}."


_LIFECYCLE_PHRASES = {
    "extend": "Khi thời hạn {object} sắp hết mà vẫn cần, phải làm thủ tục gia hạn trước khi hết hạn",
    "delete": "Khi không còn cần {object} nữa (chuyển đi, trả xong nợ, chấm dứt), phải xóa đăng ký",
    "terminate": "Khi thôi hoạt động, cần làm thủ tục chấm dứt {object} để khép lại hồ sơ",
    "suspend": "Khi cần tạm nghỉ một thời gian, phải thông báo tạm ngừng trước khi nghỉ",
    "revoke": "Khi {object} không còn dùng nữa, cần nộp lại để thu hồi",
    "change": "Nếu nội dung đã đăng ký về {object} thay đổi, cần đăng ký thay đổi để thông tin luôn đúng",
    "reissue": "Nếu giấy tờ về {object} bị mất, hỏng hoặc sai thông tin, có thể xin cấp lại",
    "renew": "Khi giấy tờ về {object} hết hạn hoặc cần đổi mẫu, có thể xin cấp đổi",
    "restore": "Nếu tìm lại được giấy tờ về {object} đã báo mất, có thể đề nghị khôi phục để dùng tiếp",
    "issue": "Sau khi đã báo mất, có thể làm thủ tục cấp {object} mới",
    "register": "Sau khi đã báo mất, có thể đăng ký {object} lại từ đầu",
}


def lifecycle_reason(*, action: str, object_text: str, basis: str | None) -> str:
    """Why a later stage of the same registration is suggested."""
    template = _LIFECYCLE_PHRASES.get(action, "Đây là bước tiếp theo trong vòng đời của {object}")
    return template.format(object=object_text) + _basis_clause(basis) + "."


def cooccurrence_reason(*, given_title: str, after_share: float, synthetic: bool) -> str:
    """Why a procedure often filed in the same cases is suggested."""
    when = "làm tiếp thủ tục này sau đó" if after_share >= 0.5 else "làm kèm thủ tục này"
    source = "nhật ký hồ sơ mô phỏng" if synthetic else "nhật ký hồ sơ"
    return f"Nhiều người nộp «{_lower_first(given_title)}» cũng {when} (theo {source})."


def content_reason(*, field: str | None, basis: str | None, same_field: bool) -> str:
    """Why a procedure close in subject is suggested."""
    if basis:
        return f"Thủ tục này cùng dựa trên {basis} với việc bạn đang làm nên thường cần xem cùng lúc."
    if same_field and field:
        return f"Thủ tục này cùng lĩnh vực {_lower_first(field)} và có nội dung gần với việc bạn đang làm."
    return "Thủ tục này có nội dung gần với việc bạn đang làm, nên kiểm tra xem bạn có cần không."


def profile_event_reason(*, event_name: str, step: str, basis: str | None) -> str:
    """Why a procedure of an event the profile brings in (e.g. having employees) is suggested."""
    return (
        f"Vì bạn có người lao động, việc «{_lower_first(event_name)}» cũng áp dụng, "
        f"bắt đầu từ bước «{_lower_first(step)}»{_basis_clause(basis)}."
    )
