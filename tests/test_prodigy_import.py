"""Annotated JSONL in (Prodigy db-out and our own export): answers become an annotator's work."""

from __future__ import annotations

import json

from annotator.export import iter_gold
from annotator.formats.jsonl import write_jsonl
from annotator.ingest import import_paths
from annotator.store import Store

TEXT = "Envoy Staffan de Mistura said: “Spoilers will not prevail.” Douma was hit."


def span(fragment: str, label: str) -> dict:
    start = TEXT.index(fragment)
    return {"start": start, "end": start + len(fragment), "label": label}


def prodigy_line(answer="accept", **extra) -> dict:
    quote, person = span("“Spoilers will not prevail.”", "QUOTE"), span("Staffan de Mistura", "PERSON")
    line = {
        "text": TEXT, "meta": {"source": "wire"}, "_input_hash": 123, "_task_hash": 456,
        "spans": [person, {**quote, "color": "#fff", "type": "span"}, span("Douma", "GPE")],
        # Prodigy writes relations with head/child token indexes; ours carry head_span/child_span too
        "relations": [{"head": 9, "child": 3, "label": "SPEAKER", "head_span": quote, "child_span": person}],
        "answer": answer, "_view_id": "spans_manual", "_timestamp": 1700000000,
    }
    line.update(extra)
    return line


def write(path, *lines):
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def exported(store, tmp_path, name="out.jsonl"):
    out = tmp_path / name
    write_jsonl(iter_gold(store), out)
    return out.read_text(encoding="utf-8").splitlines()


def test_accepted_line_becomes_annotators_decisions(tmp_path, store, schema):
    path = write(tmp_path / "db-out.jsonl", prodigy_line(_annotator_id="news-alice", _session_id="news-alice"))
    summary = import_paths(store, [path], schema, extract=False)
    assert (summary.imported, summary.annotated, summary.spans) == (1, 1, 3)
    article = next(store.iter_articles())
    assert store.status(article.id, "news-alice") == "done"
    views = {TEXT[v.start:v.end]: v for v in store.spans(article.id, "news-alice")}
    assert {v.status for v in views.values()} == {"accepted"}
    assert views["“Spoilers will not prevail.”"].speaker_span_id == views["Staffan de Mistura"].id
    assert store.spans(article.id, "bob") == []  # someone's answers are not suggestions to others
    (line,) = map(json.loads, exported(store, tmp_path))
    assert [s["label"] for s in line["spans"]] == ["PERSON", "QUOTE", "GPE"]
    assert line["relations"][0]["label"] == "SPEAKER" and line["_annotator_id"] == "news-alice"
    assert line["_timestamp"] == 1700000000


def test_reject_and_ignore_are_kept_as_status(tmp_path, store, schema):
    path = write(tmp_path / "x.jsonl", prodigy_line("reject", _annotator_id="a"), prodigy_line("ignore", _session_id="b"))
    import_paths(store, [path], schema, extract=False)
    article = next(store.iter_articles())
    assert (store.status(article.id, "a"), store.status(article.id, "b")) == ("rejected", "ignored")
    answers = [json.loads(x)["answer"] for x in exported(store, tmp_path)]
    assert answers == ["reject", "ignore"]


def test_annotator_option_wins_and_session_id_is_the_fallback(tmp_path, store, schema):
    path = write(tmp_path / "x.jsonl", prodigy_line(_session_id="ds-carol"))
    import_paths(store, [path], schema, extract=False)
    import_paths(store, [write(tmp_path / "y.jsonl", prodigy_line(_annotator_id="zed"))], schema, extract=False,
                 annotator="dave")
    article = next(store.iter_articles())
    assert store.status(article.id, "ds-carol") == "done" and store.status(article.id, "dave") == "done"
    assert store.status(article.id, "zed") == "todo"


def test_speaker_key_on_a_span_counts_as_relation(tmp_path, store, schema):
    quote = span("“Spoilers will not prevail.”", "QUOTE")
    he = span("Staffan de Mistura", "PERSON")
    line = {"text": TEXT, "spans": [{**quote, "speaker": {"start": he["start"], "end": he["end"]}}], "answer": "accept",
            "_annotator_id": "a"}
    import_paths(store, [write(tmp_path / "x.jsonl", line)], schema, extract=False)
    (out,) = map(json.loads, exported(store, tmp_path))
    assert [(s["text"], s["label"]) for s in out["spans"]] == [("Staffan de Mistura", "SPEAKER"),
                                                               ("“Spoilers will not prevail.”", "QUOTE")]
    assert out["relations"][0]["child_span"]["start"] == he["start"]


def test_malformed_answer_line_is_reported_with_file_and_line(tmp_path, store, schema):
    path = write(tmp_path / "x.jsonl", prodigy_line(_annotator_id="a"), prodigy_line("maybe", _annotator_id="a"),
                 prodigy_line())
    summary = import_paths(store, [path], schema, extract=False)
    assert [str(p) for p in summary.problems] == [
        f"{path}:2: 'answer' must be accept, reject or ignore (got 'maybe')",
        f"{path}:3: an answered line needs --annotator NAME, '_annotator_id' or '_session_id'",
    ]
    assert summary.annotated == 1


