"""An OA article and the article broadcast's audience, as Zalo's article API and `/v2.0/oa/message` take them
(docs/zalo-oa.md §2.1). Checked locally (MessageError, a ValueError) before any request is made."""

from dataclasses import dataclass

from platform_core.zalo.messages import MessageError

MAX_TITLE, MAX_AUTHOR, MAX_DESCRIPTION = 150, 50, 300
AGE_GROUPS = {0: "0-12", 1: "13-17", 2: "18-24", 3: "25-34", 4: "35-44", 5: "45-54", 6: "55-64", 7: "65+"}
GENDER_ALL, GENDER_MALE, GENDER_FEMALE = 0, 1, 2
REGIONS = {0: "North", 1: "Centre", 2: "South"}


@dataclass(frozen=True)
class Article:
    """A "normal" article: a photo cover, a title, an author, a description and paragraphs of text."""

    title: str
    author: str
    description: str
    cover_url: str
    paragraphs: tuple[str, ...]

    def to_payload(self) -> dict:
        problems: dict[str, list[str]] = {}
        for name, value, limit in (("title", self.title, MAX_TITLE), ("author", self.author, MAX_AUTHOR),
                                   ("description", self.description, MAX_DESCRIPTION)):
            if not value or len(value) > limit:
                problems[name] = [f"1 to {limit} characters"]
        if not self.cover_url:
            problems["cover_url"] = ["required"]
        if not any(p.strip() for p in self.paragraphs):
            problems["paragraphs"] = ["at least one"]
        if problems:
            raise MessageError(problems)
        return {"type": "normal", "title": self.title, "author": self.author, "description": self.description,
                "cover": {"cover_type": "photo", "photo_url": self.cover_url, "status": "show"},
                "body": [{"type": "text", "content": p} for p in self.paragraphs if p.strip()],
                "status": "show", "comment": "hide"}


@dataclass(frozen=True)
class BroadcastTarget:
    """Who an article broadcast reaches among the OA's followers; empty means every follower. Codes are
    Zalo's: age groups 0-7, gender 0 all / 1 male / 2 female, regions 0-2, `cities` Zalo's province codes
    (which replace regions when given)."""

    ages: tuple[int, ...] = ()
    gender: int = GENDER_ALL
    regions: tuple[int, ...] = ()
    cities: tuple[str, ...] = ()

    def to_payload(self) -> dict:
        if not set(self.ages) <= set(AGE_GROUPS) or self.gender not in (GENDER_ALL, GENDER_MALE, GENDER_FEMALE) \
                or not set(self.regions) <= set(REGIONS) or not all(str(c).isdigit() for c in self.cities):
            raise MessageError({"target": ["a code Zalo does not define"]})
        target = {"ages": _codes(self.ages), "gender": str(self.gender) if self.gender else "",
                  "locations": "" if self.cities else _codes(self.regions), "cities": _codes(self.cities)}
        # Nothing chosen: every follower, said as "every gender" (Zalo's target is not documented as optional).
        return {key: value for key, value in target.items() if value} or {"gender": str(GENDER_ALL)}


def broadcast_message(article_id: str) -> dict:
    """The only thing a broadcast carries: one article, as a media template."""
    return {"attachment": {"type": "template", "payload": {"template_type": "media", "elements": [
        {"media_type": "article", "attachment_id": str(article_id)}]}}}


def _codes(values) -> str:
    return ",".join(str(value) for value in sorted(values, key=int))
