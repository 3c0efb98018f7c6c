"""The emulator against HMRC's own OpenAPI files (vendored in tests/conformance/hmrc-oas).

Real responses of every HMRC endpoint the emulator serves (in process): each success and
every error HMRC's OAS lists for the endpoint, Gov-Test-Scenario ones included, are driven and
checked against HMRC's operation: the status is one it declares, the headers it requires are
there (``X-CorrelationId``), the body validates against its schema for that status (and has no
field the schema does not declare), and where HMRC gives an error example for the code the body
has exactly its code and message. Then the emulator's own OpenAPI document is compared with
HMRC's: the same operations, parameters, status codes, error examples and body fields.

HMRC's known defects (``ERRATA``), the emulator's deliberate differences (``DEVIATIONS``) and
additions (``EXTENSIONS``) are listed in conftest.py.
"""

from __future__ import annotations

import copy
import sqlite3
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from httpx2 import Response

from openmtd.emulator.storage import Enrolment
from support.emulator import PASSWORD, REDIRECT_URI, EmulatorHarness, query_of

from .hmrc_oas import (
    AAPI1,
    AAPI2,
    CTU,
    DEVIATIONS,
    ERRATA,
    EXTENSIONS,
    HMRC_OAS,
    ITSA,
    SATS,
    TEXT_ERRATA,
    FieldInfo,
    Node,
    Operation,
    conformance_problems,
    expected_message,
    extension,
    flatten,
    load_document,
    operation,
    operations,
    schema_errors,
    undriven,
)

ITSA_PATH = "/individuals/person/itsa-status/{nino}/{taxYear}"
SATS_BASE = "/individuals/self-assessment-test-support"
NINO = "TC663795B"
OTHER_NINO = "AB123456C"
UNENROLLED_NINO = "CE123456D"
UNKNOWN_NINO = "JK123456A"
MTDITID = "XAIT00000000001"
OTHER_MTDITID = "XBIT00000000002"
YEAR = "2026-27"
SCOPES = "read:self-assessment write:self-assessment"
ITSA_ACCEPT = "application/vnd.hmrc.2.0+json"
V1_ACCEPT = "application/vnd.hmrc.1.0+json"


def hmrc_example(api: str, relative: str) -> Any:
    """One of HMRC's example files, e.g. a request body."""
    return copy.deepcopy(load_document((HMRC_OAS / api / relative).as_uri()))


def se_business() -> dict[str, Any]:
    body: dict[str, Any] = hmrc_example(
        SATS, "1.0/examples/businesses/create_request_self_employment_business.json"
    )
    return body


def uk_property() -> dict[str, Any]:
    body: dict[str, Any] = hmrc_example(
        SATS, "1.0/examples/businesses/create_request_uk_property.json"
    )
    return body


def status_request() -> dict[str, Any]:
    body: dict[str, Any] = hmrc_example(SATS, "1.0/examples/itsaStatus/create_amend_request.json")
    return body


# --- the world ------------------------------------------------------------------------------
@dataclass
class World:
    """An application subscribed to everything, a signed-up individual's user token, an
    application token, and people the individual may not see."""

    emulator: EmulatorHarness
    client_id: str
    client_secret: str
    user_token: str
    app_token: str

    def user_token_for(self, user_id: str, scope: str = SCOPES) -> str:
        client = self.emulator.client
        grant = client.post(
            "/emulator/oauth/grant",
            json={
                "clientId": self.client_id,
                "redirectUri": REDIRECT_URI,
                "scope": scope,
                "userId": user_id,
                "password": PASSWORD,
            },
        )
        assert grant.status_code == 200, grant.text
        tokens = client.post(
            "/oauth/token",
            data={
                "grant_type": "authorization_code",
                "client_id": self.client_id,
                "client_secret": self.client_secret,
                "redirect_uri": REDIRECT_URI,
                "code": query_of(grant.json()["location"])["code"][0],
            },
        )
        assert tokens.status_code == 200, tokens.text
        token: str = tokens.json()["access_token"]
        return token

    def call(
        self,
        method: str,
        path: str,
        *,
        accept: str = V1_ACCEPT,
        token: str | None = None,
        headers: dict[str, str] | None = None,
        **options: Any,
    ) -> Response:
        sent = {"Accept": accept, "Authorization": f"Bearer {token or self.user_token}"}
        sent.update(headers or {})
        return self.emulator.client.request(method, path, headers=sent, **options)

    # Retrieve ITSA Status
    def itsa(
        self, nino: str = NINO, year: str = YEAR, scenario: str | None = None, **params: str
    ) -> Response:
        headers = {"Gov-Test-Scenario": scenario} if scenario is not None else {}
        return self.call(
            "GET",
            f"/individuals/person/itsa-status/{nino}/{year}",
            accept=ITSA_ACCEPT,
            headers=headers,
            params=params,
        )

    # Self Assessment Test Support
    def sats(self, method: str, path: str, **options: Any) -> Response:
        return self.call(method, SATS_BASE + path, **options)

    def set_status(self, nino: str = NINO, year: str = YEAR, body: Any = None) -> Response:
        return self.sats("POST", f"/itsa-status/{nino}/{year}", json=body or status_request())

    def business(self, body: Any, nino: str = NINO, **options: Any) -> Response:
        return self.sats("POST", f"/business/{nino}", json=body, **options)

    def business_id(self) -> str:
        response = self.business(se_business())
        assert response.status_code == 201, response.text
        business_id: str = response.json()["businessId"]
        return business_id

    def checkpoint(self) -> str:
        assert self.set_status().status_code == 204
        response = self.sats("POST", "/vendor-state/checkpoints", params={"nino": NINO})
        assert response.status_code == 201, response.text
        checkpoint_id: str = response.json()["checkpointId"]
        return checkpoint_id

    def ghost_token(self) -> str:
        """A user token whose person no longer exists: the one way to HMRC's 403 from the
        Self Assessment Test Support API (its service checks only the affinity group)."""
        ghost = self.emulator.account(nino="GH123456A", email="ghost@example.com")
        token = self.user_token_for(ghost.user_id)
        database = urlsplit(self.emulator.settings.database_url).path.lstrip("/")
        with sqlite3.connect("/" + database if not database.startswith("/") else database) as db:
            db.execute("PRAGMA foreign_keys=OFF")
            db.execute("DELETE FROM gg_accounts WHERE user_id = ?", (ghost.user_id,))
        return token

    # Create Test User
    def ctu(self, method: str, kind: str, **options: Any) -> Response:
        return self.call(method, f"/create-test-user/{kind}", token=self.app_token, **options)


