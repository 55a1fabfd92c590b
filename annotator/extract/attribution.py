"""Find each quotation's cue and speaker on a spaCy Doc (parsed, or blank with a sentencizer).

Works on the Doc it is given and never imports spaCy itself. With a dependency parse the speaker
is the subject of the cue verb (with its full extent: titles and appositions); without one, simple
patterns next to the cue find it ("…,” said NAME / NAME said / he said).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from annotator.extract.lexicon import (
    CORE_FORMS,
    DETERMINERS,
    DOCUMENT_NOUNS,
    NAMING_FORMS,
    PRONOUNS,
    PRONOUNS_PERSON,
    RELATIVE,
    ROLE_NOUNS,
    SPEECH_FORMS,
    SPEECH_NOUNS,
    TITLES,
)
from annotator.extract.quotes import QuoteCandidate

_STOP = {".", "!", "?"}
_SUBJECT_DEPS = {"nsubj", "nsubjpass", "csubj"}
_CLIMB_DEPS = {"conj", "xcomp", "advcl", "ccomp", "parataxis"}
_SKIPPABLE = frozenset(
    "also later then has had have would will previously once again further recently earlier still "
    "told reporters just simply only even".split()
)
_NAME_JOINERS = frozenset("of de del da di van von der al bin ibn la le du dos das y and".split())
_CONTEXT = 60  # tokens looked at on either side of a quote


@dataclass(slots=True)
class Attribution:
    speaker: tuple[int, int] | None  # character span of the mention as written
    head: int | None  # token index of the mention's head (for resolving it to an entity)
    cue: tuple[int, int] | None
    inherited: bool = False
    how: str = ""  # which rule found it (for debugging and the figures in docs/extraction.md)


class DocView:
    """Token lookups over one Doc, built once per document."""

    def __init__(self, doc, quotes: list[QuoteCandidate]) -> None:
        self.doc = doc
        self.text = doc.text
        self.starts = [t.idx for t in doc]
        self.parsed = doc.has_annotation("DEP")
        self.tagged = doc.has_annotation("POS")
        self._sent_starts: list[int] | None = None  # sent_start(), made on first use
        n = len(doc)
        # The quote (index) each token is inside, or -1.
        self.in_quote = [-1] * n
        for qi, q in enumerate(quotes):
            for start, end in q.parts:
                for i in range(self.token_at(start), self.token_at(end - 1) + 1):
                    self.in_quote[i] = qi

    def token_at(self, char: int) -> int:
        return max(0, bisect_right(self.starts, char) - 1)

    def sent_start(self, i: int) -> int:
        """The first token of token i's sentence. Token.sent walks the Doc's sentences from the
        first on each call: once a quote, that made a 300 kB article's attribution quadratic (39 s)."""
        if self._sent_starts is None:
            self._sent_starts = starts = [0] * len(self.doc)
            for sent in self.doc.sents:
                starts[sent.start:sent.end] = [sent.start] * (sent.end - sent.start)
        return self._sent_starts[i]

    def is_break(self, i: int) -> bool:
        tok = self.doc[i]
        return tok.is_space and "\n" in tok.text or "\n" in tok.whitespace_


def _char_span(doc, lo: int, hi: int) -> tuple[int, int]:
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text)


def _before_tokens(view: DocView, qi: int, q: QuoteCandidate) -> list[int]:
    """Token indexes before the quote back to the sentence start, nearest first."""
    out = []
    i = view.token_at(q.start) - 1
    while i >= 0 and len(out) < _CONTEXT:
        tok = view.doc[i]
        if view.in_quote[i] != -1 or tok.text in _STOP or (tok.is_space and "\n" in tok.text):
            break
        if "\n" in tok.whitespace_:
            break
        out.append(i)
        i -= 1
    return out


def _after_tokens(view: DocView, qi: int, q: QuoteCandidate) -> list[int]:
    """Token indexes after the quote up to the sentence end, nearest first."""
    out = []
    last = view.token_at(q.end - 1)
    if "\n" in view.doc[last].whitespace_:
        return out
    if view.text[q.start : q.end].rstrip("”\"'»`’‘ \xa0").endswith("."):
        return out  # “… Strength.” He told …: the sentence ended inside the quote
    i = last + 1
    n = len(view.doc)
    while i < n and len(out) < _CONTEXT:
        tok = view.doc[i]
        if view.in_quote[i] != -1 or (tok.is_space and "\n" in tok.text):
            break
        if tok.text in _STOP:
            break
        out.append(i)
        if "\n" in tok.whitespace_:
            break
        i += 1
    return out


