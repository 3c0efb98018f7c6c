"""Retrieve ITSA Status v2.0 (wire facts §1.5) and its test-support twin's request (§4.2)."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from openmtd.rules.itsa_status import ItsaStatus, StatusReason
from openmtd.sdk._models._base import HmrcModel, Money, RequestModel

__all__ = [
    "ItsaStatus",
    "ItsaStatusDetail",
    "ItsaStatusResponse",
    "ItsaStatusYear",
    "SandboxItsaStatus",
    "SandboxItsaStatusDetail",
    "StatusReason",
]


class ItsaStatusDetail(HmrcModel):
    """One status a year had. ``status`` and ``status_reason`` are enums; a value HMRC adds
    after this SDK was released is kept as a plain string rather than refused."""

    submitted_on: datetime
    status: ItsaStatus | str = Field(union_mode="left_to_right")
    status_reason: StatusReason | str = Field(union_mode="left_to_right")
    business_income_2_years_prior: Money | None = Field(
        default=None, alias="businessIncome2YearsPrior"
    )


class ItsaStatusYear(HmrcModel):
    """One tax year (``"2025-26"``) and its statuses, latest first as HMRC orders them."""

    tax_year: str
    itsa_status_details: tuple[ItsaStatusDetail, ...] = ()

    @property
    def latest(self) -> ItsaStatusDetail | None:
        """The most recently submitted status, None when the year has none."""
        if not self.itsa_status_details:
            return None
        return max(self.itsa_status_details, key=lambda detail: detail.submitted_on)


class ItsaStatusResponse(HmrcModel):
    """``GET /individuals/person/itsa-status/{nino}/{taxYear}``."""

    itsa_statuses: tuple[ItsaStatusYear, ...]

    def year(self, tax_year: str) -> ItsaStatusYear | None:
        """The entry for ``tax_year`` (``"2025-26"``), if HMRC sent one."""
        return next((year for year in self.itsa_statuses if year.tax_year == tax_year), None)


class SandboxItsaStatusDetail(RequestModel):
    """One status to set through Self Assessment Test Support (its enums lag the API's: see
    docs/sdk.md)."""

    submitted_on: str
    status: str
    status_reason: str
    business_income_2_years_prior: Money | None = Field(
        default=None, alias="businessIncome2YearsPrior"
    )


class SandboxItsaStatus(RequestModel):
    """``POST /individuals/self-assessment-test-support/itsa-status/{nino}/{taxYear}``."""

    itsa_status_details: tuple[SandboxItsaStatusDetail, ...] = Field(min_length=1)
