"""`annotator_quotes`: the quote finder and learned attribution as a registered spaCy component.

    nlp = spacy.load("en_core_web_sm")
    nlp.add_pipe("annotator_quotes")          # the shipped weights
    nlp.to_disk("models/news")                # carries them (annotator_quotes/model.json)
    nlp = spacy.load("models/news")           # and restores them

For each Doc it sets `doc._.annotator_quotes`: one plain list per quote found by its marks,
`[start, end, parts, speaker, head, cue, p_quote, keep]` (speaker and cue are `[start, end]`
character spans or None, parts a list of `[start, end]`, head the speaker's head token). Plain
lists so that the value survives `nlp.pipe(n_process=...)` and a DocBin. `drafts.py` turns it into
spans. The component needs a parse; on a pipeline without one it leaves the attribute None and
the rules run instead.

spaCy finds the factory through the `spacy_factories` entry point (pyproject.toml), so
`spacy.load(PATH)` works without importing annotator first.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc

from annotator.extract.learned import QuoteModel, load_default_model, score_doc

NAME = "annotator_quotes"
WEIGHTS_FILE = "model.json"

if not Doc.has_extension(NAME):
    Doc.set_extension(NAME, default=None)


class JsonWeights:
    """spaCy's serialisation of a component whose `model` is weights as JSON (never a pickle).
    `optional`: the component may have no weights (they are then written as none and read back so)."""

    name: str
    optional = False
    _model: Any = None
    _given = False  # the model was given (or read from disk): the shipped weights are not read

    def _model_class(self) -> Any:
        raise NotImplementedError

    def _shipped(self) -> Any:
        raise NotImplementedError

    @property
    def model(self) -> Any:
        # The shipped weights are read on first use, not when the factory builds the component:
        # spacy.load(DIR) builds it and then reads DIR's own weights over it (3 MB read for nothing).
        if not self._given:
            self.model = self._shipped()
        return self._model

    @model.setter
    def model(self, value: Any) -> None:
        self._model, self._given = value, True

    def to_bytes(self, *, exclude=()) -> bytes:
        return self.model.to_bytes() if self.model is not None else b"null"

    def from_bytes(self, data: bytes, *, exclude=()) -> Any:
        none = self.optional and data == b"null"
        self.model = None if none else self._model_class().from_bytes(data, f"{self.name} weights")
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        if self.model is not None:
            self.model.to_disk(path / WEIGHTS_FILE)

    def from_disk(self, path, *, exclude=()) -> Any:
        weights = Path(path) / WEIGHTS_FILE
        none = self.optional and not weights.exists()
        self.model = None if none else self._model_class().from_disk(weights)
        return self


class QuoteAttributor(JsonWeights):
    """Finds quotations by their marks and scores their speakers with a QuoteModel."""

    def __init__(self, nlp: Language | None = None, name: str = NAME, model: QuoteModel | None = None) -> None:
        self.name = name
        if model is not None:
            self.model = model

    def set_model(self, model: QuoteModel) -> None:
        self.model = model

    def _model_class(self) -> Any:
        return QuoteModel

    def _shipped(self) -> Any:
        return load_default_model()

    def __call__(self, doc: Doc) -> Doc:
        if not doc.has_annotation("DEP"):
            return doc  # no parse: the rules' fallback in drafts.py handles it
        found = []
        for s in score_doc(doc, self.model):
            att = s.attribution
            found.append(
                [
                    s.quote.start,
                    s.quote.end,
                    [list(p) for p in s.quote.parts],
                    list(att.speaker) if att and att.speaker else None,
                    att.head if att else None,
                    list(att.cue) if att and att.cue else None,
                    round(s.p_quote, 4),
                    s.keep,
                ]
            )
        doc._.set(NAME, found)
        return doc



@Language.factory(NAME, requires=["token.dep"], assigns=[f"doc._.{NAME}"])
def make_quote_attributor(nlp: Language, name: str) -> QuoteAttributor:
    return QuoteAttributor(nlp, name)


ATTRIBUTIONS = "annotator_attributions"

if not Doc.has_extension(ATTRIBUTIONS):
    Doc.set_extension(ATTRIBUTIONS, default=None)


class AttributionFinder(JsonWeights):
    """Every attribution (direct, mixed, indirect) with its source and cue: the learned cue model
    of attribution_model.py over the parse, combined with the quotes `annotator_quotes` kept.

    Sets `doc._.annotator_attributions`: one plain list per attribution, `[start, end, parts,
    source, head, cue, form, p]` (source and cue `[start, end]` or None, parts `[[start, end], ...]`,
    head the source's head token). Without shipped or trained weights it copies the quotes alone.
    """

    optional = True  # a pipeline may carry no attribution weights: the quotes alone are then copied

    def __init__(self, nlp: Language | None = None, name: str = ATTRIBUTIONS, model=None) -> None:
        self.name = name
        if model is not None:
            self.model = model

    def set_model(self, model) -> None:
        self.model = model

    def __call__(self, doc: Doc) -> Doc:
        from annotator.extract.attribution_model import predict
        from annotator.extract.combined import combine, doc_quotes

        if not doc.has_annotation("DEP"):
            return doc
        quotes = doc_quotes(doc, NAME)
        found = predict(doc, self.model, quotes) if self.model is not None else []
        doc._.set(
            ATTRIBUTIONS,
            [
                [
                    f.content[0],
                    f.content[1],
                    [list(p) for p in f.parts],
                    list(f.source) if f.source else None,
                    f.source_head,
                    list(f.cue) if f.cue else None,
                    f.form,
                    f.p,
                ]
                for f in combine(doc.text, quotes, found)
            ],
        )
        return doc

    def _model_class(self):
        from annotator.extract.attribution_model import AttributionModel

        return AttributionModel

    def _shipped(self) -> Any:
        from annotator.extract.attribution_model import load_default_model

        return load_default_model()


@Language.factory(ATTRIBUTIONS, requires=["token.dep"], assigns=[f"doc._.{ATTRIBUTIONS}"])
def make_attribution_finder(nlp: Language, name: str) -> AttributionFinder:
    return AttributionFinder(nlp, name)
