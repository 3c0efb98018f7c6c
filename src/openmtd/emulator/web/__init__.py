"""The emulator's web edge: FastAPI routes, Jinja2 pages, sessions and CSRF."""
