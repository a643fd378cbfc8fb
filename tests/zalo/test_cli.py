"""`flask tenants connect-zalo` and `flask zalo send-test` against the sandbox."""

from platform_core.extensions import db
from platform_core.zalo.connection import get_connection
from tests.conftest import as_tenant


def connect_args(seeded, tokens, slug="bac-ninh", **overrides):
    values = {"--app-id": seeded.app_id, "--app-secret": seeded.app_secret, "--oa-id": seeded.oa_id,
              "--oa-secret-key": seeded.oa_secret_key, "--access-token": tokens["access_token"],
              "--refresh-token": tokens["refresh_token"]} | overrides
    return ["tenants", "connect-zalo", slug, *[item for pair in values.items() for item in pair]]


def test_connect_zalo_verifies_and_stores(runner, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh", oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    tokens = sandbox.mint_tokens(seeded.app_id)
    result = runner.invoke(args=connect_args(seeded, tokens))
    assert result.exit_code == 0, result.output
    assert "Trung tâm PVHCC tỉnh Bắc Ninh" in result.output
    assert tokens["access_token"] not in result.output and seeded.app_secret not in result.output
    with as_tenant(tenant_a):
        connection = get_connection()
        assert (connection.status, connection.oa_id, connection.access_token) == (
            "connected", seeded.oa_id, tokens["access_token"])


def test_connect_zalo_refuses_a_token_of_another_oa(runner, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    other = sandbox.add_app("da-nang")
    tokens = sandbox.mint_tokens(other.app_id)
    result = runner.invoke(args=connect_args(seeded, tokens))
    assert result.exit_code != 0 and "belongs to OA" in result.output
    with as_tenant(tenant_a):
        assert get_connection() is None


def test_connect_zalo_with_a_dead_token_prints_the_classified_error(runner, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    result = runner.invoke(args=connect_args(seeded, {"access_token": "nope", "refresh_token": "nope"}))
    assert result.exit_code != 0 and "-216" in result.output and "refresh_token" in result.output


def test_connect_zalo_unknown_slug(runner):
    result = runner.invoke(args=["tenants", "connect-zalo", "khong-co", "--app-id", "1", "--app-secret", "s",
                                 "--oa-id", "2", "--oa-secret-key", "k", "--access-token", "a",
                                 "--refresh-token", "r"])
    assert result.exit_code != 0 and "no tenant 'khong-co'" in result.output


def _connected(runner, sandbox, db_session):
    seeded = sandbox.add_app("bac-ninh")
    tokens = sandbox.mint_tokens(seeded.app_id)
    assert runner.invoke(args=connect_args(seeded, tokens)).exit_code == 0
    citizen = sandbox.add_user(seeded.app_id, display_name="Phạm Văn Cường", last_interaction="now")
    return seeded, citizen


def test_send_test_prints_the_message_id(runner, sandbox, tenant_a, db_session):
    seeded, citizen = _connected(runner, sandbox, db_session)
    result = runner.invoke(args=["zalo", "send-test", "bac-ninh", "--user-id", citizen["user_id"],
                                 "--text", "Kiểm tra kết nối"])
    assert result.exit_code == 0, result.output
    [sent] = sandbox.messages(oa_id=seeded.oa_id, user_id=citizen["user_id"])
    assert f"message_id={sent['message_id']}" in result.output


def test_send_test_against_a_fault_prints_the_classified_error(runner, sandbox, tenant_a, db_session):
    _, citizen = _connected(runner, sandbox, db_session)
    sandbox.inject_fault(path="/message/cs", error=-230)
    result = runner.invoke(args=["zalo", "send-test", "bac-ninh", "--user-id", citizen["user_id"], "--text", "x"])
    assert result.exit_code != 0
    assert "-230" in result.output and "ineligible" in result.output


def test_send_test_without_a_connection(runner, tenant_b):
    result = runner.invoke(args=["zalo", "send-test", "da-nang", "--user-id", "1", "--text", "x"])
    assert result.exit_code != 0 and "not connected its Zalo OA" in result.output


def test_the_stored_secrets_are_ciphertext(runner, sandbox, tenant_a, db_session):
    seeded, _ = _connected(runner, sandbox, db_session)
    from sqlalchemy import text

    with as_tenant(tenant_a):
        row = db.session.execute(text(
            "select app_secret, oa_secret_key, access_token, refresh_token from zalo_connection")).one()
    assert all(value and ":" in value for value in row)
    assert seeded.app_secret not in row and seeded.oa_secret_key not in row
