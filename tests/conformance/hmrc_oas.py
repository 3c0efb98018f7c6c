"""HMRC's published OpenAPI files, loaded for conformance tests, and a world to drive them.

HMRC's files (vendored unchanged in ``tests/conformance/hmrc-oas``; see its README) are
multi-file: YAML and JSON documents joined by relative ``$ref``s, some with siblings next to
the ``$ref`` (path items ``get: {$ref, summary, security}``; example ``value: {$ref}``).
:class:`Node` walks them,
following every ``$ref`` relative to the file it is in and merging siblings over the target.
Bodies are validated with ``jsonschema`` (draft 4, HMRC's dialect) through a ``referencing``
registry that reads the files on demand, so the schemas' own relative refs
(``definitions.json#/definitions/taxYear``) resolve as HMRC wrote them.

HMRC's files are kept unchanged. Their known defects are corrected here, on load, in
:data:`ERRATA` (each with what is wrong and why), and the places where the emulator follows
HMRC's service rather than its OAS are listed in :data:`DEVIATIONS`; both are reported, never
silently skipped.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

import jsonschema
import pytest
import yaml
from jsonschema import Draft4Validator, validators
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

#: HMRC's OAS files, vendored next to this module (tests/conformance/hmrc-oas).
HMRC_OAS = Path(__file__).parent / "hmrc-oas"

#: The APIs the emulator serves that HMRC publishes OAS files for: folder → root file.
APIS: dict[str, str] = {
    "self-assessment-individual-details-2.0": "2.0/application.yaml",
    "self-assessment-test-support-1.0": "1.0/application.yaml",
    "create-test-user-1.0": "1.0/application.yaml",
    "agent-authorisation-1.0": "1.0/application.yaml",
    "agent-authorisation-2.0": "2.0/application.yaml",
}
#: Where an API's files are when the folder is not its name (one folder, two versions).
FOLDERS: dict[str, str] = {"agent-authorisation-2.0": "agent-authorisation-1.0"}
ITSA = "self-assessment-individual-details-2.0"
SATS = "self-assessment-test-support-1.0"
CTU = "create-test-user-1.0"
AAPI1 = "agent-authorisation-1.0"
AAPI2 = "agent-authorisation-2.0"

#: Defects in HMRC's files, corrected on load: (file under hmrc-oas, JSON pointer) → value.
ERRATA: dict[tuple[str, str], tuple[Any, str]] = {
    (
        f"{SATS}/1.0/schemas/checkpoints/list_response.json",
        "/properties/checkpoints/items/properties/checkpointId/pattern",
    ): (
        "^[A-Za-z0-9\\-]{36}$",
        "The pattern ^[A-Za-z0-9]{36}$ leaves out the hyphen, so no checkpoint ID HMRC hands "
        "out (a UUID, as create_response.json's pattern ^[A-Za-z0-9\\-]{36}$ and HMRC's own "
        "list example show) matches it.",
    ),
    (
        f"{SATS}/1.0/schemas/businesses/create_request.json",
        "/properties/businessAddressPostcode/pattern",
    ): (
        "^(?:[A-Z]{1,2}[0-9][0-9A-Z]?\\s?[0-9][A-Z]{2}|BFPO\\s?[0-9]{1,10})$",
        "The pattern ^A|B$ anchors only the start of the first alternative and the end of "
        "the second, so any text starting with a postcode matches; grouped as HMRC means it.",
    ),
}

for _version in ("1.0", "2.0"):
    ERRATA[
        (
            f"agent-authorisation-1.0/{_version}/application.yaml",
            "/components/schemas/AgentsInvitationsResponse/properties/service/items",
        )
    ] = (
        {"type": "string", "enum": ["MTD-IT", "MTD-VAT"]},
        "The items are oneOf two schemas that are each just a string (ITSAService, "
        "VATService), so every service matches both and no answer can be valid; meant as "
        "one of the two names.",
    )

#: YAML files HMRC's YAML does not parse as written: (file under hmrc-oas) → (what is replaced
#: on load, by what, why).
TEXT_ERRATA: dict[str, tuple[str, str, str]] = {
    f"{SATS}/1.0/common/errors.yaml": (
        "description: \t",
        "description: ",
        "Two descriptions (notFoundCreateCheckpoint, notFoundCheckpointId) start with a tab, "
        "which YAML does not allow to start a token: strict parsers (PyYAML) refuse the file.",
    ),
}

#: Where the emulator's message is not HMRC's OAS example, on purpose: (API, code) → why.
DEVIATIONS: dict[tuple[str, str], tuple[str, str]] = {
    **{
        (api, "INTERNAL_SERVER_ERROR"): (
            "An internal server error occurred",
            "The platform's one 500 for every API (never driven here, UNDRIVEN).",
        )
        for api in ("agent-authorisation-1.0", "agent-authorisation-2.0")
    },
    (ITSA, "CLIENT_NOT_MTD_ENROLLED"): (
        "The client does not have an active MTD enrolment",
        "HMRC's service code sends the message without the full stop its OAS example has "
        "(hmrc-wire-facts.md §1.6); the emulator answers what the service sends.",
    ),
}

#: Error examples HMRC lists that the emulator cannot be driven to answer: (API, code) → why.
UNDRIVEN: dict[tuple[str, str], str] = {
    **{
        (api, code): why
        for api in (AAPI1, AAPI2)
        for code, why in {
            "VAT_REG_DATE_DOES_NOT_MATCH": "The emulator holds no VAT customers, so a VAT "
            "request is CLIENT_REGISTRATION_NOT_FOUND (docs/emulator.md).",
            "VAT_CLIENT_INSOLVENT": "The emulator holds no VAT customers.",
            "ALREADY_BEING_PROCESSED": "HMRC's lock against two identical requests at once; the "
            "emulator's transactions make the second a DUPLICATE_AUTHORISATION_REQUEST.",
            "INTERNAL_SERVER_ERROR": "No input makes the emulator fail.",
        }.items()
    },
    **{
        (AAPI2, f"PUT /agents/{{arn}}/deauthorise-client {code}"): "HMRC's de-authorise reuses "
        "the relationship check's 400s; its body has no knownFact, so no known-fact fault."
        for code in ("POSTCODE_FORMAT_INVALID", "VAT_REG_DATE_FORMAT_INVALID")
    },
}


def undriven(api: str, operation_id: str, code: str) -> bool:
    """Whether HMRC's error example for ``code`` on the operation is one the emulator cannot
    be driven to answer (:data:`UNDRIVEN`)."""
    return (api, code) in UNDRIVEN or (api, f"{operation_id} {code}") in UNDRIVEN


#: Fields the emulator sends or documents that HMRC's schema leaves out: (API, schema
#: path) → why. ``*`` is any HMRC API; paths are as :func:`flatten` writes them.
EXTENSIONS: dict[tuple[str, str], str] = {
    ("*", "error:paths"): "HMRC's services add paths (JSON pointers) to body-field errors "
    "(hmrc-wire-facts.md §0, MtdError).",
    ("*", "error:errors"): "Several errors are wrapped in INVALID_REQUEST with an errors list "
    "(hmrc-wire-facts.md §0).",
    ("*", "error:errors[]"): "Each wrapped error.",
    ("*", "error:errors[].code"): "Each wrapped error.",
    ("*", "error:errors[].message"): "Each wrapped error.",
    ("*", "error:errors[].paths"): "Each wrapped error.",
    ("*", "error:errors[].paths[]"): "Each wrapped error.",
    ("*", "error:paths[]"): "Each path.",
    (SATS, "checkpoints[].nino"): "HMRC's own example (examples/checkpoints/list_response.json) "
    "has it; the schema leaves it out.",
}


# --- loading --------------------------------------------------------------------------------
class _Loader(yaml.SafeLoader):
    """YAML without implicit dates: HMRC's examples stay strings, as in JSON."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _string_keys(value: Any) -> Any:
    """YAML's integer keys (``200:``) as the strings JSON and OpenAPI use."""
    if isinstance(value, dict):
        return {str(key): _string_keys(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_string_keys(item) for item in value]
    return value


def _set_pointer(document: Any, pointer: str, value: Any) -> None:
    parts = [unescape(part) for part in pointer.strip("/").split("/")]
    target = document
    for part in parts[:-1]:
        target = target[int(part)] if isinstance(target, list) else target[part]
    target[parts[-1]] = value


def unescape(part: str) -> str:
    return part.replace("~1", "/").replace("~0", "~")


def escape(part: str) -> str:
    return part.replace("~", "~0").replace("/", "~1")


@cache
def load_document(uri: str) -> Any:
    """One of HMRC's files by ``file:`` URI, with :data:`ERRATA` applied."""
    path = Path(unquote(urlsplit(uri).path))
    text = path.read_text(encoding="utf-8")
    relative = path.relative_to(HMRC_OAS).as_posix()
    if relative in TEXT_ERRATA:
        wrong, right, _why = TEXT_ERRATA[relative]
        text = text.replace(wrong, right)
    document = json.loads(text) if path.suffix == ".json" else yaml.load(text, Loader=_Loader)
    document = _string_keys(document)
    for (file, pointer), (value, _why) in ERRATA.items():
        if file == relative:
            _set_pointer(document, pointer, value)
    return document


def _retrieve(uri: str) -> Resource[Any]:
    # Validated as draft 4 (HMRC's dialect) by our validator: without the $schema, jsonschema
    # would switch to its own Draft4Validator at each file and lose the decimal multipleOf.
    document = load_document(uri)
    if isinstance(document, dict):
        document = {key: value for key, value in document.items() if key != "$schema"}
    return Resource(contents=document, specification=DRAFT4)


REGISTRY: Registry[Any] = Registry(retrieve=_retrieve)


@dataclass(frozen=True)
class Node:
    """A value in HMRC's files (or the emulator's document) and where it is: the document's
    URI and the JSON pointer to it; indexing follows ``$ref``s."""

    value: Any
    uri: str
    pointer: str = ""
    documents: Mapping[str, Any] = field(default_factory=dict, compare=False, repr=False)

    @property
    def location(self) -> str:
        return f"{self.uri}#{self.pointer}"

    def _document(self, uri: str) -> Any:
        return self.documents[uri] if uri in self.documents else load_document(uri)

    def resolved(self) -> Node:
        """This node with its ``$ref`` (if any) followed; siblings override the target."""
        node = self
        for _ in range(50):
            value = node.value
            if not (isinstance(value, dict) and isinstance(value.get("$ref"), str)):
                return node
            target_uri, fragment = urldefrag(urljoin(node.uri, value["$ref"]))
            target: Any = node._document(target_uri)
            for part in [p for p in fragment.split("/") if p]:
                key = unescape(part)
                target = target[int(key)] if isinstance(target, list) else target[key]
            siblings = {k: v for k, v in value.items() if k != "$ref"}
            if siblings and isinstance(target, dict):
                target = {**target, **siblings}
            node = Node(target, target_uri, fragment, node.documents)
        raise AssertionError(f"too many $refs at {self.location}")

    def __getitem__(self, key: str | int) -> Node:
        here = self.resolved()
        child = here.value[key]
        return Node(
            child, here.uri, f"{here.pointer}/{escape(str(key))}", here.documents
        ).resolved()

    def get(self, key: str) -> Node | None:
        here = self.resolved()
        if not isinstance(here.value, dict) or key not in here.value:
            return None
        return here[key]

    def items(self) -> Iterator[tuple[str, Node]]:
        here = self.resolved()
        if isinstance(here.value, dict):
            for key in here.value:
                yield str(key), here[key]

    def plain(self) -> Any:
        """The value with every ``$ref`` inside it replaced by its target."""
        here = self.resolved()
        if isinstance(here.value, dict):
            return {key: node.plain() for key, node in here.items()}
        if isinstance(here.value, list):
            return [here[index].plain() for index in range(len(here.value))]
        return here.value


def hmrc_api(folder: str) -> Node:
    """The root of one of HMRC's APIs."""
    path = HMRC_OAS / FOLDERS.get(folder, folder) / APIS[folder]
    if not path.exists():
        pytest.fail(f"HMRC's OAS files are missing: {path} (tests/conformance/hmrc-oas)")
    uri = path.as_uri()
    return Node(load_document(uri), uri)


EMULATOR_URI = "https://emulator.openmtd.invalid/emulator/openapi.json"


def emulator_document(document: Mapping[str, Any]) -> Node:
    """The emulator's own document as a :class:`Node` (its refs are all internal)."""
    return Node(document, EMULATOR_URI, "", {EMULATOR_URI: document})


# --- validating -----------------------------------------------------------------------------
def _multiple_of(
    validator: Any, divisor: float, instance: Any, schema: Mapping[str, Any]
) -> Iterator[jsonschema.ValidationError]:
    """``multipleOf`` in decimal arithmetic: 23600.9 is a multiple of 0.01 (binary floats
    say it is not)."""
    if not validator.is_type(instance, "number"):
        return
    if Decimal(str(instance)) % Decimal(str(divisor)) != 0:
        yield jsonschema.ValidationError(f"{instance!r} is not a multiple of {divisor}")


_Validator = validators.extend(Draft4Validator, {"multipleOf": _multiple_of})


def schema_errors(schema: Node, instance: Any) -> list[str]:
    """Why ``instance`` does not validate against the schema at ``schema`` (none: it does)."""
    at = schema.resolved()
    if at.uri == EMULATOR_URI:
        root = {**at.documents[EMULATOR_URI], "$ref": f"#{at.pointer}"}
        validator = _Validator(root, format_checker=Draft4Validator.FORMAT_CHECKER)
    else:
        validator = _Validator(
            {"$ref": at.location},
            registry=REGISTRY,
            format_checker=Draft4Validator.FORMAT_CHECKER,
        )
    return [
        f"{'/'.join(map(str, error.absolute_path)) or '(root)'}: {error.message}"
        for error in validator.iter_errors(instance)
    ]


def _branches(schema: Node) -> list[Node]:
    """A schema and the parts of its ``allOf`` (HMRC wraps whole bodies in ``allOf``)."""
    out = [schema]
    all_of = schema.get("allOf")
    if all_of is not None:
        for index in range(len(all_of.value)):
            out += _branches(all_of[index])
    return out


def undeclared_fields(schema: Node, instance: Any, path: str = "") -> list[str]:
    """Object members in ``instance`` that the schema does not declare (HMRC's schemas mostly
    allow extra members; the emulator should not invent any)."""
    found: list[str] = []
    parts = _branches(schema.resolved())
    if isinstance(instance, dict):
        properties: dict[str, Node] = {}
        for part in parts:
            declared = part.get("properties")
            if declared is not None:
                properties.update(dict(declared.items()))
        if not properties:
            return found
        for key, value in instance.items():
            if key in properties:
                found += undeclared_fields(properties[key], value, f"{path}.{key}".lstrip("."))
            else:
                found.append(f"{path}.{key}".lstrip("."))
    elif isinstance(instance, list):
        for part in parts:
            items = part.get("items")
            if items is not None:
                for value in instance:
                    found += undeclared_fields(items, value, f"{path}[]")
                break
    return found


@dataclass(frozen=True)
class FieldInfo:
    """One field of a flattened schema."""

    type: str | None
    enum: tuple[Any, ...] | None
    pattern: str | None
    required: bool


def flatten(schema: Node, prefix: str = "") -> dict[str, FieldInfo]:
    """Every field a schema describes, by path (``itsaStatuses[].taxYear``): its type, enum,
    pattern and whether its object requires it. ``allOf`` parts are merged; a ``oneOf`` of
    single-value enums (HMRC's serviceNames) is one enum."""
    fields: dict[str, FieldInfo] = {}
    parts = _branches(schema.resolved())
    for part in parts:
        value = part.value
        required = set(value.get("required", []))
        properties = part.get("properties")
        if properties is not None:
            for key, child in properties.items():
                path = f"{prefix}.{key}" if prefix else key
                fields[path] = _info(child, key in required)
                fields.update(flatten(child, path))
        items = part.get("items")
        if items is not None:
            path = f"{prefix}[]"
            fields[path] = _info(items, True)
            fields.update(flatten(items, path))
    return fields


def _info(schema: Node, required: bool) -> FieldInfo:
    merged: dict[str, Any] = {}
    for part in _branches(schema.resolved()):
        merged.update(part.value)
    enum = merged.get("enum")
    for choice in ("oneOf", "anyOf"):
        options = merged.get(choice)
        if options and all(isinstance(o, dict) and "enum" in o for o in options):
            enum = [value for option in options for value in option["enum"]]
    return FieldInfo(
        type=merged.get("type"),
        enum=tuple(sorted(enum, key=str)) if enum is not None else None,
        pattern=merged.get("pattern"),
        required=required,
    )


# --- the operations ---------------------------------------------------------------------------
@dataclass(frozen=True)
class Operation:
    """One of HMRC's operations: API folder, method, path template and its OAS node."""

    api: str
    method: str
    path: str
    node: Node

    @property
    def id(self) -> str:
        return f"{self.method.upper()} {self.path}"

    def response(self, status: int) -> Node | None:
        responses = self.node["responses"]
        return responses.get(str(status))

    def statuses(self) -> list[int]:
        return sorted(int(status) for status, _ in self.node["responses"].items())

    def error_examples(self) -> list[tuple[int, str, str, str]]:
        """(status, example name, code, message) for every error example HMRC gives."""
        out = []
        for status in self.statuses():
            if status < 400:
                continue
            content = self.node["responses"][str(status)].get("content")
            media = content.get("application/json") if content else None
            examples = media.get("examples") if media else None
            for name, example in examples.items() if examples else ():
                value = example["value"].plain()
                out.append((status, name, value["code"], value["message"]))
        return out


_METHODS = ("get", "post", "put", "delete", "patch")


@cache
def operations() -> tuple[Operation, ...]:
    """Every operation in the APIs of :data:`APIS`."""
    found = []
    for folder in APIS:
        root = hmrc_api(folder)
        for path, item in root["paths"].items():
            for method in _METHODS:
                operation = item.get(method)
                if operation is not None:
                    found.append(Operation(folder, method, path.rstrip("/"), operation))
    return tuple(found)


def operation(api: str, method: str, path: str) -> Operation:
    for candidate in operations():
        if (candidate.api, candidate.method, candidate.path) == (api, method, path):
            return candidate
    raise KeyError(f"HMRC's {api} has no {method.upper()} {path}")


# --- checking a real response -----------------------------------------------------------------
Response = Any  # an httpx2 response (the harness's TestClient)


def conformance_problems(op: Operation, response: Response) -> list[str]:
    """Everything about ``response`` that HMRC's OAS for ``op`` does not allow."""
    problems: list[str] = []
    declared = op.response(response.status_code)
    if declared is None:
        return [f"status {response.status_code} is not one HMRC declares ({op.statuses()})"]
    for name, header in (declared.get("headers") or Node({}, "")).items():
        if header.value.get("required") and name not in response.headers:
            problems.append(f"header {name} is missing")
        elif name in response.headers and header.get("schema") is not None:
            problems += [
                f"header {name}: {e}"
                for e in schema_errors(header["schema"], response.headers[name])
            ]
    if name_is_correlation(declared) and len(response.headers.get("x-correlationid", "")) != 36:
        problems.append("X-CorrelationId is not 36 characters")
    content = declared.get("content")
    media = content.get("application/json") if content else None
    if media is None or media.get("schema") is None:
        if response.content:
            problems.append(f"HMRC declares no body for {response.status_code}, one was sent")
        return problems
    if not response.headers.get("content-type", "").startswith("application/json"):
        problems.append(f"Content-Type is {response.headers.get('content-type')!r}")
    body = response.json()
    problems += [f"schema: {e}" for e in schema_errors(media["schema"], body)]
    problems += [
        f"field {f} is not in HMRC's schema"
        for f in undeclared_fields(media["schema"], body)
        if not extension(op.api, f, error=response.status_code >= 400)
    ]
    return problems


def name_is_correlation(declared: Node) -> bool:
    headers = declared.get("headers")
    return headers is not None and headers.get("X-CorrelationId") is not None


def extension(api: str, path: str, *, error: bool = False) -> bool:
    key = f"error:{path}" if error else path
    return (api, key) in EXTENSIONS or ("*", key) in EXTENSIONS


def expected_message(api: str, code: str, hmrc_message: str) -> str:
    """HMRC's example message, or the emulator's documented deviation from it."""
    deviation = DEVIATIONS.get((api, code))
    return deviation[0] if deviation else hmrc_message
