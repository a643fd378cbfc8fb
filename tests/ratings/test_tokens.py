"""The rating link's token: signed for one province, naming its invitation, nonce and dossier."""

import uuid

import pytest

from platform_core.ratings.tokens import BadToken, make_token, read_token
from tests.conftest import as_tenant

INVITATION, DOSSIER = uuid.uuid4(), uuid.uuid4()


def test_a_token_reads_back_its_claims_and_stays_short(tenant_a):
    with as_tenant(tenant_a):
        token = make_token(INVITATION, "n0nce-abc", DOSSIER)
        claims = read_token(token)
    assert (claims.invitation_id, claims.nonce, claims.dossier_id) == (INVITATION, "n0nce-abc", DOSSIER)
    assert len(token) < 100 and "/" not in token


@pytest.mark.parametrize("change", [
    lambda token: token[:-5] + ("A" if token[-5] != "A" else "B") + token[-4:],  # signature altered (not the
    # last character: its low bits are base64 padding)
    lambda token: token.replace("n0nce", "n0nca"),  # claims altered
    lambda token: "not-a-token",
    lambda token: "",
    lambda token: "a.b.c.d",
])
def test_a_tampered_token_is_refused(tenant_a, change):
    with as_tenant(tenant_a):
        token = make_token(INVITATION, "n0nce-abc", DOSSIER)
        with pytest.raises(BadToken):
            read_token(change(token))


def test_another_provinces_token_is_refused(tenant_a, tenant_b):
    with as_tenant(tenant_a):
        token = make_token(INVITATION, "n0nce-abc", DOSSIER)
    with as_tenant(tenant_b), pytest.raises(BadToken):
        read_token(token)
