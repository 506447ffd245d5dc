"""Procedure detail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path

from catalog.schema import Procedure
from service.dependencies import ComponentsDep

router = APIRouter(prefix="/v1", tags=["procedures"])


@router.get(
    "/procedures/{code}",
    response_model=Procedure,
    responses={404: {"description": "Không có thủ tục mã này (problem JSON)"}},
)
async def get_procedure(
    components: ComponentsDep,
    code: Annotated[str, Path(max_length=20, examples=["1.001193"])],
) -> Procedure:
    """Một thủ tục theo mã quốc gia: cách nộp, thời hạn, phí, giấy tờ, căn cứ pháp lý."""
    return components.catalog.get_or_raise(code=code)