def _gap_tokens(view: DocView, q: QuoteCandidate) -> list[int]:
    out = []
    for start, end in q.gaps:
        lo = view.token_at(start)
        hi = view.token_at(end - 1)
        out.extend(i for i in range(lo, hi + 1) if view.in_quote[i] == -1)
    return out


def _is_cue(view: DocView, i: int) -> bool:
    tok = view.doc[i]
    low = tok.lower_
    if low not in SPEECH_FORMS:
        return False
    if not view.tagged:
        return True
    if tok.pos_ in ("VERB", "AUX") or tok.tag_.startswith("VB"):
        return True
    # The tagger sometimes calls "said" or "says" a noun or adjective next to a quote.
    return low in CORE_FORMS and tok.tag_ not in ("NNS",)


def _climb_subject(view: DocView, verb: int) -> int | None:
    """The subject of the cue verb, climbing through conjunctions and participle clauses."""
    tok = view.doc[verb]
    for _ in range(4):
        subjects = [c for c in tok.children if c.dep_ in _SUBJECT_DEPS and view.in_quote[c.i] == -1]
        if subjects:
            # Several subjects (a parse that took a time stamp for one): the nearest to the verb.
            return min(subjects, key=lambda c: abs(c.i - tok.i)).i
        if tok.dep_ == "relcl" and view.in_quote[tok.head.i] == -1:
            return tok.head.i
        if tok.dep_ == "acl" and view.in_quote[tok.head.i] == -1 and tok.head.pos_ in ("NOUN", "PROPN"):
            return tok.head.i
        if tok.dep_ in _CLIMB_DEPS and tok.head.i != tok.i:
            tok = tok.head
            continue
        if tok.dep_ == "pcomp" and tok.head.dep_ == "prep" and tok.head.head.i != tok.head.i:
            tok = tok.head.head  # "X, despite admitting …, said": the clause the phrase hangs from
            continue
        return None
    return None


def _mention_extent(view: DocView, head: int, q: QuoteCandidate, lo_bound: int, hi_bound: int) -> tuple[int, int]:
    """Token range [lo, hi] of the mention headed by `head`: its subtree without relative clauses,
    clipped to the context and never running into a quote."""
    tok = view.doc[head]
    if not view.parsed:
        return head, head
    if tok.tag_ == "VBG" or (tok.pos_ == "NOUN" and tok.lower_.endswith("ing")):
        # "Writing in a blog post, Matthew Ingram ... dubbed": the parser can make the participle
        # (even tagged as a noun) the subject and the name its modifier; the name after the comma
        # is the mention.
        named = [c for c in tok.rights if c.dep_ in ("npadvmod", "appos", "nsubj")
                 and c.pos_ in ("PROPN", "PRON")
                 and any(view.doc[j].text == "," for j in range(head + 1, c.left_edge.i))]
        if named:
            return _mention_extent(view, named[0].i, q, lo_bound, hi_bound)
    lo, hi = tok.left_edge.i, tok.right_edge.i
    cut = [c for c in tok.rights if c.dep_ in ("relcl", "acl") and c.i > head]
    # After a name or pronoun, "to the crowd", "in a statement", "on Friday" say where or to whom
    # it was said (the parser often hangs them on the name); "of"/"for"/"from" give affiliation.
    if tok.pos_ in ("PROPN", "PRON"):
        cut += [c for c in tok.rights if c.dep_ == "prep" and c.lower_ not in ("of", "for", "from")]
    if cut:
        hi = min(c.left_edge.i for c in cut) - 1
    # A name the parser split into several subjects is still one mention: extend to the entity.
    doc = view.doc
    if tok.ent_iob_ in ("B", "I"):
        ent_lo = head
        while ent_lo > 0 and doc[ent_lo].ent_iob_ == "I":
            ent_lo -= 1
        ent_hi = head
        while ent_hi + 1 < len(doc) and doc[ent_hi + 1].ent_iob_ == "I":
            ent_hi += 1
        lo, hi = min(lo, ent_lo), max(hi, ent_hi)
    lo = max(lo, lo_bound)
    hi = min(hi, hi_bound)
    # Never cross a quote or a line break.
    for i in range(head, lo - 1, -1):
        if view.in_quote[i] != -1 or (i < head and view.is_break(i)):
            lo = i + 1
            break
    for i in range(head, hi + 1):
        if view.in_quote[i] != -1 or (i > head and view.doc[i].is_space):
            hi = i - 1
            break
    # Trim punctuation at the edges.
    while hi > lo and view.doc[hi].is_punct and view.doc[hi].text not in (")",):
        hi -= 1
    while lo < hi and view.doc[lo].is_punct and view.doc[lo].text not in ("(",):
        lo += 1
    return lo, max(lo, hi)


