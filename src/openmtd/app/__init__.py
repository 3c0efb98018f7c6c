"""openmtd.app: the software a sole trader, a landlord or an agent uses (web pages and CLI).

Built on :mod:`openmtd.sdk` and :mod:`openmtd.rules` only, never the emulator (an
import-linter contract), so it runs against real HMRC as well as the emulator.

Layout (docs/app.md): ``settings`` (typed, passed in), ``storage`` (the records and the
repository protocols the services take), ``services/`` (what the app does, no framework),
``adapters/db/`` (SQLAlchemy tables, repositories, migrations), ``web/`` (Starlette/FastAPI,
Jinja2, forms: parse, call a service, render).
"""
