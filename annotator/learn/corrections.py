"""Where the model is weakest: how annotators answered its entity suggestions, per model label.

For each label the model suggested: accepted as is, relabelled (to which label), bounds fixed,
rejected; and per label, the spans annotators added that the model missed. Each annotator's
current answer counts once (a span two annotators decided counts twice).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from annotator.store import learning


def corrections(store: Any, model: str | None = None) -> dict[str, Any]:
    table: dict[str, Counter] = defaultdict(Counter)
    for suggested, status, label_now, moved in learning.answered_suggestions(store, model):
        row = table[suggested]
        row["suggested"] += 1
        if status == "rejected":
            row["rejected"] += 1
        elif status != "accepted":
            row["undecided"] += 1
        elif label_now != suggested:
            row[f"relabelled:{label_now}"] += 1
            if moved:
                row["bounds fixed"] += 1
        elif moved:
            row["bounds fixed"] += 1
        else:
            row["accepted"] += 1
    missed = dict(learning.missed_spans(store))
    labels = sorted(set(table) | set(missed))
    return {
        "labels": {
            label: {
                "suggested": table[label]["suggested"],
                "accepted": table[label]["accepted"],
                "relabelled": {k.split(":", 1)[1]: v for k, v in sorted(table[label].items())
                               if k.startswith("relabelled:")},
                "bounds_fixed": table[label]["bounds fixed"],
                "rejected": table[label]["rejected"],
                "missed": missed.get(label, 0),
            }
            for label in labels
        },
        "by_model": learning.suggestions_by_model(store),
    }
