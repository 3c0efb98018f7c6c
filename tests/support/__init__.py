"""Test harness shared by the contract and end-to-end tests.

The modules here are pytest plugins (registered in tests/conftest.py) and plain helpers:

- `support.postgres`: a throwaway PostgreSQL cluster started from the machine's server binaries
  (fixtures `postgres_server`, `postgres_url`, `postgres_database`).
- `support.live_server`: real HTTP servers on 127.0.0.1 (`serve_in_thread`,
  `serve_in_subprocess`, `free_port`).
- `support.browser`: Debian's headless Chromium through Playwright (fixtures `browser`, `page`).

Missing system packages make these fixtures FAIL with a pointer to scripts/install: CI must run
every test, so nothing here skips itself.
"""
