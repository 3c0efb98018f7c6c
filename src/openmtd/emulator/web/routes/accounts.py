"""Routes: creating a Government Gateway account with 2-step verification, and the phone."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter()
