"""Merging two seeded provinces: nothing lost, the citizens' histories intact, collisions resolved, the
merged province closed and pointing at its successor, every step audited, and a run that stops midway
resumes without duplicates."""

import pytest
from sqlalchemy import select

from platform_core.audit.models import PlatformAuditEvent
from platform_core.catalogue.models import Procedure
from platform_core.dossiers.models import Dossier
from platform_core.extensions import db
from platform_core.feedback.models import Feedback
from platform_core.mergers import service
from platform_core.mergers.constants import DONE, FINISHED
from platform_core.mergers.rules import MOVE, RULES, check_rules
from platform_core.tenancy.models import TenantHistory
from tests.conftest import as_tenant
from tests.mergers.seeding import (
    SHARED_DOSSIER_CODE,
    SHARED_FEEDBACK_CODE,
    histories,
    row_counts,
    run_to_the_end,
    seed_province,
)


@pytest.fixture
def seeded(tenant_a, tenant_b):
    codes_a = seed_province(tenant_a, "H24")
    codes_b = seed_province(tenant_b, "H48", dossiers=4)
    return codes_a, codes_b


def test_every_tenant_table_has_a_rule():
    check_rules()


def test_dry_run_counts_what_would_move_and_collide(seeded, tenant_a, tenant_b):
    before_a, before_b = row_counts(tenant_a), row_counts(tenant_b)
    plan = service.dry_run(tenant_b, tenant_a)
    by_table = {row.table: row for row in plan.tables}
    assert by_table["dossier"].moving == 4 and by_table["dossier"].collisions == {"code": 1}
    assert by_table["feedback"].collisions == {"code": 1}
    assert by_table["procedure"].collisions == {"code": 1}  # 1.004222 is in both catalogues
    assert by_table["zalo_follower"].action == "stay" and by_table["zalo_follower"].moving == 0
    assert by_table["dossier_event"].moving == before_b["dossier_event"]
    assert row_counts(tenant_a) == before_a and row_counts(tenant_b) == before_b  # nothing written


def test_merge_moves_every_row_and_keeps_the_citizens_histories(seeded, tenant_a, tenant_b):
    codes_a, codes_b = seeded
    before_a, before_b = row_counts(tenant_a), row_counts(tenant_b)
    history_b = histories(tenant_b, codes_b)
    history_a = histories(tenant_a, codes_a)
    plan = service.dry_run(tenant_b, tenant_a)

    merge = service.start(tenant_b, tenant_a)
    db.session.commit()
    run_to_the_end(merge, chunk_size=3)

    db.session.refresh(merge)
    assert (merge.status, merge.phase) == (DONE, FINISHED)
    after_a, after_b = row_counts(tenant_a), row_counts(tenant_b)
    for row in plan.tables:
        united = merge.progress["tables"].get(row.table, {}).get("united", 0)
        if RULES[row.table].action == MOVE:
            assert after_a[row.table] == before_a[row.table] + row.moving - united, row.table
            assert after_b[row.table] == before_b[row.table] - row.moving + united, row.table
        elif row.table == "tenant_history":  # one line each: B's status, A's merge_in
            assert (after_a[row.table], after_b[row.table]) == (before_a[row.table] + 1, before_b[row.table] + 1)
        else:
            assert (after_a[row.table], after_b[row.table]) == (before_a[row.table], before_b[row.table]), row.table
    assert sum(after_a.values()) + sum(after_b.values()) == sum(before_a.values()) + sum(before_b.values()) + 2

    # every citizen of B finds their dossier in A with the same history; A's own are untouched
    moved = histories(tenant_a, [*codes_b[1:], f"{SHARED_DOSSIER_CODE}~48"])
    assert moved == history_b
    assert {key: value for key, value in histories(tenant_a, codes_a).items()} == history_a


def test_colliding_codes_get_the_source_tag_and_procedures_unite(seeded, tenant_a, tenant_b):
    merge = service.start(tenant_b, tenant_a)
    db.session.commit()
    run_to_the_end(merge)
    with as_tenant(tenant_a):
        codes = set(db.session.scalars(select(Dossier.code)))
        assert {SHARED_DOSSIER_CODE, f"{SHARED_DOSSIER_CODE}~48"} <= codes
        moved = db.session.scalar(select(Dossier).where(Dossier.code == f"{SHARED_DOSSIER_CODE}~48"))
        assert moved.code_key != db.session.scalar(
            select(Dossier.code_key).where(Dossier.code == SHARED_DOSSIER_CODE))
        procedure = db.session.scalar(select(Procedure).where(Procedure.id == moved.procedure_id))
        assert procedure.code == "1.004222" and procedure.tenant_id == tenant_a.id
        assert db.session.scalar(select(Procedure).where(Procedure.code == "9.999999")) is not None
        assert set(db.session.scalars(select(Feedback.code))) >= {SHARED_FEEDBACK_CODE, f"{SHARED_FEEDBACK_CODE}~48"}


def test_the_merged_province_points_at_its_successor_and_everything_is_audited(seeded, tenant_a, tenant_b):
    merge = service.start(tenant_b, tenant_a, legal_ref="202/2025/QH15")
    db.session.commit()
    run_to_the_end(merge)
    db.session.refresh(tenant_b)
    assert tenant_b.status == "merged" and tenant_b.successor_id == tenant_a.id
    merge_in = db.session.scalar(select(TenantHistory).where(TenantHistory.tenant_id == tenant_a.id,
                                                             TenantHistory.change == "merge_in"))
    assert (merge_in.old_value, merge_in.legal_ref) == ("Đà Nẵng", "202/2025/QH15")
    actions = set(db.session.scalars(select(PlatformAuditEvent.action)))
    assert {"tenant_merge_started", "tenant_status_changed", "tenant_merge_finished",
            "cross_tenant_access"} <= actions


def test_a_run_stopped_midway_resumes_without_duplicates(seeded, tenant_a, tenant_b):
    before_a, before_b = row_counts(tenant_a), row_counts(tenant_b)
    merge = service.start(tenant_b, tenant_a)
    db.session.commit()
    while not (merge.table_name == "dossier_event" and merge.cursor):  # stopped inside a table's copy
        assert service.advance(merge.id, 2)
        db.session.refresh(merge)
    merge.cursor = None  # the worst case: the cursor of the last chunk was lost, the chunk is done again
    db.session.commit()
    run_to_the_end(merge, chunk_size=2)
    total_before = sum(before_a.values()) + sum(before_b.values()) + 2  # and the two history lines
    assert sum(row_counts(tenant_a).values()) + sum(row_counts(tenant_b).values()) == total_before


def test_refusals(tenant_a, tenant_b):
    with pytest.raises(service.MergeError):
        service.dry_run(tenant_a, tenant_a)
    service.start(tenant_b, tenant_a)
    with pytest.raises(service.MergeError):
        service.dry_run(tenant_b, tenant_a)  # already merging