_CALENDAR = frozenset(
    """monday tuesday wednesday thursday friday saturday sunday january february march april may june
    july august september october november december today yesterday tomorrow""".split()
)
_PATTERN_DETERMINERS = frozenset("the a an his her their its our one another".split())


def _is_name_token(tok) -> bool:
    text = tok.text
    if not text or tok.is_punct or text.lower() in _CALENDAR:
        return False
    return text[0].isupper() or text.lower() in TITLES


def _pattern_after(view: DocView, verb: int, hi_bound: int) -> tuple[int, int] | None:
    """`…,” said Rep. Jane Doe, …` / `said the official`: the mention right after the verb."""
    doc = view.doc
    i = verb + 1
    if i > hi_bound:
        return None
    tok = doc[i]
    if tok.lower_ in PRONOUNS:
        return i, i
    if _is_name_token(tok):
        j = i
        while j + 1 <= hi_bound and (
            _is_name_token(doc[j + 1])
            or (doc[j + 1].lower_ in _NAME_JOINERS and j + 2 <= hi_bound and _is_name_token(doc[j + 2]))
        ):
            j += 1
        return i, j
    if tok.lower_ in _PATTERN_DETERMINERS:
        j = i
        while j + 1 <= hi_bound and j - i < 4 and doc[j + 1].is_alpha and doc[j + 1].lower_ not in SPEECH_FORMS:
            if doc[j + 1].lower_ in _STOPWORDS:
                break
            j += 1
        if j > i:
            return i, j
    return None


_STOPWORDS = frozenset(
    "in on at to that who which after before during when while for with from by of as and but or".split()
)


def _pattern_before(view: DocView, verb: int, lo_bound: int) -> tuple[int, int] | None:
    """`Jane Doe said` / `he told` / `the official said`: the mention right before the verb."""
    doc = view.doc
    j = verb - 1
    while (
        j >= lo_bound and (doc[j].lower_ in _SKIPPABLE or doc[j].lower_.endswith("ly")) and not _is_name_token(doc[j])
    ):
        j -= 1
    if j < lo_bound:
        return None
    if doc[j].text == "," and j - 1 >= lo_bound:
        # NAME, an apposition, said
        k = j - 1
        while k >= lo_bound and k > j - 20 and doc[k].text != "," and view.in_quote[k] == -1:
            k -= 1
        if k >= lo_bound and doc[k].text == "," and k - 1 >= lo_bound and _is_name_token(doc[k - 1]):
            name = _pattern_before(view, k, lo_bound)
            if name is not None:
                return name[0], j - 1
        return None
    tok = doc[j]
    if tok.lower_ in PRONOUNS or tok.lower_ in ("who", "which"):
        return j, j
    if _is_name_token(tok):
        i = j
        while i - 1 >= lo_bound and (
            _is_name_token(doc[i - 1])
            or (doc[i - 1].lower_ in _NAME_JOINERS and i - 2 >= lo_bound and _is_name_token(doc[i - 2]))
        ):
            i -= 1
        if i - 1 >= lo_bound and doc[i - 1].lower_ in _PATTERN_DETERMINERS:
            i -= 1
        return i, j
    if tok.is_alpha and tok.lower_ not in _STOPWORDS:
        # "the official said", "a spokeswoman for the company said" is left to the parse.
        i = j
        while i - 1 >= lo_bound and i > j - 3 and doc[i - 1].is_alpha and doc[i - 1].lower_ not in _STOPWORDS:
            if doc[i - 1].lower_ in _PATTERN_DETERMINERS:
                return i - 1, j
            i -= 1
    return None


def _speaker_for_verb(view: DocView, verb: int, q: QuoteCandidate, lo: int, hi: int):
    """(token range of the mention, head token) for the cue verb, or None."""
    doc = view.doc
    if view.parsed:
        subj = _climb_subject(view, verb)
        if subj is not None and doc[subj].pos_ != "VERB" and lo <= subj <= hi:
            rng = _mention_extent(view, subj, q, max(0, lo - 25), hi + 25)
            if rng[0] <= verb <= rng[1]:  # a parse that hangs the verb under its own subject
                rng = (rng[0], verb - 1) if subj < verb else (verb + 1, rng[1])
                while rng[1] > rng[0] and doc[rng[1]].is_punct:
                    rng = (rng[0], rng[1] - 1)
            if view.in_quote[subj] == -1:
                return rng, subj
    rng = _pattern_before(view, verb, lo) if verb > lo else None
    if rng is None and (_right_after_quote(view, verb, q) or _opens_sentence(view, verb)):
        # Inverted order only right after the quote: “…,” said Jane Doe.
        rng = _pattern_after(view, verb, hi)
    if rng is None:
        return None
    # The head: the last word before an apposition ("President Obama, dedicating …").
    head = rng[1]
    for i in range(rng[0], rng[1] + 1):
        if doc[i].text == ",":
            head = max(rng[0], i - 1)
            break
    return rng, head


