"""Features for the learned attribution: who may have said a quote, and is it a quotation at all.

For each quote the rules of `attribution.py` have already run; their choice is one feature among
many here, never the verdict. Two kinds of feature dicts (name -> value, mostly 1.0):

- `candidate_features(ctx, qi, cand)`: one candidate speaker mention (its head token) of quote
  `qi`: where it sits (before, between the parts, after; distance; same, previous or next
  sentence), what it is (pronoun, name, entity type, role or document noun), how the parse links
  it to a reporting verb and that verb to the quote, and whether the rules chose it.
- `quote_features(ctx, qi, best)`: the quote itself (length, capitals, first person, sentence
  shape, the words around it, title shape) and how sure the speaker ranking was (`best`).

Works on a parsed Doc; never imports spaCy.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

from annotator.extract.attribution import (
    Attribution,
    DocView,
    _chain,
    _climb_subject,
    _is_cue,
    _is_title,
)
from annotator.extract.lexicon import (
    CORE_FORMS,
    DOCUMENT_NOUNS,
    NAMING_FORMS,
    PRONOUNS,
    ROLE_NOUNS,
    SPEECH_NOUNS,
)
from annotator.extract.quotes import QuoteCandidate

WINDOW = 70  # tokens looked at on either side of a quote for candidate speakers
_SPEAKER_ENTS = frozenset({"PERSON", "ORG", "NORP", "GPE"})
_FIRST_PERSON = frozenset("i we my our me us i'm we're i've we've i'd".split())
_WORD = re.compile(r"[^\W_][\w'’\-]*")
_MARKS = "“”\"'»«`’‘ \xa0"


def _bucket(n: int) -> str:
    """0, 1, 2, 3-4, 5-8, 9-16, …: distances and lengths in a handful of bins."""
    return str(n) if n < 3 else str(2 ** math.ceil(math.log2(n)))


@dataclass(slots=True)
class Candidate:
    head: int  # token index of the mention's head
    rule: bool = False  # the rules' choice
    previous: bool = False  # the speaker chosen for the quote before (continuations)
    # "X, who said …": the relative pronoun that speaks for the head. The pronoun's place in the
    # parse describes the candidate; the head says what it is. The gold marks "X, who" (five
    # times in six on PolNeAR's training split) or "who" alone, rarely X without the pronoun.
    pronoun: int | None = None

    @property
    def syntactic(self) -> int:
        return self.pronoun if self.pronoun is not None else self.head


class DocContext:
    """What every quote of one Doc shares: the token view, sentences, noun-chunk heads, cues."""

    def __init__(self, doc, quotes: list[QuoteCandidate], rules: list[Attribution | None]) -> None:
        self.doc = doc
        self.quotes = quotes
        self.rules = rules
        self.view = DocView(doc, quotes)
        n = len(doc)
        self.sent_of = [0] * n
        for si, sent in enumerate(doc.sents):
            for i in range(sent.start, sent.end):
                self.sent_of[i] = si
        # The paragraph of each token: a line break in the text starts a new one.
        self.para_of = [0] * n
        para = 0
        for i, tok in enumerate(doc):
            self.para_of[i] = para
            if "\n" in tok.whitespace_ or (tok.is_space and "\n" in tok.text):
                para += 1
        heads: set[int] = set()
        for chunk in doc.noun_chunks:
            heads.add(chunk.root.i)
        for ent in doc.ents:
            if ent.label_ in _SPEAKER_ENTS:
                heads.add(ent.root.i)
        for tok in doc:
            if tok.lower_ in PRONOUNS or tok.lower_ == "who" or tok.dep_ == "poss" and tok.pos_ == "PROPN":
                heads.add(tok.i)
        # Punctuation and spaces are never speakers, whatever the chunker made of them.
        self.mention_heads = sorted(h for h in heads if not (doc[h].is_punct or doc[h].is_space))
        # The subject of each sentence's main verb.
        self.root_subjects = {
            c.i for sent in doc.sents for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass")
        }
        # Reporting verbs and their subjects as the parse gives them (climbing conjunctions).
        self.cue_subject: dict[int, int] = {}
        self.cue_verbs: set[int] = set()
        for tok in doc:
            if self.view.in_quote[tok.i] == -1 and _is_cue(self.view, tok.i):
                self.cue_verbs.add(tok.i)
                subj = _climb_subject(self.view, tok.i)
                if subj is not None:
                    self.cue_subject[subj] = tok.i
        self.spans = [(self.view.token_at(q.start), self.view.token_at(q.end - 1)) for q in quotes]
        # Does the quote end inside its marks with a comma (“…,” she said)? (The view's text: Doc.text
        # joins every token on each call, which once a quote made a 300 kB article's attribution quadratic.)
        text = self.view.text
        self.trailing = [
            text[q.start : q.end].rstrip(_MARKS).rstrip()[-1:] in (",", "?", "!", "—", "-") for q in quotes
        ]
        self.chain_lists = [_chain(self.view, q, 0, n - 1) for q in quotes]
        self.chains = [set(c) for c in self.chain_lists]

    def antecedent(self, h: int) -> int | None:
        """The noun a relative pronoun subject ("who", "which") stands for, when it is before it,
        outside quotes and on the same line; else None."""
        tok = self.doc[h]
        if tok.lower_ not in ("who", "which") or tok.dep_ not in ("nsubj", "nsubjpass"):
            return None
        clause = tok.head
        if clause.dep_ != "relcl" or clause.head.i >= h:
            return None
        ante = clause.head.i
        lo = self.doc[ante].left_edge.i
        if any(self.view.in_quote[i] != -1 or self.view.is_break(i) for i in range(lo, h)):
            return None
        return ante

    def candidates(self, qi: int, previous_head: int | None) -> list[Candidate]:
        """Mention heads around quote `qi` outside every quote, the rules' choice, and the previous
        quote's speaker."""
        view = self.view
        q_lo, q_hi = self.spans[qi]
        lo, hi = max(0, q_lo - WINDOW), min(len(self.doc) - 1, q_hi + WINDOW)
        s_lo = self.sent_of[q_lo] - 1
        s_hi = self.sent_of[q_hi] + 1
        out: dict[int, Candidate] = {}

        def add(h: int) -> Candidate:
            ante = self.antecedent(h)
            if ante is None:
                return out.setdefault(h, Candidate(h))
            cand = out.setdefault(ante, Candidate(ante))
            cand.pronoun = h
            return cand

        for h in self.mention_heads:
            if h < lo or h > hi or view.in_quote[h] != -1:
                continue
            if not s_lo <= self.sent_of[h] <= s_hi:
                continue
            add(h)
        rule = self.rules[qi]
        if rule is not None and rule.head is not None and view.in_quote[rule.head] == -1:
            add(rule.head).rule = True
        if previous_head is not None:
            out.setdefault(previous_head, Candidate(previous_head)).previous = True
        return list(out.values())


