# 工会讲话知识库 — the two set-up commands are `make site` and `make test`.
# Everything is installed into .venv from pinned requirements; nothing
# depends on what was installed by hand.

PYTHON ?= python3
# The engine that builds the site: mkdocs (MkDocs 1.6, the default, in .venv)
# or properdocs (ProperDocs, the maintained fork of MkDocs 1.6, pinned in
# requirements-properdocs.txt, in its own .venv-properdocs).  Both read the
# same mkdocs.yml and run the same plugins; e.g. `make site ENGINE=properdocs`.
ENGINE ?= mkdocs
ifeq ($(ENGINE),mkdocs)
VENV := .venv
ENGINE_REQUIREMENTS := requirements.txt
else ifeq ($(ENGINE),properdocs)
VENV := .venv-properdocs
ENGINE_REQUIREMENTS := requirements-properdocs.txt
else
$(error ENGINE is mkdocs or properdocs, not '$(ENGINE)')
endif
BIN := $(VENV)/bin
# build_scripts.publish and the tests run `python -m $$KB_ENGINE`.
export KB_ENGINE := $(ENGINE)
# mkdocs-material's end-of-life notice when run as `mkdocs` (any value).
export NO_MKDOCS_2_WARNING := 1
# ProperDocs' notice, printed under `mkdocs` when a plugin calls
# properdocs.replacement_warning.setup() (exactly "true").
export DISABLE_MKDOCS_2_WARNING := true
# The browser tests drive Debian's chromium; never let Playwright fetch one.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD := 1
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: site offline test test-fast serve bench search-quality browser-deps clean model model-cv

$(BIN)/.runtime: $(ENGINE_REQUIREMENTS) requirements.txt pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r $(ENGINE_REQUIREMENTS)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e . \
		|| $(BIN)/python -m pip install --quiet --disable-pip-version-check --no-deps -e .
	touch $@

$(BIN)/.test: $(BIN)/.runtime requirements-dev.txt
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt -r $(ENGINE_REQUIREMENTS)
	touch $@

## Build site/ from seeds/ (creates .venv and installs pinned dependencies).
## Atomic: site/ is replaced only by a successful build.  Skipped speech
## files are reported and the rest is published; STRICT=1 (what CI's tests
## use) fails instead, keeping the previous site/.
STRICT ?=
site: $(BIN)/.runtime
	$(BIN)/python -m build_scripts.publish $(if $(STRICT),--strict)

## A copy for file:// in site-offline/: open site-offline/index.html from a
## disk, a share or a USB stick (zip it and hand it round); search included.
## Atomic and lenient like `make site` (STRICT=1 as well).
offline: $(BIN)/.runtime
	OFFLINE=true $(BIN)/python -m build_scripts.publish -d site-offline $(if $(STRICT),--strict)

## Serve the site on http://127.0.0.1:8000 and rebuild on every change.
serve: $(BIN)/.runtime
	$(BIN)/python -m $(ENGINE) serve --dirty -f mkdocs.yml -a 127.0.0.1:8000

## Scale benchmark: synthetic corpora of 50, 200 and 1,000 speeches (minutes;
## BENCH_ARGS="--sizes 50 --no-browser" for a quick run).
bench: $(BIN)/.test browser-deps
	$(BIN)/python benchmarks/bench.py $(BENCH_ARGS)

## Debian chromium (browser tests) and CJK fonts (readable screenshots).
browser-deps:
	@if [ ! -x /usr/bin/chromium ] || ! fc-list 2>/dev/null | grep -qi "noto sans cjk"; then \
		$(SUDO) apt-get update -qq && \
		$(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-noto-cjk >/dev/null; \
	fi
	@/usr/bin/chromium --version

## Every test: unit, build, links, real browser.
test: $(BIN)/.test browser-deps
	$(BIN)/python -m pytest -q

## The unit tests only (under 30 s): no site build, server or browser
## (tests marked slow or browser; see tests/conftest.py).
test-fast: $(BIN)/.test
	$(BIN)/python -m pytest -q -m "not slow and not browser"

## The theme model: refit build_scripts/data/theme_model.json from the
## labelled passages in tests/data/ (scikit-learn, a test dependency; the
## build reads the JSON without it).  Same data, same bytes.  model-cv prints
## the grouped cross-validation, the lexicon rule beside the model.
model: $(BIN)/.test
	$(BIN)/python -m build_scripts.train_model

model-cv: $(BIN)/.test
	$(BIN)/python -m build_scripts.train_model --cv --check

## Search quality: our search beside stock mkdocs-material on the query set
## (tests/data/search_queries.yml), in headless chromium.
search-quality: $(BIN)/.test browser-deps
	$(BIN)/python benchmarks/search_quality.py

clean:
	rm -rf build/plain site site.new site.old site-offline site-offline.new site-offline.old tests/artifacts .pytest_cache .cache