def _opens_sentence(view: DocView, verb: int) -> bool:
    """`Said Ellis: “…”`: the verb is the first word of its sentence."""
    i = verb - 1
    while i >= 0 and view.doc[i].is_space and "\n" not in view.doc[i].text:
        i -= 1
    return i < 0 or view.is_break(i) or view.doc[i].text in _STOP or view.doc[i].is_space


def _right_after_quote(view: DocView, verb: int, q: QuoteCandidate) -> bool:
    ends = [view.token_at(e - 1) for _, e in q.parts]
    i = verb - 1
    while i >= 0 and (view.doc[i].is_punct or view.doc[i].is_space) and i not in ends:
        i -= 1
    return i in ends


def _according(view: DocView, tokens: list[int], lo: int, hi: int):
    """`according to X` / `per X` / `in X's words`: (mention range, head, cue range) or None."""
    doc = view.doc
    for i in sorted(tokens):
        low = doc[i].lower_
        if low == "according" and i + 2 <= hi and doc[i + 1].lower_ == "to":
            start = i + 2
            cue = (i, i + 1)
        elif low == "per" and i + 1 <= hi and (doc[i + 1].text[:1].isupper() or doc[i + 1].lower_ in DETERMINERS):
            start = i + 1
            cue = (i, i)
        elif low == "in" and i + 3 <= hi and doc[i + 2].text in ("'s", "’s") and doc[i + 3].lower_ == "words":
            return (i + 1, i + 1), i + 1, (i, i + 3)
        elif low == "in" and i + 4 <= hi and doc[i + 3].text in ("'s", "’s") and doc[i + 4].lower_ == "words":
            return (i + 1, i + 2), i + 2, (i, i + 4)
        else:
            continue
        end = start
        while (
            end + 1 <= hi
            and not doc[end + 1].is_punct
            and view.in_quote[end + 1] == -1
            and not view.doc[end + 1].is_space
        ):
            end += 1
        if view.parsed:
            objs = [c for c in doc[cue[1]].children if c.dep_ == "pobj"]
            if objs:
                head = objs[0].i
                return (start, end), head, cue
        return (start, end), end, cue
    return None


_TRAILER = re.compile(
    r"[ \t\xa0]*(?:[―—–]+|--)[ \t\xa0]*"
    r"((?:[A-Z][\w.'’\-]*)(?:[ \t\xa0]+(?:[A-Z][\w.'’\-]*|de|van|von|del|da|di|al|la|le|y))*)"
    r"[ \t\xa0.]*(?:\n|$|,)"
)


def _trailer(view: DocView, q: QuoteCandidate):
    """`“…” ― Jane Doe` at the end of a reader's comment: (mention range, head, cue range)."""
    m = _TRAILER.match(view.text, q.end)
    if not m:
        return None
    name_start, name_end = m.span(1)
    name_end = name_start + len(m.group(1).rstrip("."))
    lo = view.token_at(name_start)
    hi = view.token_at(name_end - 1)
    dash = view.token_at(m.start(1) - 1)
    while dash > 0 and view.doc[dash].is_space:
        dash -= 1
    return (lo, hi), hi, (dash, dash), (name_start, name_end)


def _first_cue(view: DocView, tokens: list[int]) -> int | None:
    for i in tokens:
        if _is_cue(view, i):
            return i
    return None


def _governs_quote(view: DocView, verb: int, q: QuoteCandidate) -> bool:
    """Is the quote (part of) the verb's complement in the parse?"""
    if not view.parsed:
        return True
    first = view.token_at(q.start) + 1
    last = view.token_at(q.end - 1)
    target = view.doc[verb]
    for i in range(first, min(last, first + 6) + 1):
        tok = view.doc[i]
        for _ in range(12):
            if tok.i == target.i:
                return True
            if tok.head.i == tok.i:
                break
            tok = tok.head
    return False


_SUBORDINATORS = frozenset("while whilst although though because if unless whereas since after before until once".split())


