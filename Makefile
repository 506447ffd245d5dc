# One command to set up and serve (`make serve`), one to run every test (`make test`).
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3
# Debian packages the tests use for real: a redis-server process and a Chromium browser.
TEST_DEBS := redis-server chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: setup build serve test lint system-deps
setup: $(VENV)/.installed

# The CPU build of torch first: an unpinned torch pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev]'
	touch $@

build: setup
	$(BIN)/tthc build

serve: build
	$(BIN)/tthc serve

system-deps:
	@command -v redis-server >/dev/null && [ -x /usr/bin/chromium ] || \
		{ $(SUDO) apt-get update && $(SUDO) apt-get install -y --no-install-recommends $(TEST_DEBS); }

test: setup system-deps
	$(BIN)/ruff check .
	$(BIN)/pytest -m ''

lint: setup
	$(BIN)/ruff check .