def _add_cue_features(f: dict[str, float], ctx: DocContext, qi: int, h: int, side: str, sent_rel: str) -> int | None:
    """Into `f` (in place, in this order): what ties the candidate at `h` to a reporting verb; that verb."""
    doc = ctx.doc
    q_lo, q_hi = ctx.spans[qi]
    verb = ctx.cue_subject.get(h)
    if verb is not None:
        governs = verb in ctx.chains[qi]
        f["subj_of_cue"] = 1.0
        f[f"subj_of_cue&side={side}&sent={sent_rel}"] = 1.0
        if governs:
            f["subj_of_governing_cue"] = 1.0
            # Which of the quote's reporting verbs: "X said Y called it “…”" is X's, the outermost.
            cues_up = [i for i in ctx.chain_lists[qi] if i in ctx.cue_verbs]
            pos = cues_up.index(verb) if verb in cues_up else 0
            f[f"cue_pos={min(pos, 2)}&outermost={pos == len(cues_up) - 1}"] = 1.0
        if doc[verb].dep_ == "ROOT":
            f[f"cue_root&sent={sent_rel}"] = 1.0
        vlow = doc[verb].lower_
        f[f"cue_core={vlow in CORE_FORMS}&governs={governs}"] = 1.0
        if vlow in NAMING_FORMS:
            f["cue_naming"] = 1.0
        # Is the cue between the candidate and the quote, or beyond the candidate?
        f[f"cue_side={'near' if min(verb, h) <= q_lo and verb >= h or verb <= h and verb > q_hi else 'far'}"] = 1.0
    return verb


