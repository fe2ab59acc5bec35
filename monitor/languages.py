"""Which sentences are written in another language than English (for the learned judgement, issue 11).

The judgement's word vectors (the wordllama package) and most of its training texts are English, so
it reads a sentence in Polish, Urdu written in Latin letters or Arabic script poorly: such a crisis
was graded info. This tells which sentences those are, with no model and no package: a sentence is
**in another language** when a third or more of its words are in a script other than Latin (Arabic,
Bengali, Cyrillic, Devanagari, Greek, Gurmukhi, Chinese...), or when at least two of its words are
common small words of another language (below) and they outnumber its English small words. A
sentence of fewer than two words in another script, or of English with a borrowed word ("the
Polish group, dziękuję!"), stays English.

The lists name the small words (articles, pronouns, "is", "not", "very", "and") of languages often
spoken in UK communities, and leave out every word that is also English or common in English texts
("die", "main", "bin", "come", "pour", "mam", "hi"...). Any language outside these lists is still
found when it is written in its own script.
"""

from __future__ import annotations

import re

_ENGLISH = frozenset("""a about after again against all also am an and any are as at be because been before being but
by can could did do does doing don't down during each few for from had has have having he her here hers him his how i
i'm i've i'd i'll if in into is it it's its just me more most my no nor not now of off on once only or other our ours
out over own same she should so some such than that that's the their them then there these they this those through to
too under until up very was we were what when where which while who whom why will with would you your yours yourself
we're they're can't won't didn't isn't wasn't couldn't wouldn't doesn't haven't hasn't there's what's let's im dont
cant got get know like really think want going still even much never ever one well back said she's he's us""".split())

_OTHER = {
    "polish": "w nie na się z że jest jak mnie mój moja moje jestem był była bardzo tylko już czy dla przez od tak "
              "wszystko może mi jej jego ich wam gdzie kiedy dlaczego dziś dzisiaj też żeby bo tego tej są być "
              "będzie oraz",
    "romanian": "și în nu cu pe la că din este sunt pentru ce fost foarte dar sau ne mă îmi noi voi lor care unde "
                "când acum doar copilul meu mea",
    "portuguese": "não que de da do em um uma é com para os mas muito eu ele ela meu minha está estou tem foi pra "
                  "tá gente bebê também ou quando onde porque sei vai",
    "spanish": "que de la el en y los las por para una es muy mi pero está estoy tengo fue ya también porque "
               "cuando donde sé bebé mí",
    "italian": "che di il la non è una sono mi molto anche quando perché mio mia più",
    "french": "je le la les des est pas une et en que qui ne mon mes mais très avec dans sur suis j'ai c'est "
              "bébé aussi",
    "german": "ich nicht und der das ist ein eine mit mein meine aber sehr auch wenn weil wir sie habe",
    "welsh": "yn y yr a i o ar mae ac am ei fy dw i'n ddim gyda wedi chi ni nhw fe roedd oes diolch",
    "lithuanian": "ir ne su kad yra aš mano labai kaip kur kai tik jau mes jie",
    "somali": "waa iyo ku ka aan oo ay la qof baa waxaan aniga ilmaha",
    "urdu": "hai hain nahi nahin mein mujhe mera meri mere kya ka ki ke ko se bohat bahut aur lekin toh tha thi "
            "hoon ho gaya gayi kar karte kuch sab yeh woh apne apni bhi koi kabhi ab agar",
    "bengali": "ami amar tumi apni ki keu khub ache chilo hobe kore jabe amra ora",
    "turkish": "ve bir bu çok benim ama için ile değil var yok gibi ne daha",
    "albanian": "dhe në një për është nuk që të ka",
}
OTHER_WORDS = frozenset(w for words in _OTHER.values() for w in words.split()) - _ENGLISH
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")
_LATIN_UP_TO = 0x24F  # Basic Latin to Latin Extended-B: English, and the other languages' accented letters


def other_language(sentence: str) -> bool:
    """Whether ``sentence`` is written in another language than English (see the module's docstring)."""
    words = _WORD.findall(sentence.lower().replace("\u2019", "'"))
    if len(words) < 2:
        return False
    other_script = sum(1 for w in words if ord(w[0]) > _LATIN_UP_TO)
    if other_script >= 2 and 3 * other_script >= len(words):
        return True
    theirs = sum(1 for w in words if w in OTHER_WORDS)
    return theirs >= 2 and theirs > sum(1 for w in words if w in _ENGLISH)


def other_language_share(sentences: list[str]) -> float:
    """The share of a text's sentences written in another language (0 for a text without sentences)."""
    return sum(map(other_language, sentences)) / len(sentences) if sentences else 0.0


# A text is read as written in another language when at least this share of its sentences are.
TEXT_SHARE = 0.25


def reads_other_language(sentences: list[str]) -> bool:
    """Whether a text (its sentences) is read as written in another language: by ``Model.predict`` and by training."""
    return other_language_share(sentences) >= TEXT_SHARE
