"""Which article next (issue 28): routing by the stored rank, a stable random order, the ranking's
diversity, suggest's scores, the open that keeps suggest away, migration v5, `order:` and --order."""

from __future__ import annotations

import sqlite3

import pytest

from annotator.errors import SchemaError
from annotator.ingest.importer import text_hash
from annotator.model import ArticleDraft
from annotator.schema import load_schema, parse_schema
from annotator.session import AnnotationSession
from annotator.store import Store, migrations, ordering
from tests.conftest import NEWS_SCHEMA, REPO
from tests.learning_data import article, write_texts

CONLL = REPO / "schemas" / "conll.yaml"


def add(store: Store, n: int, prefix: str = "Article") -> list[int]:
    ids = []
    with store.write() as conn:
        for i in range(n):
            text = f"{prefix} {i}: the council met in Leeds on Monday."
            ids.append(store.insert_article(conn, ArticleDraft(text), text_hash(text), [(0, len(prefix))], "model"))
    return ids


def rank(store: Store, ids: list[int]) -> None:
    with store.write() as conn:
        ordering.write_ranking(conn, "m@1", [(article_id, 10.0 - k) for k, article_id in enumerate(ids)])


# -- routing -----------------------------------------------------------------------------------

def test_uncertain_order_hands_out_by_rank_then_unscored_in_import_order(store):
    a = add(store, 6)
    rank(store, [a[4], a[2]])
    got = [store.next_article(who, order="uncertain") for who in ("u1", "u2", "u3", "u4", "u5", "u6")]
    assert got == [a[4], a[2], a[0], a[1], a[3], a[5]]
    assert store.next_article("u7", order="uncertain") is None


def test_uncertain_order_keeps_overlap_resume_and_idle_claims(store):
    a = add(store, 4)
    rank(store, [a[3], a[1]])
    assert store.next_article("alice", overlap=2, order="uncertain") == a[3]
    assert store.next_article("bob", overlap=2, order="uncertain") == a[3]  # a second place
    assert store.next_article("carol", overlap=2, order="uncertain") == a[1]  # a[3] is full
    rank(store, [a[0], a[3], a[1]])  # a new scoring: alice still resumes her unfinished article
    assert store.next_article("alice", overlap=2, order="uncertain") == a[3]
    store.finish(a[3], "alice")
    assert store.next_article("alice", overlap=2, order="uncertain") == a[0]
    assert store.next_article("erin", overlap=2, order="uncertain") == a[0]  # a[0] is now full
    assert store.next_article("frank", overlap=2, order="uncertain") == a[1]  # a[3]: alice done, bob holds it
    # Idle claims free their places, in the order's terms: with every claim idle, a[0] is first again.
    assert store.next_article("dave", overlap=2, order="uncertain", idle_s=-1) == a[0]


def test_a_new_scoring_keeps_a_started_article_first_so_its_other_places_fill(store):
    a = add(store, 5)
    rank(store, [a[2], a[4]])
    assert store.next_article("alice", overlap=2, order="uncertain") == a[2]
    # suggest scores only untouched articles: a[2] (alice opened it) is not in the new ranking
    rank(store, [a[0], a[4], a[1]])
    assert store.next_article("bob", overlap=2, order="uncertain") == a[2]  # its second place first
    assert store.next_article("carol", overlap=2, order="uncertain") == a[0]  # then the new ranking
    assert ordering.ranks(store) == {a[2]: 1, a[0]: 2, a[4]: 3, a[1]: 4}


def test_the_position_shown_counts_in_the_order(store):
    a = add(store, 4)
    rank(store, [a[3], a[1]])
    assert store.position(a[3], "uncertain") == (1, 4)
    assert store.position(a[1], "uncertain") == (2, 4)
    assert store.position(a[0], "uncertain") == (3, 4)  # unscored: after, in import order
    assert store.position(a[3]) == (4, 4)  # import order, as before
    shuffled = sorted(a, key=lambda i: store.position(i, "random", seed=3))
    assert [store.position(i, "random", seed=3)[0] for i in shuffled] == [1, 2, 3, 4]
    assert shuffled[0] == store.next_article("dave", order="random", seed=3)


