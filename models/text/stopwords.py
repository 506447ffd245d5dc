"""Stop words per language: the same letters mean different things in English and Vietnamese.

English "in" is a function word, Vietnamese "in" means "to print"; English "to" is a function word,
Vietnamese "to" means "big". So each list applies only to text of its own language.
Vietnamese words are in canonical form (`normalize_vietnamese`); the list keeps function words and
the filler of spoken requests ("cho em hỏi", "thủ tục", "làm sao") and nothing that names a thing.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

from models.text.normalize import fold_diacritics, normalize_vietnamese

_VIETNAMESE = (
    "à ạ ơi nhé nhá nha ha hả vậy thế sao gì nào đâu ai bao nhiêu mấy "
    "tôi tui mình em anh chị bạn chúng ta họ ông bà "
    "của và với hoặc hay là thì mà nhưng nếu để vì do bởi nên cũng "
    "các những mọi này kia ấy đó đấy "
    "đã đang sẽ vừa mới rồi chưa không có được bị phải cần muốn "
    "ở tại trong ngoài về theo từ đến tới lên xuống ra vào "
    "cho giúp hỏi xin làm thủ tục như thế nào ra sao ở đâu "
    "giờ bây nay hôm thì cái con việc"
)
VIETNAMESE_STOPWORDS: frozenset[str] = frozenset(normalize_vietnamese(w) for w in _VIETNAMESE.split())
# The frame of a spoken request: who asks, how politely, what they want done. Unlike the other
# function words, none of these ends a name: "ở" ends "nơi ở", "mới" ends "cấp mới", "con" ends
# "nuôi con", so those are never trimmed from a query's edges.
_FRAME = (
    "à ạ ơi nhé nhá nha ha hả vậy thế sao gì nào đâu "
    "tôi tui mình em anh chị bạn chúng ta họ "
    "cho giúp hỏi xin muốn cần phải làm thì là mà với để nên thủ tục"
)
FRAME_WORDS: frozenset[str] = frozenset(normalize_vietnamese(w) for w in _FRAME.split())
# "con" (child) and "việc" are kept out of queries' unigrams only because they are everywhere;
# they still count inside syllable bigrams (nhận cha mẹ con, nuôi con nuôi).

_ENGLISH = (
    "a an the of in on at for to from by with about into as and or but if than then so "
    "i me my we our you your he his she her it its they their them this that these those "
    "is are was were be been being am do does did done have has had having can could will would "
    "should shall may might must need needs want wants like how what when where which who why "
    "please help procedure procedures process apply applying application form forms "
    "vietnam vietnamese hanoi ha noi"
)
ENGLISH_STOPWORDS: frozenset[str] = frozenset(_ENGLISH.split())

# How questions about a procedure end: they ask about its time, fee, papers, place or conditions,
# and the words of the question must not be matched as the procedure's words ("cấp hộ chiếu mất
# bao lâu" asks how long it takes, it is not about a lost passport). Longest phrases first.
_QUESTION_PHRASES = (
    "mất bao nhiêu tiền", "mất bao nhiêu ngày", "mất bao nhiêu", "mất bao lâu", "mất mấy ngày",
    "hết bao nhiêu tiền", "hết bao nhiêu", "tốn bao nhiêu", "bao nhiêu tiền", "bao nhiêu ngày", "bao lâu",
    "lệ phí bao nhiêu", "phí bao nhiêu", "cần những giấy tờ gì", "cần giấy tờ gì", "cần những gì",
    "giấy tờ gì", "hồ sơ gồm những gì", "hồ sơ gồm gì", "cần hồ sơ gì", "hồ sơ gì", "nộp mấy bộ",
    "cần điều kiện gì", "điều kiện gì", "cần gì", "nộp ở đâu", "làm ở đâu", "ở đâu",
    "như thế nào", "thế nào", "ra sao", "làm sao", "là gì", "dành cho ai", "có được không",
    "được không", "gồm những bước nào", "những bước nào", "căn cứ vào những văn bản pháp luật nào",
    "văn bản pháp luật nào", "khi nào", "có cấp gấp không",
)
QUESTION_PHRASES: tuple[tuple[str, ...], ...] = tuple(
    sorted({tuple(normalize_vietnamese(p).split()) for p in _QUESTION_PHRASES}, key=len, reverse=True)
)
_FOLDED_QUESTION_PHRASES = tuple(tuple(fold_diacritics(s) for s in p) for p in QUESTION_PHRASES)


def without_question_phrases(syllables: list[str], *, folded: bool = False) -> list[str]:
    """The syllables of a query with its question phrases ("mất bao lâu", "cần giấy tờ gì") removed.

    `folded`: compare accent-folded forms (for queries typed without diacritics).
    """
    keys = [fold_diacritics(s) for s in syllables] if folded else syllables
    phrases = _FOLDED_QUESTION_PHRASES if folded else QUESTION_PHRASES
    kept: list[str] = []
    i = 0
    while i < len(syllables):
        match = next((p for p in phrases if tuple(keys[i : i + len(p)]) == p), None)
        if match and len(match) < len(syllables):
            i += len(match)
            continue
        kept.append(syllables[i])
        i += 1
    return kept


def content_span(syllables: Sequence[str], keep: Collection[int] = ()) -> tuple[int, int]:
    """(start, end) of a query's syllables without the frame words at its edges, the frame of a
    spoken request ("cho em hỏi ... ạ", "tôi muốn ... thì làm"); positions in `keep` (a lexicon term
    such as "xin visa") stay. The whole query when it holds nothing but function words.

    Canonical accented syllables only: typed bare, a function word folds onto content words ("co"
    is có but also cơ in "cơ sở").
    """
    start, end = 0, len(syllables)
    while start < end and syllables[start] in FRAME_WORDS and start not in keep:
        start += 1
    while end > start and syllables[end - 1] in FRAME_WORDS and end - 1 not in keep:
        end -= 1
    return (start, end) if end > start else (0, len(syllables))
