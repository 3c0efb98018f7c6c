"""Self Assessment Test Support v1.0 (sandbox): test ITSA statuses, test businesses, vendor
state and checkpoints, with the customer's (or agent's) token and ``write:self-assessment``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from openmtd.sdk._apis._base import AsyncGroup, SyncGroup
from openmtd.sdk._models.itsa_status import SandboxItsaStatus
from openmtd.sdk._models.test_support import (
    CheckpointList,
    CreatedBusiness,
    CreatedCheckpoint,
    SandboxBusiness,
)
from openmtd.sdk._request import ApiCall, path
from openmtd.sdk._response import model_reader, no_content
from openmtd.sdk._versions import Api

__all__ = ["AsyncSaTestSupportApi", "SaTestSupportApi"]

_BASE: Final = "/individuals/self-assessment-test-support"


def _nino(nino: str | None) -> Mapping[str, str]:
    return {"nino": nino} if nino else {}


def set_status_call(nino: str, tax_year: str, statuses: SandboxItsaStatus) -> ApiCall[None]:
    return ApiCall(
        Api.SA_TEST_SUPPORT,
        "POST",
        _BASE + path("/itsa-status/{nino}/{tax_year}", nino=nino, tax_year=tax_year),
        no_content,
        json=statuses.body(),
        nino=nino,
    )


def delete_vendor_state_call(nino: str | None) -> ApiCall[None]:
    return ApiCall(
        Api.SA_TEST_SUPPORT, "DELETE", _BASE + "/vendor-state", no_content, params=_nino(nino)
    )


def create_checkpoint_call(nino: str) -> ApiCall[str]:
    read = model_reader(CreatedCheckpoint)
    return ApiCall(
        Api.SA_TEST_SUPPORT,
        "POST",
        _BASE + "/vendor-state/checkpoints",
        lambda answer: read(answer).checkpoint_id,
        params=_nino(nino),
        nino=nino,
    )


def list_checkpoints_call(nino: str | None) -> ApiCall[CheckpointList]:
    return ApiCall(
        Api.SA_TEST_SUPPORT,
        "GET",
        _BASE + "/vendor-state/checkpoints",
        model_reader(CheckpointList),
        params=_nino(nino),
    )


def checkpoint_call(method: str, checkpoint_id: str, suffix: str = "") -> ApiCall[None]:
    route = path("/vendor-state/checkpoints/{checkpoint_id}", checkpoint_id=checkpoint_id)
    return ApiCall(Api.SA_TEST_SUPPORT, method, _BASE + route + suffix, no_content)


def create_business_call(nino: str, business: SandboxBusiness) -> ApiCall[str]:
    read = model_reader(CreatedBusiness)
    return ApiCall(
        Api.SA_TEST_SUPPORT,
        "POST",
        _BASE + path("/business/{nino}", nino=nino),
        lambda answer: read(answer).business_id,
        json=business.body(),
        nino=nino,
    )


def delete_business_call(nino: str, business_id: str) -> ApiCall[None]:
    route = path("/business/{nino}/{business_id}", nino=nino, business_id=business_id)
    return ApiCall(Api.SA_TEST_SUPPORT, "DELETE", _BASE + route, no_content, nino=nino)


class SaTestSupportApi(SyncGroup):
    """Self Assessment Test Support (``client.test_support``)."""

    def set_itsa_status(self, nino: str, tax_year: str, statuses: SandboxItsaStatus) -> None:
        """Create or replace the test ITSA statuses of ``tax_year``."""
        self._send(set_status_call(nino, tax_year, statuses))

    def delete_vendor_state(self, nino: str | None = None) -> None:
        """Delete this application's stateful test data (for one NINO, or all)."""
        self._send(delete_vendor_state_call(nino))

    def create_checkpoint(self, nino: str) -> str:
        """Save the customer's test data as it is now; the checkpoint's ID."""
        return self._send(create_checkpoint_call(nino))

    def list_checkpoints(self, nino: str | None = None) -> CheckpointList:
        """The checkpoints saved (for one NINO, or all)."""
        return self._send(list_checkpoints_call(nino))

    def delete_checkpoint(self, checkpoint_id: str) -> None:
        """Forget a checkpoint."""
        self._send(checkpoint_call("DELETE", checkpoint_id))

    def restore_checkpoint(self, checkpoint_id: str) -> None:
        """Put the test data back as it was at the checkpoint."""
        self._send(checkpoint_call("POST", checkpoint_id, "/restore"))

    def create_business(self, nino: str, business: SandboxBusiness) -> str:
        """A test business for the customer; its business ID."""
        return self._send(create_business_call(nino, business))

    def delete_business(self, nino: str, business_id: str) -> None:
        """Delete a test business."""
        self._send(delete_business_call(nino, business_id))


class AsyncSaTestSupportApi(AsyncGroup):
    """Self Assessment Test Support (``client.test_support``), async."""

    async def set_itsa_status(self, nino: str, tax_year: str, statuses: SandboxItsaStatus) -> None:
        """As :meth:`SaTestSupportApi.set_itsa_status`."""
        await self._send(set_status_call(nino, tax_year, statuses))

    async def delete_vendor_state(self, nino: str | None = None) -> None:
        """As :meth:`SaTestSupportApi.delete_vendor_state`."""
        await self._send(delete_vendor_state_call(nino))

    async def create_checkpoint(self, nino: str) -> str:
        """As :meth:`SaTestSupportApi.create_checkpoint`."""
        return await self._send(create_checkpoint_call(nino))

    async def list_checkpoints(self, nino: str | None = None) -> CheckpointList:
        """As :meth:`SaTestSupportApi.list_checkpoints`."""
        return await self._send(list_checkpoints_call(nino))

    async def delete_checkpoint(self, checkpoint_id: str) -> None:
        """As :meth:`SaTestSupportApi.delete_checkpoint`."""
        await self._send(checkpoint_call("DELETE", checkpoint_id))

    async def restore_checkpoint(self, checkpoint_id: str) -> None:
        """As :meth:`SaTestSupportApi.restore_checkpoint`."""
        await self._send(checkpoint_call("POST", checkpoint_id, "/restore"))

    async def create_business(self, nino: str, business: SandboxBusiness) -> str:
        """As :meth:`SaTestSupportApi.create_business`."""
        return await self._send(create_business_call(nino, business))

    async def delete_business(self, nino: str, business_id: str) -> None:
        """As :meth:`SaTestSupportApi.delete_business`."""
        await self._send(delete_business_call(nino, business_id))
