"""Liveness (`/healthz`: the process answers) and readiness (`/readyz`: database and Redis reachable)."""

import redis
from flask import Blueprint, jsonify
from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError

from platform_core.extensions import csrf, db, limiter
from platform_core.jobs.connection import get_redis

health_bp = Blueprint("health", __name__)
csrf.exempt(health_bp)
limiter.exempt(health_bp)


@health_bp.get("/healthz")
def healthz():
    return jsonify(status="ok")


@health_bp.get("/readyz")
def readyz():
    checks = {"database": _database_ok(), "redis": _redis_ok()}
    failing = sorted(name for name, ok in checks.items() if not ok)
    body = {"status": "ok" if not failing else "unavailable", "checks": checks, "failing": failing}
    return jsonify(body), (200 if not failing else 503)


def _database_ok() -> bool:
    try:
        db.session.execute(text("select 1"))
        return True
    except SQLAlchemyError:
        db.session.rollback()
        return False


def _redis_ok() -> bool:
    try:
        return bool(get_redis().ping())
    except redis.RedisError:
        return False
