"""Obligations (MTD) v3.0: income and expenditure (quarterly) and final declaration
(crystallisation) obligations (wire facts §5)."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import Field

from openmtd.sdk._models._base import HmrcModel

__all__ = [
    "FinalDeclarationObligation",
    "FinalDeclarationObligations",
    "IncomeAndExpenditureObligations",
    "ObligationPeriod",
    "ObligationStatus",
    "SourceObligations",
]


class ObligationStatus(StrEnum):
    """Whether an obligation is still to be met."""

    OPEN = "open"
    FULFILLED = "fulfilled"


class ObligationPeriod(HmrcModel):
    """One period's obligation: its dates, due date, status and (fulfilled) when received."""

    period_start_date: date
    period_end_date: date
    due_date: date
    status: ObligationStatus | str = Field(union_mode="left_to_right")
    received_date: date | None = None


class SourceObligations(HmrcModel):
    """One income source's income and expenditure obligations."""

    type_of_business: str
    business_id: str
    obligation_details: tuple[ObligationPeriod, ...]


class IncomeAndExpenditureObligations(HmrcModel):
    """``GET /obligations/details/{nino}/income-and-expenditure``."""

    obligations: tuple[SourceObligations, ...]


class FinalDeclarationObligation(ObligationPeriod):
    """One tax year's final declaration obligation."""


class FinalDeclarationObligations(HmrcModel):
    """``GET /obligations/details/{nino}/crystallisation``."""

    obligations: tuple[FinalDeclarationObligation, ...]