def test_browsing_follows_the_order_and_passes_over_full_articles(store):
    a = add(store, 5)
    rank(store, [a[4], a[1], a[3]])
    walk, here = [a[4]], a[4]
    while (here := store.neighbour(here, 1, order="uncertain")) is not None:
        walk.append(here)
    assert walk == [a[4], a[1], a[3], a[0], a[2]]
    assert store.neighbour(a[0], -1, order="uncertain") == a[3]
    assert store.neighbour(a[4], -1, order="uncertain") is None
    store.next_article("bob", overlap=1, order="uncertain")  # bob takes a[4]
    store.finish(a[4], "bob")
    store.next_article("bob", overlap=1, order="uncertain")  # then a[1]
    assert store.neighbour(a[4], 1, "alice", overlap=1, order="uncertain") == a[3]  # a[1] is bob's
    assert store.neighbour(a[2], -1, "alice", overlap=1, order="uncertain") == a[0]
    assert store.neighbour(a[0], 1, order="import") == a[1]  # import order as before


def test_random_order_is_a_stable_shuffle(tmp_path):
    def order(path, seed):
        with Store(path) as store:
            if not store.article_count():
                add(store, 30, prefix="Story")
            got, here = [], store.next_article("x", overlap=None, order="random", seed=seed)
            while here is not None:
                got.append(here)
                here = store.neighbour(here, 1, order="random", seed=seed)
            return got

    first = order(tmp_path / "a.db", 0)
    assert sorted(first) == list(range(1, 31)) and first != sorted(first)
    assert order(tmp_path / "b.db", 0) == first == order(tmp_path / "a.db", 0)  # another database, the same order
    assert order(tmp_path / "a.db", 1) != first  # another seed, another order
    with Store(tmp_path / "a.db") as store:  # routing hands out in the same order
        assert [store.next_article(f"u{i}", overlap=None, order="random") for i in range(30)] == [first[0]] * 30
        assert [store.next_article(f"v{i}", order="random") for i in range(29)] == first[1:]  # first[0] is x's


def test_session_routes_in_the_schema_order_or_the_one_given(store, schema):
    a = add(store, 3)
    rank(store, [a[2]])
    assert AnnotationSession(store, schema, "alice").open().article.id == a[0]  # news.yaml: import
    assert AnnotationSession(store, schema, "bob", order="uncertain").open().article.id == a[2]
    uncertain = parse_schema(NEWS_SCHEMA.read_text() + "\norder: uncertain\n", "s.yaml")
    assert uncertain.order == "uncertain"
    session = AnnotationSession(store, uncertain, "carol", overlap=None)
    assert session.open().article.id == a[2] and session.neighbour(a[2], 1) == a[0]


# -- the ranking ---------------------------------------------------------------------------------

RESULTS = ("SOCCER - ENGLISH PREMIER LEAGUE RESULTS. LONDON 1996-08-24 Results of English premier league "
           "matches on Saturday: Arsenal 2 West Ham 0, Blackburn 0 Tottenham 2, Chelsea 1 Everton {n}, "
           "Coventry 0 Nottingham Forest 3, Leeds 1 Sheffield Wednesday 0.")


def test_ranking_is_by_uncertainty_and_near_duplicates_do_not_come_back_to_back():
    from annotator.learn.ranking import Ranker

    texts = [RESULTS.format(n=n) for n in range(3)] + [
        "Prime minister meets unions over pay dispute in Paris.",
        "Oil prices rise as OPEC agrees to cut output in Vienna.",
        "Floods leave thousands homeless across Bangladesh.",
        "Tennis: Sampras beats Agassi in the US Open final.",
        "Central bank holds interest rates steady, Bundesbank says.",
    ]
    scores = [9.0, 8.9, 8.8, 5.0, 4.0, 3.0, 2.0, 1.0]
    ranker = Ranker()
    ranker.add(list(range(100, 108)), scores, texts)
    got = [article_id for article_id, _ in ranker.ranked()]
    assert got[0] == 100 and sorted(got) == list(range(100, 108))
    duplicates = {100, 101, 102}
    assert not any(x in duplicates and y in duplicates for x, y in zip(got, got[1:], strict=False)), got
    plain = [article_id for article_id, _ in ranker.ranked(weight=0)]
    assert plain == list(range(100, 108))  # without diversity: the most uncertain first
    assert ranker.ranked()[0] == (100, 9.0)


