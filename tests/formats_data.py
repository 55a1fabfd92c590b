"""A small database with finished work for the format tests: entities, a quote inside a sentence
with entities in it (overlaps), a speaker mention, a SPEAKER_ENTITY link, two annotators, a text
with a character beyond the BMP, and an article nobody has touched."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.ingest import import_paths

TEXT = ("UN mediator Staffan de Mistura met Bashar al-Ja’afar in Geneva.\n\n"
        "“Spoilers will not prevail in Geneva,” the envoy said. Douma was hit.")
EMOJI = "Reuters 🎉 reported that Angela Merkel visited Paris on Monday."
UNTOUCHED = "The United Nations met in New York. Nobody has looked at this article yet."


def at(text: str, fragment: str, label: str, nth: int = 0) -> dict:
    start = -1
    for _ in range(nth + 1):
        start = text.index(fragment, start + 1)
    return {"start": start, "end": start + len(fragment), "label": label}


def build(store, schema, tmp_path: Path) -> None:
    quote = at(TEXT, "“Spoilers will not prevail in Geneva,”", "QUOTE")
    envoy = at(TEXT, "the envoy", "SPEAKER")
    mistura = at(TEXT, "Staffan de Mistura", "PERSON")
    lines = [
        {"text": TEXT, "meta": {"source": "test", "file": "one"}, "spans": [
            at(TEXT, "UN", "ORG"), mistura, at(TEXT, "Bashar al-Ja’afar", "PERSON"), at(TEXT, "Geneva", "GPE"),
            quote, at(TEXT, "Geneva", "GPE", 1), envoy, at(TEXT, "Douma", "GPE")],
         "relations": [{"label": "SPEAKER", "head_span": quote, "child_span": envoy},
                       {"label": "SPEAKER_ENTITY", "head_span": quote, "child_span": mistura}]},
        {"text": EMOJI, "meta": {"file": "two"}, "spans": [
            at(EMOJI, "Reuters", "ORG"), at(EMOJI, "Angela Merkel", "PERSON"), at(EMOJI, "Paris", "GPE")]},
        {"text": UNTOUCHED, "spans": [at(UNTOUCHED, "The United Nations", "ORG"), at(UNTOUCHED, "New York", "GPE")]},
    ]
    path = tmp_path / "source.jsonl"
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines))
    import_paths(store, [path], schema, extract=False)
    one, two, _ = (article.id for article in store.iter_articles())
    spans = {TEXT[v.start:v.end] + ("2" if v.start > 70 and TEXT[v.start:v.end] == "Geneva" else ""): v
             for v in store.spans(one, "alice")}
    for name in ("UN", "Staffan de Mistura", "Bashar al-Ja’afar", "Geneva", "Geneva2",
                 "“Spoilers will not prevail in Geneva,”", "the envoy"):
        store.decide("alice", spans[name].id, "accept")
    store.decide("alice", spans["Douma"].id, "reject")
    store.add_span("alice", one, TEXT.index("Douma"), TEXT.index("Douma") + 5, "LOC", "entity")
    store.set_status(one, "alice", "done")
    for view in store.spans(two, "alice"):
        store.decide("alice", view.id, "accept")
    store.set_status(two, "alice", "done")
    for view in store.spans(one, "bob"):
        if view.kind == "entity":
            store.decide("bob", view.id, "accept")
    store.set_status(one, "bob", "done")
