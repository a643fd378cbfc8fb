"""A result file follows its row's transaction: a request that fails after the file was written leaves no file,
a replacement that rolls back keeps the older file, and the nightly sweep removes files no row names (a process
killed between the write and the commit) once they are an hour old. `flask keys rotate` re-encrypts the files."""

import os
import stat
import time
import uuid

import pytest
from cryptography.fernet import Fernet

from platform_core.citizens import jobs
from platform_core.db import crypto
from platform_core.extensions import db
from platform_core.results import service, storage
from tests.conftest import TEST_ENCRYPTION_KEY, as_tenant
from tests.dossiers.support import bearer
from tests.results.support import CODE, PDF, ready_dossier, results_of, upload


def stored_files() -> set[str]:
    return {path.name for path in storage.folder().iterdir()}


def test_a_failure_after_the_file_was_written_leaves_no_file(client, tenant_a, monkeypatch):
    ready_dossier(tenant_a)
    before, written = stored_files(), []

    def fail_after_the_write(*args, **kwargs):
        written.extend(stored_files() - before)
        raise RuntimeError("injected after the write")

    monkeypatch.setattr(service, "record_event", fail_after_the_write)
    response = upload(client, bearer(tenant_a))
    assert response.status_code == 500
    assert len(written) == 1  # the file was there when the request failed...
    assert stored_files() == before  # ...and went with the rolled-back row
    assert results_of(tenant_a) == []


def test_a_replacement_rolled_back_keeps_the_older_file(tenant_a):
    ready_dossier(tenant_a)
    with as_tenant(tenant_a):
        first = service.attach(CODE, PDF)
        db.session.commit()
        second = service.attach(CODE, PDF + b"%v2")
        db.session.flush()
        assert storage.exists(second.id) and storage.exists(first.id)  # removal waits for the commit
        first_id, second_id = first.id, second.id
    db.session.rollback()
    assert storage.read(first_id) == PDF and not storage.exists(second_id)
    [kept] = results_of(tenant_a)
    assert kept.id == first_id and kept.removed_at is None


def test_the_nightly_sweep_removes_old_files_without_a_row_only(tenant_a, tenant_b):
    ready_dossier(tenant_b)
    with as_tenant(tenant_b):
        known = service.attach(CODE, PDF)
        db.session.commit()
        known_id = known.id
    orphan, young = uuid.uuid4(), uuid.uuid4()
    for result_id in (orphan, young):
        storage.path_of(result_id).write_bytes(b"sealed")
    partial = storage.folder() / f"{uuid.uuid4().hex}.bin.rotating"
    partial.write_bytes(b"half")
    two_hours_ago = time.time() - 7200
    for path in (storage.path_of(orphan), partial, storage.path_of(known_id)):
        os.utime(path, (two_hours_ago, two_hours_ago))
    assert jobs.purge_expired_data_everywhere("2026-11-28T19:30:00+00:00") >= 2  # 02:30 in Vietnam
    assert not storage.exists(orphan) and not partial.exists()
    assert storage.exists(young)  # its transaction may still be open
    assert storage.read(known_id) == PDF  # another province's row names it
    for result_id in (young, known_id):  # committed in the test's savepoint: no rollback will remove them
        storage.remove(result_id)


@pytest.fixture
def new_key():
    """A new key, put first in the keyring by the test once its file is written under the test key."""
    yield Fernet.generate_key().decode()
    crypto.configure([TEST_ENCRYPTION_KEY])


def test_rotation_re_encrypts_result_files_which_open_once_the_old_key_is_retired(tenant_a, runner, new_key):
    ready_dossier(tenant_a)
    with as_tenant(tenant_a):
        result = service.attach(CODE, PDF)
        db.session.commit()
        result_id = result.id
    path = storage.path_of(result_id)
    sealed = path.read_bytes()
    crypto.configure([new_key, TEST_ENCRYPTION_KEY])
    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    assert "result_files: 0 re-encrypted" not in rotated.output and "result_files: " in rotated.output
    assert path.read_bytes() != sealed and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert not list(storage.folder().glob("*.rotating"))  # the partial copy was renamed over the file
    crypto.configure([new_key])  # the old key is retired
    assert storage.read(result_id) == PDF
    assert Fernet(new_key.encode()).decrypt(path.read_bytes()) == PDF
    assert "result_files: 0 re-encrypted" in runner.invoke(args=["keys", "rotate"]).output
    storage.remove(result_id)  # under a key later tests do not have


def test_a_file_no_key_opens_does_not_stop_the_rotation(tenant_a, runner, new_key, caplog):
    unreadable = uuid.uuid4()
    storage.path_of(unreadable).write_bytes(Fernet(Fernet.generate_key()).encrypt(PDF))
    ready_dossier(tenant_a)
    with as_tenant(tenant_a):
        result = service.attach(CODE, PDF)
        db.session.commit()
        result_id = result.id
    crypto.configure([new_key, TEST_ENCRYPTION_KEY])
    rotated = runner.invoke(args=["keys", "rotate"])
    assert rotated.exit_code == 0, rotated.output
    assert f"{unreadable.hex}.bin opens with none of the configured keys" in caplog.text
    assert Fernet(new_key.encode()).decrypt(storage.path_of(result_id).read_bytes()) == PDF
    for leftover in (unreadable, result_id):
        storage.remove(leftover)
