"""openmtd: an open-source toolkit for Making Tax Digital for Income Tax Self Assessment.

Parts (see docs/architecture.md):

- :mod:`openmtd.rules`: the MTD ITSA rules as pure Python (no I/O).
- :mod:`openmtd.emulator`: HMRC's side, stateful and faithful on the wire.
- :mod:`openmtd.sdk`: the typed client a vendor uses against HMRC or the emulator.
- :mod:`openmtd.app`: the software a taxpayer or an agent uses.
- :mod:`openmtd.cli`: the one ``openmtd`` command.
"""

__version__ = "0.1.0"