def _in_subordinate_clause(view: DocView, verb: int) -> bool:
    """The verb heads a clause opened by "while", "although", "if" … ("as" may open an attribution)."""
    if not view.parsed:
        return False
    return any(c.dep_ == "mark" and c.lower_ in _SUBORDINATORS for c in view.doc[verb].children)


def attribute(doc, quotes: list[QuoteCandidate]) -> list[Attribution | None]:
    """The cue and speaker of each quote (None: no attribution found)."""
    view = DocView(doc, quotes)
    out: list[Attribution | None] = []
    # Titles (“Morning Edition”) inherit nobody's words.
    titles = [_is_title(view.text[q.start : q.end]) for q in quotes]
    for qi, q in enumerate(quotes):
        out.append(_attribute_one(view, qi, q))
    # Quotes with no cue of their own inherit the speaker of an attributed quote just before,
    # in the same or the next paragraph ("“…,” she said. / “…”").
    for qi, q in enumerate(quotes):
        if out[qi] is not None or qi == 0 or titles[qi]:
            continue
        prev = out[qi - 1]
        if prev is None or prev.speaker is None:
            continue
        between = view.text[quotes[qi - 1].end : q.start]
        if between.count("\n") > 1 and between.strip("\n \t\xa0").count("\n") > 0:
            continue
        if "\n" in between and not _starts_paragraph(view.text, q.start):
            continue
        out[qi] = Attribution(prev.speaker, prev.head, None, inherited=True, how="inherited")
    return out


_SMALL_WORDS = frozenset("a an the of and or in on at to for with by from as is vs".split())
_WORDS = re.compile(r"[^\W_][\w'’.\-]*")


def _is_title(quoted: str) -> bool:
    """“Fox and Friends”, “The Long Road”: two to seven words, each significant one capitalised."""
    words = _WORDS.findall(quoted)
    if not 2 <= len(words) <= 7 or not words[0][0].isupper():
        return False
    return all(w[0].isupper() or w[0].isdigit() or w.lower() in _SMALL_WORDS for w in words)


def _in_relative_clause(view: DocView, verb: int) -> bool:
    """`what he called “…”`, `in which she called it “…”`: a naming verb inside a relative clause."""
    tok = view.doc[verb]
    if tok.lower_ not in NAMING_FORMS:
        return False
    for c in tok.children:
        if c.dep_ in ("dobj", "nsubj", "oprd") and c.lower_ == "what":
            return True
        if c.dep_ == "prep" and any(g.lower_ == "which" for g in c.children):
            return True
    return False


def _starts_paragraph(text: str, start: int) -> bool:
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip()


def _chain(view: DocView, q: QuoteCandidate, lo: int, hi: int) -> list[int]:
    """The tokens the quote hangs from in the parse, nearest first, within [lo, hi]."""
    if not view.parsed:
        return []
    doc = view.doc
    qi = view.in_quote[view.token_at(q.start)]
    first, last = view.token_at(q.parts[0][0]), view.token_at(q.parts[0][1] - 1)
    # The quote's own root: a token of the first part whose head lies outside the quote.
    roots = [
        i
        for i in range(first, last + 1)
        if (view.in_quote[doc[i].head.i] != qi or doc[i].head.i == i) and not doc[i].is_punct
    ]
    if not roots:
        return []
    tok = doc[roots[0]]
    out = []
    seen = set()
    while tok.head.i != tok.i and tok.head.i not in seen:
        if out and tok.dep_ == "conj" and any(c.dep_ in _SUBJECT_DEPS for c in tok.children):
            break  # a conjoined clause with a subject of its own: its head is another statement
        tok = tok.head
        seen.add(tok.i)
        if view.in_quote[tok.i] != -1:
            continue
        if not lo <= tok.i <= hi:
            break
        out.append(tok.i)
    return out


_NOT_SPEAKERS = frozenset({"DATE", "TIME", "CARDINAL", "PERCENT", "MONEY", "QUANTITY", "ORDINAL"})


def _person_like(view: DocView, i: int, speech: bool) -> bool:
    tok = view.doc[i]
    low = tok.lower_
    if low in _CALENDAR or tok.ent_type_ in ("DATE", "TIME"):
        return False
    if not speech and (tok.ent_type_ in _NOT_SPEAKERS or tok.like_num):
        return False
    if not view.tagged:
        return True
    if low in PRONOUNS_PERSON or low in ("they", "them"):
        return True
    if low in ("who", "which") and speech:
        return True
    if low in RELATIVE or low in ("what", "this", "there", "here"):
        return False
    if tok.ent_type_ in ("PERSON", "ORG", "NORP", "GPE"):
        return True
    if speech:
        return tok.pos_ in ("PROPN", "NOUN", "PRON")
    return tok.pos_ == "PROPN" or tok.lemma_.lower() in ROLE_NOUNS


