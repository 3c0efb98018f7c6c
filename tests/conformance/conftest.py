"""Conformance tests: the emulator against HMRC's published OpenAPI files.

The loader and checks are in ``hmrc_oas.py`` (HMRC's multi-file OAS, its known defects,
the emulator's documented differences); this provides the emulator's own document.
"""

from __future__ import annotations

import pytest

from openmtd.emulator.openapi import build_document

from .hmrc_oas import Node, emulator_document


@pytest.fixture(scope="module")
def document() -> Node:
    """The emulator's OpenAPI document, walkable like HMRC's files."""
    return emulator_document(build_document())
