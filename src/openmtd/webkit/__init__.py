"""Web plumbing shared by the emulator and the app, with nothing of either: input decoded and
bounded once at the edge (``wire``: JSON bodies and text; ``forms``: posted forms).

It may import :mod:`openmtd.rules` and web libraries; never the emulator, the SDK or the app.
"""
