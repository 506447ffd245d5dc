"""Stop words per language: the same letters mean different things in English and Vietnamese.

English "in" is a function word, Vietnamese "in" means "to print"; English "to" is a function word,
Vietnamese "to" means "big". So each list applies only to text of its own language.
Vietnamese words are in canonical form (`normalize_vietnamese`); the list keeps function words and
the filler of spoken requests ("cho em hỏi", "thủ tục", "làm sao") and nothing that names a thing.
"""

from __future__ import annotations

from models.text.normalize import normalize_vietnamese

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
