# Two entry points for a fresh machine: `make demo` and `make test` (see README.md).
SHELL := /bin/bash
VENV ?= .venv
PY := $(VENV)/bin/python
PIP := $(PY) -m pip
# torch is pinned to the CPU build first: an unpinned torch pulls a multi-GB CUDA build.
TORCH_SPEC ?= torch==2.13.0
SHARED ?= ../shared
LOCAL_MODEL := $(SHARED)/models/multilingual-e5-small-vi
# The model is a setting: the local copy when it is there, else whatever CHINAM_EMBEDDING_MODEL
# (or the settings' default hub name) says.
ifneq ($(wildcard $(LOCAL_MODEL)/modules.json),)
export CHINAM_EMBEDDING_MODEL ?= $(abspath $(LOCAL_MODEL))
endif
export HF_HUB_OFFLINE ?= 1
export TOKENIZERS_PARALLELISM ?= false
QUESTION ?= Các đơn vị phải làm gì để thực hiện Nghị quyết 02?
PYTEST_ARGS ?=

# Debian packages the document readers use (not installable by pip): Tesseract with its
# Vietnamese model (scanned PDFs) and LibreOffice Writer (.doc); DejaVu fonts for the scan tests.
# .ci/run and docker/Dockerfile install them; elsewhere run `sudo make system-packages`.
SYSTEM_PACKAGES := tesseract-ocr tesseract-ocr-vie libreoffice-writer-nogui fonts-dejavu-core

.PHONY: install demo test lint bench clean-data system-packages

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	$(PIP) install --quiet "$(TORCH_SPEC)"
	$(PIP) install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

demo: install
	$(VENV)/bin/chinam ingest samples
	$(VENV)/bin/chinam ask "$(QUESTION)"

test: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy
	$(VENV)/bin/pytest -q $(PYTEST_ARGS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy

bench: install
	$(PY) bench/run.py

clean-data:
	rm -rf data

system-packages:
	@echo "Debian/Ubuntu: apt-get install --no-install-recommends $(SYSTEM_PACKAGES)"
	@if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
		apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
		apt-get install -y -qq --no-install-recommends $(SYSTEM_PACKAGES); fi
