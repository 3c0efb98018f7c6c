"""Shared pytest setup for every test under tests/.

The harness lives in tests/support/ (importable as `support` because pyproject sets
`pythonpath = ["tests"]`). Its fixture modules are registered here, once, for the whole suite:

- support.postgres: `postgres_server`, `postgres_url`, `postgres_database` (a throwaway
  PostgreSQL started from the machine's binaries; tests using them get the `postgres` marker).
- support.redis: `redis_server`, `redis_url` (a throwaway redis-server from the machine's
  binary; tests using them get the `redis` marker).
- support.live_server: `serve_in_thread`, `serve_in_subprocess`, `free_port` (plain helpers:
  import them from `support.live_server`).
- support.emulator: `emulator`, an in-process emulator (app, TestClient, pinned clock,
  shortcuts to make applications and accounts).
- support.app: `app_world`, the app in process wired to the in-process emulator (the SDK's
  calls carried into the emulator's ASGI app), same pinned clock.
- support.browser: `browser`, `page` (Debian's Chromium via Playwright; tests using them get the
  `e2e` marker).

Nothing skips when the machine lacks PostgreSQL, Redis or Chromium: the fixtures fail and say to
run scripts/install. To run without them:
`scripts/test -m "not postgres and not redis and not e2e"`.
"""

import pytest

# The support modules import each other; registering the package first lets pytest rewrite their
# asserts whichever is imported first (else: "Module already imported so cannot be rewritten").
pytest.register_assert_rewrite("support")

pytest_plugins = [
    "support.postgres",
    "support.redis",
    "support.live_server",
    "support.browser",
    "support.emulator",
    "support.app",
]
