"""`KpiShare`: one KPI as a share of counted items, with its target (Hà Nội's Resolution 57 plan)."""

from __future__ import annotations

from pydantic import BaseModel, Field


class KpiShare(BaseModel):
    """A share with its parts, the target and whether it is met."""

    name: str
    numerator: int
    denominator: int
    share: float | None = Field(description="None when nothing is counted.")
    target: float
    meets_target: bool
    note: str
    synthetic: bool

    @classmethod
    def of(
        cls, *, name: str, numerator: int, denominator: int, target: float, note: str, synthetic: bool
    ) -> KpiShare:
        """The share `numerator / denominator` (4 decimals) checked against `target`."""
        share = round(numerator / denominator, 4) if denominator else None
        return cls(
            name=name,
            numerator=numerator,
            denominator=denominator,
            share=share,
            target=target,
            meets_target=share is not None and share >= target,
            note=note,
            synthetic=synthetic,
        )