def candidate_features(ctx: DocContext, qi: int, cand: Candidate, rank: int) -> dict[str, float]:
    """Features of `cand` as the speaker of quote `qi`; `rank` is its order by distance on its side."""
    doc = ctx.doc
    tok = doc[cand.head]  # what the mention is
    q_lo, q_hi = ctx.spans[qi]
    h = cand.syntactic  # where it sits and how the parse links it
    syn = doc[h]
    if h < q_lo:
        side, dist = "before", q_lo - h
    elif h > q_hi:
        side, dist = "after", h - q_hi
    else:
        side, dist = "inside", 0
    sent_rel = "same" if ctx.sent_of[q_lo] <= ctx.sent_of[h] <= ctx.sent_of[q_hi] else (
        "prev" if ctx.sent_of[h] < ctx.sent_of[q_lo] else "next"
    )
    para_rel = "same" if ctx.para_of[h] in (ctx.para_of[q_lo], ctx.para_of[q_hi]) else "other"
    low = tok.lower_
    kind = "pron" if low in PRONOUNS else "who" if low == "who" else tok.pos_
    ent = tok.ent_type_ or "none"
    f: dict[str, float] = {
        "bias": 1.0,
        f"side={side}": 1.0,
        f"dist={_bucket(dist)}": 1.0,
        f"side={side}&dist={_bucket(dist)}": 1.0,
        f"rank={min(rank, 3)}&side={side}": 1.0,
        f"sent={sent_rel}": 1.0,
        f"para={para_rel}": 1.0,
        f"kind={kind}": 1.0,
        f"ent={ent}": 1.0,
        f"dep={syn.dep_}": 1.0,
        f"side={side}&dep={syn.dep_}": 1.0,
        f"side={side}&kind={kind}": 1.0,
    }
    if low in PRONOUNS:
        f[f"pron={low}"] = 1.0
    lemma = tok.lemma_.lower()
    if lemma in ROLE_NOUNS:
        f["role_noun"] = 1.0
    if lemma in DOCUMENT_NOUNS or lemma in SPEECH_NOUNS:
        f["document_noun"] = 1.0
    if tok.pos_ == "NOUN":
        f[f"lemma={lemma}"] = 1.0
    verb = _add_cue_features(f, ctx, qi, h, side, sent_rel)
    if syn.dep_ in ("nsubj", "nsubjpass") and syn.head.pos_ in ("VERB", "AUX"):
        # The verb itself, learned rather than listed: "scolded", "pressed", "hammered" speak too.
        f[f"subj_verb={syn.head.lemma_.lower()}"] = 1.0
    if verb is None and syn.dep_ in ("nsubj", "nsubjpass"):
        head = syn.head
        f["subj_other_verb"] = 1.0
        if head.i in ctx.chains[qi]:
            f["subj_of_chain_verb"] = 1.0
    if h in ctx.root_subjects:
        f[f"root_subject&sent={sent_rel}"] = 1.0
    if syn.dep_ == "pobj" and syn.head.lower_ in ("to", "per") and syn.head.head.lower_ in ("according", "per"):
        f[f"according_to&sent={sent_rel}"] = 1.0
        f["according_to"] = 1.0
    if syn.dep_ == "poss":
        f[f"poss&speech_noun={syn.head.lemma_.lower() in SPEECH_NOUNS}"] = 1.0
    if cand.rule:
        rule = ctx.rules[qi]
        f["rule"] = 1.0
        f[f"rule&how={rule.how if rule else ''}"] = 1.0
        f[f"rule&kind={kind}"] = 1.0
    elif ctx.rules[qi] is not None and ctx.rules[qi].speaker is not None:
        f["rule_other"] = 1.0
    if cand.pronoun is not None:
        f["via_relative"] = 1.0
    if cand.previous:
        f["previous"] = 1.0
        f[f"previous&has_cue={ctx.rules[qi] is not None and ctx.rules[qi].cue is not None}"] = 1.0
    if "subj_of_governing_cue" in f:
        f[f"governing&kind={kind}"] = 1.0
        f[f"governing&ent={ent}"] = 1.0
    if ent in _SPEAKER_ENTS or kind in ("pron", "PROPN"):
        f["speakerish"] = 1.0
    return f