@pytest.fixture
def world(emulator: EmulatorHarness) -> World:
    created = emulator.application(rate_limit_per_second=1000)
    mtd = Enrolment("HMRC-MTD-IT", "MTDITID", MTDITID)
    person = emulator.account(nino=NINO, enrolments=(mtd,))
    emulator.account(
        nino=OTHER_NINO,
        email="other@example.com",
        enrolments=(Enrolment("HMRC-MTD-IT", "MTDITID", OTHER_MTDITID),),
    )
    emulator.account(nino=UNENROLLED_NINO, email="unenrolled@example.com")
    app_token = emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": created.application.client_id,
            "client_secret": created.client_secret,
        },
    ).json()["access_token"]
    partial = World(emulator, created.application.client_id, created.client_secret, "", app_token)
    partial.user_token = partial.user_token_for(person.user_id)
    return partial


# --- the cases ------------------------------------------------------------------------------
@dataclass(frozen=True)
class Case:
    """One driven response: which HMRC operation, what it should be, how to get it."""

    api: str
    method: str
    path: str
    name: str
    status: int
    code: str | None
    drive: Callable[[World], Response]

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path} {self.name}"


CASES: list[Case] = []


def case(
    api: str, method: str, path: str, name: str, status: int, code: str | None = None
) -> Callable[[Callable[[World], Response]], Callable[[World], Response]]:
    def register(drive: Callable[[World], Response]) -> Callable[[World], Response]:
        CASES.append(Case(api, method, path, name, status, code, drive))
        return drive

    return register


def _itsa(name: str, status: int, code: str | None = None) -> Any:
    return case(ITSA, "get", ITSA_PATH, name, status, code)


# Retrieve ITSA Status (v2.0) ------------------------------------------------------------
@_itsa("from state", 200)
def _itsa_stateful(w: World) -> Response:
    assert w.set_status().status_code == 204
    return w.itsa()


@_itsa("futureYears and history", 200)
def _itsa_future_history(w: World) -> Response:
    assert w.set_status(year="2025-26").status_code == 204
    assert w.set_status().status_code == 204
    return w.itsa(year="2025-26", futureYears="true", history="true")


@_itsa("Gov-Test-Scenario DEFAULT", 200)
def _itsa_default(w: World) -> Response:
    return w.itsa(scenario="DEFAULT")


@_itsa("Gov-Test-Scenario STATEFUL", 200)
def _itsa_gts_stateful(w: World) -> Response:
    assert w.set_status().status_code == 204
    return w.itsa(scenario="STATEFUL")


@_itsa("nino", 400, "FORMAT_NINO")
def _itsa_format_nino(w: World) -> Response:
    return w.itsa(nino="TC66379")


@_itsa("taxYear", 400, "FORMAT_TAX_YEAR")
def _itsa_format_tax_year(w: World) -> Response:
    return w.itsa(year="2026")


@_itsa("futureYears", 400, "FORMAT_FUTURE_YEARS")
def _itsa_future_years(w: World) -> Response:
    return w.itsa(futureYears="yes")


@_itsa("history", 400, "FORMAT_HISTORY")
def _itsa_history(w: World) -> Response:
    return w.itsa(history="TRUE")


@_itsa("range", 400, "RULE_TAX_YEAR_RANGE_INVALID")
def _itsa_range(w: World) -> Response:
    return w.itsa(year="2025-27")


@_itsa("several at once", 400, "INVALID_REQUEST")
def _itsa_several(w: World) -> Response:
    return w.itsa(year="2025-27", futureYears="yes", history="no")


@_itsa("unknown Gov-Test-Scenario", 400, "RULE_INCORRECT_GOV_TEST_SCENARIO")
def _itsa_unknown_scenario(w: World) -> Response:
    return w.itsa(scenario="NOT_A_SCENARIO")


@_itsa("another person's NINO", 403, "CLIENT_OR_AGENT_NOT_AUTHORISED")
def _itsa_other(w: World) -> Response:
    return w.itsa(nino=OTHER_NINO)


@_itsa("a NINO nobody holds", 403, "CLIENT_OR_AGENT_NOT_AUTHORISED")
def _itsa_unknown(w: World) -> Response:
    return w.itsa(nino=UNKNOWN_NINO)


@_itsa("a NINO not enrolled for MTD", 403, "CLIENT_NOT_MTD_ENROLLED")
def _itsa_unenrolled(w: World) -> Response:
    return w.itsa(nino=UNENROLLED_NINO)


@_itsa("Gov-Test-Scenario NOT_ENROLLED", 403, "CLIENT_NOT_MTD_ENROLLED")
def _itsa_not_enrolled(w: World) -> Response:
    return w.itsa(scenario="NOT_ENROLLED")


@_itsa("no status held", 404, "MATCHING_RESOURCE_NOT_FOUND")
def _itsa_none(w: World) -> Response:
    return w.itsa(year="2019-20")


@_itsa("Gov-Test-Scenario NOT_FOUND", 404, "MATCHING_RESOURCE_NOT_FOUND")
def _itsa_not_found(w: World) -> Response:
    return w.itsa(scenario="NOT_FOUND")


# Self Assessment Test Support (v1.0) ----------------------------------------------------
STATUS_PATH = "/individuals/self-assessment-test-support/itsa-status/{nino}/{taxYear}"
VENDOR_STATE = "/individuals/self-assessment-test-support/vendor-state"
CHECKPOINTS = "/individuals/self-assessment-test-support/vendor-state/checkpoints"
CHECKPOINT = "/individuals/self-assessment-test-support/vendor-state/checkpoints/{checkpointId}"
RESTORE = CHECKPOINT + "/restore"
BUSINESS = "/individuals/self-assessment-test-support/business/{nino}"
BUSINESS_ID = BUSINESS + "/{businessId}"
NO_CHECKPOINT = str(uuid.UUID(int=1))


def _sats(method: str, path: str, name: str, status: int, code: str | None = None) -> Any:
    return case(SATS, method, path, name, status, code)


