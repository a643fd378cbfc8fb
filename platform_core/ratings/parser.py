"""What a citizen's chat message says as a rating. Pure: no database, no Flask.

Understood (after `fold`: any case, with or without diacritics):
- "DG <dossier code> <1-5>": what the invitation's buttons send back;
- "đánh giá <dossier code> <1-5>", "đánh giá <1-5>", "DG <1-5>": typed by hand;
- "<1-5>" alone (with "sao" or "điểm" after it or not): only counts as a rating when the citizen has an open
  invitation (the caller decides), so that a lone digit means nothing otherwise;
- the words of the scale ("hài lòng", "rất hài lòng", "không hài lòng"…), alone like a digit or followed by a
  dossier code: what citizens say rather than a number.
"""

import re
from dataclasses import dataclass

from platform_core.ratings.constants import SCALE
from platform_core.text import fold

_COMMAND = re.compile(r"^(?:dg|danh gia)[\s:]+(?:(?P<code>\S+)\s+)?(?P<score>[1-5])(?:\s*(?:sao|diem))?[.!]?$")
_BARE = re.compile(r"^(?P<score>[1-5])(?:\s*(?:sao|diem))?[.!]?$")
WORD_SCORES = {fold(label): score for score, label in SCALE.items()}  # "rat hai long" -> 5
# Longest first: "rất không hài lòng" must not be read as "không hài lòng".
_WORDS = re.compile(r"^(?:danh gia\s+)?(?P<words>" + "|".join(sorted(WORD_SCORES, key=len, reverse=True))
                    + r")(?:\s+(?:voi\s+)?(?:ho so\s+)?(?P<code>\S+))?\s*[.!]*\s*(?:a|nhe)?$")


@dataclass(frozen=True)
class RatingText:
    score: int
    code: str | None = None  # the dossier code as typed, when given
    bare: bool = False  # only a digit: a rating only if an invitation is waiting for one


def parse_rating(text: str) -> RatingText | None:
    folded = fold(text or "").lstrip("#").strip()
    command = _COMMAND.match(folded)
    if command:
        return RatingText(int(command["score"]), command["code"])
    bare = _BARE.match(folded)
    if bare:
        return RatingText(int(bare["score"]), bare=True)
    words = _WORDS.match(folded.rstrip(".! "))
    if words:
        code = words["code"] if words["code"] and any(char.isdigit() for char in words["code"]) else None
        return RatingText(WORD_SCORES[words["words"]], code, bare=code is None)
    return None
