# Two commands set everything up on a fresh machine:
#   make demo   - create .venv, install, run the main job on bundled demo data (no internet)
#   make test   - create .venv with the test extra, run the whole suite
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin

.PHONY: demo test install clean corpus

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The stamp files make re-runs fast; they are rebuilt when the package metadata changes.
$(VENV)/.installed: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: $(BIN)/python setup.cfg pyproject.toml
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $@ $(VENV)/.installed

install: $(VENV)/.installed

demo: $(VENV)/.installed
	$(BIN)/monitor demo

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

# feedparser's own test corpus (~2,200 feeds) from its sdist on PyPI, into .cache/ (git-ignored).
# The corpus tests fetch it themselves when it is missing; this is for doing it ahead of time.
corpus: $(VENV)/.installed-test
	$(BIN)/python -m tests.corpus

clean:
	rm -rf $(VENV) data/demo build *.egg-info .cache
