"""PKCE for Zalo's OA permission flow (docs/zalo-oa.md §1).

Zalo wants a 43-character verifier of letters and digits, fresh for every authorisation, and a challenge that
is the SHA-256 of it in URL-safe base64 without padding (both official SDKs use the URL-safe alphabet).
"""

import base64
import hashlib
import secrets
import string

VERIFIER_ALPHABET = string.ascii_letters + string.digits
VERIFIER_LENGTH = 43


def new_code_verifier() -> str:
    return "".join(secrets.choice(VERIFIER_ALPHABET) for _ in range(VERIFIER_LENGTH))


def code_challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode("ascii")).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode("ascii")
