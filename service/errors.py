"""RFC 9457 problem-details responses, with a message in Vietnamese and English."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog.store import UnknownProcedureError
from service.store import StoreFullError

PROBLEM_JSON = "application/problem+json"

log = logging.getLogger(__name__)


class Problem(Exception):
    """An error a client can act on; rendered as problem JSON."""

    def __init__(
        self,
        status: int,
        title: str,
        detail_vi: str,
        detail_en: str,
        *,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(detail_en)
        self.status, self.title, self.detail_vi, self.detail_en = status, title, detail_vi, detail_en
        self.headers = headers or {}


def problem_body(problem: Problem, instance: str) -> dict[str, object]:
    """The RFC 9457 members plus `detail_en`; `detail` is Vietnamese, the service's language."""
    return {
        "type": "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail_vi,
        "detail_en": problem.detail_en,
        "instance": instance,
    }


def problem_response(problem: Problem, instance: str) -> JSONResponse:
    return JSONResponse(
        problem_body(problem, instance),
        status_code=problem.status,
        media_type=PROBLEM_JSON,
        headers=problem.headers,
    )


_GENERIC_HTTP = {
    404: (
        "Not found",
        "Không tìm thấy địa chỉ này. Xem /docs để biết các API.",
        "No such path. See /docs for the API.",
    ),
    405: (
        "Method not allowed",
        "Phương thức HTTP này không dùng được ở địa chỉ này.",
        "This HTTP method is not allowed on this path.",
    ),
    413: (
        "Request too large",
        "Nội dung yêu cầu quá lớn. Gửi ít dữ liệu hơn (ví dụ ít mã thủ tục hơn).",
        "The request body is too large. Send less data (e.g. fewer procedure codes).",
    ),
}


def install_error_handlers(app: FastAPI) -> None:
    """Map domain and framework errors to problem JSON; never leak a stack trace."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc, request.url.path)

    @app.exception_handler(UnknownProcedureError)
    async def _unknown_code(request: Request, exc: UnknownProcedureError) -> JSONResponse:
        return problem_response(
            Problem(
                404,
                "Unknown procedure",
                f"Không có thủ tục mã {exc.code} trong danh mục. Kiểm tra lại mã (dạng 1.001193).",
                f"No procedure with code {exc.code} in the catalog. Check the code (like 1.001193).",
            ),
            request.url.path,
        )

    @app.exception_handler(StoreFullError)
    async def _store_full(request: Request, exc: StoreFullError) -> JSONResponse:
        return problem_response(
            Problem(
                503,
                "Event log unavailable",
                "Hệ thống lưu sự kiện tạm thời không ghi nhận được, vui lòng gửi lại sau ít phút.",
                "The event log cannot accept this right now; please send it again in a few minutes.",
                headers={"Retry-After": "30"},
            ),
            request.url.path,
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5])
        return problem_response(
            Problem(422, "Invalid request", f"Yêu cầu không hợp lệ — {where}", f"Invalid request — {where}"),
            request.url.path,
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        title, vi, en = _GENERIC_HTTP.get(exc.status_code, (str(exc.detail),) * 3)
        return problem_response(Problem(exc.status_code, title, vi, en), request.url.path)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return problem_response(
            Problem(
                500,
                "Internal error",
                "Lỗi hệ thống, vui lòng thử lại sau.",
                "Internal error, please retry later.",
            ),
            request.url.path,
        )
