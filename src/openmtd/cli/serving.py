"""Several uvicorn servers in one process, stopped together by Ctrl-C (``openmtd up``).

uvicorn runs one server per ``uvicorn.run``; each :class:`uvicorn.Server` also captures
SIGINT and SIGTERM for itself while it serves, so two of them in one event loop would each
take the signal from the other and Ctrl-C would stop only one. :class:`_Together` leaves the
signals alone, and :func:`serve_together` handles them once, telling every server to finish
its requests and stop (uvicorn's own graceful shutdown). Written here because uvicorn has no
option for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging.config
import signal
from collections.abc import Generator, Sequence
from typing import Any

import uvicorn


class _Together(uvicorn.Server):
    """A uvicorn server that does not take the process's signals for itself."""

    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield


async def _run(server: _Together) -> None:
    # uvicorn exits when it cannot listen; ``started`` stays False and says so.
    with contextlib.suppress(SystemExit):
        await server.serve()


async def _serve(servers: Sequence[_Together]) -> None:
    loop = asyncio.get_running_loop()

    def stop() -> None:
        for server in servers:
            server.should_exit = True

    for name in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(name, stop)
    try:
        tasks = [asyncio.create_task(_run(server)) for server in servers]
        # One server failing to start (its port taken after the check) stops the others.
        while tasks:
            done, pending = await asyncio.wait(tasks, return_when=asyncio.FIRST_COMPLETED)
            if any(not server.started for server in servers) or any(
                task.exception() for task in done
            ):
                stop()  # one has stopped or could not start: the others stop too
            tasks = list(pending)
    finally:
        for name in (signal.SIGINT, signal.SIGTERM):
            loop.remove_signal_handler(name)


def serve_together(
    configs: Sequence[uvicorn.Config], log_config: dict[str, Any] | None = None
) -> bool:
    """Serve every config until Ctrl-C (or SIGTERM); True when all of them started.

    ``log_config`` (``logging.config.dictConfig``'s form) is applied here, just before
    serving, rather than by each ``uvicorn.Config`` when it is built: give the configs
    ``log_config=None``."""
    if log_config is not None:
        logging.config.dictConfig(log_config)
    servers = [_Together(config) for config in configs]
    asyncio.run(_serve(servers))
    return all(server.started for server in servers)
