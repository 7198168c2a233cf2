# The entry points of the book. `make help` lists them.
SHELL := /bin/bash
.SHELLFLAGS := -euo pipefail -c
.DEFAULT_GOAL := help
MAKEFLAGS += --no-print-directory

VENV := .venv
PY := $(VENV)/bin/python
SUPPORTED_PYTHONS := 3.11 3.12 3.13
# The interpreter .venv is made with: PYTHON= when given, else the one the existing .venv was
# made with (so a later `make test` keeps it), else the first supported python3.X on the PATH.
ifeq ($(origin PYTHON),undefined)
PYTHON := $(or $(wildcard $(shell sed -n 's/^executable = //p' $(VENV)/pyvenv.cfg 2>/dev/null)),$(shell for v in $(SUPPORTED_PYTHONS); do p=$$(command -v python$$v) && $$p -c '' 2>/dev/null && { echo $$p; break; }; done),$(shell command -v python3 2>/dev/null))
endif
PYTHON_VERSION := $(or $(shell $(PYTHON) -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null),unknown)
# One exact lock per supported Python (`make lock` writes them all): nothing is resolved at install.
LOCK := locks/python$(PYTHON_VERSION).txt
# Written last by the environment recipe: the environment is rebuilt when its lock changes or
# another interpreter is asked for.
ENV_STAMP := $(VENV)/.installed-from-python$(PYTHON_VERSION).txt

PARAMS ?= params/default.yml
BUILD_DIR ?= build
DATA_DIR ?=
UV_VERSION := 0.13.9

.PHONY: help env book notebook verify reference lab synthetic test lint bench validate codebook check-privacy lock clean distclean

help: ## list the entry points
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'
	@echo "  variables: PARAMS=$(PARAMS) BUILD_DIR=$(BUILD_DIR) DATA_DIR=<raw exports> NB=<notebook>"
	@echo "             SET='seed=7 n_resamples=20000' (override parameters) PYTHON=<python3.11-3.13>"
	@echo "             EDITION=student (the book without the solutions, in BUILD_DIR/student)"

env: $(ENV_STAMP) ## create .venv from the lock of the chosen Python (done by every target that needs it)

$(ENV_STAMP): $(LOCK)
	@echo "[env] creating $(VENV) from $(LOCK) with $(PYTHON)"
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --requirement $(LOCK)
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation --editable .
	touch $@

BUILD_OPTIONS = --params $(PARAMS) --build-dir $(BUILD_DIR) $(if $(DATA_DIR),--data-dir $(DATA_DIR)) $(if $(SET),--set $(SET)) $(if $(EDITION),--edition $(EDITION))

book: $(ENV_STAMP) ## execute the notebooks that changed and render the book; prints index.html last
	$(PY) -m welfare_paradoxes.engine.build $(BUILD_OPTIONS)

notebook: $(ENV_STAMP) ## rerun one notebook (NB=design) and render the book
	@test -n "$(NB)" || { echo "usage: make notebook NB=<name of a notebook in notebooks/>"; exit 2; }
	$(PY) -m welfare_paradoxes.engine.build $(BUILD_OPTIONS) --only $(NB)

verify: $(ENV_STAMP) ## compare a build (BUILD_DIR, NB= for one notebook) with the published results in reference/
	$(PY) -m welfare_paradoxes.engine.verify --build-dir $(BUILD_DIR) $(if $(NB),--only $(NB))

reference: $(ENV_STAMP) ## rebuild the book as published and make it the reference (after a change made on purpose)
	$(PY) -m welfare_paradoxes.engine.build --params params/default.yml --build-dir $(BUILD_DIR)/reference
	$(PY) -m welfare_paradoxes.engine.verify --build-dir $(BUILD_DIR)/reference --write-reference

synthetic: $(ENV_STAMP) ## regenerate data/synthetic/, the synthetic teaching survey, from its model
	$(PY) -m welfare_paradoxes.survey.synthetic

# JupyterLab's settings inside .venv: the text notebooks (MyST markdown) open as notebooks.
LAB_SETTINGS := $(VENV)/share/jupyter/lab/settings/overrides.json

lab: $(ENV_STAMP) ## open the notebooks in JupyterLab (jupytext pairs each .md with an .ipynb), offline
	@mkdir -p $(dir $(LAB_SETTINGS))
	@printf '%s\n' '{"@jupyterlab/docmanager-extension:plugin": {"defaultViewers": {"markdown": "Jupytext Notebook", "myst": "Jupytext Notebook"}}}' > $(LAB_SETTINGS)
	$(VENV)/bin/jupyter lab --notebook-dir=notebooks --LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate $(LAB_OPTIONS)

test: $(ENV_STAMP) ## lint, unit tests, then a quick strict build of the whole book and checks of it
	$(PY) -m ruff check .
	$(PY) -m pytest

lint: $(ENV_STAMP) ## ruff check and format check
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .

bench: $(ENV_STAMP) ## benchmark the kernels and the reader against peer libraries (build/bench.json)
	$(PY) -m benchmarks

validate: $(ENV_STAMP) ## check a survey export: make validate DATA=path SURVEY=citizens|frontline (or CODEBOOK=file)
	@test -n "$(DATA)" -a -n "$(SURVEY)$(CODEBOOK)" || { echo "usage: make validate DATA=path SURVEY=citizens|frontline [MAPPING=file], or make validate DATA=path CODEBOOK=file"; exit 2; }
	$(PY) -m welfare_paradoxes.survey.validate $(if $(CODEBOOK),--codebook $(CODEBOOK),--survey $(SURVEY)) $(if $(MAPPING),--mapping $(MAPPING)) $(DATA)

codebook: $(ENV_STAMP) ## draft a codebook from any Google Forms export: make codebook DATA=path OUT=file [FORCE=1]
	@test -n "$(DATA)" -a -n "$(OUT)" || { echo "usage: make codebook DATA=path/to/export.csv OUT=codebook.yml [FORCE=1 to overwrite OUT]"; exit 2; }
	$(PY) -m welfare_paradoxes.survey.draft --out $(OUT) $(if $(FORCE),--force) $(DATA)

check-privacy: $(ENV_STAMP) ## scan built pages, tables and notebooks for e-mail addresses and phone numbers
	$(PY) -m welfare_paradoxes.engine.privacy $(or $(DIR),$(BUILD_DIR))

# An interpreter with no lock: say which are supported instead of "no rule to make target".
locks/python%.txt:
	@echo "error: no lock for Python '$*' ($(or $(PYTHON),no python3 found)); supported: $(SUPPORTED_PYTHONS)." >&2
	@echo "       run make with PYTHON=/path/to/python3.11 (or 3.12, 3.13)" >&2
	@exit 2

lock: ## regenerate locks/python3.*.txt from pyproject.toml (needs the package index)
	$(PYTHON) -m venv $(BUILD_DIR)/lock-tools
	$(BUILD_DIR)/lock-tools/bin/python -m pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	for version in $(SUPPORTED_PYTHONS); do \
		$(BUILD_DIR)/lock-tools/bin/uv pip compile pyproject.toml --extra dev --python-version $$version \
			--no-header --annotation-style line --output-file locks/python$$version.txt; \
	done

clean: ## remove build outputs (keeps .venv)
	rm -rf $(BUILD_DIR)

distclean: clean ## remove build outputs and .venv
	rm -rf $(VENV)
