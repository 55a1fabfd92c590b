"""`annotator_relabel`: a second opinion on each entity's label, learnt from the team's labels.

The recognizer reads a window of four tokens. Most of its remaining mistakes after a few hundred
finished articles are labels, not bounds (on CoNLL after 200: 508 spans with the right bounds and
the wrong label, against 294 with wrong bounds), and most of those need the article: "Surrey" is a
county side in a cricket scorecard and a place in a crime report. This component is a logistic
regression over each span's words, shape and Brown clusters, the words around it and the article's
most frequent words, (on a base with word vectors, md) the static vectors of the span and of
the words around it, and (where the encoder package is installed, learn/context.py) how a small
transformer reads the span's words in their sentence; fitted on every span the team accepted. At run time its label probabilities, averaged over
the mentions of the same name in the article, are added to the recognizer's own label (a one-hot
vote of weight `keep`); the larger sum wins. `keep` is chosen on the held-back articles (train
leaves the component out when no weight beats the recognizer alone there).

Bounds are never moved and nothing is added or removed. The weights are plain JSON; scikit-learn
is only needed to fit them.
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from spacy.language import Language
from spacy.tokens import Doc, Span

from annotator.learn.clusters import PREFIX_BITS, cluster_of, prefixes
from annotator.learn.clusters import TABLE as CLUSTER_TABLE
from annotator.learn.ents import set_labels

NAME = "annotator_relabel"
# On each Doc the component ran on: the second opinion's probability of each entity's final label,
# in the order of doc.ents (None for a label it does not know).
LABEL_CHANCES = "annotator_label_chances"
if not Doc.has_extension(LABEL_CHANCES):
    Doc.set_extension(LABEL_CHANCES, default=None)
KEEP_WEIGHTS = (0.5, 0.6, 0.7, 0.8)  # the recognizer's vote, tried on the held-back articles
TOPIC_WORDS, TOPIC_VALUE = 30, 0.3   # the article's most frequent words, each a weak feature
C = 3.0                              # inverse regularisation (0.3-10 all within 10 spans on CoNLL)
CONTEXTS, CONTEXT_VALUE = 10, 0.2    # a name's most frequent neighbours anywhere in the corpus
CLUSTER_VALUE = 0.5                  # each word's Brown cluster path prefixes (clusters.py)
# The span's and its three words either side's mean static vector (md), each scaled to this length.
# On CoNLL after 200 (valid F1 with the same recognizer): 0.880 without, 0.881-0.883 at 0.6-2.0.
VECTOR_VALUE, VECTOR_WINDOW = 1.2, 3
# The span's mean vector from the transformer encoder (learn/context.py), scaled to this length. On
# CoNLL after 200 (valid F1, one recognizer, best vote): 0.883 without it; 0.891 / 0.895 / 0.892 / 0.892
# at 2 / 4 / 6 / 8 (encoder layer 3).
ENCODER_VALUE = 4.0
_STOP = frozenset(
    "the a an of in on at to for and or by with from is was were be has have had that this it as said he she "
    "they his her its their not but which who will would after before over than up out new".split())


def _shape(word: str) -> str:
    shape = re.sub("[0-9]", "d", re.sub("[a-z]", "x", re.sub("[A-Z]", "X", word)))
    return re.sub(r"(.)\1+", r"\1\1", shape)


def article_features(doc: Doc) -> dict[str, float]:
    """What the article is about: its most frequent content words, and how much of it is figures."""
    words = Counter(t.lower_ for t in doc if t.is_alpha and len(t) > 2 and t.lower_ not in _STOP)
    features = {f"d={word}": TOPIC_VALUE for word, _ in words.most_common(TOPIC_WORDS)}
    features["figures"] = 3.0 * sum(1 for t in doc if t.like_num) / max(1, len(doc))
    return features


def name_contexts(docs: Iterable[Doc]) -> dict[str, list[str]]:
    """For each word written with a capital in the corpus (finished articles or not), the words most
    often beside it: "surrey" follows "beat" and precedes "captain" in scorecards all over the
    corpus, which tells a county side from a county even in an article nobody labelled."""
    seen: dict[str, Counter] = defaultdict(Counter)
    for doc in docs:
        lower = [t.lower_ for t in doc]
        for i, token in enumerate(doc):
            if token.is_title or token.is_upper:
                if i > 0:
                    seen[lower[i]]["before=" + lower[i - 1]] += 1
                if i + 1 < len(lower):
                    seen[lower[i]]["after=" + lower[i + 1]] += 1
    return {word: [name for name, _ in counts.most_common(CONTEXTS)] for word, counts in seen.items()}


def span_features(span: Span, article: dict[str, float], contexts: dict[str, list[str]] | None = None) -> dict[str, float]:
    doc, words = span.doc, [t.text for t in span]
    features = dict(article)
    for word in {w.lower() for w in words}:
        for name in (contexts or {}).get(word, ()):
            features["corpus:" + name] = CONTEXT_VALUE
    features["str=" + " ".join(words).lower()] = 1.0
    table = doc.vocab.lookups.get_table(CLUSTER_TABLE) if CLUSTER_TABLE in doc.vocab.lookups else None
    if table is not None:  # "Magna" unseen, but in the cluster of "Reuters"
        for word in words:
            for bits, prefix in zip(PREFIX_BITS, prefixes(cluster_of(table, word)), strict=True):
                features[f"cluster{bits}={prefix}"] = CLUSTER_VALUE
    for word in words:
        features["w=" + word.lower()] = 1.0
    features["first=" + words[0].lower()] = 1.0
    features["last=" + words[-1].lower()] = 1.0
    features["shape=" + " ".join(_shape(w) for w in words)] = 1.0
    features[f"len={min(len(words), 4)}"] = 1.0
    features["capitals"] = float(span.text.isupper())
    for suffix in (words[-1][-3:].lower(), words[-1][-4:].lower()):
        features["suffix=" + suffix] = 1.0
    for k in (1, 2, 3):
        before = doc[span.start - k].lower_ if span.start - k >= 0 else "<s>"
        after = doc[span.end + k - 1].lower_ if span.end + k - 1 < len(doc) else "</s>"
        features[f"before{k}={before}"] = 1.0
        features[f"after{k}={after}"] = 1.0
    if span.start > 0:
        features["before2w=" + doc[span.start - 1].lower_ + "_" + (doc[span.start - 2].lower_ if span.start > 1 else "")] = 1.0
    return features


def _mean_vector(tokens: Sequence[Any]) -> Any:
    import numpy as np

    # The lexeme's static vector: Token.vector would fall back to the Doc's tensor on a base without
    # vectors (sm), which a Doc made by the tokenizer alone, as training's are, does not have.
    rows = [t.lex.vector for t in tokens if t.lex.has_vector]
    if not rows:
        return None
    mean = np.mean(rows, axis=0)
    norm = float(np.linalg.norm(mean))
    return mean * (VECTOR_VALUE / norm) if norm else None


def span_vector(span: Span, encoder: Any = None) -> Any:
    """What the span's words and its neighbours mean, side by side: from the base model's static
    vectors, the mean vector of the span and of up to VECTOR_WINDOW words either side (punctuation
    left out), each scaled to VECTOR_VALUE (left out on a vocabulary without vectors, sm); with
    `encoder` (learn/context.py), the mean of its vectors for the span's tokens, scaled to
    ENCODER_VALUE. None when there is neither."""
    import numpy as np

    parts = []
    vocab = span.doc.vocab
    if vocab.vectors.shape[0] and vocab.vectors.shape[1]:
        doc, width = span.doc, vocab.vectors.shape[1]
        around = [doc[j] for j in (*range(max(0, span.start - VECTOR_WINDOW), span.start),
                                   *range(span.end, min(len(doc), span.end + VECTOR_WINDOW))) if not doc[j].is_punct]
        parts += [p if p is not None else np.zeros(width, dtype="float32")
                  for p in (_mean_vector(list(span)), _mean_vector(around))]
    if encoder is not None:
        mean = encoder.token_vectors(span.doc, span.start, span.end).mean(axis=0)
        norm = float(np.linalg.norm(mean))
        parts.append(mean * (ENCODER_VALUE / norm) if norm else mean)
    return np.concatenate(parts) if parts else None


class Relabeler:
    """The fitted weights, and the rule that combines them with the recognizer's labels."""

    def __init__(self, classes: Sequence[str], bias: Sequence[float], weights: dict[str, list[float]],
                 keep: float | None = None, contexts: dict[str, list[str]] | None = None,
                 vector_weights: list[list[float]] | None = None, encoder: Any = None) -> None:
        self.classes, self.bias, self.weights, self.keep = list(classes), list(bias), weights, keep
        self.contexts = contexts or {}
        # One row per class over span_vector's columns; None when fitted without vectors.
        self.vector_weights = vector_weights
        self._vector_matrix = None
        # The transformer encoder (learn/context.py) the vector weights were fitted with, if any: saved
        # beside relabel.json by the component, not in it (the JSON only says there is one).
        self.encoder = encoder

    @property
    def uses_encoder(self) -> bool:
        return self.encoder is not None

    def probabilities(self, features: dict[str, float], vector: Any = None) -> list[float]:
        scores = list(self.bias)
        for name, value in features.items():
            row = self.weights.get(name)
            if row is not None:
                for i, w in enumerate(row):
                    scores[i] += value * w
        if vector is not None and self.vector_weights:
            if self._vector_matrix is None:
                import numpy as np

                self._vector_matrix = np.asarray(self.vector_weights, dtype="float32")
            if self._vector_matrix.shape[1] == len(vector):
                scores = [s + float(v) for s, v in zip(scores, self._vector_matrix @ vector, strict=True)]
        top = max(scores)
        exp = [math.exp(s - top) for s in scores]
        total = sum(exp)
        return [e / total for e in exp]

    def name_probabilities(self, doc: Doc, ents: Sequence[Span]) -> list[list[float]]:
        """Each entity's label probabilities, averaged over the mentions of the same name in the
        article (one name, one opinion)."""
        article = article_features(doc)
        probs = [self.probabilities(span_features(ent, article, self.contexts),
                                    span_vector(ent, self.encoder) if self.vector_weights else None) for ent in ents]
        by_name: dict[str, list[list[float]]] = defaultdict(list)
        for ent, p in zip(ents, probs, strict=True):
            by_name[ent.text.lower()].append(p)
        mean = {name: [sum(column) / len(mentions) for column in zip(*mentions, strict=True)]
                for name, mentions in by_name.items()}
        return [list(mean[ent.text.lower()]) for ent in ents]

    def labels(self, doc: Doc, ents: Sequence[Span], keep: float | None = None) -> list[str]:
        """The labels of a document's entities after the second opinion (with vote weight `keep`)."""
        keep = self.keep if keep is None else keep
        if keep is None or not ents:
            return [ent.label_ for ent in ents]
        return self.judged(doc, ents, keep)[0]

    def judged(self, doc: Doc, ents: Sequence[Span], keep: float) -> tuple[list[str], list[float | None]]:
        """The entities' labels after the second opinion (the recognizer's label a vote of weight
        `keep`), and the second opinion's probability of each (None for a label it was not fitted
        on, which stays)."""
        return self.voted(ents, self.name_probabilities(doc, ents), keep)

    def voted(self, ents: Sequence[Span], probabilities: Sequence[Sequence[float]],
              keep: float) -> tuple[list[str], list[float | None]]:
        """judged() from name_probabilities' answer: `train` tries several votes on the same articles."""
        labels: list[str] = []
        chances: list[float | None] = []
        for ent, probs in zip(ents, probabilities, strict=True):
            if ent.label_ not in self.classes:
                labels.append(ent.label_)
                chances.append(None)
                continue
            votes = list(probs)
            votes[self.classes.index(ent.label_)] += keep
            best = max(range(len(votes)), key=votes.__getitem__)
            labels.append(self.classes[best])
            chances.append(probs[best])
        return labels, chances

    def to_json(self) -> dict:
        return {"classes": self.classes, "bias": self.bias, "keep": self.keep, "weights": self.weights,
                "contexts": self.contexts, "vector_weights": self.vector_weights, "encoder": self.uses_encoder}

    @classmethod
    def from_json(cls, data: dict) -> Relabeler:
        """Without the encoder, which the component reads beside the JSON when `data["encoder"]` says so."""
        return cls(data["classes"], data["bias"], data["weights"], data.get("keep"), data.get("contexts"),
                   data.get("vector_weights"))


