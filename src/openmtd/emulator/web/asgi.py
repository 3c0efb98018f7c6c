"""The emulator as an import string for uvicorn: ``openmtd.emulator.web.asgi:app_factory``.

uvicorn needs one to start several worker processes. Each worker calls :func:`app_factory`,
which reads its settings from the ``OPENMTD_EMULATOR_*`` variables that
``openmtd emulator serve`` sets (:meth:`EmulatorSettings.from_environment`).
"""

from __future__ import annotations

from fastapi import FastAPI

from openmtd.emulator.settings import EmulatorSettings
from openmtd.emulator.web.app import create_app


def app_factory() -> FastAPI:
    """A new emulator app configured from the environment (use with uvicorn's ``--factory``)."""
    return create_app(EmulatorSettings.from_environment())