def _forbidden(method: str, path: str) -> None:
    """The 403 for one SATS operation: a token whose person is gone."""

    def drive(w: World) -> Response:
        token = w.ghost_token()
        concrete = (
            path.replace("{nino}", NINO)
            .replace("{taxYear}", YEAR)
            .replace("{checkpointId}", NO_CHECKPOINT)
            .replace("{businessId}", "XAIS12345678910")
            .removeprefix(SATS_BASE)
        )
        options: dict[str, Any] = {"token": token}
        if path == CHECKPOINTS and method == "post":
            options["params"] = {"nino": NINO}
        if path == STATUS_PATH:
            options["json"] = status_request()
        if path == BUSINESS:
            options["json"] = se_business()
        return w.sats(method.upper(), concrete, **options)

    CASES.append(
        Case(SATS, method, path, "person gone", 403, "CLIENT_OR_AGENT_NOT_AUTHORISED", drive)
    )


for _method, _path in (
    ("post", STATUS_PATH),
    ("delete", VENDOR_STATE),
    ("post", CHECKPOINTS),
    ("get", CHECKPOINTS),
    ("delete", CHECKPOINT),
    ("post", RESTORE),
    ("post", BUSINESS),
    ("delete", BUSINESS_ID),
):
    _forbidden(_method, _path)


@_sats("post", STATUS_PATH, "HMRC's example", 204)
def _status_ok(w: World) -> Response:
    return w.set_status()


def _status_error(name: str, code: str, change: Callable[[dict[str, Any]], None]) -> None:
    def drive(w: World) -> Response:
        body = status_request()
        change(body)
        return w.set_status(body=body)

    CASES.append(Case(SATS, "post", STATUS_PATH, name, 400, code, drive))


