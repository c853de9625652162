"""Operations endpoints: ``/healthz`` for the load balancer and monitoring."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, jsonify
from sqlalchemy.exc import SQLAlchemyError

from community.extensions import db, limiter
from community.pagecache import no_page_cache

bp = Blueprint("ops", __name__)


@bp.get("/healthz")
@limiter.exempt
@no_page_cache  # says how the database is now, not ten seconds ago
def healthz():
    try:
        db.session.execute(sa.text("SELECT 1"))
    except SQLAlchemyError:
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")
