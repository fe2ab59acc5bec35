"""``organisation``: our name, the terms that find it, and the profile that tells us from namesakes.

The keys are declared in model.py (Organisation, Profile, Namesake); this module adds what a
type cannot say: handles and web addresses must look like ones, a namesake must contain
one of our terms, a product must name something besides our name, and a profile needs its description.
"""

from __future__ import annotations

import re
from typing import Any

from ..yamlsource import join
from .model import Namesake, Organisation, Profile
from .reader import Reader, keys, kind_of

_HANDLE = re.compile(r"@[A-Za-z0-9_.]{2,64}(@[A-Za-z0-9.-]+)?")
_WEB = re.compile(r"(?i)(https?://)?[a-z0-9-]+(\.[a-z0-9-]+)+/?")


def read_organisation(r: Reader, raw: Any) -> Organisation:
    org = r.mapping(raw, "organisation", keys(Organisation))
    if raw is None:
        r.problem("organisation", "is required: the organisation's name and the terms to look for")
    values = r.fields(Organisation, org, "organisation")
    profile = read_profile(r, org.get("profile"), values["terms"])
    return Organisation(**values, profile=profile)


def _handles(r: Reader, handles: list[str], path: str) -> list[str]:
    for i, h in enumerate(handles):
        if not _HANDLE.fullmatch(h):
            r.problem(join(path, i), f"{h!r} is not a handle such as @newbabynetwork")
    return handles


def _web(r: Reader, web: list[str], path: str) -> list[str]:
    for i, w in enumerate(web):
        if not _WEB.fullmatch(w.strip()):
            r.problem(join(path, i), f"{w!r} is not a web address such as newbabynetwork.org.uk")
    return web


def _products(terms: list[str]):
    """A check for ``profile.products`` (round 16): each the name of one thing of ours, as people write it ("The Small
    Hours podcast", "sling library"), with a word besides our name, and short."""
    ours = {w for t in terms for w in re.findall(r"[^\W_]+", t.lower())} | {"the", "our", "a", "an", "of", "and"}

    def check(r: Reader, products: list[str], path: str) -> list[str]:
        out = []
        for i, item in enumerate(products):
            words = re.findall(r"[^\W_]+", item.lower())
            if not set(words) - ours:
                r.problem(join(path, i), f"{item!r} names nothing of ours besides our name: write the thing itself, "
                                         "such as 'sling library' or 'The Small Hours podcast'")
            elif len(item) > 60 or len(words) > 8:
                r.problem(join(path, i), f"{item!r} is too long: one product's name as people write it (8 words at most)")
            else:
                out.append(" ".join(item.split()))
        return out

    return check


def read_profile(r: Reader, raw: Any, terms: list[str]) -> Profile:
    p = "organisation.profile"
    prof = r.mapping(raw, p, keys(Profile))
    values = r.fields(Profile, prof, p, after={"handles": _handles, "web": _web, "products": _products(terms)})
    namesakes = _read_namesakes(r, prof.get("namesakes"), join(p, "namesakes"), terms)
    if raw is not None and not values["description"]:
        r.problem(join(p, "description"), "is required in a profile: a sentence or two on who we are")
    return Profile(**values, namesakes=namesakes)


def _read_namesakes(r: Reader, raw: Any, path: str, terms: list[str]) -> list[Namesake]:
    """A list of ``{name, about}`` (or bare names); each must contain one of our terms."""
    if raw is not None and not isinstance(raw, list):
        r.problem(path, f"must be a list of name/about entries, not {kind_of(raw)}")
        raw = []
    out: list[Namesake] = []
    matcher = None  # our terms compiled once for all the namesakes (it was once per namesake), and only if one is named
    for i, item in enumerate(raw or []):
        p = join(path, i)
        if isinstance(item, str):
            item = {"name": item}
        if not isinstance(item, dict):
            r.problem(p, f"must be a mapping with name and about, not {kind_of(item)}")
            continue
        namesake = r.section(Namesake, item, p)
        if namesake.name and terms:
            if matcher is None:
                from ..matching import Matcher  # only a profile with namesakes needs the matcher

                matcher = Matcher(terms)
            if not matcher.find(namesake.name):
                r.problem(join(p, "name"),
                          f"{namesake.name!r} does not contain any of our terms, so it can never be mistaken for us")
        if namesake.name:
            out.append(namesake)
    return out
