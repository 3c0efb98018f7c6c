"""How the SDK builds a request (pure): URLs and path segments, the Accept version of each
API, the User-Agent naming openmtd, and fraud prevention headers asked for on each attempt."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from openmtd.sdk._apis import agents, business_details, itsa_status, obligations, test_users
from openmtd.sdk._environment import PRODUCTION, SANDBOX, Environment
from openmtd.sdk._request import build_request, path, user_agent
from openmtd.sdk._versions import VERSIONS, Api, accept_header

AGENT = user_agent()


def test_every_api_has_hmrcs_current_version() -> None:
    assert {api: VERSIONS[api] for api in Api} == {
        Api.ITSA_STATUS: "2.0",
        Api.BUSINESS_DETAILS: "2.0",
        Api.OBLIGATIONS: "3.0",
        Api.AGENT_AUTHORISATION: "2.0",
        Api.CREATE_TEST_USER: "1.0",
        Api.SA_TEST_SUPPORT: "1.0",
        Api.AGENT_AUTHORISATION_TEST_SUPPORT: "1.0",
        Api.TEST_FRAUD_PREVENTION_HEADERS: "1.0",
    }


def test_the_accept_header() -> None:
    assert accept_header("3.0") == "application/vnd.hmrc.3.0+json"
    for wrong in ("2", "v2.0", "10.0", "2.0+json"):
        with pytest.raises(ValueError, match=r"like '2\.0'"):
            accept_header(wrong)


def test_a_path_value_is_one_encoded_segment() -> None:
    assert path("/a/{nino}/b", nino="AA 12/34?x") == "/a/AA%2012%2F34%3Fx/b"


@pytest.mark.parametrize("environment", [PRODUCTION, SANDBOX, Environment.emulator()])
def test_an_itsa_status_read_in_each_environment(environment: Environment) -> None:
    call = itsa_status.retrieve_call("AA123456A", "2025-26", future_years=True, scenario="STATEFUL")
    request = build_request(call, environment, agent=AGENT, fraud_headers=None)
    assert request.method == "GET"
    assert str(request.url) == (
        f"{environment.api_base_url}/individuals/person/itsa-status/AA123456A/2025-26"
        "?futureYears=true"
    )
    assert request.headers["accept"] == "application/vnd.hmrc.2.0+json"
    assert request.headers["gov-test-scenario"] == "STATEFUL"
    assert "authorization" not in request.headers


def test_the_other_reads_urls_and_versions() -> None:
    from datetime import date

    cases = [
        (
            business_details.list_call("AA123456A"),
            "/individuals/business/details/AA123456A/list",
            "2.0",
        ),
        (
            obligations.income_call(
                "AA123456A",
                type_of_business="self-employment",
                business_id="XAIS00000000001",
                from_date=date(2026, 4, 6),
                to_date=date(2027, 4, 5),
                status="open",
            ),
            "/obligations/details/AA123456A/income-and-expenditure?typeOfBusiness=self-employment"
            "&businessId=XAIS00000000001&fromDate=2026-04-06&toDate=2027-04-05&status=open",
            "3.0",
        ),
        (
            obligations.final_declaration_call("AA123456A", tax_year="2025-26"),
            "/obligations/details/AA123456A/crystallisation?taxYear=2025-26",
            "3.0",
        ),
    ]
    for call, url, version in cases:
        request = build_request(call, SANDBOX, agent=AGENT, fraud_headers=None)
        assert str(request.url) == SANDBOX.api_base_url + url
        assert request.headers["accept"] == f"application/vnd.hmrc.{version}+json"


def test_bodies_are_hmrcs_json() -> None:
    create = agents.create_call("TARN0000001", "AA123456A", "TS1 1PA", agents.AgentType.SUPPORTING)
    request = build_request(create, SANDBOX, agent=AGENT, fraud_headers=None)
    assert request.headers["content-type"] == "application/json"
    assert request.read() == (
        b'{"service":"MTD-IT","clientType":"personal","clientIdType":"ni",'
        b'"clientId":"AA123456A","knownFact":"TS1 1PA","agentType":"supporting"}'
    )
    user = build_request(
        test_users.individual_call(["mtd-income-tax"], None),
        SANDBOX,
        agent=AGENT,
        fraud_headers=None,
    )
    assert user.read() == b'{"serviceNames":["mtd-income-tax"]}'


def test_the_user_agent_names_openmtd_and_its_version() -> None:
    from importlib.metadata import version

    assert AGENT.startswith(f"openmtd/{version('openmtd')} httpx/")
    assert user_agent("MyApp/2.1").startswith("MyApp/2.1 openmtd/")


class Counting:
    def __init__(self) -> None:
        self.asked: list[tuple[str, str]] = []

    def headers_for(self, method: str, url: str) -> Mapping[str, str]:
        self.asked.append((method, url))
        return {
            "Gov-Client-Connection-Method": "DESKTOP_APP_DIRECT",
            "Gov-Vendor-Version": f"app={len(self.asked)}",
            "Accept": "text/html",  # a source cannot change the version asked for
        }


def test_fraud_headers_are_asked_for_on_each_build_and_cannot_override() -> None:
    source = Counting()
    call = itsa_status.retrieve_call("AA123456A", "2025-26")
    first = build_request(call, SANDBOX, agent=AGENT, fraud_headers=source)
    second = build_request(call, SANDBOX, agent=AGENT, fraud_headers=source)
    assert first.headers["gov-vendor-version"] == "app=1"
    assert second.headers["gov-vendor-version"] == "app=2"
    assert first.headers["accept"] == "application/vnd.hmrc.2.0+json"
    assert source.asked[0] == ("GET", str(first.url))
