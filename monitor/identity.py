"""Is it us? A name match is only a candidate; the whole text decides (issue 15).

Our name, "New Baby Network", is also an online baby shop, hospital programmes abroad,
a podcast, an app, a wi-fi camera and an ordinary phrase. ``matching.Matcher`` finds
the candidates; this module decides from the text around the name, in three steps:

1. **Strong evidence for us** (rules): our handle, our web address, or "CIC" next to
   our name. Then it is us, whatever else the text says.
2. **Namesakes we already know**: the profile's ``namesakes`` (written by the
   volunteer) and the namesakes the watch *learned* from a director's "not about us"
   correction (``learned_namesakes``): a later post whose sentences around the name read
   like one of them (sentence vectors close), or that names it the same way ("New Baby
   Network Ltd", "new baby network camera"), is not us.
3. **A learned classifier** (``monitor/model/identity.npz``, numpy only) reads the
   sentences that name us, the whole text, their likeness to the profile's description
   and to kinds of namesake (a shop, a hospital programme abroad, an app...), and a few
   word groups (orders and refunds, dollars and moms, firmware and wi-fi, our groups and
   volunteers, the places we work). It gives P(us). Below ``low``: not us. Between
   ``low`` and ``high``: unsure, so it is treated as us but at no more than ``watch``
   (never an SMS). It is trained by ``monitor train-identity`` from the labelled files
   (mention true/false among texts that contain the name), deterministically.

Every decision comes with a reason in words ("reads like a shop (New Baby Network Ltd)",
"our web address"). The model and the sentence vectors load only when a text names us.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .text import fold

_GROUPS_NAMES = ("commerce", "abroad", "tech", "media", "ours", "legal_form")
MODEL_PATH = Path(__file__).parent / "model" / "identity.npz"
ROOT = Path(__file__).resolve().parent.parent
# What the committed model is trained on (relative to the project root), in this order.
TRAINING_FILES = (
    "tests/data/labelled_mentions.jsonl",
    "tests/data/fresh_mentions.jsonl",
    "training/identity/namesakes_a.jsonl",
    "training/identity/namesakes_b.jsonl",
    "training/identity/namesakes_c.jsonl",
    "training/t1_social.jsonl",
    "training/t2_long.jsonl",
    "training/t3_registers.jsonl",
    "training/t4_namesakes.jsonl",
    "training/t5_hard.jsonl",
    "training/t6_snippets.jsonl",
    "training/t7_voices.jsonl",
)
US, UNSURE, NOT_US = "us", "unsure", "not_us"
# Chosen by cross-validation grouped by file (README "Is it us?"): P(us) below LOW is not us,
# from LOW to HIGH unsure (us, at most watch). L2 is the classifier's regularisation.
LOW, HIGH, L2 = 0.08, 0.35, 30.0
FEATURES = ("namesake-likeness", "our place", "namesake word after name", "our word after name", "possessed by another",
            "abroad (text)", "abroad (name sentence)") + tuple(f"{g} words (name sentence)" for g in _GROUPS_NAMES) \
    + tuple(f"{g} words (text)" for g in _GROUPS_NAMES) \
    + ("longer name (capitalised word after)", "at/of/by another place", "a/an/my before the name",
       "name misspelled", "lower-case name after a determiner", "only weak name matches")
MAX_SENTENCES = 40  # sentence vectors for at most this many sentences of a long text
LEARNED_SIMILARITY = 0.70  # a post this close to a learned namesake's sentences is that namesake,
LEARNED_MARGIN = 0.10  # ... when it is this much closer to it than to any true mention we were trained on,
LEARNED_SAME_WORD = 0.45  # or this close and naming it the same way ("New Baby Network Ltd")

# Kinds of namesake, in words a director reads; their vectors are compared with the text.
KINDS = {
    "a shop": "an online shop selling prams, cots and baby products; orders, delivery, refunds and customer service",
    "a product or gadget": "a wi-fi baby monitor camera, a home network drive, a smart device with firmware and an app",
    "an app": "a mobile app to track feeds and sleep, with a subscription, downloads and updates",
    "a hospital programme abroad": "a hospital prenatal education program for moms in the United States, with nurses, insurance and dollars",
    "a government programme abroad": "a state or county home visiting program abroad run by the department of health",
    "a podcast, show or channel": "a parenting podcast, TV series, YouTube channel or radio show with episodes and hosts",
    "another group or business": "a band, a magazine, a company, a recruitment agency, a church ministry or a chat group with that name",
}
# Word groups the classifier weighs (evidence, not verdicts).
_GROUPS = {
    "commerce": r"orders?|ordered|refund\w*|deliver\w*|tracking|checkout|customers?|chargeback|trading standards|"
                r"administration|wholesale|in stock|discount|sale|shop|store|retailer|warehouse|dispatch\w*|receipt",
    "abroad": r"moms?|mommy|diapers?|strollers?|pediatric\w*|programs?|medicaid|insurance|ob-?gyn|"
              r"y'all|fy\d\d+|governor|center|organization|\$ ?\d+|usd|canada|australia|ontario|ohio|texas|california",
    "tech": r"app|apps|firmware|wi-?fi|router|nas|download\w*|update\w*|log ?in|bluetooth|stream\w*|camera|cam|"
            r"subscription|device|serial number|password|smart",
    "media": r"podcast\w*|episodes?|series|seasons?|netflix|channel|subscribers|hosts?|presenter|band|album|magazine|"
             r"influencer\w*|youtube",
    "ours": r"groups?|caf[eé]s?|baby caf[eé]|volunteer\w*|peer[- ]support|home visit\w*|charity|community interest|"
            r"nhs|health visitor|midwi\w+|drop-?in|donat\w+|perinatal|postnatal|antenatal|leaflet|session|sessions",
    "legal_form": r"ltd|limited|inc|llc|plc|gmbh|pty|corp",
}
# Words right after our name that describe something else ("New Baby Network Ltd", "... app")
# or something of ours ("New Baby Network group"): evidence the classifier weighs.
_OTHER_AFTER = set("""ltd limited inc llc plc corp gmbh pty app apps podcast podcasts camera cam cams drive drives
program programs programme ministry magazine mag channel token coin box boxes show series season episode store shop
shops brand clothing range collection toy toys gym bassinet monitor monitors tracker subscription recruitment solutions
studio studios band album tour hotel package perk insurance plan portal platform website site device devices kit hub
classes course network""".split())
_OURS_AFTER = set("""group groups cafe café cafes cafés volunteer volunteers team founder founders staff session sessions
helpline meetup meet-up drop-in walk party coffee home visitor visitors visit visits lot lady lass mums dads charity
cic trustees director directors baby""".split())
# Places and usages that say "not in the UK".
_ABROAD_ARGS = (r"(?<!\w)(?:" + "|".join([
    r"u\.s\.a?\.?|usa", r"america\w*", r"canad\w*", r"australia\w*", "new zealand", "ireland", "irish", "dublin",
    "alabama|alaska|arizona|arkansas|california|colorado|connecticut|delaware|florida|hawaii|idaho|illinois",
    "indiana|iowa|kansas|kentucky|louisiana|maine|maryland|massachusetts|michigan|minnesota|mississippi|missouri",
    "montana|nebraska|nevada|new hampshire|new jersey|new mexico|new york|north carolina|north dakota|ohio|oklahoma",
    "oregon|pennsylvania|rhode island|south carolina|south dakota|tennessee|texas|utah|vermont|virginia|seattle",
    "wisconsin|wyoming|ontario|quebec|british columbia|alberta|toronto|vancouver|queensland|sydney|melbourne",
    "brisbane|auckland|chicago|houston|dallas|atlanta|philadelphia|kansas city|los angeles|san francisco",
    r"singapore|nigeria|kenya|south africa|lagos|nairobi|manila|philippines|india|indian|mumbai|delhi",
    r"calgary|edmonton|montreal|ottawa|winnipeg|cork|galway|limerick|johannesburg|joburg|cape town|durban|sandton",
    r"accra|ghana|abuja|ikeja|kisumu|mombasa|bengaluru|bangalore|chennai|hyderabad|pune|karachi|lahore|dubai",
    r"malaysia|kuala lumpur|petaling jaya|jakarta|cyprus|tulsa|lubbock|columbus|austin|denver|phoenix|miami",
    r"orlando|nashville|minneapolis|detroit|cleveland|pittsburgh|baltimore|brooklyn|nyc|hse|cpsc|fda",
    r"(?:€|₹|₦|r|rm|a\$|c\$|nz\$|ksh|php|₱) ?\d[\d,.]*",
    r"moms?|mommy|mommies|diapers?|strollers?|pediatric\w*|ob-?gyn|medicaid|medicare|y'all|zip code|fy ?\d{2,4}",
    r"programs?|center|organization|favorite|color|realized?|state's|governor|\$ ?\d+|usd",
]) + r")(?!\w)")
_POSSESSED_ARGS = (r"(?:^|[\s(])(?!(?:our|my|your|their|his|her|its|today|everyone|everybody|it|that|there)'s)"
                        r"([A-Za-z][\w.&-]*(?:\s+[A-Z][\w.&-]*)*)'s\s+['\"‘“]?$")
# A capitalised word straight after the name makes a longer name ("New Baby Network Global", "... Studios").
_EXTENDED_ARGS = (r"^['’\"]?[ \t]+(?!(?:I|I'm|I've|A|The|CIC|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|"
                       r"January|February|March|April|May|June|July|August|September|October|November|December|"
                       r"Zoom|WhatsApp|Whatsapp|Facebook|FB|Instagram|Insta|Twitter|X|TikTok|Tiktok|Threads|Bluesky|"
                       r"Mastodon|Reddit|Messenger|Signal|Telegram|Google|Page|Group|Team)\b)"
                       r"([A-Z][\w&-]+)")
# "... at/in/of/by <Capitalised>": where it is, or whose it is.
_AT_PLACE_ARGS = (r"^['’\"]?,?\s+(?:at|in|of|by|from)\s+(?:the\s+)?([A-Z][\w.'&-]+(?:\s+[A-Z][\w.'&-]+)*)")
_OUR_EVENTS = set("agm annual christmas easter summer spring autumn winter fun family big sponsored charity".split())
_ARTICLE_BEFORE_ARGS = (r"(?:^|\s)(?:a|an|another|my|your|our)\s+(?:[\w'-]+\s+)?['\"‘“]?$", re.I)

class _Compiled:
    """The patterns above, compiled on first use: importing this module stays cheap for runs with nothing new."""

    def __getattr__(self, name):
        if name == "GROUPS":
            value = {k: re.compile(rf"(?<!\w)(?:{v})(?!\w)") for k, v in _GROUPS.items()}
        else:
            args = globals()[f"_{name}_ARGS"]
            value = re.compile(*((args,) if isinstance(args, str) else args))
        setattr(self, name, value)
        return value


_rx = _Compiled()
# After our name, words that are not describing words.
_STOP_AFTER = set("""is was are were has have had and or but the a an of for to in on at with by from it its this that
they them their we our us i my me you your he she his her so just really very also still now then there here not no
yes be been being do does did can could will would should may might must who which what when where why how all any
some more most group groups team volunteers volunteer staff charity cic cafe café people lot lady lass folk mums mum""".split())


@dataclass
class Decision:
    verdict: str  # us | unsure | not_us
    p_us: float
    reason: str


@dataclass
class Learned:
    """A namesake learned from one "not about us" correction."""

    mention_id: int
    marked: str  # when (UTC text)
    name: str  # how the post named it ("New Baby Network Ltd")
    kind: str  # what it reads like ("a shop")
    label: str  # a short quote
    ctx: object = None  # unit vectors (numpy), filled by vectors()
    doc: object = None
    after: list[str] = field(default_factory=list)  # words right after the name ("ltd", "camera")


# --------------------------------------------------------------------------- features


def _unit(v):
    import numpy as np

    n = float(np.linalg.norm(v))
    return v / n if n > 0 else v


def group_counts(folded: str) -> list[float]:
    return [min(len(rx.findall(folded)), 3) / 3.0 for rx in _rx.GROUPS.values()]


def words_after(folded: str, end: int) -> list[str]:
    """The word right after the name, when it is a describing word ("ltd", "camera", "podcast")."""
    m = re.match(r"[\s'’s]*([a-z][a-z\-]{1,20})", folded[end:end + 30])
    if not m:
        return []
    word = m.group(1)
    return [] if word in _STOP_AFTER else [word]


def _weak_only(matches_by_sentence, mentioned) -> bool:
    ms = [m for i in mentioned for m in matches_by_sentence.get(i, [])]
    return bool(ms) and all(m.flags for m in ms)


def _weak_flags(matches_by_sentence, mentioned) -> str:
    flags = {f for i in mentioned for m in matches_by_sentence.get(i, []) for f in m.flags}
    return " and ".join(sorted(flags))


def _flag_features(matches) -> list[float]:
    """What the matcher knew (issue 15): a misspelled name, the lower-case name after a determiner, only such."""
    from .matching import MISSPELLED, ORDINARY

    return [float(any(MISSPELLED in m.flags for m in matches)), float(any(ORDINARY in m.flags for m in matches)),
            float(bool(matches) and all(m.flags for m in matches))]


def strong_evidence(config, folded_text: str, matches) -> str | None:
    """Our handle, our web address, or "CIC" right after our name: it is us."""
    prof = config.organisation.profile
    for m in matches:
        if m.text.startswith("@") and m.term.startswith("@"):
            return f"our handle {m.text}"
    for h in prof.handles:
        h = fold(h)
        if h and re.search(rf"(?<![\w@]){re.escape(h)}(?![\w])", folded_text):
            return f"our handle {h}"
    for w in prof.web:
        w = fold(re.sub(r"^https?://(www\.)?", "", w).rstrip("/"))
        if w and w in folded_text:
            return f"our web address {w}"
    for m in matches:
        if re.match(r"\s*(?:cic|c\.i\.c\.?)(?!\w)", folded_text[m.end:m.end + 8]):
            return "our name with CIC"
    return None


def _contexts(sents, mentioned, matches_by_sentence):
    """(sentences naming us with the name taken out, their neighbours, all sentences)."""
    named, near = [], []
    for i in sorted(mentioned):
        s = sents[i][1]
        f = fold(s)
        cut, last = [], 0
        for m in matches_by_sentence.get(i, []):
            cut.append(f[last:m.start])
            last = m.end
        cut.append(f[last:])
        named.append(" ".join(cut) if len(f) == len(s) else f)
        for j in (i - 1, i + 1):
            if 0 <= j < len(sents) and j not in mentioned:
                near.append(sents[j][1])
    everything = [s for _f, s in sents[:MAX_SENTENCES]]
    return named, near, everything


class Model:
    """The trained classifier plus the vectors it compares with. Loaded once per process."""

    def __init__(self, path: Path = MODEL_PATH):
        import json

        import numpy as np

        z = np.load(path, allow_pickle=False)
        self.w = z["w"].astype(np.float64)
        self.b = float(z["b"])
        self.mean = z["mean"].astype(np.float64)
        self.scale = z["scale"].astype(np.float64)
        self.low = float(z["low"])
        self.high = float(z["high"])
        # ctx vectors of true mentions (for learned namesakes), stored as int8 (x 127) to keep the file small
        pos = z["positives"]
        self.positives = pos.astype(np.float32) / 127.0 if pos.dtype == np.int8 else pos.astype(np.float32)
        self.us_after = set(str(x) for x in z["us_after"])  # words seen after our name in true mentions
        self.meta = json.loads(str(z["meta"]))


_model: Model | None = None


def model() -> Model:
    global _model
    if _model is None:
        _model = Model(MODEL_PATH)
    return _model


class Judge:
    """Decides identity for the analyser. ``learned``: a callable giving the learned namesakes, called once."""

    def __init__(self, config, learned=None):
        self.config = config
        self._learned_source = learned
        self._learned: list[Learned] | None = None
        self._emb = None
        self._kind_vecs = None
        self._us_vec = None
        self._known = None  # profile namesakes as Learned-like entries
        self.broken: str | None = None  # why the model could not be used (then every match is kept)

    # -- lazily loaded parts ------------------------------------------------------

    def embedder(self):
        if self._emb is None:
            from . import embed

            self._emb = embed.load()
            prof = self.config.organisation.profile
            self._kind_vecs = self._emb.embed(list(KINDS.values()))
            self._us_vec = _unit(self._emb.embed([profile_text(self.config)])[0])
            from .matching import Matcher

            terms = Matcher(self.config.organisation.terms)
            self._known = []  # (namesake, the describing word after our name in its name)
            for ns in prof.namesakes:
                after = [w for m in terms.find(ns.name) for w in words_after(fold(ns.name), m.end)]
                self._known.append((ns, after))
        return self._emb

    def learned(self) -> list[Learned]:
        if self._learned is None:
            try:
                raw = self._learned_source() if callable(self._learned_source) else (self._learned_source or [])
            except Exception as exc:  # e.g. a busy database: decide without them this run
                import logging

                logging.getLogger(__name__).warning("learned namesakes not loaded this run: %s", exc)
                raw = []
            self._learned = list(raw)
        return self._learned

    # -- features ---------------------------------------------------------------

    def vectors(self, sents, mentioned, matches_by_sentence):
        import numpy as np

        emb = self.embedder()
        named, near, everything = _contexts(sents, mentioned, matches_by_sentence)
        vecs = emb.embed(named + near + everything)
        ctx = _unit(vecs[: len(named)].mean(axis=0)) if named else np.zeros(vecs.shape[1], np.float32)
        around = vecs[: len(named) + len(near)].mean(axis=0)
        doc = _unit(vecs[len(named) + len(near):].mean(axis=0)) if everything else ctx
        return ctx, _unit(around), doc

    def features(self, sents, mentioned, matches_by_sentence):
        """The classifier's inputs (small and named, see FEATURES), plus the vectors learned namesakes use."""
        import numpy as np

        ctx, around, doc = self.vectors(sents, mentioned, matches_by_sentence)
        folded = fold(" \n".join(s for _f, s in sents))
        named = fold(" \n".join(sents[i][1] for i in sorted(mentioned)))
        kinds_ctx = self._kind_vecs @ around
        places = self.config.organisation.profile.places
        place_hit = any(re.search(rf"(?<!\w){re.escape(fold(p))}(?!\w)", folded) for p in places if p.strip())
        after, possessed, extended, at_other, article = [], False, False, False, False
        ours = {fold(p) for p in places}
        for i in mentioned:
            s = sents[i][1]
            same = len(s) == len(fold(s))
            for m in matches_by_sentence.get(i, []):
                after += words_after(fold(s), m.end)
                if not same:
                    continue
                before, rest = s[max(0, m.start - 60):m.start], s[m.end:m.end + 80]
                owner = _rx.POSSESSED.search(before)
                possessed = possessed or bool(owner and fold(owner.group(1)) not in ours)
                ext = _rx.EXTENDED.match(rest)
                extended = extended or bool(ext and fold(ext.group(1)) not in ours | _OURS_AFTER | _OUR_EVENTS
                                            and not m.text.startswith(("@", "#")))
                place = _rx.AT_PLACE.match(rest)
                at_other = at_other or bool(place and not any(fold(place.group(1)).startswith(p) for p in ours))
                article = article or bool(_rx.ARTICLE_BEFORE.search(before))
        extra = [
            float(kinds_ctx.max()) - float(around @ self._us_vec),  # reads more like a kind of namesake than like us
            float(place_hit), float(any(w in _OTHER_AFTER for w in after)), float(any(w in _OURS_AFTER for w in after)),
            float(possessed), min(len(_rx.ABROAD.findall(folded)), 3) / 3.0, min(len(_rx.ABROAD.findall(named)), 2) / 2.0,
            *group_counts(named), *group_counts(folded),
            float(extended), float(at_other), float(article),
            *_flag_features([m for i in mentioned for m in matches_by_sentence.get(i, [])]),
        ]
        return np.asarray(extra, dtype=np.float64), ctx, doc, kinds_ctx, after

    # -- the decision -----------------------------------------------------------

    def decide(self, sents, mentioned, matches_by_sentence) -> Decision:
        """Us, unsure or not us, with the reason in words. Never raises: without the model, it is us."""
        folded = fold(" \n".join(s for _f, s in sents))
        matches = [m for i in mentioned for m in matches_by_sentence.get(i, [])]
        strong = strong_evidence(self.config, folded, matches)
        if strong:
            return Decision(US, 1.0, f"it is us: {strong}")
        if self.broken:
            return Decision(US, 1.0, f"kept as ours: the is-it-us check is unavailable ({self.broken})")
        try:
            return self._decide(sents, mentioned, matches_by_sentence)
        except Exception as exc:  # a missing or damaged model must never cost a mention (or the run)
            import logging

            self.broken = f"{type(exc).__name__}: {exc}"[:200]
            logging.getLogger(__name__).error("is-it-us check unavailable, every name match kept: %s", self.broken)
            return Decision(US, 1.0, f"kept as ours: the is-it-us check is unavailable ({self.broken})")

    def _decide(self, sents, mentioned, matches_by_sentence) -> Decision:
        import numpy as np

        mdl = model()
        x, ctx, doc, kinds_ctx, after = self.features(sents, mentioned, matches_by_sentence)
        name = _name_as_written(sents, mentioned, matches_by_sentence)
        # 2. namesakes we know: the profile's, then those learned from corrections
        for ns, ns_after in self._known:
            if ns_after and set(ns_after) & set(after):
                return Decision(NOT_US, 0.0, f"not us: about {ns.name}, {ns.about}" if ns.about else f"not us: about {ns.name}")
        for ln in self.learned():
            hit = self.same_namesake(ln, ctx, doc, after, mdl)
            if hit:
                return Decision(NOT_US, 0.0, f"not us: like mention {ln.mention_id}, marked not about us ({ln.name}, "
                                              f"{ln.kind}): {hit}")
        z = (x.astype(np.float64) - mdl.mean) / mdl.scale
        p = float(1.0 / (1.0 + np.exp(-(z @ mdl.w + mdl.b))))
        kind = list(KINDS)[int(np.argmax(kinds_ctx))]
        if p < mdl.low:
            return Decision(NOT_US, p, f"not us: about {name}, reads like {kind} (P(us) {p:.2f})")
        if p < mdl.high and _weak_only(matches_by_sentence, mentioned):
            # only a misspelling or the lower-case name after a determiner: the matcher alone used to drop
            # these, so an unsure one stays out (an ordinary phrase, not a mention)
            return Decision(NOT_US, p, f"not us: '{name}' only as {_weak_flags(matches_by_sentence, mentioned)}, "
                                       f"and it reads like {kind} (P(us) {p:.2f})")
        if p < mdl.high:
            return Decision(UNSURE, p, f"maybe not us: {name} could be {kind} (P(us) {p:.2f}); kept at watch at most")
        return Decision(US, p, f"reads like us (P(us) {p:.2f})")

    def same_namesake(self, ln: Learned, ctx, doc, after, mdl) -> str | None:
        """Why this post is about the learned namesake ``ln``, or None."""
        if ln.ctx is None:
            return None
        sim = float(ctx @ ln.ctx)  # the sentences that name it, name taken out
        same = (set(ln.after) & set(after)) - mdl.us_after
        if same and max(sim, float(doc @ ln.doc)) >= LEARNED_SAME_WORD:
            return f"named the same way ('{' '.join(sorted(same))}' after the name)"
        if sim < LEARNED_SIMILARITY:
            return None
        nearest_us = float((mdl.positives @ ctx).max()) if len(mdl.positives) else 0.0
        if sim < nearest_us + LEARNED_MARGIN:
            return None
        return f"its sentences read the same (similarity {sim:.2f}; nearest true mention {nearest_us:.2f})"


