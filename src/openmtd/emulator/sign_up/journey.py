"""The answers a person gives on the way through sign-up, kept in the server-side browser
session (never trusted from a hidden field): the tax year, the sole trader businesses, the UK
and foreign property, and the paperless agreement.

:class:`Answers` is written to the session as plain JSON and read back with
:meth:`Answers.from_data`, which refuses anything that is not what this module wrote (a
session from an older emulator reads as no answers at all). Answers belong to the account
that gave them: another account signing in on the same browser starts afresh.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date
from typing import Any, Final

from openmtd.rules.eligibility import IncomeSource

#: The session key the answers are kept under.
SESSION_KEY: Final = "sign_up"
#: At most this many sole trader businesses in one sign-up (openmtd's bound on the session;
#: HMRC publishes none).
MAX_BUSINESSES: Final = 50


@dataclass(frozen=True, slots=True)
class StartDate:
    """A start date, or the answer "before the start date limit" (``day`` None)."""

    day: date | None = None

    @property
    def before_limit(self) -> bool:
        return self.day is None

    def data(self) -> str | None:
        return self.day.isoformat() if self.day else None

    @classmethod
    def from_data(cls, value: object) -> StartDate:
        if value is None:
            return cls()
        if not isinstance(value, str):
            raise ValueError("a start date is an ISO date or None")
        return cls(date.fromisoformat(value))


@dataclass(frozen=True, slots=True)
class SoleTrader:
    """A sole trader business: HMRC's business name, trade, address and start (§1.4)."""

    key: str
    name: str
    trade: str
    address_line1: str
    address_line2: str
    address_line3: str
    address_line4: str
    postcode: str
    start: StartDate

    def data(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "name": self.name,
            "trade": self.trade,
            "address": [
                self.address_line1,
                self.address_line2,
                self.address_line3,
                self.address_line4,
                self.postcode,
            ],
            "start": self.start.data(),
        }

    @classmethod
    def from_data(cls, value: object) -> SoleTrader:
        if not isinstance(value, dict):
            raise ValueError("a business is an object")
        address = value["address"]
        if not (isinstance(address, list) and len(address) == 5):
            raise ValueError("an address is five lines")
        key, name, trade = value["key"], value["name"], value["trade"]
        line1, line2, line3, line4, postcode = (str(part) for part in address)
        if not (isinstance(key, str) and isinstance(name, str) and isinstance(trade, str)):
            raise ValueError("a business holds text")
        return cls(
            key,
            name,
            trade,
            line1,
            line2,
            line3,
            line4,
            postcode,
            StartDate.from_data(value["start"]),
        )


@dataclass(frozen=True, slots=True)
class Answers:
    """Everything answered so far, for one account."""

    account_id: int
    tax_year: str | None = None
    businesses: tuple[SoleTrader, ...] = ()
    uk_property: StartDate | None = None
    foreign_property: StartDate | None = None
    paperless: bool = False
    next_key: int = 1
    #: The years the gate offered (``2026-27``), so a page cannot offer any other.
    offered_years: tuple[str, ...] = field(default=())
    #: An agent signing a client up: the client's NINO and the agency's ARN (both None when
    #: the person signs themself up), so the same pages serve the agent's journey.
    client_nino: str | None = None
    arn: str | None = None

    @property
    def income_sources(self) -> frozenset[IncomeSource]:
        sources = set()
        if self.businesses:
            sources.add(IncomeSource.SELF_EMPLOYMENT)
        if self.uk_property is not None:
            sources.add(IncomeSource.UK_PROPERTY)
        if self.foreign_property is not None:
            sources.add(IncomeSource.FOREIGN_PROPERTY)
        return frozenset(sources)

    def business(self, key: str) -> SoleTrader | None:
        return next((business for business in self.businesses if business.key == key), None)

    def with_business(self, business: SoleTrader) -> Answers:
        """Add a business (a new key is given when ``business.key`` is empty) or replace the
        one with the same key."""
        if not business.key:
            business = replace(business, key=f"b{self.next_key}")
            return replace(
                self, businesses=(*self.businesses, business), next_key=self.next_key + 1
            )
        return replace(
            self,
            businesses=tuple(
                business if held.key == business.key else held for held in self.businesses
            ),
        )

    def without_business(self, key: str) -> Answers:
        return replace(self, businesses=tuple(held for held in self.businesses if held.key != key))

    def with_property(self, field_name: str, start: StartDate | None) -> Answers:
        """Set (or, with None, remove) ``uk_property`` or ``foreign_property``."""
        if field_name == "uk_property":
            return replace(self, uk_property=start)
        if field_name == "foreign_property":
            return replace(self, foreign_property=start)
        raise ValueError(f"not a property business: {field_name}")

    def data(self) -> dict[str, Any]:
        return {
            "accountId": self.account_id,
            "taxYear": self.tax_year,
            "businesses": [business.data() for business in self.businesses],
            "ukProperty": None if self.uk_property is None else {"start": self.uk_property.data()},
            "foreignProperty": (
                None if self.foreign_property is None else {"start": self.foreign_property.data()}
            ),
            "paperless": self.paperless,
            "nextKey": self.next_key,
            "offeredYears": list(self.offered_years),
            "clientNino": self.client_nino,
            "arn": self.arn,
        }

    @classmethod
    def from_data(cls, value: object, account_id: int) -> Answers | None:
        """The answers kept for ``account_id``; None when none are, or they are not ours."""
        if not isinstance(value, dict) or value.get("accountId") != account_id:
            return None
        try:
            return cls(
                account_id=account_id,
                tax_year=_optional_text(value["taxYear"]),
                businesses=tuple(SoleTrader.from_data(item) for item in value["businesses"]),
                uk_property=_property(value["ukProperty"]),
                foreign_property=_property(value["foreignProperty"]),
                paperless=value["paperless"] is True,
                next_key=int(value["nextKey"]),
                offered_years=tuple(str(year) for year in value["offeredYears"]),
                client_nino=_optional_text(value.get("clientNino")),
                arn=_optional_text(value.get("arn")),
            )
        except (KeyError, TypeError, ValueError):
            return None


def _optional_text(value: object) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ValueError("expected text")
    return value


def _property(value: object) -> StartDate | None:
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValueError("a property is an object")
    return StartDate.from_data(value["start"])
