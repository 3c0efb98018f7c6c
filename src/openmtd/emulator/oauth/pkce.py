"""PKCE (RFC 7636) as HMRC supports it: the S256 method only (hmrc-wire-facts.md §2.2).

The token endpoint checks a verifier in two steps with two different HMRC errors: first its
form (:func:`verifier_is_well_formed`, ``invalid_request``), then whether it matches the
challenge stored with the code (:func:`verifier_matches`, ``invalid_grant``).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
from typing import Final

S256: Final = "S256"
"""The only ``code_challenge_method`` HMRC accepts."""

# RFC 7636 §4.1: code-verifier = 43*128unreserved, unreserved = ALPHA / DIGIT / "-" / "." /
# "_" / "~". Explicit ASCII ranges, so no Unicode letter or digit slips through.
_VERIFIER: Final = re.compile(r"[A-Za-z0-9\-._~]{43,128}")


def verifier_is_well_formed(verifier: str) -> bool:
    """Whether ``verifier`` is 43 to 128 characters of RFC 7636's unreserved alphabet."""
    return _VERIFIER.fullmatch(verifier) is not None


def s256_challenge(verifier: str) -> str:
    """The S256 challenge for ``verifier``: BASE64URL(SHA256(verifier)) without padding."""
    digest = hashlib.sha256(verifier.encode("utf-8", "surrogatepass")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")


def verifier_matches(verifier: str, challenge: str) -> bool:
    """Whether ``verifier`` hashes to ``challenge`` under S256, compared in constant time.

    Both sides are compared as bytes, because HMRC does not restrict what a client may send
    as ``code_challenge`` and :func:`hmac.compare_digest` refuses non-ASCII text; so any
    input gives an answer rather than an exception.
    Check the verifier's form with :func:`verifier_is_well_formed` first: a malformed
    verifier is a different HMRC error from a mismatched one.
    """
    expected = s256_challenge(verifier).encode("ascii")
    return hmac.compare_digest(expected, challenge.encode("utf-8", "surrogatepass"))
