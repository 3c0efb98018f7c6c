"""Business Details (MTD) v2.0: list and retrieve a customer's income sources (wire facts §5)."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from openmtd.sdk._models._base import HmrcModel

__all__ = ["Business", "BusinessDetails", "BusinessList", "TypeOfBusiness"]


class TypeOfBusiness(StrEnum):
    """An income source's kind, as Business Details spells it."""

    SELF_EMPLOYMENT = "self-employment"
    UK_PROPERTY = "uk-property"
    FOREIGN_PROPERTY = "foreign-property"
    PROPERTY_UNSPECIFIED = "property-unspecified"


class Business(HmrcModel):
    """One entry of ``listOfBusinesses``."""

    type_of_business: TypeOfBusiness | str = Field(union_mode="left_to_right")
    business_id: str
    trading_type: str | None = None
    trading_name: str | None = None


class BusinessList(HmrcModel):
    """``GET /individuals/business/details/{nino}/list``."""

    list_of_businesses: tuple[Business, ...]


class BusinessDetails(HmrcModel):
    """``GET /individuals/business/details/{nino}/{businessId}``: the ID and type, then what
    HMRC holds (every other field is optional; unlisted ones are kept in ``model_extra``)."""

    business_id: str
    type_of_business: TypeOfBusiness | str = Field(union_mode="left_to_right")
    trading_name: str | None = None
    business_address_line_one: str | None = None
    business_address_line_two: str | None = None
    business_address_line_three: str | None = None
    business_address_line_four: str | None = None
    business_address_postcode: str | None = None
    business_address_country_code: str | None = None
    first_accounting_period_start_date: str | None = None
    first_accounting_period_end_date: str | None = None
    commencement_date: str | None = None
    cessation_date: str | None = None
