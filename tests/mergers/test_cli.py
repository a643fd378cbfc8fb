"""`flask tenants merge ... --dry-run` prints the counts and changes nothing; `flask tenants rename` reclassifies;
refusals are one clear line and a non-zero exit."""

from sqlalchemy import select

from platform_core.extensions import db
from platform_core.mergers.models import TenantMerge
from tests.mergers.seeding import seed_province


def test_dry_run_prints_the_counts_per_table(runner, tenant_a, tenant_b):
    seed_province(tenant_b, "H48")
    result = runner.invoke(args=["tenants", "merge", "da-nang", "bac-ninh", "--dry-run"])
    assert result.exit_code == 0, result.output
    assert "Merge tỉnh Đà Nẵng (da-nang) into tỉnh Bắc Ninh (bac-ninh)" in result.output
    dossier_line = next(line for line in result.output.splitlines() if line.startswith("dossier "))
    assert dossier_line.split()[:5] == ["dossier", "move", "3", "3", "0"]
    assert "procedure" in result.output and "code: 1" in result.output
    assert db.session.scalar(select(TenantMerge)) is None
    assert tenant_b.status == "live"


def test_merge_into_itself_is_refused(runner):
    result = runner.invoke(args=["tenants", "merge", "bac-ninh", "bac-ninh", "--dry-run"])
    assert result.exit_code != 0
    assert "cannot merge bac-ninh into bac-ninh: a province cannot be merged into itself" in result.output


def test_rename_reclassifies(runner, tenant_a):
    result = runner.invoke(args=["tenants", "rename", "bac-ninh", "--unit-type", "thanh_pho",
                                 "--legal-ref", "39/2026/QH16", "--effective", "2026-09-20"])
    assert result.exit_code == 0, result.output
    assert "bac-ninh is now thành phố Bắc Ninh." in result.output
    unchanged = runner.invoke(args=["tenants", "rename", "bac-ninh", "--unit-type", "thanh_pho"])
    assert unchanged.exit_code != 0 and "nothing changes" in unchanged.output
