"""No Zalo secret appears in logs, pages or command output, and rotation re-encrypts them all."""

import logging

from cryptography.fernet import Fernet
from sqlalchemy import Text, func, select, type_coerce

from platform_core.db import crypto
from platform_core.extensions import db
from platform_core.zalo import service
from platform_core.zalo.client_registry import zalo_client
from platform_core.zalo.models import ZaloConnection
from platform_core.zalo.tokens import refresh_access_token
from tests.conftest import TEST_ENCRYPTION_KEY, as_tenant
from tests.zalo.conftest import connect_to_sandbox
from tests.zalo.test_admin_and_oauth import admin_client  # noqa: F401 - fixture


def secrets_of(seeded, tokens) -> list[str]:
    return [seeded.app_secret, seeded.oa_secret_key, tokens["access_token"], tokens["refresh_token"]]


def test_a_full_working_day_logs_no_secret(caplog, sandbox, tenant_a, admin_client, runner):  # noqa: F811
    caplog.set_level(logging.DEBUG)
    seeded, tokens = connect_to_sandbox(tenant_a, sandbox)
    citizen = sandbox.add_user(seeded.app_id, display_name="Đỗ Thị Dung", last_interaction="now")
    sandbox.inject_fault(path="/message/cs", error=-216)
    with as_tenant(tenant_a):
        service.send_test_message(citizen["user_id"], "Xin chào")
        new_token = refresh_access_token(zalo_client(), stale_token=None)
    db.session.commit()
    page = admin_client.get("/bac-ninh/admin/zalo/").get_data(as_text=True)
    listing = runner.invoke(args=["apikeys", "list", "bac-ninh"]).output
    everything = caplog.text + page + listing
    for secret in [*secrets_of(seeded, tokens), new_token]:
        assert secret not in everything


def test_rotation_re_encrypts_every_secret_under_the_new_key(sandbox, tenant_a, runner):
    connect_to_sandbox(tenant_a, sandbox)
    db.session.commit()
    new_key = Fernet.generate_key().decode()
    crypto.configure([new_key, TEST_ENCRYPTION_KEY])
    try:
        result = runner.invoke(args=["keys", "rotate"])
        assert result.exit_code == 0, result.output
        assert "zalo_connection.access_token: 1 re-encrypted" in result.output
        with as_tenant(tenant_a):
            raw = db.session.execute(select(type_coerce(ZaloConnection.app_secret, Text),
                                            type_coerce(ZaloConnection.access_token, Text))).one()  # as stored
        assert all(value.startswith(crypto.fingerprint(new_key) + ":") for value in raw)
        crypto.configure([new_key])  # the old key is gone: everything still decrypts
        with as_tenant(tenant_a):
            db.session.expire_all()
            assert db.session.scalar(select(func.count()).select_from(ZaloConnection)) == 1
            from platform_core.zalo.connection import get_connection

            assert get_connection().app_secret
        assert "0 re-encrypted" in runner.invoke(args=["keys", "rotate"]).output
    finally:
        crypto.configure([TEST_ENCRYPTION_KEY])
