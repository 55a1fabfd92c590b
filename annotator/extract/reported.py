"""Candidates and features for every attribution (direct, mixed, indirect) over a parsed Doc.

An attribution is a cue (the reporting words: "said", "told reporters", "according to", "in a
statement"), its content (what was said, believed or found) and its source (who said it). In news
two attributions in three carry no quotation marks ("officials said the talks would resume"), so
they are found from the parse, not from marks:

- every token that can head a cue is a cue candidate (`cue_sites`); `cue_features` describe it;
- a cue's content candidates are the subtrees the parse hangs on it (its clausal complement, its
  object, the clause it modifies, minus the cue's own clause) (`content_candidates`);
- a cue's source candidates are its subject, the agent of a passive, the object of "according to",
  an inherited subject up a chain of clauses, and the noun phrases of its sentence
  (`source_candidates`).

Learned scorers (`attribution_model.py`) choose among them; nothing here decides. Works on the Doc
it is given and never imports spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass

QUOTE_CHARS = frozenset("“”\"«»„'‘’`")
# Parts of speech that head a cue: verbs (said), nouns (statement), "according", a colon.
_CUE_POS = frozenset({"VERB", "AUX", "NOUN", "ADJ", "ADP", "PUNCT"})
_CONTENT_SKIP = frozenset({"punct", "aux", "auxpass", "neg", "det", "cc", "case", "prt", "expl", "mark"})
_SUBJECT = frozenset({"nsubj", "nsubjpass", "csubj", "csubjpass"})
_CLIMB = frozenset({"xcomp", "conj", "advcl", "ccomp", "acl", "relcl", "pcomp", "prep", "pobj"})
_MENTION_CUT = frozenset({"relcl", "acl", "punct", "cc", "conj"})

Span = tuple[int, int]  # characters [start, end)


@dataclass(slots=True)
class Candidate:
    span: Span  # characters
    head: int  # token index of the candidate's syntactic head
    kind: str  # how the parse relates it to the cue ("child:ccomp", "nsubj", "according", ...)
    lo: int = 0  # first and last token
    hi: int = 0


def char_span(doc, lo: int, hi: int) -> Span:
    """Characters of tokens lo..hi inclusive."""
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def trim(doc, lo: int, hi: int) -> tuple[int, int] | None:
    """Tokens lo..hi without punctuation or spaces at either edge (quotation marks stay: a direct
    content holds its marks)."""
    while lo <= hi and _edge_junk(doc[lo]):
        lo += 1
    while hi >= lo and _edge_junk(doc[hi]):
        hi -= 1
    return (lo, hi) if lo <= hi else None


def _edge_junk(tok) -> bool:
    return tok.is_space or (tok.is_punct and not (set(tok.text) & QUOTE_CHARS))


def quote_depth(doc) -> list[int]:
    """For each token, 1 when it lies inside a pair of double quotation marks of its paragraph."""
    inside = [0] * len(doc)
    state = 0
    for t in doc:
        if "\n" in t.text:
            state = 0
        if t.text in ("“", "«", "„"):
            state = 1
            continue
        if t.text in ("”", "»"):
            state = 0
            continue
        if t.text in ('"', "``", "''"):
            state = 1 - state
            continue
        inside[t.i] = state
    return inside


def cue_sites(doc) -> list[int]:
    """Token indexes that may head a cue."""
    out = []
    for t in doc:
        if t.pos_ in _CUE_POS and (t.pos_ != "PUNCT" or t.text == ":") and (t.pos_ != "ADP" or t.lower_ in ("per", "according")):
            out.append(t.i)
    return out


def _bucket(n: int) -> str:
    for edge in (0, 1, 2, 3, 5, 8, 13, 21, 34):
        if n <= edge:
            return str(edge)
    return "more"


def cue_features(doc, i: int, inside: list[int]) -> dict[str, float]:
    t = doc[i]
    lem = t.lemma_.lower()
    f = {
        "bias": 1.0,
        "lem=" + lem: 1.0,
        "low=" + t.lower_: 1.0,
        "pos=" + t.pos_: 1.0,
        "tag=" + t.tag_: 1.0,
        "dep=" + t.dep_: 1.0,
        "lem|dep=" + lem + "|" + t.dep_: 1.0,
        "lem|tag=" + lem + "|" + t.tag_: 1.0,
        "hdep=" + t.dep_ + "|" + t.head.pos_: 1.0,
        "hlem=" + t.head.lemma_.lower(): 1.0,
        "inq": float(inside[i]),
    }
    nxt = doc[i + 1].lower_ if i + 1 < len(doc) else "</s>"
    prev = doc[i - 1].lower_ if i > 0 else "<s>"
    f["n1=" + nxt] = 1.0
    f["p1=" + prev] = 1.0
    f["n2=" + (doc[i + 2].lower_ if i + 2 < len(doc) else "</s>")] = 1.0
    f["p2=" + (doc[i - 2].lower_ if i > 1 else "<s>")] = 1.0
    f["lem|n1=" + lem + "|" + nxt] = 1.0
    f["lem|p1=" + lem + "|" + prev] = 1.0
    f["lem|inq=" + lem + "|" + str(inside[i])] = 1.0
    f["lem|hlem=" + lem + "|" + t.head.lemma_.lower()] = 1.0
    deps = set()
    for c in t.children:
        deps.add(c.dep_)
        if c.dep_ in _SUBJECT:
            f["subj=" + c.pos_] = 1.0
            kind = c.ent_type_ or ("PRON" if c.pos_ == "PRON" else c.pos_)
            f["subjent=" + kind] = 1.0
            f["lem|subj=" + lem + "|" + kind] = 1.0
            f["subjlem=" + c.lower_] = 1.0
            f["subjhead=" + c.lemma_.lower()] = 1.0
        if c.dep_ == "prep":
            f["lem|prep=" + lem + "|" + c.lower_] = 1.0
        if c.dep_ in ("ccomp", "xcomp", "dobj"):
            marks = [g.lower_ for g in c.children if g.dep_ in ("mark", "aux") and g.i < c.i]
            f["lem|" + c.dep_ + "=" + lem + "|" + (marks[0] if marks else "-")] = 1.0
    for d in deps:
        f["ch=" + d] = 1.0
        f["lem|ch=" + lem + "|" + d] = 1.0
    f["nch=" + "+".join(sorted(d for d in deps if d in ("ccomp", "dobj", "xcomp", "nsubj", "nsubjpass", "prep", "dative")))] = 1.0
    # Quotation marks next to the cue's clause: direct and mixed attributions.
    sent = t.sent
    f["sentq"] = float(any(inside[j] for j in range(sent.start, sent.end)))
    f["sentpos=" + _bucket(i - sent.start)] = 1.0
    return f


def _child_candidates(doc, t, add) -> None:
    """The content candidates a cue's children give: each child's subtree, and below some of them."""
    for c in t.children:
        if c.dep_ in _CONTENT_SKIP:
            continue
        if c.dep_ in _SUBJECT and c.pos_ in ("PRON", "PROPN", "NOUN") and c.i < t.i:
            # Usually the source; the content of a passive or evaluative cue ("the meeting was
            # confirmed", "this sounds far-fetched").
            add(c.left_edge.i, c.right_edge.i, "subj:" + c.dep_, c.i)
            continue
        lo, hi = c.left_edge.i, c.right_edge.i
        add(lo, hi, "child:" + c.dep_, c.i)
        if c.dep_ in ("dobj", "pobj", "attr") and c.i < hi:
            # The noun phrase without what follows its head ("the meeting" of "the meeting on the
            # condition of anonymity").
            add(lo, c.i, "core:" + c.dep_, c.i)
        if c.dep_ == "prep":
            for g in c.children:
                if g.dep_ in ("pobj", "pcomp"):
                    add(g.left_edge.i, g.right_edge.i, "prep:" + c.lower_, g.i)
        elif c.dep_ in ("dobj", "acomp", "xcomp", "attr"):
            # A cue of several words ("claimed responsibility for", "failed to prosecute", "is
            # uncomfortable on"): the content hangs one step further down.
            for g in c.children:
                if g.dep_ == "prep":
                    for gg in g.children:
                        if gg.dep_ in ("pobj", "pcomp"):
                            add(gg.left_edge.i, gg.right_edge.i, "deep:" + c.dep_ + ":prep", gg.i)
                elif g.dep_ in ("dobj", "ccomp") and c.dep_ in ("xcomp", "acomp"):
                    add(g.left_edge.i, g.right_edge.i, "deep:" + c.dep_ + ":" + g.dep_, g.i)


_FULL_STOPS = frozenset(".?!")


def _full_stop(doc, j: int) -> bool:
    """Token j ends a sentence in the text, whatever the parse says: a full stop of its own (the
    tokenizer keeps "Mr." and "U.S." whole) before a word with a capital, or a quotation mark and one."""
    if doc[j].text not in _FULL_STOPS or j + 1 >= len(doc):
        return False
    nxt = doc[j + 1]
    while (nxt.is_space or nxt.is_punct and set(nxt.text) & QUOTE_CHARS) and nxt.i + 1 < len(doc):
        nxt = doc[nxt.i + 1]
    return nxt.text[:1].isupper()


def _sentence_break(doc, j: int) -> bool:
    """A sentence of the text ends with token j: a full stop, or a line break (a headline's end)."""
    return _full_stop(doc, j) or doc[j].is_space and "\n" in doc[j].text


def _sentence_window(doc, i: int) -> tuple[int, int]:
    """The tokens of the text's sentence around the cue at token i. The parser now and then runs two
    sentences into one ("… that CNN had. "Let me tell you," Cruz said", a headline into the first
    line); a content across a full stop or a line break is almost never right (55 and 17 of 13,508
    indirect contents in PolNeAR's training split)."""
    sent = doc[i].sent
    first = i
    while first > sent.start and not _sentence_break(doc, first - 1):
        first -= 1
    last = i
    while last + 1 < sent.end and not _sentence_break(doc, last):
        last += 1
    return first, last


def content_candidates(doc, i: int) -> list[Candidate]:
    """Spans the parse makes the content of a cue headed by token i."""
    t = doc[i]
    out: list[Candidate] = []
    seen: set[Span] = set()
    first, last = _sentence_window(doc, i)

    def add(lo: int, hi: int, kind: str, head: int) -> None:
        if kind != "sent:next":  # the one candidate that is the next sentence on purpose ("He said: …")
            lo, hi = max(lo, first), min(hi, last)
        cut = trim(doc, lo, hi)
        if cut is None:
            return
        span = char_span(doc, *cut)
        if span not in seen:
            seen.add(span)
            out.append(Candidate(span, head, kind, *cut))

    _child_candidates(doc, t, add)
    # The cue's own clause, cue included ("the bank is expected to pass on a rise").
    add(t.left_edge.i, t.right_edge.i, "self", i)
    # Everything the cue governs after it ("thanked his supporters for delivering …"), and an
    # object without its relative clause ("predicted a Cruz win in Texas, which votes …").
    rights = [c for c in t.rights if c.dep_ not in _CONTENT_SKIP and c.dep_ not in _SUBJECT]
    if len(rights) > 1:
        add(rights[0].left_edge.i, rights[-1].right_edge.i, "rights", rights[0].i)
    for c in rights:
        if c.dep_ in ("dobj", "dative", "attr", "oprd"):
            lo, hi = mention(doc, c.i)
            add(lo, hi, "np:" + c.dep_, c.i)
    h = t.head
    if h.i != i:
        # The clause the cue modifies, minus the cue's own subtree: "X will resume, officials said";
        # "According to the report, X"; "X, he said, Y" (then both sides).
        lo, hi = h.left_edge.i, h.right_edge.i
        clo, chi = t.left_edge.i, t.right_edge.i
        if clo > lo:
            add(lo, clo - 1, "left:" + t.dep_, h.i)
        if chi < hi:
            add(chi + 1, hi, "right:" + t.dep_, h.i)
        add(lo, hi, "whole:" + t.dep_, h.i)
        if h.head.i != h.i and t.dep_ in ("prep", "advcl", "npadvmod"):
            hh = h.head
            add(hh.left_edge.i, hh.right_edge.i, "up:" + t.dep_, hh.i)
    # The rest of the sentence on the far side of the cue's clause.
    sent = t.sent
    clo, chi = t.left_edge.i, t.right_edge.i
    if chi + 1 < sent.end:
        add(chi + 1, sent.end - 1, "sent:after", chi + 1)
    if clo > sent.start:
        add(sent.start, clo - 1, "sent:before", sent.start)
    if t.text == ":" and sent.end < len(doc):
        # "He said: …" where the parser starts a new sentence after the colon.
        nxt = doc[sent.end].sent
        add(nxt.start, nxt.end - 1, "sent:next", nxt.start)
    return out


def content_features(doc, i: int, cand: Candidate, inside: list[int], others: list[Candidate] = ()) -> dict[str, float]:
    """Features of one content candidate. `others` are all of the cue's candidates: the scorer ranks
    them against each other, so a feature may say how this one compares ("the longest", "an
    object, when there is a clause")."""
    t = doc[i]
    lem = t.lemma_.lower()
    lo, hi = cand.lo, cand.hi
    n = hi - lo + 1
    first, last = doc[lo], doc[hi]
    side = "L" if cand.span[1] <= t.idx else ("R" if cand.span[0] >= t.idx + len(t) else "O")
    h = doc[cand.head]
    after = doc[hi + 1] if hi + 1 < len(doc) else None
    before = doc[lo - 1] if lo > 0 else None
    f = {
        "bias": 1.0,
        "kind=" + cand.kind: 1.0,
        "lem|kind=" + lem + "|" + cand.kind: 1.0,
        "dep|kind=" + t.dep_ + "|" + cand.kind: 1.0,
        "side=" + side: 1.0,
        "side|kind=" + side + "|" + cand.kind: 1.0,
        "lem|side=" + lem + "|" + side: 1.0,
        "len=" + _bucket(n): 1.0,
        "kind|len=" + cand.kind + "|" + _bucket(n): 1.0,
        "first=" + first.lower_: 1.0,
        "firstpos=" + first.pos_: 1.0,
        "kind|first=" + cand.kind + "|" + first.pos_: 1.0,
        "last=" + last.lower_: 1.0,
        "lastpos=" + last.pos_: 1.0,
        "after=" + (after.lower_ if after is not None else "</s>"): 1.0,
        "before=" + (before.lower_ if before is not None else "<s>"): 1.0,
        "hpos=" + h.pos_: 1.0,
        "hdep=" + h.dep_: 1.0,
        "kind|hpos=" + cand.kind + "|" + h.pos_: 1.0,
        "lem|hpos=" + lem + "|" + h.pos_: 1.0,
        "lastpunct": float(doc[hi].is_punct),
        "xsent": float(doc[lo].sent.start != doc[hi].sent.start),
        "sentend": float(hi + 1 >= len(doc) or doc[hi + 1].is_sent_start or doc[hi + 1].is_punct and doc[hi + 1].text in ".!?"),
    }
    marks = sum(1 for j in range(lo, hi + 1) if set(doc[j].text) & QUOTE_CHARS and doc[j].is_punct)
    f["marks=" + _bucket(marks)] = 1.0
    f["allq"] = float(n > 0 and sum(inside[lo : hi + 1]) / n > 0.8)
    hv = any(c.dep_ in _SUBJECT for c in h.children)
    f["hsubj"] = float(hv)
    f["kind|hsubj=" + cand.kind + "|" + str(hv)] = 1.0
    for c in h.children:
        if c.dep_ == "mark":
            f["mark=" + c.lower_] = 1.0
    verbs = sum(1 for j in range(lo, hi + 1) if doc[j].pos_ in ("VERB", "AUX") and doc[j].dep_ not in ("aux", "auxpass"))
    f["verbs=" + _bucket(verbs)] = 1.0
    if others:
        lengths = sorted({c.hi - c.lo for c in others if c is not cand}, reverse=True)
        f["longest"] = float(not lengths or n - 1 > lengths[0])
        f["shortest"] = float(not lengths or n - 1 < lengths[-1])
        f["side|longest=" + side + "|" + str(f["longest"])] = 1.0
        for other in {c.kind for c in others}:
            if other != cand.kind:
                f["kind|other=" + cand.kind + "|" + other] = 1.0
        inner = {c.kind for c in others if c is not cand and c.lo >= lo and c.hi <= hi}
        for k in inner:
            f["holds=" + k] = 1.0
    return f


def source_candidates(doc, i: int) -> list[Candidate]:
    """Mentions that may be the source of a cue headed by token i."""
    t = doc[i]
    out: list[Candidate] = []
    seen: set[int] = set()

    def add(tok, kind: str) -> None:
        if tok.i in seen or tok.is_punct or tok.is_space:
            return
        seen.add(tok.i)
        lo, hi = mention(doc, tok.i)
        out.append(Candidate(char_span(doc, lo, hi), tok.i, kind, lo, hi))

    for c in t.children:
        if c.dep_ in _SUBJECT:
            add(c, "subj")
        elif c.dep_ == "agent":
            for g in c.children:
                if g.dep_ == "pobj":
                    add(g, "agent")
        elif c.dep_ == "prep" and c.lower_ in ("to", "from", "by", "of"):
            for g in c.children:
                if g.dep_ == "pobj":
                    add(g, "prep:" + c.lower_)
        elif c.dep_ == "poss":
            add(c, "poss")
        elif c.dep_ in ("dobj", "dative", "pobj", "attr", "appos", "compound", "amod", "nmod"):
            add(c, "child:" + c.dep_)
    # "said in a statement", "according to": the cue's clause up the tree gives the subject.
    h, steps = t, 0
    while h.dep_ in _CLIMB and h.head.i != h.i and steps < 4:
        h, steps = h.head, steps + 1
        for c in h.children:
            if c.dep_ in _SUBJECT or c.dep_ == "poss":
                add(c, "up:" + c.dep_)
    # Any noun phrase of the sentence: the parse can be wrong.
    for j in range(t.sent.start, t.sent.end):
        tok = doc[j]
        if tok.pos_ in ("PROPN", "PRON", "NOUN") and tok.dep_ not in ("compound", "poss", "amod"):
            add(tok, "np")
    return out


def mention(doc, head: int) -> tuple[int, int]:
    """Token range of the noun phrase headed by `head`: its subtree without relative clauses,
    appositions' commas and conjuncts after it."""
    tok = doc[head]
    lo, hi = tok.left_edge.i, tok.right_edge.i
    cut = [c.left_edge.i for c in tok.rights if c.dep_ in _MENTION_CUT]
    if cut:
        hi = max(head, min(cut) - 1)
    lo = min(lo, head)
    trimmed = trim(doc, lo, hi)
    return trimmed if trimmed is not None else (head, head)


def source_features(doc, i: int, cand: Candidate) -> dict[str, float]:
    t = doc[i]
    s = doc[cand.head]
    lem = t.lemma_.lower()
    dist = s.i - i
    side = "L" if dist < 0 else "R"
    f = {
        "bias": 1.0,
        "kind=" + cand.kind: 1.0,
        "lem|kind=" + lem + "|" + cand.kind: 1.0,
        "pos=" + s.pos_: 1.0,
        "kind|pos=" + cand.kind + "|" + s.pos_: 1.0,
        "ent=" + (s.ent_type_ or "-"): 1.0,
        "kind|ent=" + cand.kind + "|" + (s.ent_type_ or "-"): 1.0,
        "side=" + side: 1.0,
        "dist=" + side + _bucket(abs(dist)): 1.0,
        "kind|dist=" + cand.kind + "|" + side + _bucket(abs(dist)): 1.0,
        "dep=" + s.dep_: 1.0,
        "low=" + s.lower_: 1.0,
        "tdep|kind=" + t.dep_ + "|" + cand.kind: 1.0,
    }
    # What the candidate hangs on (the cue itself, another verb), and its kind of word in context.
    gov = "cue" if s.head.i == i else s.head.pos_
    f["gov=" + gov] = 1.0
    f["kind|gov=" + cand.kind + "|" + gov] = 1.0
    f["ent|side=" + (s.ent_type_ or "-") + "|" + side] = 1.0
    f["pos|dep=" + s.pos_ + "|" + s.dep_] = 1.0
    f["lem|pos=" + lem + "|" + s.pos_] = 1.0
    f["xsent"] = float(s.sent.start != t.sent.start)
    f["tag=" + s.tag_] = 1.0
    return f


def no_source_features(doc, i: int) -> dict[str, float]:
    """Features of "nobody": the choice, ranked beside the source candidates, that the cue has no
    source in its text ("it was reported that", "is expected to", "the claim that")."""
    t = doc[i]
    lem = t.lemma_.lower()
    deps = {c.dep_ for c in t.children}
    subject = next((c for c in t.children if c.dep_ in _SUBJECT), None)
    f = {
        "none": 1.0,
        "none|lem=" + lem: 1.0,
        "none|pos=" + t.pos_: 1.0,
        "none|dep=" + t.dep_: 1.0,
        "none|passive": float("auxpass" in deps or "nsubjpass" in deps),
        "none|agent": float("agent" in deps),
        "none|subj=" + (subject.lower_ if subject is not None and subject.pos_ == "PRON" else
                        subject.pos_ if subject is not None else "-"): 1.0,
        "none|expl": float("expl" in deps),
    }
    return f
