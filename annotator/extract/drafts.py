"""Turn a processed Doc into SpanDrafts: entities, quotes, speakers and their links."""

from __future__ import annotations

from bisect import bisect_left
from typing import Any

from annotator.extract.attribution import Attribution, attribute
from annotator.extract.lexicon import PERSON_NOUNS, POSSESSIVES, PRONOUNS_OTHER, PRONOUNS_PERSON, RELATIVE
from annotator.extract.quotes import QuoteCandidate, find_quotes
from annotator.model import SpanDraft

QUOTES_ATTR = "annotator_quotes"  # set by the spaCy components of component.py
ATTRIBUTIONS_ATTR = "annotator_attributions"  # every attribution: preferred when present


def drafts_from_doc(doc: Any, policy: Any) -> list[SpanDraft]:
    text = doc.text
    drafts: list[SpanDraft] = []
    # Entities: (start, end, schema label, model label), in text order.
    entities: list[tuple[int, int, str, str]] = []
    for ent in doc.ents:
        label = policy.map(ent.label_)
        if label is None:
            continue
        drafts.append(SpanDraft(ent.start_char, ent.end_char, label, "entity"))
        entities.append((ent.start_char, ent.end_char, label, ent.label_))
    by_span = {(d.start, d.end): i for i, d in enumerate(drafts)}
    ent_starts = [e[0] for e in entities]

    quotes, attributions = _quotes_of(doc)
    if not quotes:
        return drafts
    speaker_index: dict[tuple[int, int], tuple[int, int | None]] = {}
    for q, att in zip(quotes, attributions, strict=True):
        speaker = speaker_entity = cue_span = None
        cue = att.cue if att is not None else None
        if att is not None and att.speaker is not None:
            key = att.speaker
            if key in speaker_index:
                speaker, speaker_entity = speaker_index[key]
            else:
                if key in by_span:
                    speaker = by_span[key]
                else:
                    speaker = len(drafts)
                    drafts.append(SpanDraft(key[0], key[1], policy.speaker_label, "speaker"))
                    by_span[key] = speaker
                speaker_entity = _resolve(text, key, entities, ent_starts, by_span, policy, doc)
                speaker_index[key] = (speaker, speaker_entity)
        if cue is not None and policy.cue_label is not None:
            cue_span = len(drafts)
            drafts.append(SpanDraft(cue[0], cue[1], policy.cue_label, "cue"))
        drafts.append(
            SpanDraft(
                q.start, q.end, policy.quote_label, "quote", speaker=speaker, speaker_entity=speaker_entity, cue=cue,
                cue_span=cue_span,
            )
        )
    return drafts


def _quotes_of(doc: Any) -> tuple[list[QuoteCandidate], list[Attribution | None]]:
    """The attributions to offer: every form when the attribution component ran
    (`doc._.annotator_attributions`), else the quote component's kept quotes, else the rules'
    (a pipeline with no parse)."""
    found = doc._.get(ATTRIBUTIONS_ATTR) if doc.has_extension(ATTRIBUTIONS_ATTR) else None
    if found is not None:
        quotes, attributions = [], []
        for start, end, parts, source, head, cue, _form, _p in found:
            quotes.append(QuoteCandidate(start, end, [tuple(p) for p in parts]))
            attributions.append(
                Attribution(tuple(source) if source else None, head, tuple(cue) if cue else None)
                if source is not None or cue is not None
                else None
            )
        return quotes, attributions
    scored = doc._.get(QUOTES_ATTR) if doc.has_extension(QUOTES_ATTR) else None
    if scored is None:
        quotes = find_quotes(doc.text)
        return quotes, attribute(doc, quotes) if quotes else []
    quotes, attributions = [], []
    for start, end, parts, speaker, head, cue, _p, keep in scored:
        if not keep:
            continue
        quotes.append(QuoteCandidate(start, end, [tuple(p) for p in parts]))
        attributions.append(
            Attribution(tuple(speaker), head, tuple(cue) if cue else None) if speaker is not None else None
        )
    return quotes, attributions