def _name_as_written(sents, mentioned, matches_by_sentence) -> str:
    """Our name as the text writes it, with a describing word after it ("New Baby Network Ltd")."""
    for i in sorted(mentioned):
        s = sents[i][1]
        for m in matches_by_sentence.get(i, []):
            if len(s) == len(fold(s)):
                written = s[m.start:m.end]
                after = words_after(fold(s), m.end)
                if after:
                    tail = re.match(r"[\s'’s]*[A-Za-z][A-Za-z\-]{1,20}", s[m.end:m.end + 30])
                    return (written + (tail.group(0) if tail else "")).strip()
                return written
    return "this name"


def profile_text(config) -> str:
    prof = config.organisation.profile
    parts = [config.organisation.name, prof.description]
    if prof.places:
        parts.append("Works in " + ", ".join(prof.places) + ".")
    return " ".join(p for p in parts if p)


# --------------------------------------------------------------------------- learned namesakes


def learn(judge: Judge, analyser, mention_id: int, marked: str, title: str, body: str) -> Learned | None:
    """What a "not about us" mention teaches: its name as written, its kind, its sentence vectors."""
    import numpy as np

    sents = analyser.split(title or "", body or "")
    mbs = {i: analyser.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
    mentioned = {i for i, ms in mbs.items() if ms}
    if not mentioned:
        return None
    judge.embedder()
    _x, ctx, doc, kinds_ctx, after = judge.features(sents, mentioned, mbs)
    kind = list(KINDS)[int(np.argmax(kinds_ctx))]
    i = min(mentioned)
    label = sents[i][1] if len(sents[i][1]) <= 120 else sents[i][1][:119] + "…"
    return Learned(mention_id, marked, _name_as_written(sents, mentioned, mbs), kind, label, ctx, doc, after)


LEARNED_LIMIT = 500  # the most recent corrections are remembered


def learned_from_db(db, config) -> list[Learned]:
    """Every mention a director marked "not about us", as learned namesakes (newest first)."""
    if "mentions" not in db.table_names():
        return []
    rows = list(db.query(
        "select m.id, m.title, m.text, coalesce((select max(time) from mention_events e where e.mention_id = m.id "
        "and e.action = 'false_positive'), m.first_seen) as marked from mentions m "
        "where m.false_positive = 1 and (m.text is not null or m.title is not null) "
        "order by marked desc, m.id desc limit ?", [LEARNED_LIMIT]))
    if not rows:
        return []
    from .analyse import Analyser

    analyser = Analyser(config, [], model=None)
    judge = analyser.identity
    out = []
    for r in rows:
        ln = learn(judge, analyser, r["id"], r["marked"], r["title"], r["text"])
        if ln is not None:
            out.append(ln)
    return out


def would_hide(db, config, learned: list[Learned], limit: int = 2000) -> dict[int, list[dict]]:
    """For each learned namesake, the stored mentions (not marked) it would keep out today."""
    from .analyse import Analyser

    out: dict[int, list[dict]] = {ln.mention_id: [] for ln in learned}
    if not learned:
        return out
    analyser = Analyser(config, [], model=None)
    judge = analyser.identity
    mdl = model()
    rows = db.query("select id, title, text, severity, first_seen from mentions where false_positive = 0 "
                    "and (text is not null or title is not null) order by id desc limit ?", [limit])
    for r in rows:
        sents = analyser.split(r["title"] or "", r["text"] or "")
        mbs = {i: analyser.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
        mentioned = {i for i, ms in mbs.items() if ms}
        if not mentioned or strong_evidence(config, fold(" \n".join(s for _f, s in sents)),
                                            [m for i in mentioned for m in mbs[i]]):
            continue
        _x, ctx, doc, _k, after = judge.features(sents, mentioned, mbs)
        for ln in learned:
            why = judge.same_namesake(ln, ctx, doc, after, mdl)
            if why:
                out[ln.mention_id].append({**r, "why": why})
                break
    return out


def lazy_learned(db, config):
    """A callable for ``Judge``: reads the database only when a text first needs it (once per run)."""
    def load() -> list[Learned]:
        return learned_from_db(db, config)

    return load


# --------------------------------------------------------------------------- training


def read_items(path: Path) -> list[dict]:
    """Labelled items of one file; every line must parse (a broken file is refused, not half-read)."""
    from .evaluate import read_labelled

    return read_labelled(path).items


def candidates(config, files: list[Path]):
    """(group, item, sents, mentioned, matches) for every item whose text names us (a candidate)."""
    import hashlib

    from .analyse import Analyser

    an = Analyser(config, model=None)
    seen: set[str] = set()
    out = []
    for g, path in enumerate(files):
        for item in read_items(path):
            key = hashlib.sha256(f"{item.get('title') or ''}\n{item['body']}".encode()).hexdigest()
            if key in seen:
                continue
            seen.add(key)
            sents = an.split(item.get("title") or "", item.get("body") or "")
            mbs = {i: an.matcher.candidates(s) for i, (_f, s) in enumerate(sents)}
            mentioned = {i for i, ms in mbs.items() if ms}
            if mentioned:
                out.append((g, item, sents, mentioned, mbs))
    return out


def _fit(X, y, l2: float = 1.0, iterations: int = 30):
    """L2 logistic regression by Newton's method, classes weighted to balance; deterministic."""
    import numpy as np

    n, d = X.shape
    pos = y.sum()
    sw = np.where(y == 1, n / (2 * pos), n / (2 * (n - pos)))
    w = np.zeros(d)
    b = 0.0
    A = np.hstack([X, np.ones((n, 1))])
    beta = np.zeros(d + 1)
    reg = np.full(d + 1, l2)
    reg[-1] = 0.0
    for _ in range(iterations):
        p = 1 / (1 + np.exp(-(A @ beta)))
        g = A.T @ (sw * (p - y)) + reg * beta
        H = (A * (sw * p * (1 - p))[:, None]).T @ A + np.diag(reg + 1e-9)
        step = np.linalg.solve(H, g)
        beta -= step
        if np.abs(step).max() < 1e-10:
            break
    w, b = beta[:-1], beta[-1]
    return w, b


def featurise(config, cands):
    import numpy as np

    judge = Judge(config, [])
    judge.embedder()
    X, ctxs, afters = [], [], []
    for _g, _item, sents, mentioned, mbs in cands:
        x, ctx, _doc, _k, after = judge.features(sents, mentioned, mbs)
        X.append(x)
        ctxs.append(ctx)
        afters.append(after)
    return np.asarray(X, dtype=np.float64), np.asarray(ctxs, dtype=np.float32), afters


def _standardise(X):
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[scale < 1e-6] = 1.0
    return mean, scale


def _predict(X, mean, scale, w, b):
    import numpy as np

    return 1 / (1 + np.exp(-(((X - mean) / scale) @ w + b)))


def cross_validate(config, files: list[Path], l2: float = L2, high: float = HIGH) -> dict:
    """Out-of-fold P(us) with each file held out in turn (grouped by file)."""
    import numpy as np

    cands = candidates(config, files)
    X, _ctx, _a = featurise(config, cands)
    y = np.asarray([1.0 if c[1]["mention"] else 0.0 for c in cands])
    groups = np.asarray([c[0] for c in cands])
    oof = np.zeros(len(y))
    forced = _rules_first(config, cands)
    for g in sorted(set(groups.tolist())):
        tr, te = groups != g, groups == g
        if len(set(y[tr].tolist())) < 2:
            oof[te] = 1.0
            continue
        mean, scale = _standardise(X[tr])
        w, b = _fit((X[tr] - mean) / scale, y[tr], l2)
        oof[te] = _predict(X[te], mean, scale, w, b)
    weak = np.asarray([_weak_only(c[4], c[3]) for c in cands])
    oof[weak & (oof < high)] = 0.0  # as ``Judge.decide``: an unsure weak-only candidate is not us
    oof[forced == 1], oof[forced == 0] = 1.0, 0.0  # ... and the rules come before the model
    return {"cands": cands, "y": y, "groups": groups, "oof": oof}


def _rules_first(config, cands):
    """Per candidate: 1 when strong evidence says us, 0 when it names a profile namesake, -1 when the model decides."""
    import numpy as np

    judge = Judge(config, [])
    judge.embedder()
    out = []
    for _g, _item, sents, mentioned, mbs in cands:
        matches = [m for i in mentioned for m in mbs[i]]
        if strong_evidence(config, fold(" \n".join(s for _f, s in sents)), matches):
            out.append(1)
            continue
        after = [w for i in mentioned for m in mbs[i] for w in words_after(fold(sents[i][1]), m.end)]
        out.append(0 if any(a and set(a) & set(after) for _ns, a in judge._known) else -1)
    return np.asarray(out)


def train(config, files: list[Path] | None = None, out: Path = MODEL_PATH, low: float = LOW, high: float = HIGH,
          l2: float = L2) -> dict:
    """Fit on every candidate of ``files`` and write the artefact; returns its metadata."""
    import hashlib
    import json

    import numpy as np

    files = files or [ROOT / f for f in TRAINING_FILES]
    cands = candidates(config, files)
    X, ctxs, afters = featurise(config, cands)
    y = np.asarray([1.0 if c[1]["mention"] else 0.0 for c in cands])
    mean, scale = _standardise(X)
    w, b = _fit((X - mean) / scale, y, l2)
    us_after = sorted({a for a_list, yy in zip(afters, y) if yy == 1 for a in a_list})
    meta = {
        "files": {str(Path(f).resolve().relative_to(ROOT)) if Path(f).resolve().is_relative_to(ROOT) else str(f):
                  hashlib.sha256(Path(f).read_bytes()).hexdigest()[:16] for f in files},
        "candidates": int(len(y)), "true": int(y.sum()), "false": int(len(y) - y.sum()), "l2": l2,
        "profile": hashlib.sha256(profile_text(config).encode()).hexdigest()[:16],
    }
    out.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(
        out, w=w.astype(np.float32), b=np.float64(b), mean=mean.astype(np.float32), scale=scale.astype(np.float32),
        low=np.float64(low), high=np.float64(high), positives=np.round(ctxs[y == 1] * 127).clip(-127, 127).astype(np.int8),
        us_after=np.asarray(us_after, dtype=str), meta=np.asarray(json.dumps(meta, sort_keys=True)),
    )
    global _model
    _model = None
    return meta


def cv_report(config, files: list[Path] | None = None, l2: float = L2, low: float = LOW, high: float = HIGH) -> str:
    """Cross-validation grouped by file, in words: what each held-out file would have lost and let in."""
    files = files or [ROOT / f for f in TRAINING_FILES]
    r = cross_validate(config, files, l2, high)
    y, oof, groups = r["y"], r["oof"], r["groups"]
    lines = [f"Cross-validation grouped by file (each file held out in turn), L2 {l2:g}, low {low:g}, high {high:g}",
             f"  {'file':34} {'cands':>5} {'true':>5} {'false':>5}  true lost  true unsure  false let in  false as us"]
    for g, f in enumerate(files):
        m = groups == g
        t, fl = m & (y == 1), m & (y == 0)
        lines.append(f"  {Path(f).name:34} {int(m.sum()):5} {int(t.sum()):5} {int(fl.sum()):5}  "
                     f"{int((oof[t] < low).sum()):9}  {int(((oof[t] >= low) & (oof[t] < high)).sum()):11}  "
                     f"{int((oof[fl] >= low).sum()):12}  {int((oof[fl] >= high).sum()):11}")
    t, fl = y == 1, y == 0
    lines.append(f"  all: mention recall among name matches {float((oof[t] >= low).mean()):.3f}; "
                 f"true mentions kept at watch (unsure) {float(((oof[t] >= low) & (oof[t] < high)).mean()):.3f}; "
                 f"namesakes let in {float((oof[fl] >= low).mean()):.3f} "
                 f"(as us, no cap: {float((oof[fl] >= high).mean()):.3f})")
    lines.append(learning_report(config, r["cands"]))
    return "\n".join(lines)


def learning_report(config, cands) -> str:
    """Mark each namesake of the labelled files "not about us" in turn: what else would it keep out?"""
    import numpy as np

    judge = Judge(config, [])
    judge.embedder()
    mdl = model()
    rows = []
    for _g, item, sents, mentioned, mbs in cands:
        _x, ctx, doc, _k, after = judge.features(sents, mentioned, mbs)
        rows.append((bool(item["mention"]), ctx, doc, after))
    pos_sims = np.sort(mdl.positives @ np.asarray([r[1] for r in rows]).T, axis=0)
    hidden_true, hidden_false, corrections = set(), 0, 0
    for i, (gold, ctx, doc, after) in enumerate(rows):
        if gold:
            continue
        corrections += 1
        for j, (gold2, ctx2, doc2, after2) in enumerate(rows):
            if j == i:
                continue
            sim = float(ctx2 @ ctx)
            same = (set(after) & set(after2)) - mdl.us_after
            nearest = float(pos_sims[-2, j] if gold2 else pos_sims[-1, j])  # a true mention is not its own neighbour
            hit = (same and max(sim, float(doc2 @ doc)) >= LEARNED_SAME_WORD) or (
                sim >= LEARNED_SIMILARITY and sim >= nearest + LEARNED_MARGIN)
            if hit and gold2:
                hidden_true.add(j)
            elif hit:
                hidden_false += 1
    return (f"  one correction each ({corrections} namesakes marked in turn): other namesakes kept out per correction "
            f"{hidden_false / max(corrections, 1):.2f}; true mentions any correction would hide: {len(hidden_true)} "
            f"of {sum(r[0] for r in rows)}")
