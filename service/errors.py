"""RFC 9457 problem-details responses, with a message in Vietnamese and English."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from catalog.store import UnknownProcedureError

PROBLEM_JSON = "application/problem+json"


class Problem(Exception):
    """An error a client can act on; rendered as problem JSON."""

    def __init__(self, status: int, title: str, detail_vi: str, detail_en: str) -> None:
        super().__init__(detail_en)
        self.status, self.title, self.detail_vi, self.detail_en = status, title, detail_vi, detail_en


def problem_response(request: Request, problem: Problem) -> JSONResponse:
    body = {
        "type": "about:blank",
        "title": problem.title,
        "status": problem.status,
        "detail": problem.detail_vi,
        "detail_en": problem.detail_en,
        "instance": request.url.path,
    }
    return JSONResponse(body, status_code=problem.status, media_type=PROBLEM_JSON)


def install_error_handlers(app: FastAPI) -> None:
    """Map domain and framework errors to problem JSON; never leak a stack trace."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(request, exc)

    @app.exception_handler(UnknownProcedureError)
    async def _unknown_code(request: Request, exc: UnknownProcedureError) -> JSONResponse:
        return problem_response(
            request,
            Problem(
                404,
                "Unknown procedure",
                f"Không có thủ tục mã {exc.code} trong danh mục. Kiểm tra lại mã (dạng 1.001193).",
                f"No procedure with code {exc.code} in the catalog. Check the code (like 1.001193).",
            ),
        )

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        where = "; ".join(f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}" for err in exc.errors()[:5])
        return problem_response(
            request,
            Problem(422, "Invalid request", f"Yêu cầu không hợp lệ — {where}", f"Invalid request — {where}"),
        )

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = str(exc.detail)
        return problem_response(request, Problem(exc.status_code, detail, detail, detail))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(
            request,
            Problem(
                500,
                "Internal error",
                "Lỗi hệ thống, vui lòng thử lại sau.",
                "Internal error, please retry later.",
            ),
        )
