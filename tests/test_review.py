"""Review: disagreements from the store, a reviewer's choices, claims, and the round trip into export --gold."""

from __future__ import annotations

import json

import pytest

from annotator.agreement import Mark
from annotator.errors import UserError
from annotator.model import ArticleDraft, SpanDraft
from annotator.store import Store
from annotator.store import review as rv

TEXT = "UN envoy Staffan de Mistura said: “Spoilers will not prevail.” He left."
UN, ENVOY, QUOTE = (0, 2), (9, 27), (34, 62)


def add_article(store: Store, digest: str, text: str = TEXT) -> int:
    spans = (SpanDraft(*UN, "ORG"), SpanDraft(*ENVOY, "ORG"),
             SpanDraft(*QUOTE, "QUOTE", "quote", speaker=1, speaker_entity=1))
    with store.write() as conn:
        return store.insert_article(conn, ArticleDraft(text, spans=spans), digest, [(0, 2)], "model")


def annotate(store: Store, article: int, who: str, un: str, envoy: str | None) -> None:
    """`un`: accept|reject; `envoy`: a label to give Staffan de Mistura, or None to reject him."""
    spans = {(s.start, s.end): s for s in store.spans(article, who)}
    store.decide(who, spans[UN].id, un)
    if envoy is None:
        store.decide(who, spans[ENVOY].id, "reject")
    else:
        store.decide(who, spans[ENVOY].id, "relabel", label=envoy)
    store.decide(who, spans[QUOTE].id, "accept")
    store.set_status(article, who, "done")


@pytest.fixture
def team(store):
    """Article 1: alice and bob disagree on UN and on Staffan's label; article 2: they agree;
    article 3: only alice finished it."""
    first, second, third = (add_article(store, f"h{i}", TEXT + " " * i) for i in range(3))
    annotate(store, first, "alice", "accept", "PERSON")
    annotate(store, first, "bob", "reject", "ORG")
    annotate(store, second, "alice", "accept", "PERSON")
    annotate(store, second, "bob", "accept", "PERSON")
    annotate(store, third, "alice", "reject", "PERSON")
    return first, second, third


def test_disagreements_of_an_article(store, team):
    first, second, _ = team
    review = rv.load_review(store, first, "carol")
    assert review.annotators == ["alice", "bob"] and review.status == "todo"
    assert Mark("quote", *QUOTE, "QUOTE", ENVOY) in review.agreed
    un, envoy = (item.disagreement for item in review.items)
    assert [(v.marks, v.annotators) for v in un.versions] == [((Mark("entity", *UN, "ORG"),), ("alice",)),
                                                              ((), ("bob",))]
    assert [v.annotators for v in envoy.versions] == [("alice",), ("bob",)]
    assert rv.load_review(store, second, "carol").items == ()