def test_round_trip_export_import_export_is_exact(tmp_path, store, schema):
    from .conftest import SEEDS

    import_paths(store, [SEEDS], schema, extract=False)
    path = write(tmp_path / "in.jsonl", prodigy_line(_annotator_id="alice"), prodigy_line(_annotator_id="bob"),
                 prodigy_line("reject", _annotator_id="carol"))
    import_paths(store, [path], schema, extract=False)
    # and work done in the app: a relabel, a manual span, a speaker change, one article done
    seed = next(store.iter_articles())
    views = store.spans(seed.id, "alice")
    store.add_span("alice", seed.id, 2, 4, "ORG", "entity")
    store.add_span("alice", seed.id, 5, 10, "SPEAKER", "speaker")
    store.set_status(seed.id, "alice", "done")
    assert views == []  # imported without extraction: no suggestions

    first = exported(store, tmp_path, "first.jsonl")
    assert len(first) == 4
    with Store(tmp_path / "fresh.db") as fresh:
        import_paths(fresh, [tmp_path / "first.jsonl"], schema, extract=False)
        again = exported(fresh, tmp_path, "second.jsonl")
    assert again == first
    # importing the same answers twice adds nothing
    summary = import_paths(store, [tmp_path / "first.jsonl"], schema, extract=False)
    assert summary.annotated == 0 and summary.duplicates == 4


def test_parallel_parsing_imports_the_same(tmp_path, schema, monkeypatch):
    """Big inputs are parsed in worker processes, each reading its own stretch of the file;
    the database and the problems reported must come out the same, line numbers included."""
    from annotator.ingest import parallel

    monkeypatch.setattr(parallel, "CHUNK_BYTES", 300)  # chunks end mid-line: cut at the next line end
    lines = [json.dumps(prodigy_line(_annotator_id=f"a{n}", meta={"n": n})).encode() for n in range(5)]
    lines[2:2] = [b"{broken", b"", b"caf\xe9 not utf-8"]
    path = tmp_path / "in.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    outputs, problems = [], []
    for workers in (0, 2):
        with Store(tmp_path / f"w{workers}.db") as store:
            summary = import_paths(store, [path], schema, extract=False, parse_workers=workers)
            problems.append([str(p) for p in summary.problems])
            outputs.append(exported(store, tmp_path, f"w{workers}.jsonl"))
    assert problems[0] == problems[1]
    assert [p.split(": ")[0] for p in problems[0]] == [f"{path}:3", f"{path}:5"]
    assert outputs[0] == outputs[1] and len(outputs[0]) == 5


def test_answers_on_suggested_spans_decide_on_them(tmp_path, store, schema):
    """An article already imported with suggestions: matching spans are decided on, not copied;
    a quote whose speaker differs from the suggestion gets a speaker decision."""
    quote, person, douma = span("“Spoilers will not prevail.”", "QUOTE"), span("Staffan de Mistura", "PERSON"), \
        span("Douma", "GPE")
    suggestions = {"text": TEXT, "spans": [quote, person, douma]}  # no speaker suggested
    import_paths(store, [write(tmp_path / "s.jsonl", suggestions)], schema, extract=False)
    article = next(store.iter_articles())
    suggested = {TEXT[v.start:v.end]: v.id for v in store.spans(article.id, "bob")}
    summary = import_paths(store, [write(tmp_path / "a.jsonl", prodigy_line(_annotator_id="alice"))], schema,
                           extract=False)
    assert (summary.imported, summary.annotated, summary.spans) == (0, 1, 3)
    views = {TEXT[v.start:v.end]: v for v in store.spans(article.id, "alice")}
    assert {text: v.id for text, v in views.items()} == suggested  # no private copies
    assert views["“Spoilers will not prevail.”"].speaker_span_id == suggested["Staffan de Mistura"]
    actions = sorted(d.action for d in store.decisions("alice"))
    assert actions == ["accept", "accept", "accept", "speaker"]
    assert store.span(suggested["“Spoilers will not prevail.”"], "bob").speaker_span_id is None  # bob unaffected


