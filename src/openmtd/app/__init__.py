"""The software a sole trader, landlord or agent uses: web pages and a CLI.

May import :mod:`openmtd.sdk` and :mod:`openmtd.rules`; never :mod:`openmtd.emulator`,
because it must work against real HMRC.
"""
