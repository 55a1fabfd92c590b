"""A pipeline whose recognizer reads static word vectors needs them in its own folder.

en_core_web_md's recognizer, and every pipeline `annotator train` makes from it, reads each word's
vector (vocab/vectors, which nlp.to_disk writes). A folder copied without them still loads, then
fails on the first text with an IndexError deep in thinc; this says so at load time, in one line.
"""

from __future__ import annotations

from typing import Any

from annotator.errors import UserError


def reads_vectors(nlp: Any) -> bool:
    """Whether any component's network has a static-vectors layer."""
    for _, component in nlp.components:
        model = getattr(component, "model", None)
        if model is not None and hasattr(model, "walk") and any(n.name == "static_vectors" for n in model.walk()):
            return True
    return False


def check_vectors(nlp: Any, name: Any) -> Any:
    """`nlp`, or a UserError when it reads vectors and has none."""
    if nlp.vocab.vectors.shape[0] == 0 and reads_vectors(nlp):
        raise UserError(f"{name}: this spaCy pipeline reads word vectors, but its vocab/vectors is missing or empty; "
                        "copy the whole folder that annotator train wrote (vocab/ included), or train it again")
    return nlp
