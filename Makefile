# Casebook: `make serve` and `make test` set everything up on a fresh machine.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM := /usr/bin/chromium
# The preview's port: make serve PORT=8001
PORT ?= 8000

.PHONY: setup serve test build validate browser bench clean

setup: $(VENV)/.installed node_modules/.installed .casebook/case.schema.json

# The JSON Schemas editors use (CONTRIBUTING.md, "Editor setup"), generated from
# casebook/schema.py and the vocabularies; the folder ignores itself in git.
.casebook/case.schema.json: $(VENV)/.installed casebook/schema.py $(wildcard cases/vocabulary/*.yml)
	mkdir -p .casebook && echo '*' > .casebook/.gitignore
	$(BIN)/casebook schema --vocabulary --output .casebook/vocabulary.schema.json >/dev/null
	$(BIN)/casebook schema --output $@ >/dev/null

# The virtual environment with the pinned packages of pyproject.toml.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	# (setuptools' notice that an editable install follows the working tree says nothing a
	# contributor needs: it is filtered out, and every other warning still shows)
	PYTHONWARNINGS="ignore:Editable installation" $(BIN)/pip install --quiet -e '.[test]'
	touch $@

# Mermaid, pinned in package-lock.json, from the npm registry; copied into the
# built site so that diagrams never come from a CDN.
node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	touch $@

# Debian's Chromium for the browser tests (never a browser download).
browser:
	@if [ -x $(CHROMIUM) ]; then :; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	else echo "note: $(CHROMIUM) is missing and apt-get needs root: browser tests will be skipped (sudo apt-get install chromium)"; fi

serve: setup
	$(BIN)/casebook serve --port $(PORT)

# One worker per core; each test file runs whole in one worker, and each worker builds the site and
# starts Chromium once. `.venv/bin/pytest tests/FILE.py` runs a file in one process.
test: setup browser
	$(BIN)/pytest -n auto --dist loadfile

build: setup
	$(BIN)/casebook build

validate: setup
	$(BIN)/casebook validate

# Figures for the README's Benchmarks section; e.g. make bench BENCH_ARGS='--sizes 100 --repeats 3'
bench: setup browser
	$(BIN)/python scripts/bench.py $(BENCH_ARGS)

clean:
	rm -rf site .site.* .pytest_cache .casebook
