#!/usr/bin/env bash
# Serves the demo: the Huey consumer for background jobs beside the Flask development server.
set -euo pipefail
cd "$(dirname "$0")/.."
export FLASK_APP=community:create_app
# E-mails link here, those the worker sends too (it never sees a request).
export COMMUNITY_BASE_URL="${COMMUNITY_BASE_URL:-http://${HOST:-127.0.0.1}:${PORT:-5000}}"
.venv/bin/huey_consumer community.worker.huey --workers 2 --worker-type thread --quiet &
worker=$!
trap 'kill "$worker" 2>/dev/null || true' EXIT INT TERM
echo "Fælled: http://${HOST:-127.0.0.1}:${PORT:-5000}/  (demo password: faelled-demo)"
.venv/bin/flask run --host "${HOST:-127.0.0.1}" --port "${PORT:-5000}"
