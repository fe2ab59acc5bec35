"""Words and patterns the is-it-us check weighs: kinds of namesake, word groups, places abroad.

Evidence, not verdicts: the classifier (``decide.py``) weighs what these find. The patterns
compile on first use, so importing this module stays cheap for a run with nothing new.
"""

from __future__ import annotations

import re

_GROUPS_NAMES = ("commerce", "abroad", "tech", "media", "ours", "legal_form")

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
classes course network nursery nurseries nanny nannies doula doulas study studies cohort scheme schemes pathway trust
foundation society consortium daycare clinic photography photographer superstore savings screening summit expo""".split())
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
# A capitalised word straight before the name, not starting the sentence: someone else's ("Cork New Baby Network",
# "Kestrel New Baby Network", "NHS Clydeside New Baby Network"); these common words there say nothing.
_CAP_BEFORE_ARGS = r"(?<![.!?:\n]\s)(?<=\s)([A-Z][\w'’.&-]*)\s+(?:the\s+)?$"
_CAP_BEFORE_OK = set("""The A An Dear Hi Hello Hey Thanks Thank Is Does Do Did Can Could Would Will Was Has Have Had Why What When
Where Who How If So And But Or Our My Your Their His Her Love Loved Loving Shoutout Shout Huge Massive Big Please Just
Re RE Fwd Fw Found Saw Seen Heard Joined Join Went Go Going Tried Try Emailed Messaged Called Rang Asked Ask Told Booked
Sent Took Left Thought Honestly Apparently Even Only Real Fake Certified Welcome Recommends Recommending Contact Contacted
Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Yesterday Tonight This That These Those Every Another Any
Some No Not Also Still Yes Yeah Ok OK Okay Lol LOL Omg OMG PSA FYI Update UPDATE SHARE Warning WARNING Avoid Beware Local
Free New Old Via From To For With At In On Of By About Around Near Like Unlike Without Then Now Because Since After Before
I I'm I've""".split())
# The same at the start of a sentence ("Cork New Baby Network cancelled", "Kestrel New Baby Network - survey"),
# where far more ordinary words stand (greetings, verbs, feelings): these, words in capitals and words ending in
# -ed or -ing say nothing there.
_START_OK = _CAP_BEFORE_OK | set("""Cheers Recommend Shared Reading Tag Gave Boycott BOYCOTT It's Its Wish Today's Tonight's
Find Sorry Tha Thought Ahh Hiya Anyway Nice Remember Are Am Be Been Got Get Gets Used Use Since Should Bought Psa Eish Best
Bring Brought Well Oh Ah Aw Aww Wow Ugh Hmm Listen Look Lovely Brilliant Amazing Great Good Bad Awful Terrible Shocking
Disgusting Absolutely Really Totally Seriously Literally Definitely Bless Congrats Congratulations Happy Proud Grateful Sad
Angry Shame Special Mum Dad Mums Dads Parents Friends Ladies Girls Lads Guys Folks Everyone Anyone Someone Nobody Want Need
Needs Visit Met Says Said Say Tell Report Alert Urgent Breaking Petition Sign Support Donate Volunteer Fundraiser Subject
Cc RT MT Unfollowing Ngl Dziękuję Find Ask Gave Sent Wish""".split())
_OUR_EVENTS = set("agm annual christmas easter summer spring autumn winter fun family big sponsored charity".split())
# How else a text can say the name belongs to someone else: quoted as a title ("texts from 'New Baby Network'"),
# explained in brackets after it ("New Baby Network (the preloved app)", "(NBN) Study"), owned by "its" or "their"
# ("its New Baby Network baby bank"), a title's "The" inside a sentence ("Episode 3 of The New Baby Network").
_QUOTE_BEFORE_ARGS = r"['‘\"“]$"
_QUOTE_AFTER_ARGS = r"['’\"”]"
_PAREN_AFTER_ARGS = r"\s*\("
_THEIR_BEFORE_ARGS = (r"(?:^|\s)(?:its|their|his)\s+['‘\"“]?$", re.I)
_THE_INSIDE_ARGS = r"(?<=[a-z,]\s)The\s+['‘\"“]?$"
_CAP_START_ARGS = r"^\s*([A-Z][\w'’.&-]*)\s+(?:the\s+)?$"
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


def group_counts(folded: str) -> list[float]:
    return [min(len(rx.findall(folded)), 3) / 3.0 for rx in _rx.GROUPS.values()]


def words_after(folded: str, end: int) -> list[str]:
    """The word right after the name, when it is a describing word ("ltd", "camera", "podcast")."""
    m = re.match(r"(?:['’]s?)?\s+([a-z][a-z\-]{1,20})", folded[end:end + 30])  # not "tudy" for "Study"
    if not m:
        return []
    word = m.group(1)
    return [] if word in _STOP_AFTER else [word]