def _from_verb(view: DocView, verb: int, q: QuoteCandidate, lo: int, hi: int, speech: bool = True):
    """(mention range, head) of the cue verb's subject when it is inside [lo, hi]."""
    got = _speaker_for_verb(view, verb, q, lo, hi)
    if got and _person_like(view, got[1], speech):
        return got
    return None


def _previous_sentence(view: DocView, q: QuoteCandidate, q_lo: int, before: list[int]):
    """`…, Schiff said. “…”`: a quote opening a sentence takes the speaker of the sentence before,
    in the same paragraph, when that one is an attribution."""
    if any(not view.doc[i].is_punct and not view.doc[i].is_space for i in before):
        return None
    doc = view.doc
    i = q_lo - 1
    while i >= 0 and (doc[i].is_space and "\n" not in doc[i].text) or i >= 0 and doc[i].text in _STOP:
        i -= 1
    if i < 0 or view.is_break(i) or view.in_quote[i] != -1:
        return None
    sent_lo = view.sent_start(i) if view.parsed or doc.has_annotation("SENT_START") else max(0, i - _CONTEXT)
    tokens = []
    j = i
    while j >= sent_lo and not view.is_break(j) and view.in_quote[j] == -1 and len(tokens) < _CONTEXT:
        tokens.append(j)
        j -= 1
    if not tokens:
        return None
    cues = [t for t in tokens if _is_cue(view, t) and doc[t].lower_ in CORE_FORMS]
    if not cues:
        return None
    if view.parsed:
        cues.sort(key=lambda t: (doc[t].dep_ != "ROOT", -t))
    verb = cues[0]
    got = _from_verb(view, verb, q, min(tokens), max(tokens))
    if got:
        return got, verb
    return None


# The cascade: named rules tried in order; the first that finds a speaker wins and its name is the
# attribution's `how` (a feature of the learned attribution, features.py: renaming a rule changes
# what the shipped weights mean). Every rule reads one RuleContext and returns an Attribution or None.


@dataclass(frozen=True)
class RuleContext:
    """What the rules read about one quote; the token lists and the parse chain are worked out
    the first time a rule asks for them, once per quote."""

    view: DocView
    qi: int
    q: QuoteCandidate

    @property
    def doc(self):
        return self.view.doc

    @cached_property
    def before(self) -> list[int]:
        return _before_tokens(self.view, self.qi, self.q)

    @cached_property
    def after(self) -> list[int]:
        return _after_tokens(self.view, self.qi, self.q)

    @cached_property
    def gap(self) -> list[int]:
        return _gap_tokens(self.view, self.q)

    @cached_property
    def q_lo(self) -> int:
        return self.view.token_at(self.q.start)

    @cached_property
    def q_hi(self) -> int:
        return self.view.token_at(self.q.end - 1)

    @cached_property
    def lo_bound(self) -> int:
        return min(self.before) if self.before else self.q_lo

    @cached_property
    def hi_bound(self) -> int:
        return max(self.after) if self.after else self.q_hi

    @cached_property
    def lo_all(self) -> int:
        return min([self.q_lo] + self.before + self.after + self.gap)

    @cached_property
    def hi_all(self) -> int:
        return max([self.q_hi] + self.before + self.after + self.gap)

    @cached_property
    def trailing(self) -> bool:
        """The quote's last mark inside is a comma, ?, !, dash or ellipsis: the sentence goes on."""
        last_inside = self.view.text[self.q.start : self.q.end].rstrip("”\"'»`’‘ \xa0").rstrip()[-1:]
        return last_inside in (",", "?", "!", "—", "–", "-", "…")

    @cached_property
    def chain(self) -> list[int]:
        return _chain(self.view, self.q, self.lo_all, self.hi_all)

    @cached_property
    def governed_before(self) -> bool:
        """A reporting verb before the quote governs it in the parse."""
        return any(i < self.q_lo and _is_cue(self.view, i) for i in self.chain)

    @cached_property
    def after_cue(self) -> int | None:
        """The first reporting verb (not a participle) after the quote, unless a finite verb comes
        between them that the quote does not hang from."""
        doc, view = self.doc, self.view
        for i in self.after[:30]:
            if _is_cue(view, i) and not (doc[i].tag_ == "VBG" or doc[i].lower_.endswith("ing")):
                between = [j for j in self.after if j < i]
                finite = any(doc[j].tag_ in ("VBD", "VBZ", "VBP", "MD") for j in between) if view.tagged else False
                if _governs_quote(view, i, self.q) or not finite:
                    return i
                return None
        return None

    def from_verb(self, verb: int, lo: int, hi: int, speech: bool = True):
        return _from_verb(self.view, verb, self.q, lo, hi, speech)

    def found(self, rng: tuple[int, int], head: int, cue: tuple[int, int]) -> Attribution:
        """An Attribution from token ranges of the mention and the cue."""
        return Attribution(_char_span(self.doc, rng[0], rng[1]), head, _char_span(self.doc, cue[0], cue[1]))

    def found_for_verb(self, got, verb: int) -> Attribution:
        """An Attribution from `from_verb`'s (mention range, head), the verb being the cue."""
        return self.found(got[0], got[1], (verb, verb))