def test_many_answered_articles_in_one_batch_link_within_their_own_article(tmp_path, store, schema):
    """Ids are computed, not looked up, when a batch is written: every speaker link, decision and
    state must point at a span of its own article, and each state at that span's accept."""
    lines = [prodigy_line(text=f"[{n}] {TEXT}", _annotator_id=f"a{n % 3}",
                          spans=[{**s, "start": s["start"] + len(f"[{n}] "), "end": s["end"] + len(f"[{n}] ")}
                                 for s in prodigy_line()["spans"]],
                          relations=[]) for n in range(40)]
    for line in lines:  # the speaker as a span's own `speaker` this time
        quote, person = line["spans"][1], line["spans"][0]
        quote["speaker"] = {"start": person["start"], "end": person["end"]}
    summary = import_paths(store, [write(tmp_path / "many.jsonl", *lines)], schema, extract=False)
    assert (summary.imported, summary.annotated, summary.spans) == (40, 40, 120)
    conn = store.conn
    if store.dialect == "sqlite":  # PostgreSQL checks every foreign key as each statement ends
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    assert conn.execute(
        "SELECT count(*) FROM spans q JOIN spans p ON p.id = q.speaker_span_id"
        " WHERE q.kind = 'quote' AND p.article_id = q.article_id AND p.label = 'PERSON'").fetchone()[0] == 40
    assert conn.execute(
        "SELECT count(*) FROM states st JOIN spans s ON s.id = st.span_id JOIN decisions d ON d.id = st.decision_id"
        " WHERE s.article_id = st.article_id AND d.span_id = st.span_id AND d.action = 'accept'"
        " AND d.annotator = st.annotator AND s.created_by = st.annotator").fetchone()[0] == 120
    assert conn.execute("SELECT count(*) FROM states").fetchone()[0] == 120


def test_a_span_given_twice_in_an_answer_on_suggestions_is_recorded_once(tmp_path, store, schema):
    """Both backends: a line that repeats a span the article already suggests decides on it once."""
    suggestions = write(tmp_path / "s.jsonl", {"text": TEXT, "spans": [span("Douma", "GPE")]})
    import_paths(store, [suggestions], schema, extract=False)
    line = prodigy_line(_annotator_id="ann")
    line["spans"].append(span("Douma", "GPE"))
    summary = import_paths(store, [write(tmp_path / "a.jsonl", line)], schema, extract=False)
    assert summary.annotated == 1
    article = next(store.iter_articles())
    douma = [v for v in store.spans(article.id, "ann") if TEXT[v.start:v.end] == "Douma"]
    assert len(douma) == 1 and douma[0].status == "accepted"


def test_import_leaves_every_foreign_key_valid_and_the_pragmas_as_they_were(tmp_path, store, schema):
    """Imports write with foreign keys unchecked (store/connection.py: bulk_loading): suggestions,
    answers on them and answers on new articles must still refer only to rows that exist."""
    suggestions = write(tmp_path / "s.jsonl", {"text": TEXT, "spans": [span("Douma", "GPE")]},
                        {"text": f"x {TEXT}", "spans": [span("Douma", "GPE")]})
    import_paths(store, [suggestions], schema, extract=False)
    answers = write(tmp_path / "a.jsonl", prodigy_line(_annotator_id="ann"),
                    prodigy_line(text=f"[new] {TEXT}", _annotator_id="ann", relations=[], spans=[
                        {**s, "start": s["start"] + 6, "end": s["end"] + 6} for s in prodigy_line()["spans"]]))
    summary = import_paths(store, [answers], schema, extract=False)
    assert (summary.imported, summary.annotated) == (1, 2)
    if store.dialect == "sqlite":
        conn = store.conn
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        assert conn.execute("PRAGMA cache_size").fetchone()[0] == -2000


def test_cue_relations_round_trip_exactly(tmp_path, store, schema):
    """A quote's CUE relation is read back (issue 33): export → import → export keeps cues byte for byte."""
    text = "Officials said the talks would resume. “We are ready,” the envoy told reporters."
    quote, said = at(text, "the talks would resume", "QUOTE"), at(text, "said", "CUE")
    officials = at(text, "Officials", "SPEAKER")
    direct, told = at(text, "“We are ready,”", "QUOTE"), at(text, "told reporters", "CUE")
    envoy = at(text, "the envoy", "SPEAKER")
    line = {"text": text, "spans": [officials, said, quote, direct, envoy, told], "relations": [
        {"label": "SPEAKER", "head_span": quote, "child_span": officials},
        {"label": "CUE", "head_span": quote, "child_span": said},
        {"label": "SPEAKER", "head_span": direct, "child_span": envoy},
        {"label": "CUE", "head_span": direct, "child_span": told}],
        "answer": "accept", "_annotator_id": "alice", "_timestamp": 1700000000}
    import_paths(store, [write(tmp_path / "in.jsonl", line)], schema, extract=False)
    first = exported(store, tmp_path, "first.jsonl")
    (out,) = map(json.loads, first)
    cues = {(text[r["head_span"]["start"]:r["head_span"]["end"]], text[r["child_span"]["start"]:r["child_span"]["end"]])
            for r in out["relations"] if r["label"] == "CUE"}
    assert cues == {("the talks would resume", "said"), ("“We are ready,”", "told reporters")}
    assert {s["text"]: s.get("form") for s in out["spans"] if s["label"] == "QUOTE"} == {
        "the talks would resume": "indirect", "“We are ready,”": "direct"}
    with Store(tmp_path / "fresh.db") as fresh:
        import_paths(fresh, [tmp_path / "first.jsonl"], schema, extract=False)
        assert exported(fresh, tmp_path, "second.jsonl") == first


def at(text: str, fragment: str, label: str) -> dict:
    start = text.index(fragment)
    return {"start": start, "end": start + len(fragment), "label": label}
