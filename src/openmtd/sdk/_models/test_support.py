"""Self Assessment Test Support (MTD) v1.0 (wire facts §4.2) and Agent Authorisation Test
Support v1.0 (§4.3): the sandbox's stateful test data."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from openmtd.sdk._models._base import HmrcModel, RequestModel

__all__ = [
    "Checkpoint",
    "CheckpointList",
    "CreatedBusiness",
    "CreatedCheckpoint",
    "KnownFact",
    "LatencyDetails",
    "QuarterlyTypeChoice",
    "SandboxBusiness",
]


class LatencyDetails(RequestModel):
    """A new business's latency: the two tax years and their indicators (A annual, Q quarterly)."""

    latency_end_date: str
    tax_year1: str = Field(alias="taxYear1")
    latency_indicator1: str = Field(alias="latencyIndicator1")
    tax_year2: str = Field(alias="taxYear2")
    latency_indicator2: str = Field(alias="latencyIndicator2")


class QuarterlyTypeChoice(RequestModel):
    """The quarterly period type chosen (``standard`` or ``calendar``) and from which year."""

    quarterly_period_type: str
    tax_year_of_choice: str


class SandboxBusiness(RequestModel):
    """The body of ``POST .../business/{nino}``: a test business (self-employment, UK or
    foreign property)."""

    type_of_business: str
    trading_name: str | None = None
    first_accounting_period_start_date: str | None = None
    first_accounting_period_end_date: str | None = None
    latency_details: LatencyDetails | None = None
    quarterly_type_choice: QuarterlyTypeChoice | None = None
    accounting_type: str | None = None
    commencement_date: str | None = None
    cessation_date: str | None = None
    business_address_line_one: str | None = None
    business_address_line_two: str | None = None
    business_address_line_three: str | None = None
    business_address_line_four: str | None = None
    business_address_postcode: str | None = None
    business_address_country_code: str | None = None


class CreatedBusiness(HmrcModel):
    """A test business just created: its business ID."""

    business_id: str


class CreatedCheckpoint(HmrcModel):
    """A checkpoint just created: its ID."""

    checkpoint_id: str


class Checkpoint(HmrcModel):
    """One saved checkpoint of test data."""

    checkpoint_id: str
    checkpoint_creation_timestamp: datetime
    nino: str | None = None


class CheckpointList(HmrcModel):
    """``GET .../vendor-state/checkpoints``."""

    checkpoints: tuple[Checkpoint, ...]


class KnownFact(HmrcModel):
    """What an authorisation request for an MTD-IT client sends (Agent Authorisation Test
    Support's known-fact helper): the client's NINO and postcode."""

    service: str | tuple[str, ...]
    client_type: str
    client_id_type: str
    client_id: str
    known_fact: str