def test_article_uncertainty_from_the_beam_and_the_quotes(extractor):
    from annotator.learn.ranking import doubt, uncertainties

    docs = list(extractor.nlp.pipe(["", "the and of it.", article(3)[0],
                                     article(3)[0] + " " + article(5)[0] + " " + article(7)[0]]))
    got = uncertainties(extractor.nlp, docs)
    assert got[0] == 0.0 and got[1] == pytest.approx(0.0, abs=1e-6)
    assert all(u >= 0 for u in got) and got[3] >= got[2]  # a sum: more text, more to correct
    assert doubt(0.5) == 0.5 and doubt(0.9) == pytest.approx(0.1) and doubt(1.0) == 0.0


def test_suggest_ranks_untouched_articles_and_leaves_an_opened_one_as_it_was(tmp_path, cli, extractor):
    from annotator.learn.suggest import suggest

    db = tmp_path / "rank.db"
    code, _, err = cli("import", write_texts(tmp_path / "t.jsonl", range(8)), "--db", db, "--schema", CONLL,
                       "--no-extract")
    assert code == 0, err
    schema = load_schema(CONLL)
    with Store(db, create=False) as store:
        ids = [row[0] for row in store.query("SELECT id FROM articles ORDER BY id")]
        session = AnnotationSession(store, schema, "alice", order="import")
        opened = session.open(session.neighbour(ids[0], 1))  # browsed to with ] and read, nothing decided
        assert opened.article.id == ids[1] and not store.decisions()
        before = store.query("SELECT * FROM spans WHERE article_id = ? ORDER BY id", (ids[1],))
        summary = suggest(store, schema, "base", extractor=extractor)
        assert summary.articles == 7 and summary.ranked == 7  # every article but the opened one
        assert store.query("SELECT * FROM spans WHERE article_id = ? ORDER BY id", (ids[1],)) == before == []
        assert store.query("SELECT count(*) FROM spans WHERE article_id = ?", (ids[2],))[0][0] > 0
        ranks = ordering.ranks(store)
        assert set(ranks) == set(ids) - {ids[1]} and sorted(ranks.values()) == list(range(1, 8))
        models = {row[0] for row in store.query("SELECT model FROM article_scores")}
        assert models == {summary.model}
        first = min(ranks, key=ranks.get)
        assert store.next_article("bob", order="uncertain") == first
        assert ordering.top(store, 2)[0]["article_id"] == first
    code, out, _ = cli("stats", "--db", db)
    assert code == 0 and "uncertain order" in out


# -- migration, schema, CLI ------------------------------------------------------------------------

def test_a_v4_database_migrates_to_v5_and_keeps_its_work(tmp_path, monkeypatch):
    path = tmp_path / "v4.db"
    monkeypatch.setattr("annotator.store.connection.MIGRATIONS", migrations.MIGRATIONS[:4])
    monkeypatch.setattr("annotator.store.connection.LATEST", 4)
    with Store(path) as store:
        a = add(store, 2)
        store.next_article("alice")
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == 4
        assert not store.conn.execute("SELECT 1 FROM sqlite_master WHERE name = 'article_scores'").fetchone()
    monkeypatch.undo()
    with Store(path) as store:
        assert store.conn.execute("PRAGMA user_version").fetchone()[0] == migrations.LATEST >= 5
        assert store.article_count() == 2 and store.status(a[0], "alice") == "doing"
        rank(store, [a[1]])
        assert store.next_article("bob", order="uncertain") == a[1]
    backups = list(tmp_path.glob("v4.db.v4-*.bak"))
    assert len(backups) == 1
    with sqlite3.connect(backups[0]) as old:
        assert old.execute("PRAGMA user_version").fetchone()[0] == 4


