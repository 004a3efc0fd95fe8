# Two commands do all the set-up on a fresh machine that has Python 3.11+:
#   make run   – demo site on SQLite at http://127.0.0.1:8000
#   make test  – the whole test suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-stamp
PYTEST_ARGS ?=

.PHONY: install run test lint migrate demo bench loadtest backup-drill scale-drill clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(BIN)/python manage.py migrate --noinput

demo: migrate
	$(BIN)/python manage.py seed_demo

run: demo
	@echo "演示站点：http://127.0.0.1:8000/  （Ctrl+C 停止）"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

bench: install
	$(BIN)/python manage.py bench $(BENCH_ARGS)

# gunicorn (production settings, PostgreSQL) on loopback, driven by wrk; then the fault runs.
loadtest: install
	bash scripts/loadtest.sh

# Dump database + media, restore into a scratch database, compare counts and digests.
backup-drill:
	bash scripts/backup_drill.sh

# A streaming replica, its failure, two app servers behind haproxy: real parts, loopback only.
scale-drill: install
	bash scripts/scale_drill.sh $(SCALE_DRILL_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3 db.sqlite3-wal db.sqlite3-shm staticfiles .pytest_cache
