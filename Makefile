# One command to set up and serve, one to test. Both create .venv on first use.
VENV ?= .venv
BIN := $(VENV)/bin
PYTHON ?= python3

.PHONY: setup serve test lint
setup: $(VENV)/.installed

# The CPU build of torch first: an unpinned torch pulls a multi-GB CUDA build.
$(VENV)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --upgrade pip
	$(BIN)/pip install torch==2.13.0
	$(BIN)/pip install -e '.[dev]'
	touch $@

serve: setup
	$(BIN)/tthc serve

test: setup
	$(BIN)/ruff check .
	$(BIN)/pytest -m ''

lint: setup
	$(BIN)/ruff check .