def _rule_trailer(c: RuleContext) -> Attribution | None:
    """A reader's comment signed `“…” ― Jane Doe`."""
    t = _trailer(c.view, c.q)
    if t:
        return Attribution(t[3], t[1], _char_span(c.doc, t[2][0], t[2][1]))
    return None


def _rule_gap(c: RuleContext) -> Attribution | None:
    """An attribution between the parts: “A,” she said. “B.”"""
    if not c.gap:
        return None
    verb = _first_cue(c.view, c.gap)
    if verb is not None:
        got = c.from_verb(verb, min(c.gap), max(c.gap))
        if got:
            return c.found_for_verb(got, verb)
    return None


def _rule_after_comma(c: RuleContext) -> Attribution | None:
    """“…,” she said / said X: a quote that ends in a comma is followed by its attribution, unless a
    reporting verb before it already governs it (“X said that “…,” but he …”)."""
    if not c.trailing or c.governed_before:
        return None
    return _rule_after(c)


def _rule_chain(c: RuleContext) -> Attribution | None:
    """The parse: the outermost reporting verb the quote hangs from ("X said Y called it “…”")."""
    speech_chain = [i for i in c.chain if _is_cue(c.view, i)]
    for verb in reversed(speech_chain):
        got = c.from_verb(verb, c.lo_all, c.hi_all)
        if got:
            if _in_relative_clause(c.view, verb):
                around = _around_relative_clause(c, verb)
                if around:
                    return c.found_for_verb(around, verb)
            return c.found_for_verb(got, verb)
    return None


def _around_relative_clause(c: RuleContext, verb: int):
    """"He attacked what he called “…”": the source is the subject of the first verb above the
    relative clause in the chain (or nobody's, if that verb has no person for a subject)."""
    for outer in c.chain[c.chain.index(verb) + 1 :]:
        if c.doc[outer].pos_ in ("VERB", "AUX"):
            return c.from_verb(outer, c.lo_all, c.hi_all, speech=False)
    return None


def _rule_before(c: RuleContext) -> Attribution | None:
    """The nearest reporting verb before the quote in its sentence (X said: “…” / X told Y that “…”),
    not one inside a clause of time, condition or contrast ("While checks will continue, officials
    will … “streamline” …"). Only the nearest: when its subject is no speaker, the rule gives up."""
    for i in c.before:
        if _is_cue(c.view, i) and not _in_subordinate_clause(c.view, i):
            got = c.from_verb(i, c.lo_bound, c.q_lo - 1)
            if got:
                return c.found_for_verb(got, i)
            return None
    return None


def _rule_according(c: RuleContext) -> Attribution | None:
    """according to X / per X / in X's words."""
    acc = _according(c.view, c.after + c.before, c.lo_bound, c.hi_bound)
    if acc:
        return c.found(*acc)
    return None


def _rule_speech_noun(c: RuleContext) -> Attribution | None:
    """X's claim that “…” / his words: the owner of a speech noun the quote hangs from."""
    doc = c.doc
    for i in c.chain:
        if doc[i].lemma_.lower() in SPEECH_NOUNS:
            owners = [o for o in doc[i].children if o.dep_ == "poss" and c.view.in_quote[o.i] == -1]
            if owners:
                o = owners[0]
                lo, hi = o.left_edge.i, o.right_edge.i
                if doc[hi].text in ("'s", "’s", "'", "’") and hi > lo:
                    hi -= 1
                return c.found((lo, hi), o.i, (i, i))
    return None


def _rule_chain_verb(c: RuleContext) -> Attribution | None:
    """Any verb the quote hangs from whose subject is a person or organisation ("Trump likened the
    refugees to a “vicious snake”")."""
    for verb in c.chain:
        if c.doc[verb].pos_ not in ("VERB", "AUX"):
            continue
        got = c.from_verb(verb, c.lo_all, c.hi_all, speech=False)
        if got:
            return c.found_for_verb(got, verb)
    return None


