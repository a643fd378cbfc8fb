"""Fixtures for the tenants/ data tests: an editable copy of the shipped folder, and row snapshots."""

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from platform_core.catalogue.models import Procedure
from platform_core.extensions import db
from platform_core.tenancy.models import Province
from tests.conftest import as_tenant

COPIED_FOLDERS = ("_defaults", "bac-ninh", "da-nang", "an-giang", "ha-noi")


@pytest.fixture
def shipped_dir(app) -> Path:
    return Path(app.config["TENANTS_DIR"])


@pytest.fixture
def tenants_dir(tmp_path, shipped_dir) -> Path:
    """A copy of the defaults and four provinces, to edit freely (tests never write to the shipped files)."""
    target = tmp_path / "tenants"
    for name in COPIED_FOLDERS:
        shutil.copytree(shipped_dir / name, target / name)
    return target


def invoke_sync(runner, directory: Path):
    return runner.invoke(args=["tenants", "sync", "--dir", str(directory)])


def row_values(row) -> dict:
    return {column.key: getattr(row, column.key) for column in type(row).__table__.columns}


def provinces_by_slug() -> dict[str, dict]:
    rows = db.session.scalars(select(Province).execution_options(populate_existing=True))
    return {row.slug: row_values(row) for row in rows}


def procedures_by_code(tenant) -> dict[str, dict]:
    """Every column of `tenant`'s procedures, read fresh from the database inside its context."""
    with as_tenant(tenant):
        rows = db.session.scalars(select(Procedure).execution_options(populate_existing=True))
        return {row.code: row_values(row) for row in rows}
