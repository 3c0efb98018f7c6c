"""The emulator's own OpenAPI 3.0 document, served at ``GET /emulator/openapi.json``.

It describes what the emulator serves over JSON: HMRC's APIs (Retrieve ITSA Status, Self
Assessment Test Support, Create Test User, Test Fraud Prevention Headers), HMRC's OAuth 2.0
endpoints (``/oauth/authorize``, ``/oauth/token``) and openmtd's ``/emulator/*`` control API.
The browser pages (sign-in, grant authority, Developer Hub) are HTML and are not in it.

The description is hand-maintained here, compactly: paths, parameters (``Accept``, the
``Gov-Test-Scenario`` and fraud prevention headers included), request and response schemas,
status codes and every error with its exact code and message. Shapes follow HMRC's published
OAS files; the emulator never reads those at run time. Where a value already lives in code (an
endpoint's versions, access and scope; an error's code and message; an enum) it is taken from
there, so the document cannot drift from what the emulator answers.
``tests/conformance/test_hmrc_oas.py`` proves the document agrees with HMRC's OAS files and
``tests/fuzz/test_fuzz_api.py`` fuzzes the emulator against it.

The package holds one module per API's part beside the shared builders
(:mod:`~openmtd.emulator.openapi.common`) and the assembly
(:mod:`~openmtd.emulator.openapi.document`); every name is re-exported here.
"""

from openmtd.emulator.openapi.business_details import (
    BUSINESS_ID_PATTERN,
    TAG_BUSINESS_DETAILS,
    business_details_paths,
    business_details_schemas,
)
from openmtd.emulator.openapi.common import (
    _STATUS_TEXT,
    _WHEN,
    FRAUD_PREVENTION_HEADERS,
    JSON,
    NINO_DESCRIPTION,
    OPENAPI_VERSION,
    PATH,
    SATS_PREFIX,
    TAG_CONTROL,
    TAG_CTU,
    TAG_FPH,
    TAG_ITSA,
    TAG_OAUTH,
    TAG_SATS,
    TAX_YEAR_DESCRIPTION,
    ErrorSpec,
    _accept_parameter,
    _api_headers,
    _api_operation,
    _array,
    _authorization_parameter,
    _bad_request,
    _error_example,
    _error_responses,
    _gateway_errors,
    _invalid_request,
    _json_content,
    _object,
    _path_parameter,
    _query_parameter,
    _ref,
    _schema,
    _security,
    _string,
    _success,
)
from openmtd.emulator.openapi.control import (
    _application_fields,
    _control_error,
    _control_example,
    _control_paths,
    _control_request_schemas,
    _control_schemas,
)
from openmtd.emulator.openapi.document import (
    _build,
    _cached,
    _components,
    _fraud_header_parameters,
    build_document,
)
from openmtd.emulator.openapi.fraud_headers import (
    _fph_paths,
    _fph_schemas,
)
from openmtd.emulator.openapi.itsa_status import (
    _itsa_status_schemas,
    _retrieve_itsa_status,
)
from openmtd.emulator.openapi.oauth import (
    _oauth_example,
    _oauth_examples,
    _oauth_paths,
    _oauth_schemas,
)
from openmtd.emulator.openapi.obligations import (
    TAG_OBLIGATIONS,
    obligations_paths,
    obligations_schemas,
)
from openmtd.emulator.openapi.test_support import (
    _CHECKPOINT_ID,
    _SATS_NINO_PATH,
    POSTCODE_PATTERN,
    _sats,
    _sats_errors,
    _sats_multi,
    _sats_paths,
    _sats_schemas,
)
from openmtd.emulator.openapi.test_users import (
    _ctu_paths,
    _ctu_schemas,
    _services_for,
)

__all__ = [
    "BUSINESS_ID_PATTERN",
    "FRAUD_PREVENTION_HEADERS",
    "JSON",
    "NINO_DESCRIPTION",
    "OPENAPI_VERSION",
    "PATH",
    "POSTCODE_PATTERN",
    "SATS_PREFIX",
    "TAG_BUSINESS_DETAILS",
    "TAG_CONTROL",
    "TAG_CTU",
    "TAG_FPH",
    "TAG_ITSA",
    "TAG_OAUTH",
    "TAG_OBLIGATIONS",
    "TAG_SATS",
    "TAX_YEAR_DESCRIPTION",
    "_CHECKPOINT_ID",
    "_SATS_NINO_PATH",
    "_STATUS_TEXT",
    "_WHEN",
    "ErrorSpec",
    "_accept_parameter",
    "_api_headers",
    "_api_operation",
    "_application_fields",
    "_array",
    "_authorization_parameter",
    "_bad_request",
    "_build",
    "_cached",
    "_components",
    "_control_error",
    "_control_example",
    "_control_paths",
    "_control_request_schemas",
    "_control_schemas",
    "_ctu_paths",
    "_ctu_schemas",
    "_error_example",
    "_error_responses",
    "_fph_paths",
    "_fph_schemas",
    "_fraud_header_parameters",
    "_gateway_errors",
    "_invalid_request",
    "_itsa_status_schemas",
    "_json_content",
    "_oauth_example",
    "_oauth_examples",
    "_oauth_paths",
    "_oauth_schemas",
    "_object",
    "_path_parameter",
    "_query_parameter",
    "_ref",
    "_retrieve_itsa_status",
    "_sats",
    "_sats_errors",
    "_sats_multi",
    "_sats_paths",
    "_sats_schemas",
    "_schema",
    "_security",
    "_services_for",
    "_string",
    "_success",
    "build_document",
    "business_details_paths",
    "business_details_schemas",
    "obligations_paths",
    "obligations_schemas",
]