def _rule_after(c: RuleContext) -> Attribution | None:
    """A reporting verb after the quote, whatever the quote's last mark."""
    verb = c.after_cue
    if verb is not None:
        got = c.from_verb(verb, c.lo_all, c.hi_bound)
        if got:
            return c.found_for_verb(got, verb)
    return None


def _rule_colon(c: RuleContext) -> Attribution | None:
    """A colon right before the quote: "Said Ellis:", "this finding:", "made the following comment:"."""
    if c.before and c.doc[c.before[0]].text == ":":
        return _colon_clause(c.view, c.q, c.before[0])
    return None


def _rule_previous(c: RuleContext) -> Attribution | None:
    """A paragraph that opens with the quote after a line ending in a colon ("X continued:"), or
    else a quote that opens a sentence after an attribution (", Schiff said. “…”")."""
    if _starts_paragraph(c.view.text, c.q.start):
        prev = _previous_line_cue(c.view, c.q)
        if prev:
            return prev
    got = _previous_sentence(c.view, c.q, c.q_lo, c.before)
    if got:
        mention, verb = got
        return c.found_for_verb(mention, verb)
    return None


RULES: tuple[tuple[str, Callable[[RuleContext], Attribution | None]], ...] = (
    ("trailer", _rule_trailer),
    ("gap", _rule_gap),
    ("after-comma", _rule_after_comma),
    ("chain", _rule_chain),
    ("before", _rule_before),
    ("according", _rule_according),
    ("speech-noun", _rule_speech_noun),
    ("chain-verb", _rule_chain_verb),
    ("after", _rule_after),
    ("colon", _rule_colon),
    ("previous", _rule_previous),
)


def _attribute_one(view: DocView, qi: int, q: QuoteCandidate) -> Attribution | None:
    """The first rule's attribution, tagged with the rule's name (None: no rule found a speaker)."""
    context = RuleContext(view, qi, q)
    for name, rule in RULES:
        att = rule(context)
        if att is not None:
            att.how = name
            return att
    return None


def _previous_line_cue(view: DocView, q: QuoteCandidate) -> Attribution | None:
    """`Jane Doe continued:` / `X made the following comment:` closing the paragraph before a quote."""
    text = view.text
    line_start = text.rfind("\n", 0, q.start)
    if line_start <= 0:
        return None
    prev_end = line_start
    while prev_end > 0 and text[prev_end - 1] in "\n \t\xa0":
        prev_end -= 1
    if prev_end <= 0 or text[prev_end - 1] != ":":
        return None
    colon = view.token_at(prev_end - 1)
    return _colon_clause(view, q, colon)


def _colon_clause(view: DocView, q: QuoteCandidate, colon: int) -> Attribution | None:
    """The clause before a colon that introduces the quote: its reporting verb's subject, or with a
    parse the subject of its main verb when the clause names a statement ("made this comment:")."""
    doc = view.doc
    tokens = []
    i = colon - 1
    while i >= 0 and len(tokens) < _CONTEXT and not view.is_break(i) and view.in_quote[i] == -1:
        if doc[i].text in _STOP:
            break
        tokens.append(i)
        i -= 1
    if not tokens:
        return None
    lo, hi = min(tokens), max(tokens)
    for t in tokens[:8]:
        if _is_cue(view, t):
            got = _from_verb(view, t, q, lo, hi)
            if got:
                (a, b), head = got
                return Attribution(_char_span(doc, a, b), head, _char_span(doc, t, t))
            return None
    if not view.parsed:
        return None
    last = doc[tokens[0]]
    if last.lemma_.lower() in SPEECH_NOUNS | DOCUMENT_NOUNS and last.pos_ == "NOUN":
        if last.dep_ in ("dobj", "attr", "pobj") and any(doc[t].lemma_.lower() in SPEECH_NOUNS for t in tokens[:4]):
            verb = last.head if last.dep_ != "pobj" else last.head.head
            got = _from_verb(view, verb.i, q, lo, hi, speech=False)
            if got:
                (a, b), head = got
                return Attribution(_char_span(doc, a, b), head, _char_span(doc, verb.i, verb.i))
        if last.dep_ in ("nsubj", "pobj", "appos", "ROOT") or last.lemma_.lower() in DOCUMENT_NOUNS:
            # "this finding:", "The statement read:" — the document itself speaks.
            a = last.left_edge.i if last.left_edge.i >= lo else last.i
            return Attribution(_char_span(doc, a, last.i), last.i, _char_span(doc, colon, colon))
    return None
