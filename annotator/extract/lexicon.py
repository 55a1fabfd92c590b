"""Word lists for finding quotations and their speakers. Plain data, no spaCy.

Forms are listed by lower-cased surface form so that the same lookups work with a full
model and with the blank-English fallback (which has no lemmatizer).
"""

from __future__ import annotations

# Verbs that introduce a direct quotation in news ("she said", "he told reporters").
_SPEECH = """
say tell add write report recall claim argue continue ask sing tweet chant blast declare note
suggest explain insist state announce warn reply respond answer acknowledge admit agree assert
observe remark comment conclude predict promise vow urge demand complain joke quip boast testify
post read quote recount shout yell scream whisper mutter exclaim cry wonder concede confirm deny
emphasize emphasise stress elaborate reveal tout pledge counter retort rebut lament muse query
inform assure remind proclaim charge contend maintain allege caution advise plead scoff sneer
snap thunder fume gush marvel laugh sigh groan grumble murmur chime interject interrupt begin
tease taunt mock chat sob nag reference deride hail praise slam criticize criticise condemn denounce accuse attack
blame defend dismiss reject lash rail fire hit push pledge preach proclaim recommend
repeat reiterate echo point acknowledge disclose estimate forecast calculate recommend
summarize summarise sum put text email message telegraph signal imply hint indicate
underline underscore highlight describe call dub label rate term brand nickname deem
characterize characterise find rule determine conclude cite explain announce
""".split()

# Cues that frame a quoted phrase rather than report speech: "called it “rigged”".
_NAMING = """call describe dub label rate term brand nickname deem characterize characterise
refer""".split()

# Forms no rule gives. "fire" and "sum" leave out the bare form: as a noun it is far more common.
_IRREGULAR = {
    "say": ["said", "says", "saying", "say"],
    "tell": ["told", "tells", "telling", "tell"],
    "write": ["wrote", "written", "writes", "writing", "write"],
    "sing": ["sang", "sung", "sings", "singing", "sing"],
    "read": ["read", "reads", "reading"],
    "find": ["found", "finds", "finding", "find"],
    "put": ["put", "puts", "putting"],
    "hit": ["hit", "hits", "hitting"],
    "begin": ["began", "begun", "begins", "beginning", "begin"],
    "fire": ["fired", "fires", "firing"],
    "signal": ["signaled", "signalled", "signals", "signaling", "signalling", "signal"],
    "label": ["labeled", "labelled", "labels", "labeling", "labelling", "label"],
    "sum": ["summed", "sums", "summing"],
}

# Verbs that double their last consonant: quip → quipped, quipping.
_DOUBLING = frozenset("quip snap rebut refer dub admit chat sob nag".split())


def _forms(verb: str) -> list[str]:
    if verb in _IRREGULAR:
        return _IRREGULAR[verb]
    out = [verb]
    if verb in _DOUBLING:
        out += [verb + verb[-1] + "ed", verb + "s", verb + verb[-1] + "ing"]
    elif verb.endswith("e"):
        out += [verb + "d", verb + "s", verb[:-1] + "ing"]
    elif verb.endswith("y") and verb[-2] not in "aeiou":
        out += [verb[:-1] + "ied", verb[:-1] + "ies", verb + "ing"]
    elif verb.endswith(("s", "sh", "ch", "x", "z")):
        out += [verb + "ed", verb + "es", verb + "ing"]
    else:
        out += [verb + "ed", verb + "s", verb + "ing"]
    return out


SPEECH_FORMS: frozenset[str] = frozenset(f for v in _SPEECH for f in _forms(v))
NAMING_FORMS: frozenset[str] = frozenset(f for v in _NAMING for f in _forms(v))
# The common verbs of attribution: these alone make a clause an attribution ("she said").
CORE_FORMS: frozenset[str] = frozenset(
    f
    for v in "say tell add write continue ask explain note insist recall tweet declare reply respond".split()
    for f in _forms(v)
)
# Forms that mark a participle clause continuing an attribution ("…,” she said, adding that “…”).
PARTICIPLES: frozenset[str] = frozenset(f for f in SPEECH_FORMS if f.endswith("ing"))

PRONOUNS_PERSON = frozenset("he she i we you him her me us".split())
PRONOUNS_OTHER = frozenset("it they them".split())
PRONOUNS = PRONOUNS_PERSON | PRONOUNS_OTHER
RELATIVE = frozenset("who which that whom".split())
POSSESSIVES = frozenset("his its their our my your".split())  # "her" is in PRONOUNS_PERSON

# Titles that may open a speaker's name ("Sen. Elizabeth Warren", "UN mediator ...").
TITLES = frozenset(
    """mr mrs ms dr sen rep gov gen lt col sgt capt adm president senator representative governor
    mayor judge justice secretary minister ambassador chairman chairwoman chair speaker
    professor prof rev father sister saint st pope king queen prince princess lord lady sir dame
    chief commissioner director spokesman spokeswoman spokesperson envoy mediator negotiator""".split()
)

# Words that may precede a description speaker: "the official", "a spokesman".
DETERMINERS = frozenset("the a an this that his her their its our one another".split())

# Abbreviations after which a period does not end a sentence.
ABBREVIATIONS = frozenset(
    """mr mrs ms dr sen rep gov gen lt col sgt capt adm prof rev st jr sr inc corp co ltd
    no vs u.s u.k u.n d.c e.g i.e jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)

# Nouns that name a statement: "Trump's claim that “…”", "in his words".
SPEECH_NOUNS = frozenset(
    """claim statement words remark remarks comment comments message promise pledge warning assertion
    argument tweet tweets letter missive speech testimony response reply answer description view
    position allegation accusation charge insistence prediction question suggestion""".split()
)

# Nouns for one person: a description headed by one ("the chief executive") may stand for the
# person named before it (PERSON_NOUNS, with the titles); one headed by anything else ("the ad",
# "the agency") is not linked.
ONE_PERSON_ROLES = frozenset(
    """official candidate nominee critic expert analyst lawmaker leader aide adviser advisor lawyer
    attorney doctor economist prosecutor investigator officer executive founder researcher scientist
    activist organizer woman man host anchor reporter journalist editor writer columnist mother wife
    husband son daughter brother friend diplomat commander delegate manager strategist pollster
    consultant rival opponent challenger incumbent""".split()
)

# Nouns for people and bodies that speak, for subjects that are not names: "the official".
ROLE_NOUNS = ONE_PERSON_ROLES | frozenset(
    """officials spokesman spokeswoman spokesperson president senator governor mayor campaign committee
    report statement study letter ad article critics experts analysts lawmakers leaders minister
    aides advisers source sources group company police chief director secretary judge court
    attorneys professor voter voters supporter supporters protester protesters author authors
    administration government agency department ministry prosecutors investigators officers member
    members executives chairman chairwoman researchers scientists activists organizers women men
    people resident residents worker workers employee employees student students parent parents
    reporters journalists editors narrator piece document memo filing complaint lawsuit ruling poll
    survey release website post blog network newspaper paper magazine channel show party council
    board panel commission union team family father sister ambassador envoy general negotiator
    mediator representative surrogate operative operatives opponents""".split()
)

PERSON_NOUNS = TITLES | ONE_PERSON_ROLES

# Documents that speak for their authors: "the statement read:", "this finding:".
DOCUMENT_NOUNS = frozenset(
    """statement report study finding findings letter memo document release filing complaint ruling
    decision opinion brief survey poll analysis review audit article editorial column post tweet
    message note email headline caption ad advertisement platform manifesto transcript""".split()
)