def test_review_round_trip_into_export_gold(tmp_path, store, team, cli):
    first, second, third = team
    assert rv.next_review(store, "carol") == first  # the only article with disagreements
    review = rv.load_review(store, first, "carol")
    with pytest.raises(UserError, match="2 disagreements left"):
        rv.finish(store, review)
    review = rv.choose(store, review, 0, ())  # reject UN
    review = rv.pick(store, review, 1, 1)  # bob's ORG ...
    review = rv.pick(store, review, 1, 0)  # ... no: alice's PERSON; the latest choice stands
    assert review.status == "doing" and review.unresolved == 0
    assert [item.chosen_version for item in review.items] == [1, 0]
    review = rv.finish(store, review)
    assert review.status == "gold"
    # Finished: nothing left for anyone; the reviewer never became an annotator.
    assert rv.next_review(store, "carol") is None and rv.next_review(store, "dave") is None
    assert store.status(first, "carol") == "todo"
    assert rv.finished_annotators(store, first) == ["alice", "bob"]

    out = tmp_path / "gold.jsonl"
    code, stdout, stderr = cli("export", "--db", store.path, "-o", out, "--gold")
    assert code == 0, stderr
    lines = [json.loads(line) for line in out.read_text().splitlines()]
    assert [(line["meta"]["article_id"], line["_annotator_id"], line["meta"]["gold"]) for line in lines] == [
        (first, "carol", "reviewed"), (second, "gold", "agreed"), (third, "gold", "agreed")]
    spans = [[(s["start"], s["end"], s["label"]) for s in line["spans"]] for line in lines]
    # An article someone still has open is not settled: it waits for them.
    store.set_status(third, "bob", "doing")
    code, _, _ = cli("export", "--db", store.path, "-o", tmp_path / "later.jsonl", "--gold")
    later = [json.loads(line)["meta"]["article_id"] for line in (tmp_path / "later.jsonl").read_text().splitlines()]
    assert code == 0 and later == [first, second]
    assert spans[0] == [(*ENVOY, "PERSON"), (*QUOTE, "QUOTE")]
    assert spans[1] == [(*UN, "ORG"), (*ENVOY, "PERSON"), (*QUOTE, "QUOTE")]
    assert spans[2] == [(*ENVOY, "PERSON"), (*QUOTE, "QUOTE")]  # alice alone: all of her work
    for line in lines:
        (relation,) = line["relations"]
        assert relation["label"] == "SPEAKER"
        assert (relation["child_span"]["start"], relation["head_span"]["start"]) == (ENVOY[0], QUOTE[0])
        assert line["answer"] == "accept" and line["meta"]["annotators"]


def test_changing_a_finished_review_renews_the_gold(store, team):
    first = team[0]
    review = rv.load_review(store, first, "carol")
    review = rv.finish(store, rv.pick(store, rv.pick(store, review, 0, 0), 1, 0))
    assert Mark("entity", *UN, "ORG") in rv.gold_record(store, first)[1]
    rv.choose(store, review, 0, ())
    reviewer, marks, _ = rv.gold_record(store, first)
    assert reviewer == "carol" and Mark("entity", *UN, "ORG") not in marks


def test_two_reviewers_never_take_the_same_article(store, team):
    first = team[0]
    assert rv.next_review(store, "carol") == first
    assert rv.next_review(store, "dave") is None
    assert rv.next_review(store, "carol") == first  # resumes
    assert rv.review_summary(store) == {"multi_annotated": 2, "reviewed": 0, "in_review": 1}


def test_a_review_left_idle_is_taken_over_and_its_reviewer_can_still_finish(store, team):
    first = team[0]
    assert rv.next_review(store, "carol") == first
    with store.write() as conn:  # carol went home an hour ago
        conn.execute("UPDATE reviews SET updated_at = updated_at - 3600 WHERE reviewer = 'carol'")
    assert rv.next_review(store, "dave") == first
    assert rv.next_review(store, "erin") is None  # dave is active on it
    assert rv.next_review(store, "carol") == first  # carol's own claim and choices are still hers


def test_agreement_command(store, team, cli):
    code, stdout, _ = cli("agreement", "--db", store.path, "--json")
    assert code == 0
    figures = json.loads(stdout)
    (pair,) = figures["pairs"]
    # Article 1: alice {UN ORG, ENVOY PERSON, QUOTE}, bob {ENVOY ORG, QUOTE}; article 2: both the same three.
    # Spans: both 1 + 3, alice only 2, bob only 1 -> F1 = 8 / 11.
    assert pair["f1"] == {"f1": pytest.approx(8 / 11), "both": 4, "only_a": 2, "only_b": 1}
    assert pair["labels"]["QUOTE"]["f1"] == 1.0
    # Accept/reject of the 6 suggestions: alice keeps all 6; bob rejects UN in article 1 -> kappa 0
    # (p_o 5/6 equals chance agreement 5/6 when one of them always says yes).
    assert pair["kappa_items"] == 6 and pair["kappa"] == pytest.approx(0.0)
    assert [row["article_id"] for row in figures["most_disagreement"]] == [team[0]]
    code, stdout, _ = cli("agreement", "--db", store.path)
    assert code == 0 and "alice · bob" in stdout and "most disagreement" in stdout
    code, stdout, _ = cli("stats", "--db", store.path)
    assert code == 0 and "span F1" in stdout


