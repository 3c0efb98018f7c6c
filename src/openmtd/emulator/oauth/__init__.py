"""HMRC's OAuth 2.0 "grant authority" service, as pure building blocks.

Errors with HMRC's exact wire texts, the scope catalogue, PKCE, Developer Hub redirect-URI
rules and /oauth/authorize request validation. Nothing here does I/O or knows about a web
framework or a database, so the web pages and the headless control endpoint share one
implementation of every rule and cannot drift apart.
"""
