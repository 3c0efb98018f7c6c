"""HMRC's agent services, framework-free: what the agent services account pages, the client's
pages and (later) the Agent Authorisation API do, over the storage seam. Every decision is
:mod:`openmtd.rules`' (``agents``, ``agent_services``, ``agent_sign_up``); these modules look
things up, call the rules and write what the rules decided.

- :mod:`.clients`: a client as HMRC's records know them (name, postcode, UTR, MTDITID).
- :mod:`.services_account`: creating an agent services account, its details and its link,
  and linking a legacy Self Assessment agent reference (business rules §2.1, §2.3).
- :mod:`.relationships`: a client's agents, authorising, ending, copying legacy Self
  Assessment authorisations, and :func:`~.relationships.relationships_after_sign_up`, which a
  completed sign-up calls.
- :mod:`.invitations`: authorisation requests: create, list, cancel, accept, reject (§2.4).
"""
