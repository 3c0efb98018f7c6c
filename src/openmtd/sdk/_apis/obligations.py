"""Obligations v3.0: income and expenditure (quarterly updates) and final declaration."""

from __future__ import annotations

from datetime import date

from openmtd.sdk._apis._base import AsyncGroup, SyncGroup, scenario_header
from openmtd.sdk._models.obligations import (
    FinalDeclarationObligations,
    IncomeAndExpenditureObligations,
    ObligationStatus,
)
from openmtd.sdk._request import ApiCall, path
from openmtd.sdk._response import model_reader
from openmtd.sdk._versions import Api

__all__ = ["AsyncObligationsApi", "ObligationsApi", "final_declaration_call", "income_call"]


def income_call(
    nino: str,
    *,
    type_of_business: str | None = None,
    business_id: str | None = None,
    from_date: date | None = None,
    to_date: date | None = None,
    status: ObligationStatus | str | None = None,
    scenario: str | None = None,
) -> ApiCall[IncomeAndExpenditureObligations]:
    params = {
        name: str(value)
        for name, value in (
            ("typeOfBusiness", type_of_business),
            ("businessId", business_id),
            ("fromDate", from_date.isoformat() if from_date else None),
            ("toDate", to_date.isoformat() if to_date else None),
            ("status", status),
        )
        if value is not None
    }
    return ApiCall(
        Api.OBLIGATIONS,
        "GET",
        path("/obligations/details/{nino}/income-and-expenditure", nino=nino),
        model_reader(IncomeAndExpenditureObligations),
        params=params,
        headers=scenario_header(scenario),
        nino=nino,
    )


def final_declaration_call(
    nino: str,
    *,
    tax_year: str | None = None,
    status: ObligationStatus | str | None = None,
    scenario: str | None = None,
) -> ApiCall[FinalDeclarationObligations]:
    params = {
        name: str(value)
        for name, value in (("taxYear", tax_year), ("status", status))
        if value is not None
    }
    return ApiCall(
        Api.OBLIGATIONS,
        "GET",
        path("/obligations/details/{nino}/crystallisation", nino=nino),
        model_reader(FinalDeclarationObligations),
        params=params,
        headers=scenario_header(scenario),
        nino=nino,
    )


class ObligationsApi(SyncGroup):
    """Obligations (``client.obligations``)."""

    def income_and_expenditure(
        self,
        nino: str,
        *,
        type_of_business: str | None = None,
        business_id: str | None = None,
        from_date: date | None = None,
        to_date: date | None = None,
        status: ObligationStatus | str | None = None,
        scenario: str | None = None,
    ) -> IncomeAndExpenditureObligations:
        """Each income source's quarterly obligations. ``type_of_business`` is needed with
        ``business_id``; ``from_date`` and ``to_date`` go together (at most 366 days)."""
        return self._send(
            income_call(
                nino,
                type_of_business=type_of_business,
                business_id=business_id,
                from_date=from_date,
                to_date=to_date,
                status=status,
                scenario=scenario,
            )
        )

    def final_declaration(
        self,
        nino: str,
        *,
        tax_year: str | None = None,
        status: ObligationStatus | str | None = None,
        scenario: str | None = None,
    ) -> FinalDeclarationObligations:
        """The final declaration obligations (``tax_year`` left out: the last 4 years)."""
        return self._send(
            final_declaration_call(nino, tax_year=tax_year, status=status, scenario=scenario)
        )


class AsyncObligationsApi(AsyncGroup):
    """Obligations (``client.obligations``), async."""

    async def income_and_expenditure(
        self,
        nino: str,
        *,
        type_of_business: str | None = None,
        business_id: str | None = None,
        from_date: date | None = None,
        to_date: date | None = None,
        status: ObligationStatus | str | None = None,
        scenario: str | None = None,
    ) -> IncomeAndExpenditureObligations:
        """As :meth:`ObligationsApi.income_and_expenditure`."""
        return await self._send(
            income_call(
                nino,
                type_of_business=type_of_business,
                business_id=business_id,
                from_date=from_date,
                to_date=to_date,
                status=status,
                scenario=scenario,
            )
        )

    async def final_declaration(
        self,
        nino: str,
        *,
        tax_year: str | None = None,
        status: ObligationStatus | str | None = None,
        scenario: str | None = None,
    ) -> FinalDeclarationObligations:
        """As :meth:`ObligationsApi.final_declaration`."""
        return await self._send(
            final_declaration_call(nino, tax_year=tax_year, status=status, scenario=scenario)
        )
