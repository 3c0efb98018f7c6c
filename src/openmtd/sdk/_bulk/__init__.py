"""Bulk ITSA status for agents (issue 11 item 7): :func:`bulk_itsa_status` (async) and
:func:`bulk_itsa_status_sync`, streaming one :class:`ClientStatus` per client."""

from openmtd.sdk._bulk._async import (
    DEFAULT_MAX_IN_FLIGHT,
    BulkItsaStatus,
    BulkProgress,
    ClientStatus,
    bulk_itsa_status,
)
from openmtd.sdk._bulk._sync import BulkItsaStatusSync, bulk_itsa_status_sync

__all__ = [
    "DEFAULT_MAX_IN_FLIGHT",
    "BulkItsaStatus",
    "BulkItsaStatusSync",
    "BulkProgress",
    "ClientStatus",
    "bulk_itsa_status",
    "bulk_itsa_status_sync",
]
