"""The typed Python client for HMRC's MTD ITSA APIs (real HMRC or the emulator).

May import :mod:`openmtd.rules` value types; never :mod:`openmtd.emulator` or :mod:`openmtd.app`.
"""

__all__: list[str] = []
