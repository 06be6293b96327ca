# Two commands set everything up on a fresh machine: `make run` and `make test`.
PORT ?= 8000
# Use uv from PATH when it works; otherwise install it into .tools/ with python3's pip.
UV := $(shell uv --version >/dev/null 2>&1 && echo uv || echo .tools/bin/uv)
PYTHON := .venv/bin/python
MANAGE := $(PYTHON) manage.py

# The environment may set PYTHONDONTWRITEBYTECODE; then every command, and each
# subprocess a test starts, compiles Django again (1 to 2 s each). Python keeps its
# bytecode here.
unexport PYTHONDONTWRITEBYTECODE

.PHONY: install run worker test test-postgres lint clean

.tools/bin/uv:
	python3 -m venv .tools
	.tools/bin/pip install --quiet --disable-pip-version-check uv

install: $(filter .tools/bin/uv,$(UV))
	$(UV) sync --frozen --quiet

run: install
	$(MANAGE) migrate --no-input
	$(MANAGE) seed_demo
	$(MANAGE) local_admin --port $(PORT)
	@# The task worker (background work, go-live side effects) runs beside the site and
	@# stops with it.
	$(MANAGE) worker --no-startup-delay & worker=$$!; \
	trap 'kill $$worker 2>/dev/null; wait $$worker' EXIT INT TERM; \
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# The task worker alone (another terminal, or another machine sharing the database).
worker: install
	$(MANAGE) worker

PYTEST := $(PYTHON) -m pytest

# The fast suite: the Go blog corpus is imported as a slice (see pyproject.toml's addopts).
test: install
	$(PYTEST) $(PYTEST_ARGS)

# Everything, the whole Go blog corpus too (`-m ""` lifts the default deselection).
.PHONY: test-full
test-full: install
	$(PYTEST) -m "" $(PYTEST_ARGS)

# Only what `make test` leaves out: the tests of the whole Go blog corpus (CI runs this
# after `make test`, rather than everything twice).
.PHONY: test-corpus
test-corpus: install
	$(PYTEST) -m corpus_full $(PYTEST_ARGS)

# The same suite against the local PostgreSQL server.
test-postgres:
	DATABASE_URL=$${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/postgres} $(MAKE) test

# The HTTP benchmark (README, "Speed"): 10,000 posts, gunicorn, wrk; about four minutes.
# BENCH_ARGS="--before /tmp/before" measures an earlier checkout in the same run.
.PHONY: bench
bench: install
	$(PYTHON) bench/http_bench.py $(BENCH_ARGS)

lint: install
	$(UV) run --frozen ruff check .
	$(UV) run --frozen ruff format --check .

clean:
	rm -rf .venv .tools staticfiles .pytest_cache
