"""Brown clusters: what a word is like, learnt from a large corpus, for the names nobody labelled.

spaCy's English models up to v2 came with Brown clusters of a million words (spacy-lookups-data's
`lexeme_cluster` table: 1,000 clusters, each word's place in the cluster tree as a bit path).
"Magna" sits with "Reuters", "Paris" with "London", "Surrey" with "Manchester": a name the team
never labelled still has neighbours that were. With a few hundred finished articles most names in
the next article are new, so this is what the recognizer and the label second opinion learn from
when the name itself says nothing.

The table goes into the pipeline's vocab lookups (`nlp.vocab.lookups`, which `to_disk` saves and
`spacy.load` restores), so a trained pipeline carries its clusters and needs no extra package at
run time. Words are looked up as written, then capitalised, then in lower case; words not in the
table share one "unknown" value (0).

`ClusterHashEmbed` is spaCy's MultiHashEmbed with one more embedding table for each prefix of
the cluster path (4, 6 and 10 bits and the whole path, as in Ratinov and Roth's NER features):
coarse prefixes tell names from verbs, long ones company from place.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

TABLE = "lexeme_cluster"
PREFIX_BITS = (4, 6, 10, 20)
CLUSTER_ROWS = 1000
EMBED = "annotator.ClusterHashEmbed.v1"


def load_cluster_table() -> dict[str, int] | None:
    """The English cluster table from spacy-lookups-data, or None when that package is missing."""
    from spacy.lookups import load_lookups

    try:
        lookups = load_lookups("en", [TABLE], strict=False)
    except (ValueError, OSError):
        return None
    if TABLE not in lookups:
        return None
    return lookups.get_table(TABLE)


def add_clusters(nlp: Any, table: Any = None) -> bool:
    """Put the cluster table into `nlp`'s vocab (saved with the pipeline). False when there is none."""
    if TABLE in nlp.vocab.lookups:
        return True
    table = table if table is not None else load_cluster_table()
    if table is None:
        return False
    nlp.vocab.lookups.set_table(TABLE, table)
    return True


def has_clusters(vocab: Any) -> bool:
    return TABLE in vocab.lookups


def cluster_of(table: Any, word: str) -> int:
    """The word's cluster path as an int (a leading 1, then the path's bits); 0 when unknown."""
    return table.get(word) or table.get(word.capitalize()) or table.get(word.lower()) or 0


def prefixes(value: int, bits: Sequence[int] = PREFIX_BITS) -> list[int]:
    """The first k bits of the path for each k (still with the leading 1, so lengths differ)."""
    if not value:
        return [0] * len(bits)
    length = value.bit_length() - 1
    return [value >> (length - k) if length > k else value for k in bits]


def doc_prefixes(doc: Any, bits: Sequence[int] = PREFIX_BITS) -> list[list[int]]:
    """Each token's path prefixes (all 0 when the vocab has no table)."""
    table = doc.vocab.lookups.get_table(TABLE) if TABLE in doc.vocab.lookups else None
    if table is None:
        return [[0] * len(bits) for _ in doc]
    return [prefixes(cluster_of(table, token.text), bits) for token in doc]


def _extract(model: Any, docs: list, is_train: bool) -> tuple[list, Any]:
    """spaCy's FeatureExtractor, with each token's path prefixes as more columns."""
    import numpy

    columns, bits = model.attrs["columns"], model.attrs["bits"]
    out = []
    for doc in docs:
        attrs = doc.to_array(columns)
        if attrs.ndim == 1:
            attrs = attrs.reshape((attrs.shape[0], 1))
        paths = numpy.asarray(doc_prefixes(doc, bits), dtype="uint64").reshape((len(doc), len(bits)))
        out.append(model.ops.asarray2i(numpy.hstack([attrs.astype("uint64"), paths]), dtype="uint64"))
    return out, lambda d_features: []


def cluster_hash_embed(width: int, attrs: list, rows: list[int], include_static_vectors: bool,
                       bits: Sequence[int] = PREFIX_BITS, cluster_rows: int = CLUSTER_ROWS) -> Any:
    """spacy.MultiHashEmbed.v2 (the same seeds, so its tables line up with the base model's) with
    one more table a path prefix; the mixing layer reads them after the base model's hash columns and,
    with `include_static_vectors` (en_core_web_md), before the word vectors' column, last as in spaCy.
    Registered as EMBED (the spacy_architectures entry point and register())."""
    from spacy.ml.staticvectors import StaticVectors
    from thinc.api import HashEmbed, Maxout, Model, chain, concatenate, list2ragged, ragged2list, with_array

    embeddings = [HashEmbed(width, rows[i], column=i, seed=8 + i, dropout=0.0) for i in range(len(attrs))]
    embeddings += [HashEmbed(width, cluster_rows, column=len(attrs) + j, seed=101 + j, dropout=0.0)
                   for j in range(len(bits))]
    features = Model("extract_cluster_features", _extract, attrs={"columns": list(attrs), "bits": list(bits)})
    hashed = chain(features, list2ragged(), with_array(concatenate(*embeddings)))
    width_in = width * (len(embeddings) + bool(include_static_vectors))
    max_out = with_array(Maxout(width, width_in, nP=3, dropout=0.0, normalize=True))
    if include_static_vectors:
        return chain(concatenate(hashed, StaticVectors(width, dropout=0.0)), max_out, ragged2list())
    return chain(hashed, max_out, ragged2list())


