"""One fresh TOTP code, four sign-ins at the same moment: exactly one gets in (issue 12 item 5).

Real concurrency: four threads post the same code to /login/verify of an app configured as in production
(on SQLite, BEGIN IMMEDIATE; the suite's app turns that off for its rolled-back outer transaction), on
committed data, on whichever database the suite runs on. Before the step check was a conditional UPDATE,
PostgreSQL let two of four in: each request read `totp_last_step` before either had written it.
"""

import threading

import pytest
from sqlalchemy import func, select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.extensions import db
from tests.auth.support import code_at, create_totp_user, isolated_client, sign_in

ROUNDS, SIGN_INS = 4, 4
INVALID_CODE_VI = "Mã xác thực không đúng."


def _same_code_at_once(production_app, code: str, clients: list) -> list:
    barrier, responses = threading.Barrier(len(clients)), [None] * len(clients)

    def submit(index: int) -> None:
        barrier.wait(timeout=10)
        responses[index] = clients[index].post("/login/verify", data={"code": code})

    threads = [threading.Thread(target=submit, args=(index,)) for index in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a sign-in never answered"
    return responses


def _logins_recorded(user) -> int:
    db.session.rollback()  # a fresh snapshot: on SQLite, an open read transaction would not see the logins
    return db.session.scalar(select(func.count()).select_from(PlatformAuditEvent).where(
        PlatformAuditEvent.action == "login_succeeded", PlatformAuditEvent.target_id == str(user.id)))


@pytest.mark.alone  # four requests racing on both cores
def test_the_same_fresh_code_signs_in_once_when_four_submit_it_at_once(production_app, committed_data):
    for round_ in range(ROUNDS):
        user, secret = create_totp_user(f"race-{round_}@motcua.vn")
        db.session.commit()
        clients = [isolated_client(production_app) for _ in range(SIGN_INS)]
        for client in clients:
            assert sign_in(client, user.email).headers["Location"] == "/login/verify"

        responses = _same_code_at_once(production_app, code_at(secret), clients)

        statuses = sorted(response.status_code for response in responses)
        assert statuses == [200] * (SIGN_INS - 1) + [302], f"round {round_}: {statuses}"
        refused = [response for response in responses if response.status_code == 200]
        assert all(INVALID_CODE_VI in response.get_data(as_text=True) for response in refused)
        assert _logins_recorded(user) == 1, f"round {round_}"
