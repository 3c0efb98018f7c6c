"""Subscriptions' income sources as HMRC's Business Details (:class:`BusinessDetailsRepository`)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from openmtd.emulator.adapters.db import sign_up_tables as s
from openmtd.emulator.adapters.db.convert import utc
from openmtd.emulator.storage.accounts import Address
from openmtd.emulator.storage.sign_up import BusinessDetails, BusinessDetailsRepository


def _details(row: s.BusinessDetailsRow) -> BusinessDetails:
    address = None
    if row.address_line1 is not None:
        address = Address(
            line1=row.address_line1,
            line2=row.address_line2 or "",
            line3=row.address_line3 or "",
            line4=row.address_line4 or "",
            postcode=row.postcode or "",
            country_code=row.country_code or "GB",
        )
    return BusinessDetails(
        business_id=row.business_id,
        nino=row.nino,
        mtditid=row.mtditid,
        type_of_business=row.type_of_business,
        accounting_period_start=row.accounting_period_start,
        accounting_period_end=row.accounting_period_end,
        created_at=utc(row.created_at),
        trading_name=row.trading_name,
        trading_type=row.trading_type,
        address=address,
        trading_start_date=row.trading_start_date,
        contextual_tax_year=row.contextual_tax_year,
        cessation_date=row.cessation_date,
    )


class SqlBusinessDetails(BusinessDetailsRepository):
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, details: BusinessDetails) -> None:
        address = details.address
        self._session.add(
            s.BusinessDetailsRow(
                business_id=details.business_id,
                nino=details.nino,
                mtditid=details.mtditid,
                type_of_business=details.type_of_business,
                trading_name=details.trading_name,
                trading_type=details.trading_type,
                address_line1=address.line1 if address else None,
                address_line2=(address.line2 or None) if address else None,
                address_line3=(address.line3 or None) if address else None,
                address_line4=(address.line4 or None) if address else None,
                postcode=(address.postcode or None) if address else None,
                country_code=address.country_code if address else None,
                trading_start_date=details.trading_start_date,
                contextual_tax_year=details.contextual_tax_year,
                accounting_period_start=details.accounting_period_start,
                accounting_period_end=details.accounting_period_end,
                cessation_date=details.cessation_date,
                created_at=details.created_at,
            )
        )
        self._session.flush()

    def for_nino(self, nino: str) -> list[BusinessDetails]:
        rows = self._session.scalars(
            select(s.BusinessDetailsRow)
            .where(s.BusinessDetailsRow.nino == nino)
            .order_by(s.BusinessDetailsRow.id)
        )
        return [_details(row) for row in rows]

    def get(self, business_id: str) -> BusinessDetails | None:
        row = self._session.scalar(
            select(s.BusinessDetailsRow).where(s.BusinessDetailsRow.business_id == business_id)
        )
        return _details(row) if row else None
