"""Small made-up news articles with CoNLL-style answers, for the model-in-the-loop tests.

In them the team's guidelines differ from spaCy's: the armed group "Tahrir al-Sham" is an ORG
(the base model tends to call it a person), nationalities are MISC, cities and countries LOC.
"""

from __future__ import annotations

import json
from pathlib import Path

PEOPLE = ["John Smith", "Maria Lopez", "Ahmed Hassan", "Olga Petrova", "David Chen", "Sarah Jones",
          "Pierre Dubois", "Ana Costa", "Kenji Sato", "Fatima Khan", "Lars Berg", "Irina Volkova"]
GROUPS = ["Tahrir al-Sham", "Hayat Tahrir", "Ahrar al-Sham", "Jaish al-Islam"]
PLACES = ["Aleppo", "Damascus", "Idlib", "Homs", "Beirut", "Ankara"]
NATIONS = ["Syrian", "Turkish", "Russian", "French"]


def article(i: int) -> tuple[str, list[tuple[int, int, str]]]:
    person, group, place, nation = (PEOPLE[i % len(PEOPLE)], GROUPS[i % len(GROUPS)],
                                    PLACES[i % len(PLACES)], NATIONS[i % len(NATIONS)])
    parts = [(person, "PER"), (" said on Monday that fighters of ", None), (group, "ORG"),
             (" had left ", None), (place, "LOC"), (" after talks with ", None), (nation, "MISC"),
             (" officials. ", None), (group, "ORG"), (" denied it, and ", None), (person.split()[-1], "PER"),
             (f" said the {i + 2} convoys would return to ", None), (place, "LOC"), (" soon.", None)]
    text, spans = "", []
    for piece, label in parts:
        if label:
            spans.append((len(text), len(text) + len(piece), label))
        text += piece
    return text, spans


def answered_line(i: int, annotator: str = "alice", quote: bool = False) -> dict:
    text, spans = article(i)
    rows = [{"start": s, "end": e, "label": lab} for s, e, lab in spans]
    if quote:  # “We are leaving Aleppo now,” John Smith said.
        person = PEOPLE[i % len(PEOPLE)]
        said = f" \u201cWe are leaving {PLACES[i % len(PLACES)]} now,\u201d "
        start = len(text) + 1
        end = start + len(said) - 2
        speaker = {"start": end + 1, "end": end + 1 + len(person)}
        text += said + person + " said."
        rows.append({"start": speaker["start"], "end": speaker["end"], "label": "PER"})
        rows.append({"start": start, "end": end, "label": "QUOTE", "speaker": speaker})
    return {"text": text, "spans": rows, "answer": "accept", "_annotator_id": annotator, "_session_id": annotator,
            "_timestamp": 1700000000 + i}


def write_answers(path: Path, indexes, annotator: str = "alice", quote: bool = False) -> Path:
    path.write_text("".join(json.dumps(answered_line(i, annotator, quote)) + "\n" for i in indexes))
    return path


def write_texts(path: Path, indexes) -> Path:
    path.write_text("".join(json.dumps({"text": article(i)[0]}) + "\n" for i in indexes))
    return path
