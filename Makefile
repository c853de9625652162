# Fælled: two commands on a fresh machine -- `make run` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
HOST   ?= 127.0.0.1
PORT   ?= 5000
export FLASK_APP := community:create_app

.PHONY: run test lint install translations migrate seed worker bench extract-messages clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Re-install only when the package definition changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(VENV)/.installed translations

translations: $(VENV)/.installed
	$(BIN)/pybabel -q compile -d community/translations

migrate: install
	$(BIN)/flask db upgrade

seed: migrate
	$(BIN)/flask demo seed --if-empty

run: seed
	HOST=$(HOST) PORT=$(PORT) ./scripts/run.sh

worker: install
	COMMUNITY_BASE_URL="$${COMMUNITY_BASE_URL:-http://$(HOST):$(PORT)}" $(BIN)/huey_consumer community.worker.huey --workers 2 --worker-type thread

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# The suite runs on SQLite; with COMMUNITY_TEST_DATABASE_URL set it runs again on that database.
test: lint
	COMMUNITY_TEST_DATABASE_URL= $(BIN)/python -m pytest
	@if [ -n "$$COMMUNITY_TEST_DATABASE_URL" ]; then \
		echo "== again on $$COMMUNITY_TEST_DATABASE_URL"; \
		$(BIN)/python -m pytest -m "not browser"; \
	fi

bench: install
	$(BIN)/python -m bench.run

extract-messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_ngettext:1,2 --no-location --sort-output \
		-o community/translations/messages.pot .
	$(BIN)/pybabel update -i community/translations/messages.pot -d community/translations --no-fuzzy-matching --ignore-obsolete

clean:
	rm -rf $(VENV) instance .pytest_cache .ruff_cache