def _resolve(text, mention, entities, ent_starts, by_span, policy, doc=None) -> int | None:
    """The entity draft a speaker mention stands for: itself, an entity inside it that holds its
    head, or for pronouns and descriptions the nearest fitting earlier PERSON or ORG mention."""
    start, end = mention
    speakers = policy.speaker_labels
    personish, orgish = policy.personish, policy.orgish
    inside = [e for e in entities if e[0] >= start and e[1] <= end and (e[2] in speakers or e[3] in speakers)]
    if inside:
        # An entity inside the mention is its speaker when it holds the mention's head ("UN mediator
        # Staffan de Mistura", "The Washington Post"). One that does not only qualifies someone the
        # text does not name here ("the Indiana governor", "a spokeswoman for Hillary Clinton"):
        # no link rather than a wrong one, which an annotator may accept without noticing.
        head = _head_token(doc, mention) if doc is not None else None
        held = inside if head is None else [e for e in inside if e[0] <= head.idx < e[1]]
        persons = [e for e in held if e[3] in personish or e[2] in personish]
        best = persons[0] if persons else held[-1] if held else None
        return by_span.get((best[0], best[1])) if best is not None else None
    words = text[start:end].lower().split()
    if not words:
        return None
    if words[0] in ("who",):
        wanted = personish
    elif (
        words[0] in PRONOUNS_OTHER
        or words[0] == "which"
        or words[-1] in ("statement", "report", "release", "letter", "group", "campaign")
    ):
        wanted = orgish
    else:
        wanted = personish
    if words[0] not in PRONOUNS_PERSON | PRONOUNS_OTHER and words[0] not in (
        "the",
        "a",
        "an",
        "this",
        "his",
        "her",
        "their",
        "its",
    ):
        # A name the model did not tag: look for an earlier entity sharing its last word.
        last = words[-1].strip(".,")
        for e in reversed(entities[: bisect_left(ent_starts, start)]):
            if text[e[0] : e[1]].lower().split()[-1:] == [last]:
                return by_span.get((e[0], e[1]))
        if words[0][:1].isalpha() and text[start].isupper():
            return None  # a name of its own that no entity matches: nothing to resolve it to
    if _unnamed(words, mention, doc):
        return None  # "sources", "a source", "officials": nobody in particular to resolve to
    pronoun = len(words) == 1 and words[0] in PRONOUNS_PERSON | PRONOUNS_OTHER
    if pronoun and doc is not None:
        found = _previous_subject_entity(doc, start, entities, wanted, words[0] in PRONOUNS_OTHER)
        if found is not None:
            return by_span.get(found)
    description = not pronoun and not (len(words) == 1 and words[0] in POSSESSIVES) and words[0] not in RELATIVE
    if description and doc is not None:
        # A description stands for the nearest person named before it only when it names a person
        # ("the chief executive", "the senator"). On 40 PolNeAR dev articles the nearest earlier
        # person was wrong for nearly every other description ("The ad" -> Kaine, "the agency" ->
        # Dianne Feinstein, "the report" -> Goldman Sachs): no link rather than a wrong one.
        head = _head_token(doc, mention)
        if head is None or head.lemma_.lower() not in PERSON_NOUNS:
            return None
        wanted = personish
    for e in reversed(entities[: bisect_left(ent_starts, start)]):
        if e[3] in wanted or e[2] in wanted:
            return by_span.get((e[0], e[1]))
    return None


def _head_token(doc, mention: tuple[int, int]):
    """The syntactic head of a mention (None when the Doc has no parse)."""
    if not doc.has_annotation("DEP"):
        return None
    span = doc.char_span(mention[0], mention[1], alignment_mode="expand")
    return span.root if span is not None and len(span) else None


_INDEFINITE = frozenset("a an another some several many few two three four one other others".split())


