"""The ceiling of this stack: a bare Flask route that renders 20 rows of a table through
Flask-SQLAlchemy and Jinja, against the same database. Served beside the app in the same run."""

from __future__ import annotations

import os

import sqlalchemy as sa
from flask import Flask, render_template_string
from flask_sqlalchemy import SQLAlchemy

TEMPLATE = """<!doctype html><html lang="da"><head><title>Ceiling</title></head><body><main><h1>Rows</h1><ul>
{% for row in rows %}<li><a href="/{{ row.id }}">{{ row.title }}</a> {{ row.created_at }}</li>{% endfor %}
</ul></main></body></html>"""


def create_app() -> Flask:
    app = Flask(__name__)
    url = os.environ["COMMUNITY_DATABASE_URL"]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.split("://", 1)[1]
    app.config["SQLALCHEMY_DATABASE_URI"] = url
    db = SQLAlchemy(app)
    post = sa.table("post", sa.column("id"), sa.column("title"), sa.column("created_at"))

    @app.get("/")
    def rows():
        found = db.session.execute(sa.select(post).order_by(post.c.id.desc()).limit(20)).all()
        return render_template_string(TEMPLATE, rows=found)

    return app
