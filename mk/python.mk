# The Python reporter (clients/python, issue 21): its tests run on Debian's Python 3 with Debian's
# pytest and PyTorch (the end-to-end test trains a real model), installed the way chromium is (the
# Debian packages when run as root, a clear message otherwise). The package itself needs only the
# standard library.
#
#   make python-deps   install python3-pytest, python3-torch and python3-pip (the packaging test builds a
#                      wheel with it); make test-python does it first
#   make test-python   the reporter's tests; the end-to-end one starts its own local stack

PYTHON := /usr/bin/python3
PYTHON_DEBS := python3-pytest python3-torch python3-pip

.PHONY: python-deps test-python
# After chromium's install (mk/browser.mk): one apt-get at a time.
python-deps: | chromium
	@if $(PYTHON) -c 'import setuptools, pytest, torch' >/dev/null 2>&1 && $(PYTHON) -m pip --version >/dev/null 2>&1; then exit 0; fi; \
	if [ "$$(id -u)" = 0 ]; then \
	  echo "==> installing Debian $(PYTHON_DEBS) (apt-get, about a minute)"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $(PYTHON_DEBS) >/dev/null; \
	  { $(PYTHON) -c 'import setuptools, pytest, torch' && $(PYTHON) -m pip --version >/dev/null; } || { echo "apt-get installed $(PYTHON_DEBS) but $(PYTHON) cannot import them"; exit 1; }; \
	  echo "==> $$($(PYTHON) -c 'import pytest, torch; print("pytest", pytest.__version__, "torch", torch.__version__)') ready"; \
	else \
	  echo "$(PYTHON) cannot import pytest, torch and pip: the Python reporter's tests need them."; \
	  echo "Install them as root (Debian/Ubuntu): apt-get install -y --no-install-recommends $(PYTHON_DEBS)"; \
	  exit 1; \
	fi

# The bootstraps built once by build-host serve the end-to-end test's stack too.
test-python: python-deps local-deps dynamodb-local build-host
	@cd clients/python && PYTHONDONTWRITEBYTECODE=1 TRAINSTATUS_BUILD_HOST=$(BUILD)/host $(PYTHON) -m pytest -q tests

## bench-python: the cost of job.progress to a training loop (endpoint slow and down, against a
## dict-store baseline), into the "Python reporter" section of BENCHMARKS.md.
.PHONY: bench-python
bench: bench-python
bench-python:
	@$(PYTHON) clients/python/bench/progress.py \
	  | $(GO) run ./internal/tools/benchreport -file BENCHMARKS.md -section python -cmd "make bench-python"
