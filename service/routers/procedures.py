"""Procedure detail."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Path, Request

from catalog.schema import Procedure

router = APIRouter(tags=["procedures"])


@router.get("/procedures/{code}", response_model=Procedure)
async def get_procedure(
    request: Request,
    code: Annotated[str, Path(max_length=20, examples=["1.001193"])],
) -> Procedure:
    """One procedure by its national code (e.g. 1.001193, đăng ký khai sinh)."""
    return request.app.state.catalog.get_or_raise(code=code)