def _unnamed(words: list[str], mention: tuple[int, int], doc) -> bool:
    """An indefinite or plural description names no one ("a source", "sources", "officials",
    "another source"); indirect attributions cite such sources often, and the nearest earlier
    person is then the wrong answer."""
    if words[0] in _INDEFINITE:
        return True
    if doc is None or not doc.has_annotation("TAG"):
        return False
    span = doc.char_span(mention[0], mention[1], alignment_mode="expand")
    if span is None or not len(span):
        return False
    head = span.root
    return head.tag_ == "NNS" and not any(t.ent_type_ for t in span)


def _previous_subject_entity(doc, start: int, entities, wanted, neuter: bool) -> tuple[int, int] | None:
    """A pronoun subject refers back to the subject before it: of its own sentence when it opens a
    clause joined to the main one ("Politifact ruled …, but in its report they could not resist …";
    not in a relative clause: "the target it pledged to reach"), else of the sentence before ("The
    rebel alliance Tahrir al-Sham said … It celebrated …"; "Trump responded … He said: …").

    The entity in that sentence's subject, or in the subject of a clause joined to it, is the
    answer when its label fits the pronoun ("Europeans saw it as toothless, but Mr. Obama learned
    …, he said"). Failing that, the main subject is the answer when it is a name whatever its
    label: the pronoun says more than the model's label, which may be the mistake the annotator is
    there to fix (Trump read as an ORG, Politifact as a PERSON), unless a person's pronoun would
    stand for a place. For "it"/"they" a common-noun subject (an alliance, a group) decides too."""
    if not doc.has_annotation("DEP"):
        return None
    span = doc.char_span(start, start + 1, alignment_mode="expand")
    tok = span[0] if span is not None and len(span) else None
    if tok is None or tok.idx != start or tok.dep_ not in ("nsubj", "nsubjpass"):
        return None
    sent = tok.sent
    own = [c for c in sent.root.children if c.dep_ in ("nsubj", "nsubjpass") and c.i < tok.i and c.pos_ != "PRON"]
    if own and tok.head.dep_ == "conj" and tok.head.head.i == sent.root.i:
        subjects = own
    elif sent.start > 0:
        root = doc[sent.start - 1].sent.root
        clauses = [root] + [c for c in root.children if c.dep_ == "conj" and c.pos_ in ("VERB", "AUX")]
        subjects = [c for clause in clauses for c in clause.children if c.dep_ in ("nsubj", "nsubjpass")]
    else:
        return None
    if not subjects:
        return None
    for subject in subjects:
        for e in _entities_in(doc, subject, entities):
            if e[2] in wanted or e[3] in wanted or neuter and subject.pos_ == "NOUN":
                return e[0], e[1]
    subject = subjects[0]
    inside = _entities_in(doc, subject, entities)
    named = [e for e in inside if e[0] <= subject.idx < e[1] and _may_stand_for(e, neuter)]
    if not inside and subject.text[:1].isupper() and subject.pos_ in ("PROPN", "NOUN"):
        # A name the model did not tag ("Trump responded …"): the last earlier entity ending in it.
        word, text = subject.text.lower(), doc.text  # a Doc joins its text on each read: once
        named = [e for e in entities if e[1] <= subject.idx and _last_word(text[e[0]:e[1]]) == word
                 and _may_stand_for(e, neuter)][-1:]
    return (named[0][0], named[0][1]) if named else None


def _may_stand_for(entity, neuter: bool) -> bool:
    """Whether a pronoun may stand for an entity whatever its label: a person's never for a place."""
    return neuter or not {entity[2], entity[3]} & _PLACES


def _entities_in(doc, subject, entities) -> list:
    lo = doc[subject.left_edge.i].idx
    hi = doc[subject.right_edge.i].idx + len(doc[subject.right_edge.i])
    return [e for e in entities if lo <= e[0] and e[1] <= hi]


_PLACES = frozenset({"GPE", "LOC", "FAC"})


def _last_word(name: str) -> str:
    words = name.lower().split()
    return words[-1].removesuffix("’s").removesuffix("'s") if words else ""