def fit_relabeler(docs_and_spans: Iterable[tuple[Doc, Sequence[tuple[int, int, str]]]], seed: int = 0,
                  contexts: dict[str, list[str]] | None = None, encoder: Any = None) -> Relabeler | None:
    """Fit on the team's accepted spans (character offsets into each doc), with `contexts` from
    name_contexts (the corpus) and the transformer `encoder` (learn/context.py) when there is one.
    None with fewer than two labels."""
    import numpy as np
    from scipy.sparse import csr_matrix, hstack
    from sklearn.feature_extraction import DictVectorizer
    from sklearn.linear_model import LogisticRegression

    rows, labels, vectors = [], [], []
    for doc, spans in docs_and_spans:
        article = article_features(doc)
        for start, end, label in spans:
            span = doc.char_span(start, end, alignment_mode="expand")
            if span is not None and len(span):
                rows.append(span_features(span, article, contexts))
                labels.append(label)
                vectors.append(span_vector(span, encoder))
    if len(set(labels)) < 2:
        return None
    vectorizer = DictVectorizer()
    x = vectorizer.fit_transform(rows)
    with_vectors = any(v is not None for v in vectors)
    if with_vectors:
        width = next(len(v) for v in vectors if v is not None)
        dense = np.vstack([v if v is not None else np.zeros(width, dtype="float32") for v in vectors])
        x = hstack([x, csr_matrix(dense)]).tocsr()
    model = LogisticRegression(C=C, max_iter=2000, random_state=seed)
    model.fit(x, labels)
    coef = model.coef_ if len(model.classes_) > 2 else _two_classes(model.coef_)
    vector_weights = None
    if with_vectors:
        coef, dense_coef = coef[:, :-width], coef[:, -width:]
        vector_weights = [[round(float(w), 5) for w in row] for row in dense_coef]
    bias = list(model.intercept_) if len(model.classes_) > 2 else [-model.intercept_[0] / 2, model.intercept_[0] / 2]
    # Weights too small to change a label are left out: the JSON stays a few MB after 1,000 articles.
    weights = {name: [round(float(w), 5) for w in coef[:, j]] for name, j in vectorizer.vocabulary_.items()
               if abs(coef[:, j]).max() >= 1e-4}
    # A name's neighbours are kept only for the features the fit gave a weight.
    kept_contexts = {word: [n for n in names if "corpus:" + n in weights] for word, names in (contexts or {}).items()}
    kept_contexts = {word: names for word, names in kept_contexts.items() if names}
    return Relabeler([str(c) for c in model.classes_], [float(b) for b in bias], weights, contexts=kept_contexts,
                     vector_weights=vector_weights, encoder=encoder)


