"""PKCE helpers (docs/zalo-oa.md §1)."""

import re

from platform_core.zalo.pkce import code_challenge, new_code_verifier


def test_challenge_matches_the_rfc_7636_vector():
    verifier = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk"  # RFC 7636, appendix B
    assert code_challenge(verifier) == "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"


def test_challenge_is_url_safe_base64_without_padding():
    for _ in range(50):
        challenge = code_challenge(new_code_verifier())
        assert re.fullmatch(r"[A-Za-z0-9_-]{43}", challenge)


def test_verifier_is_43_letters_and_digits_and_fresh_each_time():
    verifiers = {new_code_verifier() for _ in range(20)}
    assert len(verifiers) == 20
    assert all(re.fullmatch(r"[A-Za-z0-9]{43}", verifier) for verifier in verifiers)
