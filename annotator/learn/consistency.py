"""`annotator_consistency`: one name, one label across an article.

The recognizer reads a window of a few tokens, so it can call "Atherton" a place three sentences
after it called "Michael Atherton" a person. A writer means the same entity both times. After the
recognizer, in each document:

- a one-word mention that is the last word of a longer mention takes that mention's label
  ("Atherton" after "Michael Atherton");
- every mention of the same text (capitals or not) takes the label most of them have, a mention
  in capitals counting half: headlines and results tables are where the recognizer is least sure
  (ties change nothing).

Bounds are never moved and nothing is added or removed: the component only relabels what the
recognizer found. `annotator train` puts it after the recognizer of every pipeline it writes;
spaCy finds the factory through the `spacy_factories` entry point (pyproject.toml), so
`spacy.load(PATH)` works without importing annotator first.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence

from spacy.language import Language
from spacy.tokens import Doc

from annotator.learn.ents import set_labels

NAME = "annotator_consistency"
CAPITALS_VOTE = 0.5  # what a mention in capitals counts for in the vote (measured: see docs/learning.md)


def consistent_labels(words: Sequence[tuple[str, ...]], labels: Sequence[str]) -> list[str]:
    """The relabelled labels of a document's mentions, given each mention's words, in order."""
    by_last: dict[str, Counter] = defaultdict(Counter)
    for mention, label in zip(words, labels, strict=True):
        if len(mention) > 1:
            by_last[mention[-1]][label] += 1
    out = [by_last[m[0]].most_common(1)[0][0] if len(m) == 1 and m[0] in by_last else label
           for m, label in zip(words, labels, strict=True)]
    votes: dict[str, Counter] = defaultdict(Counter)
    keys = [" ".join(mention).lower() for mention in words]
    for mention, key, label in zip(words, keys, out, strict=True):
        votes[key][label] += CAPITALS_VOTE if " ".join(mention).isupper() else 1.0
    for i, key in enumerate(keys):
        ranked = votes[key].most_common(2)
        if len(ranked) > 1 and ranked[0][1] > ranked[1][1]:
            out[i] = ranked[0][0]
    return out


class EntityConsistency:
    def __init__(self, nlp: Language | None = None, name: str = NAME) -> None:
        self.name = name

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        if len(ents) < 2:
            return doc
        set_labels(doc, ents, consistent_labels([tuple(t.text for t in ent) for ent in ents], [ent.label_ for ent in ents]))
        return doc

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)

    # Nothing to save: the component has no weights.
    def to_bytes(self, *, exclude=()) -> bytes:
        return b""

    def from_bytes(self, data: bytes, *, exclude=()) -> EntityConsistency:
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        pass

    def from_disk(self, path, *, exclude=()) -> EntityConsistency:
        return self


@Language.factory(NAME, requires=["doc.ents"], assigns=["doc.ents"])
def make_entity_consistency(nlp: Language, name: str) -> EntityConsistency:
    return EntityConsistency(nlp, name)
