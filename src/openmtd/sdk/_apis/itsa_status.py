"""Retrieve ITSA Status v2.0: ``GET /individuals/person/itsa-status/{nino}/{taxYear}``."""

from __future__ import annotations

from openmtd.sdk._apis._base import AsyncGroup, SyncGroup, flag, scenario_header
from openmtd.sdk._models.itsa_status import ItsaStatusResponse
from openmtd.sdk._request import ApiCall, path
from openmtd.sdk._response import model_reader
from openmtd.sdk._versions import Api

__all__ = ["AsyncItsaStatusApi", "ItsaStatusApi", "retrieve_call"]


def retrieve_call(
    nino: str,
    tax_year: str,
    *,
    future_years: bool = False,
    history: bool = False,
    scenario: str | None = None,
) -> ApiCall[ItsaStatusResponse]:
    params = {}
    if future_years:
        params["futureYears"] = flag(future_years)
    if history:
        params["history"] = flag(history)
    return ApiCall(
        Api.ITSA_STATUS,
        "GET",
        path("/individuals/person/itsa-status/{nino}/{tax_year}", nino=nino, tax_year=tax_year),
        model_reader(ItsaStatusResponse),
        params=params,
        headers=scenario_header(scenario),
        nino=nino,
    )


class ItsaStatusApi(SyncGroup):
    """Retrieve ITSA Status (``client.itsa_status``)."""

    def retrieve(
        self,
        nino: str,
        tax_year: str,
        *,
        future_years: bool = False,
        history: bool = False,
        scenario: str | None = None,
    ) -> ItsaStatusResponse:
        """The customer's ITSA status for ``tax_year`` (``"2025-26"``); with
        ``future_years`` the later years too, with ``history`` every status each year had.
        ``scenario`` is a ``Gov-Test-Scenario`` (HMRC's sandbox)."""
        return self._send(
            retrieve_call(
                nino, tax_year, future_years=future_years, history=history, scenario=scenario
            )
        )


class AsyncItsaStatusApi(AsyncGroup):
    """Retrieve ITSA Status (``client.itsa_status``), async."""

    async def retrieve(
        self,
        nino: str,
        tax_year: str,
        *,
        future_years: bool = False,
        history: bool = False,
        scenario: str | None = None,
    ) -> ItsaStatusResponse:
        """As :meth:`ItsaStatusApi.retrieve`."""
        return await self._send(
            retrieve_call(
                nino, tax_year, future_years=future_years, history=history, scenario=scenario
            )
        )
