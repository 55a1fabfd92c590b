"""The house rules of the code itself (issue 34): one place for each rule, no import cycle, short
functions, nothing cited outside the repo."""

from __future__ import annotations

import ast
import re
from pathlib import Path

from annotator.model import speaker_links

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "annotator"


def _sources(*skip: str):
    for path in sorted(PACKAGE.rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if not any(rel.startswith(s) for s in skip):
            yield rel, path.read_text(encoding="utf-8")


def test_speaker_links_give_the_entity_only_when_it_differs():
    assert speaker_links(3, 3) == [(3, "SPEAKER")]
    assert speaker_links(3, 5) == [(3, "SPEAKER"), (5, "SPEAKER_ENTITY")]
    assert speaker_links(None, 5) == [(5, "SPEAKER_ENTITY")]
    assert speaker_links(None, None) == []


def test_the_speaker_link_rule_is_written_once():
    """Writers call model.speaker_links; none compares the entity with the speaker itself."""
    written = [rel for rel, text in _sources("annotator/tui/")
               if re.search(r"entity\w* != \w*\.?speaker(_span_id)?\b", text) and rel != "annotator/model.py"]
    assert written == []
