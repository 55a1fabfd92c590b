"""One list of attributions from the two finders: quotations by their marks, and cues by the parse.

The quote finder (`learned.py`) is the better judge of a quotation's bounds (a quote interrupted by
its attribution is one span; a scare quote is no attribution); the cue model (`attribution_model.py`)
finds what has no marks and the mixed content around a quoted fragment. So, for each quote:

- a cue-found content that holds the quote and is much longer (a mixed attribution: "she said that
  the plan was “a disaster”") takes its place: the fragment is part of that content, not an
  attribution of its own;
- a cue-found content that is the same attribution (Jaccard >= 0.5, the quote's own cue, or a
  content inside the quote whose cue is outside it) is dropped for the quote, and lends the quote
  its cue, and its source when the quote has none;
- a quote nothing found stays as it is.
"""

from __future__ import annotations

from dataclasses import replace

from annotator.extract.attribution_model import Found
from annotator.model import attribution_form as form_of
from annotator.model import jaccard, overlaps

Span = tuple[int, int]


def _contains(outer: Span, inner: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _same_cue(q: Found, f: Found) -> bool:
    """The cue model's attribution hangs on the quote's own cue: the same attribution, whatever
    content the parse gave it (a quote's clause is often split by the parser)."""
    if not overlaps(q.cue, f.cue):
        return False
    # A cue inside the quoted words is a nested attribution ("“He told me he would go,” she said");
    # one in the gap of an interrupted quote (“A,” she said. “B.”) is the quote's own.
    return not any(_contains(part, f.cue) for part in q.parts)


def _drawn_short(q: Found, f: Found) -> bool:
    """The cue model drew the quote's own attribution short: its content lies inside the quote and
    its cue outside it ("He said:\n\n"We have a situation … [more sentences]"": the colon's content
    is the quote's first sentence). A cue inside the quote is a nested attribution and stays."""
    return _contains(q.content, f.content) and f.cue is not None and not overlaps(q.content, f.cue)


def quote_as_found(text: str, start: int, end: int, parts, speaker, head, cue, p: float) -> Found:
    return Found(
        content=(start, end),
        parts=[tuple(x) for x in parts] or [(start, end)],
        source=tuple(speaker) if speaker else None,
        source_head=head,
        cue=tuple(cue) if cue else None,
        form=form_of(text, (start, end)),
        p=p,
    )


def combine(text: str, quotes: list[Found], found: list[Found]) -> list[Found]:
    """Quotes and cue-found attributions as one list in text order, each attribution once. The
    inputs are left as they are (training combines one Doc's quotes at several thresholds)."""
    out: list[Found] = []
    used: set[int] = set()
    for q in quotes:
        wider = [
            k
            for k, f in enumerate(found)
            if k not in used and _contains(f.content, q.content) and f.form == "mixed" and not overlaps(f.content, f.cue)
        ]
        if wider:
            continue  # the fragment belongs to a mixed content found around it
        same = [k for k, f in enumerate(found)
                if k not in used and (jaccard(f.content, q.content) >= 0.5 or _same_cue(q, f) or _drawn_short(q, f))]
        if same:
            k = max(same, key=lambda k: jaccard(found[k].content, q.content))
            used.add(k)
            q = _merged(text, q, found[k])
        out.append(q)
    out.extend(f for k, f in enumerate(found) if k not in used)
    return sorted(out, key=lambda f: f.content)


def _merged(text: str, q: Found, f: Found) -> Found:
    """The quote, as the quote finder drew it, with what the cue model's same attribution adds: its
    cue, its source when the quote has none, and the frame of a mixed content."""
    content, parts = q.content, q.parts
    if f.content[0] < q.content[0] and f.content[1] < q.content[1] and (
            f.content[1] > q.content[0] or not text[f.content[1]:q.content[0]].strip()):
        # The cue's content runs into the quote and stops short of its closing mark (the parser
        # hung `."` on the cue), or stops where the quote starts ("pledged to oppose it "today,
        # tomorrow, forever.""): one mixed content, the frame and the quoted words together.
        content = (f.content[0], q.content[1])
        parts = [(f.content[0], q.parts[0][1]), *q.parts[1:]] if q.parts else [content]
    source, head = (q.source, q.source_head) if q.source is not None or f.source is None else (f.source, f.source_head)
    return replace(q, content=content, parts=parts, form=form_of(text, content) if content != q.content else q.form,
                   cue=q.cue if q.cue is not None else f.cue, source=source, source_head=head)


def doc_quotes(doc, extension: str = "annotator_quotes") -> list[Found]:
    """The quotes the quote component kept on a Doc (none when it did not run)."""
    from spacy.tokens import Doc

    if not Doc.has_extension(extension):
        return []
    text = doc.text  # joined from the tokens on each read
    return [quote_as_found(text, s, e, parts, sp, h, cue, p)
            for s, e, parts, sp, h, cue, p, keep in (doc._.get(extension) or []) if keep]
