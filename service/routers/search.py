"""Procedure search: everyday words, no diacritics, acronyms or a code."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field

from catalog.schema import Level
from models.search.engine import InvalidQueryError, SearchFilters
from service.cache import cached_json
from service.components import Components
from service.dependencies import ComponentsDep
from service.errors import Problem

router = APIRouter(prefix="/v1", tags=["search"])

MAX_LIMIT = 50


class SearchResult(BaseModel):
    code: str = Field(examples=["1.001193"])
    title: str = Field(examples=["Thủ tục đăng ký khai sinh"])
    score: float = Field(examples=[0.93])
    field: str | None = Field(default=None, examples=["Hộ tịch"])
    levels: list[Level] = Field(default_factory=list, examples=[["cấp xã"]])
    fully_online: bool = Field(examples=[True])


class SearchResponse(BaseModel):
    query: str = Field(examples=["dang ky khai sinh"])
    catalog_version: str
    results: list[SearchResult]


def run_search(
    components: Components, query: str, *, limit: int, filters: SearchFilters | None
) -> list[SearchResult]:
    """Search and describe each hit with the catalog facts the counter page shows."""
    try:
        hits = components.search.search(query, limit=limit, filters=filters)
    except InvalidQueryError as exc:
        raise Problem(
            422,
            "Invalid query",
            "Câu tìm kiếm không dùng được (rỗng, quá dài hoặc có ký tự điều khiển). "
            "Hãy nhập vài từ mô tả thủ tục, hoặc mã (1.001193).",
            f"The query cannot be used ({exc}). Type a few words describing the procedure, or a code.",
        ) from exc
    results = []
    for hit in hits:
        procedure = components.catalog.get_or_raise(code=hit.code)
        results.append(
            SearchResult(
                code=procedure.code,
                title=procedure.title,
                score=round(float(hit.score), 4),
                field=procedure.field,
                levels=procedure.levels,
                fully_online=procedure.fully_online,
            )
        )
    return results


@router.get(
    "/search",
    response_model=SearchResponse,
    responses={422: {"description": "Câu tìm kiếm rỗng, quá dài hoặc không hợp lệ (problem JSON)"}},
)
async def search(
    request: Request,
    components: ComponentsDep,
    q: Annotated[
        str,
        Query(
            min_length=1,
            description="Từ khóa: có dấu hoặc không dấu, viết tắt (CCCD, GPKD), mã thủ tục, hoặc tiếng Anh",
            examples=["lam lai can cuoc bi mat", "đăng ký khai sinh", "sổ đỏ", "1.001193"],
        ),
    ],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Số kết quả tối đa")] = 10,
    field: Annotated[str | None, Query(max_length=200, description="Lĩnh vực", examples=["Hộ tịch"])] = None,
    level: Annotated[Level | None, Query(description="Cấp thực hiện")] = None,
    fully_online: Annotated[bool | None, Query(description="Chỉ thủ tục trực tuyến toàn trình")] = None,
) -> Response:
    """Tìm thủ tục hành chính từ lời nói thường ngày; kết quả tốt nhất đứng đầu."""
    max_chars = request.app.state.settings.max_query_chars
    if len(q) > max_chars:
        raise Problem(
            422,
            "Query too long",
            f"Câu tìm kiếm dài {len(q)} ký tự, tối đa {max_chars}. Hãy rút gọn còn vài từ chính.",
            f"The query is {len(q)} characters long, at most {max_chars}. Keep a few key words.",
        )
    filters = SearchFilters(field=field, level=level, fully_online=fully_online)
    active = filters if filters != SearchFilters() else None

    def compute() -> SearchResponse:
        return SearchResponse(
            query=q,
            catalog_version=components.catalog.version,
            results=run_search(components, q, limit=limit, filters=active),
        )

    params = {"q": q, "limit": limit, **filters.model_dump(mode="json")}
    return await cached_json(request, kind="search", params=params, compute=compute)