@pytest.mark.parametrize(("value", "col"), [("fastest", 8), ("[uncertain]", 8)])
def test_a_bad_order_in_the_schema_is_file_line_col(tmp_path, cli, value, col):
    bad = tmp_path / "bad.yaml"
    bad.write_text(NEWS_SCHEMA.read_text().rstrip("\n") + f"\norder: {value}\n")
    line = bad.read_text().count("\n")
    with pytest.raises(SchemaError, match="order"):
        load_schema(bad)
    code, _, err = cli("schema", "check", bad)
    assert code == 2 and err.strip().count("\n") == 0 and f"{bad}:{line}:{col}:" in err


def test_annotate_order_option(cli, tmp_path):
    from annotator.cli.quick import annotate_arguments

    assert annotate_arguments(["annotate", "--order", "uncertain"])["order"] == "uncertain"
    db = tmp_path / "o.db"
    Store(db).close()
    for argv in (["annotate", "--db", db, "--order", "fastest"], ["annotate", "--order=fastest", "--db", db, "--db", db]):
        code, _, err = cli(*argv)  # the quick path, then Typer's (a repeated option)
        assert code == 2 and "--order 'fastest'" in err and err.strip().count("\n") == 0
    from annotator.cli.serve_cmd import serve_command

    assert serve_command(db, False, "alice", None, "uncertain").endswith("--order uncertain")


def test_uncertain_order_before_any_ranking_says_how_to_rank(tmp_path, capsys):
    from annotator.cli.quick import warn_if_unranked

    db = tmp_path / "w.db"
    with Store(db) as store:
        ids = add(store, 2)
        warn_if_unranked(store, db)
        err = capsys.readouterr().err
        assert "no article" in err and "annotator suggest --db" in err and err.count("\n") == 1
        rank(store, ids)
        warn_if_unranked(store, db)
        assert capsys.readouterr().err == ""


def test_article_uncertainty_counts_the_labels_the_second_opinion_doubts():
    """After a few hundred articles most corrections are labels the recognizer's beam is sure of:
    the label second opinion's 1 - p(final label), summed, is part of an article's uncertainty."""
    spacy = pytest.importorskip("spacy")
    pytest.importorskip("sklearn")
    from spacy.tokens import Span

    from annotator.learn.ranking import label_doubt, uncertainties
    from annotator.learn.relabel import NAME, fit_relabeler

    nlp = spacy.blank("en")
    cricket = "{} beat {} by six wickets at the Oval . Innings , wickets and runs ."
    crime = "Police in {} arrested a man . He lived in {} for years ."
    sides, towns = ["Essex", "Durham", "Sussex", "Kent", "Surrey"], ["Leeds", "Bristol", "Hull", "Dover", "Bath"]
    data = []
    for names, template, label in ((sides, cricket, "ORG"), (towns, crime, "LOC")):
        for a, b in zip(names, names[1:], strict=False):
            doc = nlp.make_doc(template.format(a, b))
            spans = [(t.idx, t.idx + len(t), label) for t in doc if t.text in (a, b)]
            data.append((doc, spans))
    relabeler = fit_relabeler(data)
    relabeler.keep = 1.0  # a probability never beats a vote of 1: the recognizer's label stays, the doubt is what is left
    nlp.add_pipe(NAME).relabeler = relabeler

    def scorecard(label):
        doc = nlp.make_doc(cricket.format("Worcester", "Essex"))
        doc.ents = [Span(doc, 0, 1, label=label), Span(doc, 2, 3, label=label)]
        return nlp.get_pipe(NAME)(doc)  # as the pipeline runs it after the recognizer

    sure, doubtful = scorecard("ORG"), scorecard("LOC")  # sides read as places: what a team corrects
    assert label_doubt(nlp, doubtful) > 1.0 > label_doubt(nlp, sure)
    assert uncertainties(nlp, [doubtful])[0] == pytest.approx(label_doubt(nlp, doubtful))
    assert label_doubt(spacy.blank("en"), doubtful) == 0.0  # no second opinion in the pipeline