def _entry(**changes: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        body["itsaStatusDetails"][0].update(changes)

    return change


def _duplicate(body: dict[str, Any]) -> None:
    body["itsaStatusDetails"].append(copy.deepcopy(body["itsaStatusDetails"][0]))


_status_error("Digitally Exempt (not taken)", "FORMAT_STATUS", _entry(status="Digitally Exempt"))
_status_error("Capacitor (not taken)", "FORMAT_STATUS_REASON", _entry(statusReason="Capacitor"))
_status_error(
    "negative income", "FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR", _entry(businessIncome2YearsPrior=-1)
)
_status_error("date only", "FORMAT_SUBMITTED_ON", _entry(submittedOn="2021-03-23"))
_status_error("twice the same submittedOn", "DUPLICATE_SUBMITTED_ON", _duplicate)
_status_error(
    "empty list", "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", lambda b: b.update(itsaStatusDetails=[])
)


@_sats("post", STATUS_PATH, "nino", 400, "FORMAT_NINO")
def _status_nino(w: World) -> Response:
    return w.set_status(nino="TC66379")


@_sats("post", STATUS_PATH, "taxYear", 400, "FORMAT_TAX_YEAR")
def _status_year(w: World) -> Response:
    return w.set_status(year="2026")


@_sats("post", STATUS_PATH, "range", 400, "RULE_TAX_YEAR_RANGE_INVALID")
def _status_range(w: World) -> Response:
    return w.set_status(year="2025-27")


@_sats("delete", VENDOR_STATE, "everything", 204)
def _vendor_state(w: World) -> Response:
    assert w.set_status().status_code == 204
    return w.sats("DELETE", "/vendor-state")


@_sats("delete", VENDOR_STATE, "one NINO", 204)
def _vendor_state_nino(w: World) -> Response:
    w.business_id()
    return w.sats("DELETE", "/vendor-state", params={"nino": NINO})


@_sats("delete", VENDOR_STATE, "nothing held", 404, "MATCHING_RESOURCE_NOT_FOUND")
def _vendor_state_none(w: World) -> Response:
    return w.sats("DELETE", "/vendor-state")


@_sats("post", CHECKPOINTS, "made", 201)
def _checkpoint(w: World) -> Response:
    assert w.set_status().status_code == 204
    return w.sats("POST", "/vendor-state/checkpoints", params={"nino": NINO})


@_sats("post", CHECKPOINTS, "nino", 400, "FORMAT_NINO")
def _checkpoint_nino(w: World) -> Response:
    return w.sats("POST", "/vendor-state/checkpoints", params={"nino": "TC66379"})


@_sats("post", CHECKPOINTS, "nothing held", 404, "MATCHING_RESOURCE_NOT_FOUND")
def _checkpoint_none(w: World) -> Response:
    return w.sats("POST", "/vendor-state/checkpoints", params={"nino": NINO})


@_sats("get", CHECKPOINTS, "two", 200)
def _checkpoints(w: World) -> Response:
    w.checkpoint()
    w.checkpoint()
    return w.sats("GET", "/vendor-state/checkpoints")


@_sats("get", CHECKPOINTS, "one NINO's", 200)
def _checkpoints_nino(w: World) -> Response:
    w.checkpoint()
    return w.sats("GET", "/vendor-state/checkpoints", params={"nino": NINO})


@_sats("get", CHECKPOINTS, "nino", 400, "FORMAT_NINO")
def _checkpoints_bad_nino(w: World) -> Response:
    return w.sats("GET", "/vendor-state/checkpoints", params={"nino": "TC66379"})


@_sats("delete", CHECKPOINT, "deleted", 204)
def _delete_checkpoint(w: World) -> Response:
    return w.sats("DELETE", f"/vendor-state/checkpoints/{w.checkpoint()}")


@_sats("delete", CHECKPOINT, "checkpointId", 400, "FORMAT_CHECKPOINT_ID")
def _delete_checkpoint_format(w: World) -> Response:
    return w.sats("DELETE", "/vendor-state/checkpoints/not-a-checkpoint")


@_sats("delete", CHECKPOINT, "unknown", 404, "MATCHING_RESOURCE_NOT_FOUND")
def _delete_checkpoint_unknown(w: World) -> Response:
    return w.sats("DELETE", f"/vendor-state/checkpoints/{NO_CHECKPOINT}")


@_sats("post", RESTORE, "restored", 201)
def _restore(w: World) -> Response:
    return w.sats("POST", f"/vendor-state/checkpoints/{w.checkpoint()}/restore")


@_sats("post", RESTORE, "checkpointId", 400, "FORMAT_CHECKPOINT_ID")
def _restore_format(w: World) -> Response:
    return w.sats("POST", "/vendor-state/checkpoints/not-a-checkpoint/restore")


@_sats("post", RESTORE, "unknown", 404, "MATCHING_RESOURCE_NOT_FOUND")
def _restore_unknown(w: World) -> Response:
    return w.sats("POST", f"/vendor-state/checkpoints/{NO_CHECKPOINT}/restore")


@_sats("post", BUSINESS, "HMRC's self-employment example", 201)
def _business_se(w: World) -> Response:
    return w.business(se_business())


@_sats("post", BUSINESS, "HMRC's uk-property example", 201)
def _business_uk(w: World) -> Response:
    return w.business(uk_property())


@_sats("post", BUSINESS, "HMRC's foreign-property example", 201)
def _business_foreign(w: World) -> Response:
    body = hmrc_example(SATS, "1.0/examples/businesses/create_request_foreign_property.json")
    return w.business(body)


@_sats("post", BUSINESS, "nino", 400, "FORMAT_NINO")
def _business_nino(w: World) -> Response:
    return w.business(se_business(), nino="TC66379")


@_sats("post", BUSINESS, "second uk-property", 400, "RULE_PROPERTY_BUSINESS_ADDED")
def _business_twice(w: World) -> Response:
    assert w.business(uk_property()).status_code == 201
    return w.business(uk_property())


def _business_error(
    name: str, code: str, change: Callable[[dict[str, Any]], Any], *, base: str = "se"
) -> None:
    def drive(w: World) -> Response:
        body = se_business() if base == "se" else uk_property()
        replaced = change(body)
        return w.business(replaced if replaced is not None else body)

    CASES.append(Case(SATS, "post", BUSINESS, name, 400, code, drive))


def _set(path: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(body: dict[str, Any]) -> None:
        *parents, last = path.split("/")
        target = body
        for part in parents:
            target = target[part]
        if value is None:
            del target[last]
        else:
            target[last] = value

    return change


_business_error("typeOfBusiness", "FORMAT_TYPE_OF_BUSINESS", _set("typeOfBusiness", "bakery"))
_business_error("a 13th month", "FORMAT_DATE", _set("cessationDate", "2025-13-06"))
_business_error("taxYear1", "FORMAT_TAX_YEAR", _set("latencyDetails/taxYear1", "2020"))
_business_error("accountingType", "FORMAT_ACCOUNTING_TYPE", _set("accountingType", "BARTER"))
_business_error("postcode", "FORMAT_POSTCODE", _set("businessAddressPostcode", "NOT A POSTCODE"))
_business_error(
    "latencyIndicator1", "FORMAT_LATENCY_INDICATOR", _set("latencyDetails/latencyIndicator1", "X")
)
_business_error("GB without postcode", "MISSING_POSTCODE", _set("businessAddressPostcode", None))
_business_error("country", "FORMAT_COUNTRY_CODE", _set("businessAddressCountryCode", "XX"))
_business_error(
    "commencement tomorrow",
    "RULE_COMMENCEMENT_DATE_NOT_SUPPORTED",
    _set("commencementDate", "2026-11-27"),
)
_business_error("empty body", "RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED", lambda _: {})
_business_error(
    "taxYear1 range", "RULE_TAX_YEAR_RANGE_INVALID", _set("latencyDetails/taxYear1", "2020-22")
)
_business_error(
    "no start date",
    "MISSING_FIRST_ACCOUNTING_PERIOD_START_DATE",
    _set("firstAccountingPeriodStartDate", None),
)
_business_error(
    "no end date",
    "MISSING_FIRST_ACCOUNTING_PERIOD_END_DATE",
    _set("firstAccountingPeriodEndDate", None),
)
_business_error(
    "7 April start",
    "RULE_FIRST_ACCOUNTING_DATE_RANGE_INVALID",
    _set("firstAccountingPeriodStartDate", "2020-04-07"),
)
_business_error(
    "property with an address",
    "RULE_UNEXPECTED_BUSINESS_ADDRESS",
    _set("businessAddressLineOne", "1 High Street"),
    base="property",
)
_business_error(
    "self-employment without address line one",
    "RULE_MISSING_BUSINESS_ADDRESS",
    _set("businessAddressLineOne", None),
)
_business_error(
    "property with a trading name",
    "RULE_UNEXPECTED_TRADING_NAME",
    _set("tradingName", "Lettings Ltd"),
    base="property",
)
_business_error(
    "self-employment without a trading name", "RULE_MISSING_TRADING_NAME", _set("tradingName", None)
)


@_sats("delete", BUSINESS_ID, "deleted", 204)
def _delete_business(w: World) -> Response:
    return w.sats("DELETE", f"/business/{NINO}/{w.business_id()}")


@_sats("delete", BUSINESS_ID, "nino", 400, "FORMAT_NINO")
def _delete_business_nino(w: World) -> Response:
    return w.sats("DELETE", f"/business/TC66379/{w.business_id()}")


@_sats("delete", BUSINESS_ID, "businessId", 400, "FORMAT_BUSINESS_ID")
def _delete_business_id(w: World) -> Response:
    return w.sats("DELETE", f"/business/{NINO}/XAIS123")


@_sats("delete", BUSINESS_ID, "unknown", 404, "MATCHING_RESOURCE_NOT_FOUND")
def _delete_business_unknown(w: World) -> Response:
    return w.sats("DELETE", f"/business/{NINO}/XAIS12345678910")


# Create Test User (v1.0) -----------------------------------------------------------------
def _ctu(kind: str, name: str, body: Any = None, *, raw: bytes | None = None) -> None:
    def drive(w: World) -> Response:
        if raw is not None:
            return w.ctu("POST", kind, content=raw)
        return w.ctu("POST", kind, json=body)

    CASES.append(Case(CTU, "post", f"/create-test-user/{kind}", name, 201, None, drive))


for _kind in ("individuals", "organisations", "agents"):
    _ctu(_kind, "no body", raw=b"")
    _ctu(_kind, "no services", {"serviceNames": []})
    _ctu(
        _kind, "HMRC's example", hmrc_example(CTU, f"1.0/examples/create-{_kind[:-1]}-request.json")
    )
for _service in hmrc_example(CTU, "1.0/examples/create-individual-request.json")["serviceNames"]:
    _ctu("individuals", _service, {"serviceNames": [_service]})
for _service in hmrc_example(CTU, "1.0/examples/create-organisation-request.json")["serviceNames"]:
    _ctu("organisations", _service, {"serviceNames": [_service]})
_ctu("individuals", "own NINO", {"serviceNames": ["mtd-income-tax"], "nino": "PE938808A"})


@case(CTU, "get", "/create-test-user/services", "the list", 200)
def _services(w: World) -> Response:
    return w.ctu("GET", "services")


# Agent Authorisation (v1.0 and v2.0) -------------------------------------------------------
AGENT_SCOPES = (
    "read:sent-invitations write:sent-invitations write:cancel-invitations "
    "read:check-relationship write:relationships"
)
AA_ARN = "TARN0000001"
AA_CLIENT = "JG123456C"
AA_POSTCODE = "SW1A 2AA"
INVITATIONS = "/agents/{arn}/invitations"
INVITATION = INVITATIONS + "/{invitationId}"
RELATIONSHIPS = "/agents/{arn}/relationships"
DEAUTHORISE = "/agents/{arn}/deauthorise-client"
NO_ID = "ABERULMHCKKW3"


class _Agency:
    """An agency, its token and a client HMRC knows, in a conformance world."""

    def __init__(self, w: World, version: str) -> None:
        from openmtd.emulator.storage import AffinityGroup
        from support.agents import person

        self.w, self.accept = w, f"application/vnd.hmrc.{version}+json"
        agency = w.emulator.account(
            affinity_group=AffinityGroup.AGENT,
            enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", AA_ARN),),
            email="agency@example.test",
        )
        self.token = w.user_token_for(agency.user_id, AGENT_SCOPES)
        person(w.emulator, AA_CLIENT, signed_up=True, number=9, email="aa@example.test")

    def call(self, method: str, path: str, **options: Any) -> Response:
        return self.w.call(
            method, path.format(arn=AA_ARN), accept=self.accept, token=self.token, **options
        )

    def body(self, **changes: Any) -> dict[str, Any]:
        body = {
            "service": "MTD-IT",
            "clientType": "personal",
            "clientIdType": "ni",
            "clientId": AA_CLIENT,
            "knownFact": AA_POSTCODE,
        }
        body.update(changes)
        return {k: v for k, v in body.items() if v is not None}

    def create(self, **changes: Any) -> Response:
        return self.call("POST", INVITATIONS, json=self.body(**changes))

    def created(self, **changes: Any) -> str:
        response = self.create(**changes)
        assert response.status_code == 204, response.text
        return str(response.headers["location"].rsplit("/", 1)[1])

    def accepted(self) -> str:
        invitation_id = self.created()
        accepted = self.w.emulator.client.put(
            f"/agent-authorisation-test-support/invitations/{invitation_id}",
            headers={"Accept": "application/vnd.hmrc.1.0+json"},
        )
        assert accepted.status_code == 204
        return invitation_id


def _aa_case(
    api: str,
    method: str,
    path: str,
    name: str,
    status: int,
    code: str | None,
    drive: Callable[[_Agency], Response],
    *,
    raw_world: bool = False,
) -> None:
    version = "1.0" if api == AAPI1 else "2.0"

    def run(w: World) -> Response:
        return drive(_Agency(w, version))

    CASES.append(Case(api, method, path.replace(NO_ID, "{invitationId}"), name, status, code, run))


def _token(w: World, account: Any) -> str:
    """A token for ``account`` with the agent scopes, granted as the journey grants (an Agent
    without an agent services account cannot pass the grant pages)."""
    from openmtd.emulator.oauth import journey
    from openmtd.emulator.oauth.authorize import AuthorizeRequest

    request = AuthorizeRequest(
        client_id=w.client_id,
        redirect_uri=REDIRECT_URI,
        scopes=tuple(AGENT_SCOPES.split()),
        state=None,
        code_challenge=None,
        code_challenge_method=None,
    )
    services = w.emulator.services
    with services.store.transaction() as tx:
        redirect = journey.grant(tx, request, account, services.clock.now_in(tx))
    tokens = w.emulator.client.post(
        "/oauth/token",
        data={
            "grant_type": "authorization_code",
            "client_id": w.client_id,
            "client_secret": w.client_secret,
            "redirect_uri": REDIRECT_URI,
            "code": redirect.code,
        },
    )
    assert tokens.status_code == 200, tokens.text
    return str(tokens.json()["access_token"])


def _not_agent(a: _Agency, method: str, path: str) -> Response:
    individual = a.w.emulator.account(email="individual@example.test")
    token = _token(a.w, individual)
    return a.w.call(method, path.format(arn=AA_ARN), accept=a.accept, token=token, json={})


def _not_subscribed(a: _Agency, method: str, path: str) -> Response:
    from openmtd.emulator.storage import AffinityGroup

    bare = a.w.emulator.account(affinity_group=AffinityGroup.AGENT, email="bare@example.test")
    token = _token(a.w, bare)
    return a.w.call(method, path.format(arn=AA_ARN), accept=a.accept, token=token, json={})


def _ghost(a: _Agency, method: str, path: str) -> Response:
    from openmtd.emulator.storage import AffinityGroup

    ghost = a.w.emulator.account(
        affinity_group=AffinityGroup.AGENT,
        enrolments=(Enrolment("HMRC-AS-AGENT", "AgentReferenceNumber", "AARN0000002"),),
        email="ghost-agent@example.test",
    )
    token = _token(a.w, ghost)
    database = urlsplit(a.w.emulator.settings.database_url).path.lstrip("/")
    with sqlite3.connect("/" + database if not database.startswith("/") else database) as db:
        db.execute("PRAGMA foreign_keys=OFF")
        db.execute("DELETE FROM gg_accounts WHERE user_id = ?", (ghost.user_id,))
    return a.w.call(method, path.format(arn=AA_ARN), accept=a.accept, token=token, json={})


def _accept_missing(a: _Agency, method: str, path: str) -> Response:
    client = a.w.emulator.new_client()
    client.headers.pop("accept", None)
    return client.request(method, path.format(arn=AA_ARN), json={})


def _aa_common(api: str, method: str, template: str, *, body: bool) -> None:
    path = template.replace("{invitationId}", NO_ID)

    def with_accept(accept: str) -> Callable[[_Agency], Response]:
        return lambda a: a.w.call(method, path.format(arn=AA_ARN), accept=accept, json={})

    _aa_case(
        api,
        method,
        path,
        "missing Accept",
        406,
        "ACCEPT_HEADER_INVALID",
        lambda a: _accept_missing(a, method, path),
    )
    _aa_case(
        api,
        method,
        path,
        "invalid Accept",
        406,
        "ACCEPT_HEADER_INVALID",
        with_accept("application/json"),
    )
    _aa_case(
        api,
        method,
        path,
        "unsupported version",
        400,
        "BAD_REQUEST",
        with_accept("application/vnd.hmrc.9.0+json"),
    )
    _aa_case(
        api,
        method,
        path,
        "token's person gone",
        401,
        "UNAUTHORIZED",
        lambda a: _ghost(a, method, path),
    )
    _aa_case(
        api,
        method,
        path,
        "an individual",
        403,
        "NOT_AN_AGENT",
        lambda a: _not_agent(a, method, path),
    )
    _aa_case(
        api,
        method,
        path,
        "no agent services account",
        403,
        "AGENT_NOT_SUBSCRIBED",
        lambda a: _not_subscribed(a, method, path),
    )
    _aa_case(
        api,
        method,
        path,
        "another ARN",
        403,
        "NO_PERMISSION_ON_AGENCY",
        lambda a: a.w.call(
            method, path.format(arn="AARN0000002"), accept=a.accept, token=a.token, json={}
        ),
    )
    if body:
        _aa_case(
            api,
            method,
            path,
            "not JSON",
            400,
            "BAD_REQUEST",
            lambda a: a.call(
                method, path, content=b"{", headers={"Content-Type": "application/json"}
            ),
        )


def _aa_body_errors(api: str, method: str, path: str, base: dict[str, Any]) -> None:
    vat = {"service": "MTD-VAT", "clientIdType": "vrn", "clientId": "101747696"}
    cases: list[tuple[str, str, dict[str, Any]]] = [
        ("SERVICE_NOT_SUPPORTED", "service", {"service": "MTD-CT"}),
        ("AGENT_TYPE_NOT_SUPPORTED", "agentType", {"agentType": "boss"}),
        ("CLIENT_ID_FORMAT_INVALID", "clientId", {"clientId": "X1"}),
        ("CLIENT_ID_DOES_NOT_MATCH_SERVICE", "a VRN", {"clientId": "101747696"}),
    ]
    if "knownFact" in base:
        cases += [
            ("POSTCODE_FORMAT_INVALID", "postcode", {"knownFact": "NOPE"}),
            ("VAT_REG_DATE_FORMAT_INVALID", "VAT date", {**vat, "knownFact": "2007"}),
        ]
    if "clientType" in base:
        cases.append(("CLIENT_TYPE_NOT_SUPPORTED", "clientType", {"clientType": "business"}))
    for code, name, changes in cases:
        body = {**base, **changes}
        _aa_case(
            api, method, path, name, 400, code, lambda a, body=body: a.call(method, path, json=body)
        )


_FULL: dict[str, Any] = {
    "service": "MTD-IT",
    "clientType": "personal",
    "clientIdType": "ni",
    "clientId": AA_CLIENT,
    "knownFact": AA_POSTCODE,
}
_CHECK = {k: v for k, v in _FULL.items() if k != "clientType"}
for _api in (AAPI1, AAPI2):
    _aa_common(_api, "post", INVITATIONS, body=True)
    _aa_common(_api, "get", INVITATIONS, body=False)
    _aa_common(_api, "get", INVITATION, body=False)
    _aa_common(_api, "delete", INVITATION, body=False)
    _aa_common(_api, "post", RELATIONSHIPS, body=True)
    _aa_body_errors(_api, "post", INVITATIONS, _FULL)
    _aa_body_errors(
        _api, "post", RELATIONSHIPS, {k: v for k, v in _FULL.items() if k != "clientType"}
    )
    _aa_case(_api, "post", INVITATIONS, "HMRC's example", 204, None, lambda a: a.create())
    _aa_case(
        _api,
        "post",
        INVITATIONS,
        "supporting",
        204,
        None,
        lambda a: a.create(agentType="supporting"),
    )
    _aa_case(
        _api,
        "post",
        INVITATIONS,
        "unknown client",
        403,
        "CLIENT_REGISTRATION_NOT_FOUND",
        lambda a: a.create(clientId="JK123456A"),
    )
    _aa_case(
        _api,
        "post",
        INVITATIONS,
        "postcode",
        403,
        "POSTCODE_DOES_NOT_MATCH",
        lambda a: a.create(knownFact="LS1 4AP"),
    )
    _aa_case(
        _api,
        "post",
        INVITATIONS,
        "duplicate",
        403,
        "DUPLICATE_AUTHORISATION_REQUEST",
        lambda a: (a.created(), a.create())[1],
    )
    _aa_case(
        _api,
        "post",
        INVITATIONS,
        "already authorised",
        403,
        "ALREADY_AUTHORISED",
        lambda a: (a.accepted(), a.create())[1],
    )
    _aa_case(_api, "get", INVITATIONS, "none", 204, None, lambda a: a.call("GET", INVITATIONS))
    _aa_case(
        _api,
        "get",
        INVITATIONS,
        "pending and accepted",
        200,
        None,
        lambda a: (a.accepted(), a.created(agentType="supporting"), a.call("GET", INVITATIONS))[2],
    )
    _aa_case(
        _api,
        "get",
        INVITATION,
        "pending",
        200,
        None,
        lambda a: a.call("GET", INVITATIONS + "/" + a.created()),
    )
    _aa_case(
        _api,
        "get",
        INVITATION,
        "accepted",
        200,
        None,
        lambda a: a.call("GET", INVITATIONS + "/" + a.accepted()),
    )
    _aa_case(
        _api,
        "get",
        INVITATION,
        "unknown",
        404,
        "INVITATION_NOT_FOUND",
        lambda a: a.call("GET", INVITATIONS + "/" + NO_ID),
    )
    _aa_case(
        _api,
        "delete",
        INVITATION,
        "cancelled",
        204,
        None,
        lambda a: a.call("DELETE", INVITATIONS + "/" + a.created()),
    )
    _aa_case(
        _api,
        "delete",
        INVITATION,
        "answered",
        403,
        "INVALID_INVITATION_STATUS",
        lambda a: a.call("DELETE", INVITATIONS + "/" + a.accepted()),
    )
    _aa_case(
        _api,
        "delete",
        INVITATION,
        "unknown",
        404,
        "INVITATION_NOT_FOUND",
        lambda a: a.call("DELETE", INVITATIONS + "/" + NO_ID),
    )
    _aa_case(
        _api,
        "delete",
        INVITATION,
        "malformed ID",
        400,
        "BAD_REQUEST",
        lambda a: a.call("DELETE", INVITATIONS + "/NOPE"),
    )
    _aa_case(
        _api,
        "get",
        INVITATION,
        "malformed ID",
        400,
        "BAD_REQUEST",
        lambda a: a.call("GET", INVITATIONS + "/NOPE"),
    )
    _aa_case(
        _api,
        "post",
        RELATIONSHIPS,
        "authorised",
        204,
        None,
        lambda a: (a.accepted(), a.call("POST", RELATIONSHIPS, json=_CHECK))[1],
    )
    _aa_case(
        _api,
        "post",
        RELATIONSHIPS,
        "not authorised",
        404,
        "RELATIONSHIP_NOT_FOUND",
        lambda a: a.call("POST", RELATIONSHIPS, json=_CHECK),
    )
    _aa_case(
        _api,
        "post",
        RELATIONSHIPS,
        "unknown client",
        403,
        "CLIENT_REGISTRATION_NOT_FOUND",
        lambda a: a.call("POST", RELATIONSHIPS, json={**_CHECK, "clientId": "JK123456A"}),
    )
    _aa_case(
        _api,
        "post",
        RELATIONSHIPS,
        "postcode",
        403,
        "POSTCODE_DOES_NOT_MATCH",
        lambda a: a.call("POST", RELATIONSHIPS, json={**_CHECK, "knownFact": "LS1 4AP"}),
    )
_DEAUTH = {k: v for k, v in _FULL.items() if k != "knownFact"}
_aa_common(AAPI2, "put", DEAUTHORISE, body=True)
_aa_body_errors(AAPI2, "put", DEAUTHORISE, _DEAUTH)
_aa_case(
    AAPI2,
    "put",
    DEAUTHORISE,
    "ended",
    204,
    None,
    lambda a: (a.accepted(), a.call("PUT", DEAUTHORISE, json=_DEAUTH))[1],
)
_aa_case(
    AAPI2,
    "put",
    DEAUTHORISE,
    "none held",
    403,
    "NO_RELATIONSHIP",
    lambda a: a.call("PUT", DEAUTHORISE, json=_DEAUTH),
)


# --- the tests ------------------------------------------------------------------------------
def test_every_error_hmrc_lists_is_driven() -> None:
    """Each error example in HMRC's OAS (per operation, status and code) has a case here."""
    driven = {(c.api, c.method, c.path, c.status, c.code) for c in CASES}
    missing = [
        f"{op.api} {op.id}: {status} {code} ({name})"
        for op in operations()
        for status, name, code, _ in op.error_examples()
        if (op.api, op.method, op.path, status, code) not in driven
        and not undriven(op.api, op.id, code)
    ]
    assert missing == []


def test_every_success_hmrc_lists_is_driven() -> None:
    driven = {(c.api, c.method, c.path, c.status) for c in CASES}
    missing = [
        f"{op.api} {op.id}: {status}"
        for op in operations()
        for status in op.statuses()
        if status < 400 and (op.api, op.method, op.path, status) not in driven
    ]
    assert missing == []


@pytest.mark.parametrize("drive", CASES, ids=[c.id for c in CASES])
def test_response_conforms_to_hmrc_oas(world: World, drive: Case) -> None:
    op = operation(drive.api, drive.method, drive.path)
    response = drive.drive(world)
    assert response.status_code == drive.status, response.text
    assert conformance_problems(op, response) == [], response.text
    if drive.code is None:
        return
    body = response.json()
    assert body["code"] == drive.code, body
    # A code may have several examples (HMRC's two ACCEPT_HEADER_INVALID messages): one fits.
    messages = {
        expected_message(drive.api, code, message)
        for status, _, code, message in op.error_examples()
        if (status, code) == (drive.status, drive.code)
    }
    assert not messages or body["message"] in messages, body


def test_default_scenario_answers_hmrcs_example(world: World) -> None:
    example = hmrc_example(ITSA, "2.0/examples/retrieveItsaStatus/def1/response.json")
    assert world.itsa(scenario="DEFAULT").json() == example


def test_unknown_scenario_is_hmrcs_error(world: World) -> None:
    """RULE_INCORRECT_GOV_TEST_SCENARIO is in HMRC's errors.yaml though no operation lists it."""
    errors = load_document((HMRC_OAS / ITSA / "2.0/common/errors.yaml").as_uri())
    example = errors["components"]["examples"]["ruleIncorrectGovTestScenario"]["value"]
    response = world.itsa(scenario="SOMETHING_ELSE")
    assert response.status_code == 400
    assert response.json() == example


def test_stateful_read_back_matches_what_was_set(world: World) -> None:
    """What Create and Amend Test ITSA Status takes in, Retrieve ITSA Status gives back in
    HMRC's spellings (its schema checked by test_response_conforms_to_hmrc_oas)."""
    assert world.set_status().status_code == 204
    [entry] = status_request()["itsaStatusDetails"]
    answer = world.itsa().json()
    assert answer == {"itsaStatuses": [{"taxYear": YEAR, "itsaStatusDetails": [entry]}]}


# --- the emulator's document against HMRC's ------------------------------------------------
def _parameters(node: Node | None) -> dict[tuple[str, str], Node]:
    found: dict[tuple[str, str], Node] = {}
    if node is None:
        return found
    for index in range(len(node.value)):
        parameter = node[index]
        found[(parameter.value["in"], parameter.value["name"].lower())] = parameter
    return found


def _emulator_operation(document: Node, op: Operation) -> Node:
    path_item = document["paths"].get(op.path)
    assert path_item is not None, f"the emulator's document has no {op.path}"
    found = path_item.get(op.method)
    assert found is not None, f"the emulator's document has no {op.id}"
    return found


def _json_schema(response: Node | None) -> Node | None:
    content = response.get("content") if response is not None else None
    media = content.get("application/json") if content is not None else None
    return media.get("schema") if media is not None else None


def _compare_fields(
    api: str, what: str, hmrc: dict[str, FieldInfo], ours: dict[str, FieldInfo], *, error: bool
) -> list[str]:
    problems = []
    for path, theirs in hmrc.items():
        mine = ours.get(path)
        if mine is None:
            problems.append(f"{what}: HMRC's field {path} is not documented")
            continue
        if theirs.type and mine.type != theirs.type:
            problems.append(f"{what}: {path} is {mine.type}, HMRC's is {theirs.type}")
        if theirs.enum is not None and mine.enum != theirs.enum:
            problems.append(f"{what}: {path} enum {mine.enum} != HMRC's {theirs.enum}")
        if theirs.pattern is not None and mine.pattern != theirs.pattern:
            problems.append(f"{what}: {path} pattern {mine.pattern} != HMRC's {theirs.pattern}")
        if theirs.required and not mine.required and not what.startswith("request"):
            problems.append(f"{what}: HMRC requires {path}")
    problems += [
        f"{what}: {path} is not in HMRC's schema"
        for path in ours
        if path not in hmrc and not extension(api, path, error=error)
    ]
    return problems


OPERATION_IDS = [f"{op.api} {op.id}" for op in operations()]


@pytest.mark.parametrize("op", operations(), ids=OPERATION_IDS)
def test_emulator_document_agrees_with_hmrc(document: Node, op: Operation) -> None:
    ours = _emulator_operation(document, op)
    problems: list[str] = []

    # Parameters: HMRC's path and query parameters, Accept and Gov-Test-Scenario.
    theirs_parameters = _parameters(op.node.get("parameters"))
    our_parameters = _parameters(ours.get("parameters"))
    for (where, name), parameter in theirs_parameters.items():
        if where == "header" and name == "authorization":
            continue  # documented as the operation's security and an Authorization header
        mine = our_parameters.get((where, name))
        if mine is None:
            problems.append(f"parameter {where} {name} is not documented")
            continue
        if bool(parameter.value.get("required")) != bool(mine.value.get("required")):
            problems.append(f"parameter {where} {name}: required differs")
        their_enum = parameter["schema"].value.get("enum") if parameter.get("schema") else None
        our_enum = mine["schema"].value.get("enum")
        if where == "header" and name == "accept" and their_enum and our_enum:
            # One document for every version the emulator serves: HMRC's is among ours.
            if not set(their_enum) <= set(our_enum):
                problems.append(f"parameter {where} {name}: enum lacks HMRC's {their_enum}")
        elif their_enum is not None and our_enum != their_enum:
            problems.append(f"parameter {where} {name}: enum differs from HMRC's {their_enum}")

    # Security: the same scheme kind and scopes.
    their_scopes = sorted(
        s for item in op.node.value.get("security", []) for v in item.values() for s in v
    )
    our_scopes = sorted(
        s for item in ours.value.get("security", []) for v in item.values() for s in v
    )
    if their_scopes != our_scopes:
        problems.append(f"scopes {our_scopes} != HMRC's {their_scopes}")

    # Request body fields.
    their_body = op.node.get("requestBody")
    if their_body is not None:
        our_body = ours.get("requestBody")
        if our_body is None:
            problems.append("HMRC's request body is not documented")
        else:
            problems += _compare_fields(
                op.api,
                "request",
                flatten(_json_schema(their_body) or Node({}, "")),
                flatten(_json_schema(our_body) or Node({}, "")),
                error=False,
            )

    # Responses: every status, its body fields, its error examples, its required headers.
    for status in op.statuses():
        theirs = op.response(status)
        mine = ours["responses"].get(str(status))
        if mine is None:
            problems.append(f"status {status} is not documented")
            continue
        assert theirs is not None
        for name, header in (theirs.get("headers") or Node({}, "")).items():
            if header.value.get("required") and (
                mine.get("headers") is None or mine["headers"].get(name) is None
            ):
                problems.append(f"{status}: required header {name} is not documented")
        their_schema, our_schema = _json_schema(theirs), _json_schema(mine)
        if (their_schema is None) != (our_schema is None):
            problems.append(
                f"{status}: a body is documented: {our_schema is not None}, "
                f"in HMRC's: {their_schema is not None}"
            )
            continue
        if their_schema is None or our_schema is None:
            continue
        problems += _compare_fields(
            op.api, f"{status}", flatten(their_schema), flatten(our_schema), error=status >= 400
        )
        content = mine["content"]["application/json"]
        our_examples: dict[str, set[str]] = {}
        for _, example in (content.get("examples") or Node({}, "")).items():
            value = example["value"].value
            if isinstance(value, dict) and "code" in value:
                our_examples.setdefault(value["code"], set()).add(value["message"])
        for example_status, _, code, message in op.error_examples():
            if example_status != status or undriven(op.api, op.id, code):
                continue
            if code not in our_examples:
                problems.append(f"{status} {code} has no example")
            elif expected_message(op.api, code, message) not in our_examples[code]:
                problems.append(f"{status} {code}: messages {sorted(our_examples[code])!r}")
        # Every example the emulator documents validates against HMRC's schema.
        for name, example in (content.get("examples") or Node({}, "")).items():
            problems += [
                f"{status} example {name}: {e}"
                for e in schema_errors(their_schema, example["value"].plain())
            ]
    assert problems == []


def test_the_documented_differences_are_still_real() -> None:
    """Each erratum still corrects something in HMRC's files, and each deviation still
    differs from HMRC's example: when HMRC fixes its files, these lists shrink."""
    import yaml

    for (file, pointer), (value, _) in ERRATA.items():
        raw = (HMRC_OAS / file).read_text(encoding="utf-8")
        original = yaml.safe_load(raw)
        target = original
        for part in pointer.strip("/").split("/"):
            target = target[part]
        assert target != value, f"HMRC fixed {file}{pointer}: remove the erratum"
    for file, (wrong, _, _) in TEXT_ERRATA.items():
        assert wrong in (HMRC_OAS / file).read_text(encoding="utf-8"), f"HMRC fixed {file}"
    for (api, code), (message, _) in DEVIATIONS.items():
        hmrc = {c: m for op in operations() if op.api == api for _, _, c, m in op.error_examples()}
        assert hmrc[code] != message, f"HMRC's {api} example for {code} now agrees"
    assert all(reason for reason in EXTENSIONS.values())
