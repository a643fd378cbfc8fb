"""Incoming webhook events are fair across provinces (issue 12 item 7): with a backlog of Bắc Ninh's events
waiting, a Đà Nẵng citizen's event that arrives after all of them is processed within seconds by a real RQ
worker (its batch claimed by the pump's intake, zalo/intake.py), long before Bắc Ninh's backlog is done. One
job per event, first in first out, processed it last (366 s behind a 10,000-event burst)."""

import os
import signal
import subprocess
import sys
import time

import pytest
from rq import Queue, Worker
from sqlalchemy import func, select

from platform_core.delivery.pump import LEADER_KEY
from platform_core.extensions import db
from platform_core.jobs.connection import get_redis
from platform_core.jobs.queues import QUEUE_DEFAULT, QUEUE_ZALO_EVENTS
from platform_core.zalo.constants import EVENT_RECEIVED
from platform_core.zalo.models import ZaloEvent
from tests.conftest import TEST_ENCRYPTION_KEY, as_tenant
from tests.pipeline.stack import REPO_ROOT
from tests.zalo.conftest import connect, signed, user_text

BACKLOG = 400
ON_TIME_SECONDS = 10


@pytest.fixture
def worker_process(database_urls, redis_url, tmp_path):
    """Starts one `flask worker` (every queue, as make run's) and the pump (whose leader claims the events) on
    the suite's committed data, when called."""
    env = os.environ | {"DATABASE_URL": database_urls["runtime"], "REDIS_URL": redis_url,
                        "SECRET_KEY": "test-secret-key", "ENCRYPTION_KEYS": TEST_ENCRYPTION_KEY,
                        "MOTCUA_INSTANCE_PATH": str(tmp_path / "instance"),
                        # The bot's answers leave through the pump too: Zalo refuses at once here (a closed
                        # loopback port), so that the worker does not spend the test waiting on the network.
                        **dict.fromkeys(("ZALO_OAUTH_URL", "ZALO_OPENAPI_URL", "ZALO_BUSINESS_URL"),
                                        "http://127.0.0.1:9")}
    started = []

    def start():
        get_redis().delete(LEADER_KEY)  # an earlier test's pump, killed, would lead for seconds more
        for command in (["worker"], ["delivery", "pump", "--interval", "0.05"]):
            started.append(subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", *command],  # noqa: S603
                                            cwd=REPO_ROOT, env=env, start_new_session=True,
                                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL))
        process = started[-2]
        deadline = time.monotonic() + 60
        while process.pid not in {worker.pid for worker in Worker.all(connection=get_redis())}:
            assert time.monotonic() < deadline and process.poll() is None, "the worker did not start"
            time.sleep(0.1)

    yield start
    for process in started:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    get_redis().delete(LEADER_KEY)
    for name in (QUEUE_DEFAULT, QUEUE_ZALO_EVENTS):
        Queue(name, connection=get_redis()).empty()


def _waiting(tenant) -> int:
    db.session.rollback()  # a fresh snapshot each time
    with as_tenant(tenant):
        return db.session.scalar(select(func.count()).select_from(ZaloEvent)
                                 .where(ZaloEvent.status == EVENT_RECEIVED))


@pytest.mark.alone  # measures time
def test_another_provinces_event_is_not_held_behind_a_backlog(client, tenant_a, tenant_b, worker_process,
                                                               committed_data):
    connect(tenant_a)
    connect(tenant_b)
    db.session.commit()
    Queue(QUEUE_ZALO_EVENTS, connection=get_redis()).empty()
    for number in range(BACKLOG):
        raw, headers = signed(user_text(text="xin chào", user_id=f"81{number:05d}", msg_id=f"bn-{number}"))
        assert client.post("/zalo/webhook/bac-ninh", data=raw, headers=headers).status_code == 200
    da_nang = user_text(text="xin chào", user_id="8200001", oa_id="3003002", msg_id="dn-1") | {"app_id": "1001002"}
    raw, headers = signed(da_nang, slug="da-nang")
    assert client.post("/zalo/webhook/da-nang", data=raw, headers=headers).status_code == 200

    worker_process()
    started = time.monotonic()
    while _waiting(tenant_b):
        assert time.monotonic() - started < ON_TIME_SECONDS, (
            f"Đà Nẵng's event still waits after {ON_TIME_SECONDS} s; Bắc Ninh has {_waiting(tenant_a)} left")
        time.sleep(0.1)
    assert _waiting(tenant_a) > BACKLOG // 2  # served while Bắc Ninh's backlog was still there

    deadline = time.monotonic() + 120
    while _waiting(tenant_a):  # and the backlog is all processed, by drains that queue each other
        assert time.monotonic() < deadline, f"{_waiting(tenant_a)} of Bắc Ninh's events were never processed"
        time.sleep(0.2)