def register() -> None:
    """For a checkout run without `pip install -e .` (the entry point does it otherwise)."""
    from spacy.util import registry

    if EMBED not in registry.architectures:
        registry.architectures.register(EMBED, func=cluster_hash_embed)


def with_cluster_embed(config: dict, bits: Sequence[int] = PREFIX_BITS) -> dict:
    """The recognizer's component config with its MultiHashEmbed replaced by ClusterHashEmbed."""
    import copy

    config = copy.deepcopy(config)
    embed = config["model"]["tok2vec"]["embed"]
    if embed.get("@architectures") == EMBED:
        return config
    if embed.get("@architectures") != "spacy.MultiHashEmbed.v2":
        raise ValueError("the base recognizer's token embedding is not one clusters can be added to")
    embed["@architectures"] = EMBED
    embed["bits"] = list(bits)
    embed["cluster_rows"] = CLUSTER_ROWS
    return config


def parts(tok2vec: Any) -> tuple[Any, Any, list[Any]]:
    """A recognizer's token encoder (its "tok2vec" ref: chain(chain(embed, encode), list2array,
    linear)) as (embed, encode, the layers after them)."""
    inner = tok2vec.layers[0]
    return inner.layers[0], inner.layers[1], tok2vec.layers[1:]


def copy_encoder(old_tok2vec: Any, new_tok2vec: Any) -> None:
    """The base model's token encoder into one whose embedding also reads the clusters."""
    old_embed, old_encode, old_rest = parts(old_tok2vec)
    new_embed, new_encode, new_rest = parts(new_tok2vec)
    new_encode.from_bytes(old_encode.to_bytes())
    for old, new in zip(old_rest, new_rest, strict=True):
        new.from_bytes(old.to_bytes())
    copy_embedding(old_embed, new_embed)


def copy_embedding(old_embed: Any, new_embed: Any) -> None:
    """The base model's hash tables, word vectors' projection and mixing weights into the new
    embedding; the columns for the clusters start at zero, so the new recognizer starts out
    predicting exactly what the base did."""
    old_tables = [n for n in old_embed.walk() if n.name == "hashembed"]
    new_tables = [n for n in new_embed.walk() if n.name == "hashembed"]
    for old, new in zip(old_tables, new_tables, strict=False):
        new.set_param("E", old.get_param("E").copy())
    old_vectors = [n for n in old_embed.walk() if n.name == "static_vectors"]
    new_vectors = [n for n in new_embed.walk() if n.name == "static_vectors"]
    for old, new in zip(old_vectors, new_vectors, strict=True):
        new.set_param("W", old.get_param("W").copy())
    old_max = next(n for n in old_embed.walk() if n.name == "maxout")
    new_max = next(n for n in new_embed.walk() if n.name == "maxout")
    w_old, w_new = old_max.get_param("W"), new_max.get_param("W").copy()
    n_in = old_max.get_dim("nI")
    nO, nP = new_max.get_dim("nO"), new_max.get_dim("nP")
    w_new = w_new.reshape((nO, nP, new_max.get_dim("nI")))
    w_old = w_old.reshape((nO, nP, n_in))
    w_new[:] = 0
    hashed = n_in - (n_in // (len(old_tables) + 1) if old_vectors else 0)  # the word vectors' columns come last
    w_new[:, :, :hashed] = w_old[:, :, :hashed]
    if old_vectors:
        w_new[:, :, -(n_in - hashed):] = w_old[:, :, hashed:]
    new_max.set_param("W", w_new.reshape(new_max.get_param("W").shape))
    new_max.set_param("b", old_max.get_param("b").copy())
    old_norm = [n for n in old_embed.walk() if n.name == "layernorm"]
    new_norm = [n for n in new_embed.walk() if n.name == "layernorm"]
    for old, new in zip(old_norm, new_norm, strict=False):
        new.set_param("G", old.get_param("G").copy())
        new.set_param("b", old.get_param("b").copy())
