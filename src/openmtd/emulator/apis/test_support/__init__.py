"""HMRC's Self Assessment Test Support (MTD) API v1.0, sandbox only.

Context ``individuals/self-assessment-test-support``, ``Accept: application/vnd.hmrc.1.0+json``,
user-restricted: ``write:self-assessment`` on every endpoint except List Checkpoints
(``read:self-assessment``), as the OAS declares. The "vendor" is the calling application.

| Endpoint | Success |
|---|---|
| ``POST /itsa-status/{nino}/{taxYear}`` Create and Amend Test ITSA Status | 204 |
| ``DELETE /vendor-state[?nino=]`` Delete Stateful Test Data | 204 |
| ``POST /vendor-state/checkpoints?nino=`` Create a Checkpoint | 201 ``{"checkpointId"}`` |
| ``GET /vendor-state/checkpoints[?nino=]`` List Checkpoints | 200 ``{"checkpoints": [...]}`` |
| ``DELETE /vendor-state/checkpoints/{checkpointId}`` Delete a Checkpoint | 204 |
| ``POST /vendor-state/checkpoints/{checkpointId}/restore`` Restore to Checkpoint | 201 |
| ``POST /business/{nino}`` Create a Test Business | 201 ``{"businessId"}`` |
| ``DELETE /business/{nino}/{businessId}`` Delete a Test Business | 204 |

Codes and messages are the OAS's (``common/errors.yaml``). Validation runs in HMRC's order
(SATS validators): path and query parameters, then the body's fields in levels, stopping at the
first level that finds anything; every failure found in that level is reported, one alone as
itself, several wrapped in ``INVALID_REQUEST`` sorted by code with shared messages merged.

Create and Amend Test ITSA Status, levels: NINO and tax year → ``status``/``statusReason``
(missing → ``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED`` with its path; not an allowed value →
``FORMAT_STATUS``/``FORMAT_STATUS_REASON``) → the body's shape (an empty list, a missing
``submittedOn``, a wrong type → ``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED`` with ``paths``) →
``submittedOn`` (exactly ``YYYY-MM-DDThh:mm:ss.SSSZ``, a real instant) and
``businessIncome2YearsPrior`` (0 to 99999999999.99, 2 decimal places) → ``DUPLICATE_SUBMITTED_ON``.
The enums lag behind the retrieve API, as HMRC's do: ``status`` accepts ``Non Digital`` (stored
as the status it now is, ``Digitally Exempt``) but not ``Digitally Exempt``; ``statusReason``
accepts the 13 reasons with downstream codes 00-12 only.

Choices where HMRC is silent (for docs/emulator.md):

- **No NINO check.** HMRC's service authorises any signed-in user and does not look the NINO up,
  so any NINO that passes HMRC's format rule is accepted, whether or not an account holds it.
  ``CLIENT_OR_AGENT_NOT_AUTHORISED`` (403) is returned only if the token's person no longer
  exists (HMRC: no affinity group), which the emulator cannot otherwise reach.
- **One ITSA history per NINO.** Create and Amend makes the submitted records the whole history
  of that NINO's tax year (recorded as this application's), replacing whatever was there,
  including the sign-up status the Create Test User API gives and another application's
  records. Delete Stateful Test Data deletes only this application's records.
- **Vendor state** is this application's ITSA status records and test businesses (optionally
  for one NINO). Deleting when there is none is 404 ``MATCHING_RESOURCE_NOT_FOUND`` ("no data
  can be found for the given vendor", as the OAS documents). Checkpoints are not vendor state
  and are deleted only one by one, as the OAS says.
- **Checkpoints** copy this application's records and businesses for the NINO (404 when there
  are none). Restoring deletes this application's current records and businesses for the NINO
  and writes the copies back (each restored tax year's history becomes the copied records);
  businesses keep their IDs. A checkpoint belongs to the application that made it; another
  application's checkpoint ID is 404. ``checkpointId`` is a UUID.
- **Test businesses** belong to this application and NINO; ``businessId`` is ``X`` + a capital
  letter + ``IS`` + 11 digits, unique in the emulator. ``RULE_PROPERTY_BUSINESS_ADDED`` applies
  per application and NINO. ``typeOfBusiness`` ``property-unspecified`` counts as a
  property business. Unknown fields are refused (the schema's ``additionalProperties: false``),
  as is a ``quarterlyTypeChoice`` without both fields or with a ``quarterlyPeriodType`` other
  than ``standard``/``calendar`` (``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED``; the OAS lists no
  code of its own for it). The country code must be one of ISO 3166-1's 249 alpha-2 codes.
- **Bodies that are not JSON objects** are ``RULE_INCORRECT_OR_EMPTY_BODY_SUBMITTED`` (no
  paths), reported after the path parameters. ``DELETE vendor-state`` with a malformed ``nino``
  is 400 ``FORMAT_NINO`` (its OAS lists no 400).
- **Field errors carry ``paths``** (JSON pointers) wherever the field is known, including
  ``FORMAT_BUSINESS_INCOME_2_YEARS_PRIOR``, ``FORMAT_POSTCODE`` and ``FORMAT_COUNTRY_CODE``.
- **No 7-day purge.** HMRC deletes test statuses, businesses and checkpoints 7 days after they
  are created; the emulator keeps them until they are deleted through this API or the
  emulator is reset (ITSA status records carry no creation time to purge by).
"""

from __future__ import annotations

from openmtd.emulator.apis.test_support.businesses import create_business, delete_business
from openmtd.emulator.apis.test_support.common import (
    ACCEPTED_REASONS,
    ACCEPTED_STATUSES,
    API,
    COUNTRY_CODES,
    CREATE_AMEND_ITSA_STATUS,
    CREATE_BUSINESS,
    CREATE_CHECKPOINT,
    DELETE_BUSINESS,
    DELETE_CHECKPOINT,
    DELETE_VENDOR_STATE,
    LIST_CHECKPOINTS,
    MESSAGES,
    PROPERTY_TYPES,
    RESTORE_CHECKPOINT,
    SELF_EMPLOYMENT,
    TYPES_OF_BUSINESS,
    error,
    item,
    parse_body,
    vendor,
)
from openmtd.emulator.apis.test_support.statuses import create_amend_itsa_status
from openmtd.emulator.apis.test_support.vendor_state import (
    create_checkpoint,
    delete_checkpoint,
    delete_vendor_state,
    list_checkpoints,
    restore_checkpoint,
    snapshot,
)

__all__ = [
    "ACCEPTED_REASONS",
    "ACCEPTED_STATUSES",
    "API",
    "COUNTRY_CODES",
    "CREATE_AMEND_ITSA_STATUS",
    "CREATE_BUSINESS",
    "CREATE_CHECKPOINT",
    "DELETE_BUSINESS",
    "DELETE_CHECKPOINT",
    "DELETE_VENDOR_STATE",
    "LIST_CHECKPOINTS",
    "MESSAGES",
    "PROPERTY_TYPES",
    "RESTORE_CHECKPOINT",
    "SELF_EMPLOYMENT",
    "TYPES_OF_BUSINESS",
    "create_amend_itsa_status",
    "create_business",
    "create_checkpoint",
    "delete_business",
    "delete_checkpoint",
    "delete_vendor_state",
    "error",
    "item",
    "list_checkpoints",
    "parse_body",
    "restore_checkpoint",
    "snapshot",
    "vendor",
]