def quote_features(ctx: DocContext, qi: int, best: float, best_feats: dict[str, float] | None) -> dict[str, float]:
    """Features of quote `qi` as an attributed quotation (not a scare quote, title or name)."""
    q = ctx.quotes[qi]
    doc, view = ctx.doc, ctx.view
    text = view.text
    inner = text[q.start : q.end].strip(_MARKS)
    words = _WORD.findall(inner)
    n = len(words)
    q_lo, q_hi = ctx.spans[qi]
    f: dict[str, float] = {
        "bias": 1.0,
        f"words={_bucket(n)}": 1.0,
        f"parts={min(len(q.parts), 3)}": 1.0,
        f"best={min(int(best * 10), 9)}": 1.0,
        "best_p": best,
    }
    if _is_title(text[q.start : q.end]):
        f["title"] = 1.0
    if words and all(w[0].isupper() for w in words):
        f[f"all_caps_words&n={_bucket(n)}"] = 1.0
    if inner[:1].isupper():
        f["starts_upper"] = 1.0
    last = inner.rstrip()[-1:]
    f[f"ends={last if last in '.,?!:;—-…' else 'word'}"] = 1.0
    lowered = {w.lower() for w in words}
    if lowered & _FIRST_PERSON:
        f["first_person"] = 1.0
    if lowered & {"you", "your"}:
        f["second_person"] = 1.0
    verbs = sum(1 for i in range(q_lo, q_hi + 1) if doc[i].pos_ in ("VERB", "AUX"))
    f[f"verbs={min(verbs, 3)}"] = 1.0
    # The words just outside the marks.
    before = q_lo - 1
    while before >= 0 and (doc[before].is_space or doc[before].text in _MARKS.split()):
        before -= 1
    after = q_hi + 1
    while after < len(doc) and doc[after].is_space:
        after += 1
    if before >= 0 and ctx.para_of[before] == ctx.para_of[q_lo]:
        b = doc[before]
        f[f"prev={b.lower_ if b.is_punct or b.lower_ in _CONTEXT_WORDS else b.pos_}"] = 1.0
        if b.lemma_.lower() in NAMING_FORMS or b.lower_ in ("so-called", "dubbed", "called", "labeled", "labelled"):
            f["prev_naming"] = 1.0
        if before >= 1 and doc[before - 1].lower_ in ("so", "so-called"):
            f["so_called"] = 1.0
    else:
        f["prev=para_start"] = 1.0
    if after < len(doc) and ctx.para_of[after] == ctx.para_of[q_hi]:
        a = doc[after]
        f[f"next={a.lower_ if a.is_punct or a.lower_ in _CONTEXT_WORDS else a.pos_}"] = 1.0
    else:
        f["next=para_end"] = 1.0
    rule = ctx.rules[qi]
    if rule is None:
        f["rule=none"] = 1.0
    else:
        f[f"rule={rule.how}"] = 1.0
        f[f"rule={rule.how}&words={_bucket(n)}"] = 1.0
    if any(doc[i].lower_ in ("(",) for i in range(max(0, q_lo - 1), q_lo)):
        f["in_parens"] = 1.0
    if best_feats:
        for key in ("subj_of_governing_cue", "subj_of_cue", "according_to", "previous", "rule"):
            if key in best_feats:
                f[f"best&{key}"] = 1.0
                f[f"best&{key}&words={_bucket(n)}"] = 1.0

    return f


_CONTEXT_WORDS = frozenset(
    "the a an as of in on to for and or is was be been called dubbed named titled so-called said says "
    "told wrote added his her their its word words term phrase slogan motto book film show song "
    "article column headline".split()
)
