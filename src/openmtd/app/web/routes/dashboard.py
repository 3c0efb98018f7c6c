"""Filled in by its journey (openmtd.app I)."""

from fastapi import APIRouter

router = APIRouter()