def test_serve_without_textual_serve_says_how_to_install(store, cli, monkeypatch):
    monkeypatch.setitem(__import__("sys").modules, "textual_serve.server", None)
    code, _, err = cli("serve", "--db", store.path)
    assert code == 1 and "pip install" in err and err.count("\n") == 1


def test_serve_command_line(tmp_path):
    from annotator.cli.serve_cmd import serve_command

    line = serve_command(tmp_path / "a b.db", False, "alice", "2")
    assert line.endswith(f"-m annotator annotate --db '{tmp_path / 'a b.db'}' --annotator alice --overlap 2")
    assert " review " in serve_command(tmp_path / "x.db", True, "carol", "2") and "--overlap" not in serve_command(
        tmp_path / "x.db", True, "carol", "2")


def test_batched_works_equal_the_single_article_reading(store, team):
    # Article 4: alice accepts only the quote (export adds its undecided speaker mention), bob rejects the mention.
    fourth = add_article(store, "h4", TEXT + "    ")
    spans = {(s.start, s.end): s for s in store.spans(fourth, "alice")}
    store.decide("alice", spans[QUOTE].id, "accept")
    store.decide("bob", spans[QUOTE].id, "accept")
    store.decide("bob", spans[ENVOY].id, "reject")
    for who in ("alice", "bob"):
        store.set_status(fourth, who, "done")
    batched = list(rv.iter_compared(store, batch=2))
    assert [a for a, _, _ in batched] == [team[0], team[1], fourth]
    for article_id, heading, works in batched:
        assert works == rv.works_of(store, article_id)
        assert heading == store.article(article_id).heading
    alice, bob = batched[-1][2]
    assert alice.marks == {Mark("quote", *QUOTE, "QUOTE", ENVOY), Mark("entity", *ENVOY, "ORG")}
    assert bob.marks == {Mark("quote", *QUOTE, "QUOTE")}


def test_own_version_is_the_gold_and_edits_of_a_finished_one_renew_it(store, team, schema):
    """The reviewer's own version (issue 36 #15) through the session the annotation screen drives."""
    from annotator.session import ReviewSession

    first = team[0]
    reviews = ReviewSession(store, "carol", schema)
    review = reviews.take(reviews.open(first), 0, 0)  # alice's UN
    review = reviews.finish(reviews.take(review, 1, 1), force=False)  # bob's ORG for Staffan; finished
    chosen = review.gold()
    own = reviews.own_version(review)
    views = {(v.start, v.end, v.label): v for v in own.store.spans(first, "")}
    # It starts from the gold (accepted) beside the versions not chosen (rejected).
    assert views[(*ENVOY, "ORG")].status == "accepted" and views[(*ENVOY, "PERSON")].status == "rejected"
    own.accept(views[(*UN, "ORG")], "GPE")  # not what anyone had
    assert rv.gold_record(store, first)[1] == [m._replace(label="GPE") if (m.start, m.end) == UN else m
                                               for m in chosen]  # the finished gold renewed at once
    with pytest.raises(UserError, match="your own version is the gold here"):
        reviews.take(reviews.open(first), 0, 0)
    own.undo(first)  # back to where it started: no own version, the choices' gold again
    assert reviews.open(first).own is None and rv.gold_record(store, first)[1] == chosen
    with pytest.raises(UserError, match="nothing left to undo"):
        own.undo(first)
    assert not store.decisions(annotator="carol") and store.status(first, "carol") == "todo"


def test_review_takes_a_schema_and_a_bad_one_stops_it_in_one_line(cli, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text("labels: [\n")
    code, _, err = cli("review", "--db", tmp_path / "none.db", "--schema", bad)
    assert code == 2 and f"{bad}:2:1:" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "none.db").exists()
