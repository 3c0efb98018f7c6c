"""Route: ``GET /emulator/openapi.json``, the emulator's own OpenAPI document
(:mod:`openmtd.emulator.openapi`). ``create_app`` includes it with the control API (when
``settings.control_enabled``); FastAPI's generated document is turned off."""

from __future__ import annotations

import functools
import json

from fastapi import APIRouter
from starlette.responses import Response

from openmtd.emulator.openapi import PATH, build_document

router = APIRouter(include_in_schema=False)


@functools.cache
def _body() -> bytes:
    return json.dumps(build_document(), ensure_ascii=False, separators=(",", ":")).encode()


@router.get(PATH)
def openapi_document() -> Response:
    return Response(_body(), media_type="application/json")
