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
    written = [rel for rel, text in _sources()
               if re.search(r"entity\w* != \w*\.?speaker(_span_id)?\b", text) and rel != "annotator/model.py"]
    assert written == []


# -- import cycles ----------------------------------------------------------------------------

# Cycles made of imports that run only for type checkers (`if TYPE_CHECKING:`), known and named.
# Each is allowed as long as it stays within these modules; the day one goes, drop it here.
KNOWN_TYPE_ONLY_CYCLES = (
    # session.py annotates with Store; the store calls session.fold_state, the rule it keeps.
    frozenset({"annotator.session", "annotator.store", "annotator.store.store", "annotator.store.decisions"}),
)


def _cycles(type_checking: bool) -> list[frozenset[str]]:
    """Groups of modules of annotator/ that import each other round (strongly connected components)."""
    import grimp

    graph = grimp.build_graph("annotator", exclude_type_checking_imports=not type_checking)
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    found: list[frozenset[str]] = []

    def visit(node: str) -> None:  # Tarjan's algorithm, iterative enough for this graph's depth
        index[node] = low[node] = len(index)
        stack.append(node)
        for other in edges[node]:
            if other not in index:
                visit(other)
                low[node] = min(low[node], low[other])
            elif other in stack:
                low[node] = min(low[node], index[other])
        if low[node] == index[node]:
            group = set()
            while True:
                other = stack.pop()
                group.add(other)
                if other == node:
                    break
            if len(group) > 1:
                found.append(frozenset(group))

    for module in sorted(graph.modules):
        if module not in index:
            visit(module)
    return found


def test_no_import_cycle_runs():
    assert _cycles(type_checking=False) == []


def test_no_import_cycle_even_for_type_checkers_but_the_known_ones():
    unknown = [sorted(group) for group in _cycles(type_checking=True)
               if not any(group <= known for known in KNOWN_TYPE_ONLY_CYCLES)]
    assert unknown == []


# -- function length --------------------------------------------------------------------------

# No exception: every function in annotator/ (tui/ included) is under 80 lines.
LONG_FUNCTION_EXCEPTIONS: set[tuple[str, str]] = set()


def test_no_function_in_annotator_is_80_lines_or_more():
    long = []
    for rel, text in _sources():
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and (rel, node.name) not in LONG_FUNCTION_EXCEPTIONS:
                lines = node.end_lineno - node.lineno + 1
                if lines >= 80:
                    long.append((rel, node.name, lines))
    assert long == []


# -- nothing outside the repo -----------------------------------------------------------------


def test_nothing_cites_a_path_outside_the_repo():
    cited = []
    for path in [*ROOT.glob("*.md"), *ROOT.glob("docs/*.md"), *PACKAGE.rglob("*.py"), *(ROOT / "benchmarks").glob("*.py"),
                 *(ROOT / "tests").glob("*.py"), ROOT / "Makefile", ROOT / "pyproject.toml"]:
        text = path.read_text(encoding="utf-8")
        if path.name != "test_house.py" and re.search(r"\.\./shared|shared/eval|/work/", text):
            cited.append(str(path.relative_to(ROOT)))
    assert cited == []