def _two_classes(coef: Any) -> Any:
    # A binary logistic regression has one row (for the second class); as two rows, -w/2 and w/2
    # give the same probabilities through the softmax.
    import numpy as np

    return np.vstack([-coef[0] / 2, coef[0] / 2])


class EntityRelabel:
    def __init__(self, nlp: Language | None = None, name: str = NAME) -> None:
        self.name = name
        self.relabeler: Relabeler | None = None

    def __call__(self, doc: Doc) -> Doc:
        ents = list(doc.ents)
        if self.relabeler is None or self.relabeler.keep is None or not ents:
            return doc
        labels, chances = self.relabeler.judged(doc, ents, self.relabeler.keep)
        set_labels(doc, ents, labels)
        # Kept for ranking (learn/ranking.py): how likely each final label is, without a second pass.
        doc._.set(LABEL_CHANCES, chances)
        return doc

    def pipe(self, docs, batch_size: int = 128):
        for doc in docs:
            yield self(doc)

    def to_bytes(self, *, exclude=()) -> bytes:
        import srsly

        relabeler = self.relabeler
        return srsly.msgpack_dumps({"relabeler": relabeler.to_json() if relabeler else None,
                                    "encoder": relabeler.encoder.to_bytes() if relabeler and relabeler.encoder else None})

    def from_bytes(self, data: bytes, *, exclude=()) -> EntityRelabel:
        import srsly

        from annotator.learn.context import ContextEncoder

        packed = srsly.msgpack_loads(data)
        self._load(packed["relabeler"], lambda: ContextEncoder.from_bytes(packed["encoder"]))
        return self

    def to_disk(self, path, *, exclude=()) -> None:
        path = Path(path)
        path.mkdir(parents=True, exist_ok=True)
        (path / "relabel.json").write_text(json.dumps(self.relabeler.to_json() if self.relabeler else None))
        if self.relabeler is not None and self.relabeler.encoder is not None:
            self.relabeler.encoder.to_disk(path)

    def from_disk(self, path, *, exclude=()) -> EntityRelabel:
        from annotator.learn.context import ContextEncoder

        self._load(json.loads((Path(path) / "relabel.json").read_bytes()), lambda: ContextEncoder.from_disk(Path(path)))
        return self

    def _load(self, data: dict | None, encoder: Any) -> None:
        """The relabeler from its JSON, with `encoder()` read where the JSON says it was fitted with one."""
        self.relabeler = Relabeler.from_json(data) if data else None
        if self.relabeler is not None and data.get("encoder"):
            self.relabeler.encoder = encoder()


@Language.factory(NAME, requires=["doc.ents"], assigns=["doc.ents"])
def make_entity_relabel(nlp: Language, name: str) -> EntityRelabel:
    return EntityRelabel(nlp, name)
