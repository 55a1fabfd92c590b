"""A recognizer for the schema's entity labels that starts from what the base model knows.

The base recognizer predicts its own labels (spaCy's OntoNotes set). We replace it by one that
predicts only the schema's entity labels, with the same network: the token encoder and hidden
layer are copied as they are, and each schema label's output rows (its B/I/L/U actions) are
copied from the base label the schema maps onto it (PER from PERSON, LOC from GPE ...). So the
new recognizer starts at the mapped base model's accuracy instead of from nothing, and
training only has to teach it where the team's guidelines differ.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from annotator.learn.clusters import copy_encoder, has_clusters, register, with_cluster_embed

NER = "ner"


def source_labels(schema: Any, base_labels: Sequence[str], targets: Sequence[str],
                  evidence: Iterable[tuple[str, str]] = ()) -> dict[str, str | None]:
    """For each schema entity label, the base label whose weights it starts from (or None).

    `evidence` is (base label predicted, schema label annotated) pairs for spans where the base
    model and the team agree on the bounds: when several base labels map onto one schema label
    (GPE, LOC and FAC onto LOC) the one that most often stands for it wins.
    """
    votes = Counter(evidence)
    out: dict[str, str | None] = {}
    for target in targets:
        candidates = [b for b in base_labels if schema.map_model_label(b) == target]
        if not candidates:
            out[target] = None
            continue
        out[target] = max(candidates, key=lambda b: (votes[(b, target)], b == target, -base_labels.index(b)))
    return out


def replace_recognizer(nlp: Any, labels: Sequence[str], sources: dict[str, str | None],
                       sample: Sequence[Any], clusters: bool = True) -> Any:
    """Swap `nlp`'s recognizer for one over `labels`, initialised from the old one's weights.

    `sample` is a few training Examples (spaCy needs them to size the network). Returns the new
    component. With `clusters` and a cluster table in the vocab (clusters.py), the token embedding
    also reads each word's Brown cluster, those weights starting at zero. The base recognizer must have its own token encoder (en_core_web_* do).
    """
    old = nlp.get_pipe(NER)
    old_moves = old.moves
    old_names = [old_moves.get_class_name(i) for i in range(old_moves.n_moves)]
    old_model = old.model
    config = nlp.config["components"][NER]
    factory_config = {k: v for k, v in config.items() if k != "factory"}
    old_embed = factory_config["model"]["tok2vec"]["embed"].get("@architectures")
    if clusters and has_clusters(nlp.vocab):
        register()
        factory_config = with_cluster_embed(factory_config)
    grown = factory_config["model"]["tok2vec"]["embed"].get("@architectures") != old_embed
    new = nlp.replace_pipe(NER, "ner", config=factory_config)
    for label in labels:
        new.add_label(label)
    new.initialize(lambda: sample, nlp=nlp, labels=None)
    for label in labels:  # initialize() may have forgotten labels the sample lacks
        new.add_label(label)
    _copy_weights(old_model, old_names, new, sources, grown)
    for node in new.model.walk():  # the new layers run on the backend the old ones had (extract/matmul.py)
        node.ops = old_model.ops
    return new


def _copy_weights(old_model: Any, old_names: list[str], new: Any, sources: dict[str, str | None],
                  grown: bool = False) -> None:
    if grown:  # the new embedding has the cluster tables too (clusters.py)
        copy_encoder(old_model.get_ref("tok2vec"), new.model.get_ref("tok2vec"))
    else:
        new.model.get_ref("tok2vec").from_bytes(old_model.get_ref("tok2vec").to_bytes())
    new.model.get_ref("lower").from_bytes(old_model.get_ref("lower").to_bytes())
    old_upper, new_upper = old_model.get_ref("upper"), new.model.get_ref("upper")
    old_w, old_b = old_upper.get_param("W"), old_upper.get_param("b")
    new_w, new_b = new_upper.get_param("W").copy(), new_upper.get_param("b").copy()
    index = {name: i for i, name in enumerate(old_names)}
    moves = new.moves
    for i in range(moves.n_moves):
        name = moves.get_class_name(i)
        action, _, label = name.partition("-")
        source = name if not label else f"{action}-{sources.get(label)}" if sources.get(label) else None
        if source in index:
            new_w[i] = old_w[index[source]]
            new_b[i] = old_b[index[source]]
    new_upper.set_param("W", new_w)
    new_upper.set_param("b", new_b)
