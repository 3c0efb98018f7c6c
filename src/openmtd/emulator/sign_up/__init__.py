"""HMRC's sign-up service for MTD ITSA, framework-free (business rules §1): the gate a person
passes (:mod:`.gate`), the answers they give (:mod:`.journey`, :mod:`.answers`), and what
confirming creates (:mod:`.complete`). Every decision is :mod:`openmtd.rules`'s; this package
reads the facts it needs from storage (:mod:`.facts`) and writes the results.

The agent's sign-up of a client reuses :func:`.complete.complete_sign_up` and the facts
readers; only who is asking differs.
"""
