"""HMRC's side of MTD ITSA, emulated: Government Gateway, OAuth 2.0 and the APIs.

May import :mod:`openmtd.rules`; never :mod:`openmtd.sdk` or :mod:`openmtd.app`.
"""
