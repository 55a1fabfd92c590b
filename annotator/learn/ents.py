"""Giving a document's entities new labels, for the components that only relabel."""

from __future__ import annotations

from collections.abc import Sequence

from spacy.tokens import Doc, Span


def set_labels(doc: Doc, ents: Sequence[Span], labels: Sequence[str]) -> None:
    """`doc.ents` become `ents` with `labels`; bounds stay, and nothing is written when no label changed."""
    if list(labels) != [ent.label_ for ent in ents]:
        doc.ents = [ent if ent.label_ == label else Span(doc, ent.start, ent.end, label=label)
                    for ent, label in zip(ents, labels, strict=True)]
