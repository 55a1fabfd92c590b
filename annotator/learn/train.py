"""Fitting the entity recognizer to the team's finished work, with spaCy's own training API.

    result = train_recognizer(nlp, schema, train, held, settings)

`nlp` is the base pipeline (its recognizer is replaced: see recognizer.py); `train` and `held`
are TrainArticles. Each epoch updates the recognizer on the training articles (nlp.update over
Example objects, compounding batch sizes, dropout) and scores it on the held-back ones; the weights
of the latest epoch tied with the best (see tied) are kept, and training stops when `patience`
epochs pass without a new high, once it has run its minimum of epochs.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.learn.clusters import add_clusters, has_clusters
from annotator.learn.recognizer import NER, replace_recognizer, source_labels
from annotator.learn.scoring import Scores, Span, score


@dataclass(frozen=True)
class TrainArticle:
    """One finished article: its text and the entity spans the team accepted (the whole truth)."""

    id: int
    text: str
    entities: tuple[Span, ...]


@dataclass(frozen=True)
class Settings:
    max_epochs: int = 30
    patience: int = 3           # epochs without a better held-back F1 before stopping
    learn_rate: float = 0.001
    l2: float = 0.01            # Adam's weight decay
    dropout: float = 0.2
    batch_start: float = 1.0    # articles a batch, compounding up to batch_stop
    batch_stop: float = 8.0
    batch_rate: float = 1.02
    max_seconds: float | None = None  # stop after the epoch that passes this
    encoder_rate: float = 1.0   # the token encoder's steps, as a share of the rest's (0: frozen)
    upper_share: float = 0.2    # of the training articles, also learnt from in capitals (see examples_of)
    min_seen: int = 2000        # articles learnt from before early stopping may stop (see below) ...
    min_epochs_cap: int = 12    # ... but never more epochs than this
    swap_share: float = 0.5     # of the training articles, also learnt from with their names swapped (see swapped) ...
    swap_from: int = 100        # ... once there are this many: with fewer names to draw from it did worse
    clusters: bool = True       # the token embedding also reads each word's Brown cluster (clusters.py)
    encoder: bool = True        # the label second opinion also reads a transformer's token vectors (context.py)
    tie_share: float = 1.0      # of the best held-back F1's standard error: a later epoch this close counts as tied (see tied)


@dataclass
class Epoch:
    epoch: int
    loss: float
    f1: float
    seconds: float
    best: bool


@dataclass
class TrainResult:
    nlp: Any
    base: Scores                 # the base model, its labels mapped, on the held-back articles
    trained: Scores              # the new recognizer on the same articles
    epochs: list[Epoch] = field(default_factory=list)
    best_epoch: int = 0
    sources: dict[str, str | None] = field(default_factory=dict)
    seconds: float = 0.0
    clusters: bool = False       # the recognizer's embedding reads Brown clusters (clusters.py)


def entity_labels(schema: Any) -> list[str]:
    return [label.name for label in schema.labels_of("entity")]


def predict(nlp: Any, texts: Iterable[str], schema: Any, batch_size: int = 32) -> list[list[Span]]:
    """Each text's entities from `nlp`'s recognizer, as schema labels (others dropped)."""
    out = []
    with nlp.select_pipes(enable=[NER]):
        for doc in nlp.pipe(texts, batch_size=batch_size):
            spans = []
            for ent in doc.ents:
                label = schema.map_model_label(ent.label_) if ent.label_ not in schema else ent.label_
                if label is not None and schema.kind_of(label) == "entity":
                    spans.append((ent.start_char, ent.end_char, label))
            out.append(spans)
    return out


def examples_of(nlp: Any, articles: Sequence[TrainArticle], upper_share: float = 0.0, seed: int = 0) -> list[Any]:
    """spaCy Examples: the accepted spans are the entities, every other token is outside.

    A span whose bounds fall inside a token is left out and its tokens marked unknown (spaCy's '-'),
    so a tokenisation difference teaches nothing wrong. With `upper_share`, that share of the
    articles is added again in capitals: headlines, results tables and wire copy write names in
    capitals that the base model, trained on ordinary text, rarely saw.
    """
    rng = random.Random(seed)
    extra = [a for a in articles if rng.random() < upper_share]
    articles = list(articles) + [
        TrainArticle(a.id, a.text.upper(), a.entities) for a in extra if len(a.text.upper()) == len(a.text)]
    import warnings

    from spacy.training import Example, offsets_to_biluo_tags

    examples = []
    for article in articles:
        doc = nlp.make_doc(article.text)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # W030: misaligned spans become '-', which is what we want
            tags = offsets_to_biluo_tags(doc, [tuple(e) for e in article.entities])
        examples.append(Example.from_dict(doc, {"entities": tags}))
    return examples


def swapped(articles: Sequence[TrainArticle], share: float, seed: int = 0) -> list[TrainArticle]:
    """Copies of a share of the articles in which each name is replaced by another name the team gave
    the same label elsewhere (mention replacement): the recognizer learns from the context of a
    name, not only from the names it has seen."""
    if share <= 0:
        return []
    rng = random.Random(seed + 1)
    names: dict[str, list[str]] = {}
    for article in articles:
        for start, end, label in article.entities:
            names.setdefault(label, []).append(article.text[start:end])
    out = []
    for article in articles:
        if rng.random() >= share:
            continue
        parts, spans, at, length = [], [], 0, 0
        for start, end, label in sorted(article.entities):
            if start < at:
                continue
            name = rng.choice(names[label])
            if article.text[start:end].isupper():
                name = name.upper()
            length += start - at
            parts += [article.text[at:start], name]
            spans.append((length, length + len(name), label))
            length += len(name)
            at = end
        parts.append(article.text[at:])
        out.append(TrainArticle(-article.id - 1, "".join(parts), tuple(spans)))
    return out


def train_recognizer(nlp: Any, schema: Any, train: Sequence[TrainArticle], held: Sequence[TrainArticle],
                     settings: Settings = Settings(), seed: int = 0,
                     on_epoch: Callable[[Epoch], None] | None = None,
                     should_stop: Callable[[], bool] = lambda: False) -> TrainResult:
    import spacy
    from spacy.util import compounding, fix_random_seed, minibatch
    from thinc.api import Adam

    started = time.perf_counter()
    fix_random_seed(seed)
    rng = random.Random(seed)
    labels = entity_labels(schema)
    held_texts = [a.text for a in held]
    held_gold = [a.entities for a in held]
    base_scores, sources = _base_model(nlp, schema, train, held, labels)

    swaps = swapped(train, settings.swap_share, seed) if len(train) >= settings.swap_from else []
    examples = examples_of(nlp, list(train) + swaps, settings.upper_share, seed)
    with_clusters = settings.clusters and add_clusters(nlp)
    ner = replace_recognizer(nlp, labels, sources, examples[:50] or examples_of(nlp, held)[:50], with_clusters)
    optimizer = Adam(learn_rate=settings.learn_rate, L2=settings.l2, L2_is_weight_decay=True, grad_clip=1.0,
                     use_averages=True)
    if settings.encoder_rate != 1.0:
        optimizer = _Scaled(optimizer, {node.id for node in ner.model.get_ref("tok2vec").walk()},
                            settings.encoder_rate)
    result = TrainResult(nlp=nlp, base=base_scores, trained=Scores(), sources=sources,
                         clusters=has_clusters(nlp.vocab) and with_clusters)

    def held_out() -> Scores:
        with ner.model.use_params(optimizer.averages):
            return score(predict(nlp, held_texts, schema), held_gold)

    # Counted in finished articles: the copies in capitals or with swapped names are not more evidence.
    min_epochs = min(settings.min_epochs_cap, -(-settings.min_seen // max(1, len(train))))
    gold_count = sum(len(g) for g in held_gold)
    top_f1, best_bytes, stale = held_out().f1, ner.to_bytes(), 0  # the highest held-back F1 so far
    result.epochs.append(Epoch(0, 0.0, top_f1, time.perf_counter() - started, True))
    if on_epoch:
        on_epoch(result.epochs[-1])
    with nlp.select_pipes(enable=[NER]):
        for epoch in range(1, settings.max_epochs + 1):
            if should_stop():
                break
            rng.shuffle(examples)
            losses: dict[str, float] = {}
            sizes = compounding(settings.batch_start, settings.batch_stop, settings.batch_rate)
            for batch in minibatch(examples, size=sizes):
                nlp.update(batch, drop=settings.dropout, sgd=optimizer, losses=losses)
                if should_stop():
                    break
            f1 = held_out().f1
            stale = 0 if f1 > top_f1 else stale + 1  # patience counts epochs without a new high
            top_f1 = max(top_f1, f1)
            kept = tied(f1, top_f1, gold_count, settings.tie_share)
            if kept:  # the latest epoch tied with the best is kept
                with ner.model.use_params(optimizer.averages):
                    best_bytes = ner.to_bytes()
                result.best_epoch = epoch
            result.epochs.append(Epoch(epoch, losses.get(NER, 0.0), f1, time.perf_counter() - started, kept))
            if on_epoch:
                on_epoch(result.epochs[-1])
            # A few held-back articles say little: on 200 finished articles, 17 held back peaked at epoch
            # 4 where validation F1 went on rising to epoch 10-11 (tied). So small sets train longer first,
            # about 2,000 article passes (11 epochs on 200), and keep the latest tied epoch.
            if stale >= settings.patience and epoch >= min_epochs:
                break
            if settings.max_seconds and time.perf_counter() - started > settings.max_seconds:
                break
    ner.from_bytes(best_bytes)
    result.trained = score(predict(nlp, held_texts, schema), held_gold)
    result.seconds = time.perf_counter() - started
    del spacy
    return result


def _base_model(nlp: Any, schema: Any, train: Sequence[TrainArticle], held: Sequence[TrainArticle],
                labels: Sequence[str]) -> tuple[Scores, Any]:
    """The base model's scores on the held-back articles, and which base label each schema label is.

    Its own labels on the held-back articles (and a few training ones): mapped, they are its scores;
    beside the team's labels, they say which base label each schema label is."""
    evidence_articles = list(held) + list(train[: max(0, 100 - len(held))])
    raw = predict(nlp, [a.text for a in evidence_articles], schema_none())
    base_pred = [[(s, e, schema.map_model_label(lab)) for s, e, lab in spans if schema.map_model_label(lab)]
                 for spans in raw[: len(held)]]
    base_scores = score(base_pred, [a.entities for a in held])
    evidence = []
    for pred, article in zip(raw, evidence_articles, strict=True):
        gold = {(s, e): lab for s, e, lab in article.entities}
        evidence.extend((lab, gold[(s, e)]) for s, e, lab in pred if (s, e) in gold)
    base_labels = list(nlp.get_pipe(NER).labels)
    return base_scores, source_labels(schema, base_labels, labels, evidence)


def tied(f1: float, top: float, gold_count: int, share: float) -> bool:
    """Whether an epoch's held-back F1 is as good as the best so far, within the noise of a held-back
    set this small: `share` of the best F1's standard error over `gold_count` entities.

    The later of two tied epochs is kept. On 200 finished articles, 17 held back (about 400 entities,
    a standard error of 0.019), held-back F1 stayed within 0.02 of its epoch-4 peak to epoch 14 while
    validation F1 rose from 0.838 to 0.845 at epoch 10 (docs/learning.md): the averaged weights go on
    improving after a few held-back articles stop being able to tell.
    """
    if f1 >= top:
        return True
    if share <= 0 or gold_count <= 0:
        return False
    return f1 >= top - share * (top * (1.0 - top) / gold_count) ** 0.5


class _Scaled:
    """An optimizer whose steps for some layers (the token encoder) are a share of the full step:
    the encoder keeps most of what the base model learnt while the rest fits the new labels."""

    def __init__(self, inner: Any, ids: set[int], rate: float) -> None:
        self.inner, self.ids, self.rate = inner, ids, rate

    def __call__(self, key, param, grad, *, lr_scale: float = 1.0):
        if key[0] in self.ids:
            lr_scale *= self.rate
        return self.inner(key, param, grad, lr_scale=lr_scale)

    def __getattr__(self, name):
        return getattr(self.inner, name)


class schema_none:  # noqa: N801 - a stand-in schema that keeps every model label as it is
    """For reading the base model's own labels (evidence for source_labels)."""

    def __contains__(self, name: str) -> bool:
        return True

    def map_model_label(self, label: str) -> str:
        return label

    def kind_of(self, label: str) -> str:
        return "entity"
