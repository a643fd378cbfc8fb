"""`flask tenants connect-zalo` and `flask zalo send-test` against the sandbox."""

from sqlalchemy import Text, func, select, type_coerce

from platform_core.extensions import db
from platform_core.zalo import jobs
from platform_core.zalo.connection import get_connection
from platform_core.zalo.models import Follower, FollowerImport, ZaloConnection
from tests.conftest import as_tenant


def connect_args(seeded, slug="bac-ninh", **overrides):
    values = {"--app-id": seeded.app_id, "--oa-id": seeded.oa_id} | overrides
    return ["tenants", "connect-zalo", slug, *[item for pair in values.items() for item in pair]]


def secrets_env(seeded, tokens) -> dict:
    return {"ZALO_APP_SECRET": seeded.app_secret, "ZALO_OA_SECRET_KEY": seeded.oa_secret_key,
            "ZALO_ACCESS_TOKEN": tokens["access_token"], "ZALO_REFRESH_TOKEN": tokens["refresh_token"]}


def connect(runner, seeded, tokens, **overrides):
    """connect-zalo with the secrets in the environment, as an operator's script gives them."""
    return runner.invoke(args=connect_args(seeded, **overrides), env=secrets_env(seeded, tokens))


def test_connect_zalo_verifies_and_stores(runner, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh", oa_name="Trung tâm PVHCC tỉnh Bắc Ninh")
    tokens = sandbox.mint_tokens(seeded.app_id)
    result = connect(runner, seeded, tokens)
    assert result.exit_code == 0, result.output
    assert "Trung tâm PVHCC tỉnh Bắc Ninh" in result.output
    assert tokens["access_token"] not in result.output and seeded.app_secret not in result.output
    with as_tenant(tenant_a):
        connection = get_connection()
        assert (connection.status, connection.oa_id, connection.access_token) == (
            "connected", seeded.oa_id, tokens["access_token"])


def test_connect_zalo_imports_the_oas_followers_as_the_oauth_connect_does(runner, sandbox, tenant_a, monkeypatch):
    """make run connects its provinces this way: their sandbox followers must show in the console."""
    seeded = sandbox.add_app("bac-ninh")
    sandbox.add_users(seeded.app_id, 3, is_follower=True)
    queued = []
    monkeypatch.setattr(jobs.import_followers, "enqueue", lambda *args, **kwargs: queued.append(args))
    assert connect(runner, seeded, sandbox.mint_tokens(seeded.app_id)).exit_code == 0
    with as_tenant(tenant_a):
        (started,) = db.session.scalars(select(FollowerImport)).all()
        assert started.trigger == "connect" and queued == [(str(started.id),)]
        jobs.import_followers(str(started.id))
        assert db.session.scalar(select(func.count()).select_from(Follower)) == 3


def test_connect_zalo_asks_for_the_secrets_without_showing_them(runner, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    tokens = sandbox.mint_tokens(seeded.app_id)
    answers = [seeded.app_secret, seeded.oa_secret_key, tokens["access_token"], tokens["refresh_token"]]
    result = runner.invoke(args=connect_args(seeded), input="\n".join(answers) + "\n")
    assert result.exit_code == 0, result.output
    assert "App secret:" in result.output and "Refresh token:" in result.output
    assert not any(answer in result.output for answer in answers)
    with as_tenant(tenant_a):
        connection = get_connection()
        assert (connection.app_secret, connection.refresh_token) == (seeded.app_secret, tokens["refresh_token"])


def test_the_secret_flags_still_work_with_a_deprecation_warning(runner, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    tokens = sandbox.mint_tokens(seeded.app_id)
    flags = {"--app-secret": seeded.app_secret, "--oa-secret-key": seeded.oa_secret_key,
             "--access-token": tokens["access_token"], "--refresh-token": tokens["refresh_token"]}
    result = runner.invoke(args=connect_args(seeded, **flags))
    assert result.exit_code == 0, result.output
    assert "--app-secret is deprecated" in result.stderr and "ZALO_REFRESH_TOKEN" in result.stderr
    assert "--app-secret" not in runner.invoke(args=["tenants", "connect-zalo", "--help"]).output
    with as_tenant(tenant_a):
        assert get_connection().status == "connected"


def test_connect_zalo_refuses_a_token_of_another_oa(runner, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    other = sandbox.add_app("da-nang")
    tokens = sandbox.mint_tokens(other.app_id)
    result = connect(runner, seeded, tokens)
    assert result.exit_code != 0 and "belongs to OA" in result.output
    with as_tenant(tenant_a):
        assert get_connection() is None


def test_connect_zalo_with_a_dead_token_prints_the_classified_error(runner, sandbox, tenant_a):
    seeded = sandbox.add_app("bac-ninh")
    result = connect(runner, seeded, {"access_token": "nope", "refresh_token": "nope"})
    assert result.exit_code != 0 and "-216" in result.output and "refresh_token" in result.output


def test_connect_zalo_unknown_slug(runner):
    result = runner.invoke(args=["tenants", "connect-zalo", "khong-co", "--app-id", "1", "--oa-id", "2"],
                           env={"ZALO_APP_SECRET": "s", "ZALO_OA_SECRET_KEY": "k", "ZALO_ACCESS_TOKEN": "a",
                                "ZALO_REFRESH_TOKEN": "r"})
    assert result.exit_code != 0 and "no tenant 'khong-co'" in result.output


def _connected(runner, sandbox, db_session):
    seeded = sandbox.add_app("bac-ninh")
    tokens = sandbox.mint_tokens(seeded.app_id)
    assert connect(runner, seeded, tokens).exit_code == 0
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
    with as_tenant(tenant_a):
        row = db.session.execute(select(*(type_coerce(column, Text) for column in (  # as stored, not decrypted
            ZaloConnection.app_secret, ZaloConnection.oa_secret_key, ZaloConnection.access_token,
            ZaloConnection.refresh_token)))).one()
    assert all(value and ":" in value for value in row)
    assert seeded.app_secret not in row and seeded.oa_secret_key not in row
