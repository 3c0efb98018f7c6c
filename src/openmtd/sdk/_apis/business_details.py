"""Business Details v2.0: list a customer's businesses, retrieve one."""

from __future__ import annotations

from openmtd.sdk._apis._base import AsyncGroup, SyncGroup, scenario_header
from openmtd.sdk._models.business_details import BusinessDetails, BusinessList
from openmtd.sdk._request import ApiCall, path
from openmtd.sdk._response import model_reader
from openmtd.sdk._versions import Api

__all__ = ["AsyncBusinessDetailsApi", "BusinessDetailsApi", "list_call", "retrieve_call"]

_BASE = "/individuals/business/details/{nino}"


def list_call(nino: str, *, scenario: str | None = None) -> ApiCall[BusinessList]:
    return ApiCall(
        Api.BUSINESS_DETAILS,
        "GET",
        path(_BASE + "/list", nino=nino),
        model_reader(BusinessList),
        headers=scenario_header(scenario),
        nino=nino,
    )


def retrieve_call(
    nino: str, business_id: str, *, scenario: str | None = None
) -> ApiCall[BusinessDetails]:
    return ApiCall(
        Api.BUSINESS_DETAILS,
        "GET",
        path(_BASE + "/{business_id}", nino=nino, business_id=business_id),
        model_reader(BusinessDetails),
        headers=scenario_header(scenario),
        nino=nino,
    )


class BusinessDetailsApi(SyncGroup):
    """Business Details (``client.business_details``)."""

    def list(self, nino: str, *, scenario: str | None = None) -> BusinessList:
        """Every income source HMRC holds for the customer."""
        return self._send(list_call(nino, scenario=scenario))

    def retrieve(
        self, nino: str, business_id: str, *, scenario: str | None = None
    ) -> BusinessDetails:
        """One income source's details."""
        return self._send(retrieve_call(nino, business_id, scenario=scenario))


class AsyncBusinessDetailsApi(AsyncGroup):
    """Business Details (``client.business_details``), async."""

    async def list(self, nino: str, *, scenario: str | None = None) -> BusinessList:
        """As :meth:`BusinessDetailsApi.list`."""
        return await self._send(list_call(nino, scenario=scenario))

    async def retrieve(
        self, nino: str, business_id: str, *, scenario: str | None = None
    ) -> BusinessDetails:
        """As :meth:`BusinessDetailsApi.retrieve`."""
        return await self._send(retrieve_call(nino, business_id, scenario=scenario))
