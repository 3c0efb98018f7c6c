"""A client as HMRC's records know them, found by NINO: the Government Gateway account that
holds the NINO, its Self Assessment UTR (``IR-SA``), its postcode and, once signed up, its
MTDITID (the ``HMRC-MTD-IT`` enrolment, or the subscription sign-up made when the enrolment
is allocated to no group yet)."""

from __future__ import annotations

from dataclasses import dataclass

from openmtd.emulator.storage import Account, Transaction
from openmtd.rules.errors import InvalidIdentifierError
from openmtd.rules.identifiers import Nino

ACTIVATED = "Activated"


@dataclass(frozen=True, slots=True)
class Client:
    """What HMRC holds for one person: enough for known facts, matching and relationships."""

    account: Account
    nino: str
    subscribed_mtditid: str | None = None

    @property
    def name(self) -> str:
        return self.account.full_name

    @property
    def postcode(self) -> str:
        return self.account.address.postcode

    @property
    def sa_utr(self) -> str | None:
        return _active_identifier(self.account, "IR-SA")

    @property
    def mtditid(self) -> str | None:
        """The client's MTDITID once signed up for MTD Income Tax, else None."""
        return _active_identifier(self.account, "HMRC-MTD-IT") or self.subscribed_mtditid

    @property
    def signed_up(self) -> bool:
        return self.mtditid is not None


def _active_identifier(account: Account, key: str) -> str | None:
    enrolment = account.enrolment(key)
    if enrolment is None or enrolment.state != ACTIVATED:
        return None
    return enrolment.identifier_value


def find_client(tx: Transaction, nino: str | Nino) -> Client | None:
    """The person holding ``nino`` (already normalised), if any.

    A NINO given without its suffix finds the person whose NINO has any suffix, as HMRC's
    suffix is optional (wire facts §1.2); the client's own NINO, as HMRC holds it, is
    :attr:`Client.nino`.
    """
    text = str(nino)
    candidates = [text] if len(text) == 9 else [text + suffix for suffix in ("", *"ABCD")]
    for candidate in candidates:
        account = tx.accounts.find_by_nino(candidate)
        if account is not None and account.nino is not None:
            subscription = tx.subscriptions.for_nino(account.nino)
            mtditid = subscription.mtditid if subscription is not None else None
            return Client(account, account.nino, mtditid)
    return None


def parse_nino(text: str) -> Nino:
    """A NINO as an agent types it (spaces and lower case allowed).

    Raises:
        InvalidIdentifierError: ``CLIENT_ID_FORMAT_INVALID``, the Agent Authorisation API's
            code for a client id in the wrong format (wire facts §6), with the rules' words.
    """
    try:
        return Nino.parse(text)
    except InvalidIdentifierError as error:
        raise InvalidIdentifierError("CLIENT_ID_FORMAT_INVALID", error.message) from None
