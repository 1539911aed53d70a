"""Find quantified goals in policy texts and turn them into target drafts.

Rule-based: each clause is scanned for quantities (a number and a unit), thresholds that only
qualify what is counted (投资500万元以上, 过亿元) become conditions, past results, labels and
headings are dropped, and what remains is classified by kind and bound.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from jinmu.targets.mentions import (
    INCREMENT_VERBS,
    LEVEL_VERBS,
    MENTION_RE,
    PROJECT_RE,
    VERB_RE,
    Mention,
    find_mentions,
    inside,
    is_noun_start,
    mark_thresholds,
    parse_number,
    plain_number,
    quoted_spans,
)
from jinmu.targets.text import normalise, split_passages, split_sentences

__all__ = ["BOUNDS", "KINDS", "Goal", "extract", "parse_number"]

KINDS = ("increment", "level", "growth_rate", "share", "count", "total")
BOUNDS = ("exact", "at_least", "at_most", "approx", "range")

_CLAUSE_RE = re.compile(r"[^，；：。！？]+[，；：。！？]?")

_INCREMENT_RE = re.compile(rf"^(?:{INCREMENT_VERBS})$")
_TOTAL_RE = re.compile(r"总投资|计划投资|投资计划|安排投资|投资总额|总额|意向投资")
_SHARE_RE = re.compile(r"率|比重|比例|占比|占.{0,12}比|覆盖|普及|份额")
_LEVEL_RATE_RE = re.compile(r"失业率|增长率|涨幅|价格|物价|发展水平|指数|增速")
_GROWTH_RE = re.compile(r"(?:增长|增速|增幅|年均增长|提高|提升)(?:率)?(?:为|达到|达|保持在|在)?$")
# Markers of results already achieved; the rest of the sentence after them is not a goal.
_PAST_CLAUSE_RE = re.compile(
    r"[0-9]{1,2}\s*[-—–~至]\s*[0-9]{1,2}月|截至|截止|以来|目前|已经|已|成功|基础上|"
    r"(?<![比较])(?:去年|上年)(?!同期)"
)
# Comparisons with last year: a result in a report, but a goal in a forward-looking sentence.
_COMPARISON_RE = re.compile(r"同比|较上年|比上年|较去年|比去年|上年同期")
# Markers that make a whole sentence (and the ones after it) a report of results.
_PAST_SENTENCE_RE = re.compile(r"同比|较上年|比上年|去年|上年同期|序时进度|分别为|年均增长")
_FORWARD_RE = re.compile(
    r"力争|确保|目标[是为]|预期|计划(?!投资|的)|将|今年|年内|到20[0-9]{2}年|要"
)
_PERIOD_RE = re.compile(
    r"到20[0-9]{2}年(?:底|末)?|(?<![较比0-9])20[0-9]{2}年(?:度|底|末)?|(?:今|明|本|当)年(?:年底|年末)?|年内|全年|每年|"
    r"“十[一二三四五六七八九]五”期间|上半年|下半年"
)
_DOUBLING_RE = re.compile(r"(?:实现|全部实现|均实现|都实现)?翻(?:一)?番")
_LEADING_NOISE_RE = re.compile(
    r"^(?:[、和及与并且其中同时另外]|力争|实施|确保|争取|努力|计划|预计|要|将|全年|年内|今年|明年|本年|当年|"
    r"到20[0-9]{2}年(?:底|末)?|20[0-9]{2}年(?:度)?|全县|全市|全省|全区|全镇|每年|共|"
    rf"均要|均|都|总共|合计|重点|{INCREMENT_VERBS}|{LEVEL_VERBS})+"
)
_TRAILING_NOISE_RE = re.compile(
    r"(?:达到|达|突破|超过|超|不低于|不少于|不超过|不高于|低于|高于|控制在|保持在|稳定在|保持|"
    r"实现|为|在|要|均要|均|都|约|大约|分别|全部|双|增长|增加|共|计|等|共计|的|"
    r"同比|比上年|较上年|比去年|较去年|提高到|提升到|提高|提升)+$"
)
_AT_LEAST_PREFIX_RE = re.compile(r"(?:不低于|不少于|超过|突破|高于|大于|多于|超|逾|过)$")
_AT_MOST_PREFIX_RE = re.compile(r"(?:不超过|不高于|不多于|(?<!不)低于|(?<!不)少于)$")
_APPROX_PREFIX_RE = re.compile(r"(?:约|大约|近)$")


@dataclass
class Goal:
    """One quantified goal found in a text: a draft of a target."""

    indicator: str
    kind: str
    value: float
    unit: str
    bound: str
    value_high: float | None
    condition: str | None
    period: str | None
    sentence: str
    # Where the number (with its unit and bound) stands in `sentence`, for highlighting; not
    # part of the jsonl form.
    span: tuple[int, int] | None = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict[str, Any]:
        """The goal as the JSON object of `extract --format jsonl`."""
        data = asdict(self)
        del data["span"]
        data["value"] = plain_number(self.value)
        data["value_high"] = None if self.value_high is None else plain_number(self.value_high)
        return data


def _clean_indicator(text: str) -> str:
    """Strip verbs, soft wording, periods and bound words around an indicator name."""
    text = text.strip(" 、，；：")
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_NOISE_RE.sub("", text).strip(" 、")
        text = _TRAILING_NOISE_RE.sub("", text).strip(" 、")
    return text


def _bound(m: Mention, prefix_text: str) -> str:
    """The bound of a mention from its suffix (以上, 左右) and the words before it."""
    if m.value_high is not None:
        return "range"
    if m.suffix in ("左右", "上下"):
        return "approx"
    if _APPROX_PREFIX_RE.search(prefix_text):
        return "approx"
    if m.suffix in ("以内", "以下") or _AT_MOST_PREFIX_RE.search(prefix_text):
        return "at_most"
    if m.suffix in ("以上", "多") or _AT_LEAST_PREFIX_RE.search(prefix_text):
        return "at_least"
    return "exact"


def _kind(m: Mention, indicator: str, context: str, verb: str | None, after_de: bool) -> str:
    """Classify a goal: growth_rate, share, level, total, count or increment."""
    base = m.unit
    if base.endswith(("%", "‰", "百分点")):
        if _GROWTH_RE.search(context) and "涨幅" not in context[-6:]:
            return "growth_rate"
        if _SHARE_RE.search(indicator) and not _LEVEL_RATE_RE.search(indicator):
            return "share"
        if after_de:
            return "share"
        return "level"
    if base.endswith("元"):
        if m.paired_total or _TOTAL_RE.search(context + indicator):
            return "total"
        return "level"
    if PROJECT_RE.search(indicator):
        return "count"
    if verb and _INCREMENT_RE.match(verb):
        return "increment"
    if re.search(INCREMENT_VERBS, indicator[:4]) or "新增" in indicator:
        return "increment"
    # Items meeting a threshold (14条产值超千亿的产业链) are counted, not added.
    return "count" if m.condition else "level"


def _split_subject(subject: str, n: int) -> list[str]:
    """Split a shared subject (城镇和农村居民收入, A、B) into n indicator names."""
    if n < 2:
        return [subject]
    if "城乡" in subject and n == 2:
        return [subject.replace("城乡", "城镇", 1), subject.replace("城乡", "农村", 1)]
    parts = [p for p in re.split(r"[、和与及]", subject) if p]
    if len(parts) != n:
        return [subject] * n
    head = len(parts[0])
    last = parts[-1]
    names = []
    for part in parts[:-1]:
        if len(part) <= 3 and len(last) > head + 2:
            names.append(part + last[head:])
        else:
            names.append(part)
    names.append(last)
    return names


def _period(*texts: str) -> str | None:
    """The first stated period (到2025年, 年内, 全年…) in the clause, then the sentence."""
    for text in texts:
        m = _PERIOD_RE.search(text)
        if m:
            return m.group(0)
    return None


def _clauses(sentence: str) -> list[tuple[int, str]]:
    """Clauses of a sentence with their offsets; the delimiter stays at the clause end."""
    return [(m.start(), m.group(0)) for m in _CLAUSE_RE.finditer(sentence)]


def _doubling_goals(
    clause: str, quoted: list[tuple[int, int]], sentence: str, previous: str | None
) -> list[Goal]:
    """翻番 goals: 财政收入、国税、地税全部实现翻番 → growth 100 % for each indicator."""
    goals: list[Goal] = []
    for m in _DOUBLING_RE.finditer(clause):
        if inside(quoted, m.start(), m.end()):
            continue
        subject = _clean_indicator(re.split(r"[，；：]", clause[: m.start()])[-1])
        subject = re.sub(r"^即", "", subject)
        # 较2020年翻一番: the base year is not the indicator; the clause before names it.
        subject = re.sub(r"^(?:较|比)(?:20[0-9]{2}年|上年|去年)?$", "", subject) or (previous or "")
        if not subject or re.search(r"[0-9一二两三四五六七八九十]个?$|年$", subject):
            continue
        names = [p for p in re.split(r"[、和与及]", subject) if p]
        for name in names:
            goals.append(
                Goal(
                    name,
                    "growth_rate",
                    100.0,
                    "%",
                    "at_least",
                    None,
                    f"原文'{m.group(0)}'",
                    _period(clause, sentence),
                    sentence,
                )
            )
    return goals


def _pair_totals(clause: str, mentions: list[Mention]) -> None:
    """总投资291.3亿元的45个项目: a total paired with the count that follows."""
    for a, b in itertools.pairwise(mentions):
        between = clause[a.end : b.start]
        if (
            a.unit.endswith("元")
            and between in ("的", "")
            and re.search(r"投资额?$", clause[: a.start])
        ):
            a.paired_total = True
            a.paired_count = b


def _shared_names(goal: Goal, indicator: str, before: str) -> list[str]:
    """The indicators a goal stands for: 城镇和农村居民收入均增长8% → one goal each."""
    shared = re.search(r"(?:均|都|全部)[^、和]{0,6}$|双$", before)
    if shared and re.search(r"[、和]", indicator):
        return [p for p in re.split(r"[、和]", indicator) if p]
    return [goal.indicator]


@dataclass
class _ClauseReader:
    """Reads the goal mentions of one clause in order; a 分别 group carries its subject over
    from one mention to the next."""

    clause: str
    sentence: str
    period: str | None
    mentions: list[Mention]
    goal_mentions: list[Mention]
    previous: str | None
    boundary: int = 0
    group_subject: str | None = None
    group: list[tuple[Mention, Goal]] = field(default_factory=list)

    def read(self, m: Mention) -> list[Goal]:
        """The goals of one mention (none when it names nothing)."""
        before_raw = self.clause[self.boundary : m.start]
        self.boundary = m.end
        after_text = self._after_text(m)
        after_de = after_text.startswith("的") and m.unit.endswith("%")
        in_group = bool(
            self.group_subject is not None and re.fullmatch(r"[、和及与]?", before_raw.strip())
        )
        indicator = self._indicator(m, before_raw, after_text, after_de)
        if in_group and self.group_subject is not None:
            indicator = self.group_subject
        if indicator.startswith("占"):
            return []  # 占比82.7%: a structure ratio of a list, not a goal
        if not indicator:
            indicator = self._verb_indicator(before_raw)
        if not re.search(r"[\u4e00-\u9fffA-Za-z]", indicator):
            return []
        goal = self._goal(m, indicator, after_de, in_group)
        if not in_group:
            self._start_group(goal, before_raw)
        if not goal.indicator:
            return []
        self.group.append((m, goal))
        names = _shared_names(goal, indicator, before_raw)
        return [Goal(**{**asdict(goal), "indicator": name}) for name in names]

    def _after_text(self, m: Mention) -> str:
        """The text after a mention up to the next goal mention or punctuation."""
        after_raw = self.clause[m.end :]
        next_starts = [o.start for o in self.mentions if o.start >= m.end and not o.threshold]
        after_text = after_raw[: (next_starts[0] - m.end) if next_starts else len(after_raw)]
        return re.split(r"[，；：。！？]", after_text)[0]

    def _indicator(self, m: Mention, before_raw: str, after_text: str, after_de: bool) -> str:
        """The indicator a mention measures, named before or after it."""
        subject_before = _clean_indicator(before_raw)
        if m.paired_count is not None:
            count_after = self.clause[m.paired_count.end :]
            return _clean_indicator(re.split(r"[，；：。！？、]", count_after)[0]) + "总投资"
        if is_noun_start(after_text) or (after_de and not subject_before):
            return _clean_indicator(after_text.lstrip("的"))
        return subject_before

    def _verb_indicator(self, before_raw: str) -> str:
        """The indicator of a mention with no noun before it."""
        verb_only = _LEADING_NOISE_RE.sub("", before_raw.strip(" 、，；：和及与"))
        if _TRAILING_NOISE_RE.fullmatch(verb_only or "的") and self.previous:
            # 去年完成投资50亿元，今年力争达到60亿元: the subject carries over.
            return self.previous
        # 改扩建5所: the verb is all the text says about what is built.
        return before_raw.strip(" 、，；：和及与")

    def _goal(self, m: Mention, indicator: str, after_de: bool, in_group: bool) -> Goal:
        """The goal of a mention with its kind and bound."""
        verbs = VERB_RE.findall(self.clause[: m.start])
        verb = verbs[-1] if verbs else None
        context = self.clause[: m.start]
        if in_group and self.group:
            context = self.clause[: self.group[0][0].start]
        kind = _kind(m, indicator, context, verb, after_de)
        if m.paired_count is None and any(g.paired_count is m for g in self.goal_mentions):
            kind = "count"
        bound = _bound(m, self.clause[max(0, m.start - 4) : m.start])
        return Goal(
            indicator,
            kind,
            m.value,
            m.unit,
            bound,
            m.value_high,
            m.condition,
            self.period,
            self.sentence,
            span=(m.start, m.end),
        )

    def _start_group(self, goal: Goal, before_raw: str) -> None:
        """A mention outside a group ends it; 分别 before it starts a new one."""
        self.group = []
        self.group_subject = None
        respectively = re.search(r"分别(?:增长|达到|为|提高|下降)?$", before_raw)
        if respectively:
            self.group_subject = _clean_indicator(before_raw[: respectively.start()])
            goal.indicator = self.group_subject


def _clause_goals(
    clause: str,
    sentence: str,
    default_period: str | None,
    past_from: int,
    previous: str | None = None,
) -> list[Goal]:
    """The goals of one clause; mentions at or after past_from are past results."""
    if clause.rstrip().endswith("：") or "基础上" in clause:
        return []  # a list heading (10件实事：) or a baseline (在…的基础上)
    quoted = quoted_spans(clause)
    mentions = find_mentions(clause, quoted)
    mark_thresholds(clause, mentions, quoted)
    goal_mentions = [m for m in mentions if not m.threshold and m.start < past_from]
    _pair_totals(clause, goal_mentions)
    goals: list[Goal] = _doubling_goals(clause[:past_from], quoted, sentence, previous)
    reader = _ClauseReader(
        clause,
        sentence,
        _period(clause, sentence) or default_period,
        mentions,
        goal_mentions,
        previous,
    )
    for m in goal_mentions:
        goals.extend(reader.read(m))
    _finish_groups(goals, clause)
    return goals


def _finish_groups(goals: list[Goal], clause: str) -> None:
    """Split respectively groups into one indicator each and spread a trailing 左右."""
    by_name: dict[str, list[Goal]] = {}
    if "分别" not in clause:
        return
    for goal in goals:
        by_name.setdefault(goal.indicator, []).append(goal)
    for name, members in by_name.items():
        if len(members) < 2:
            continue
        names = _split_subject(name, len(members))
        if any(g.bound == "approx" for g in members):
            for g in members:
                if g.bound == "exact":
                    g.bound = "approx"
        for g, new_name in zip(members, names, strict=True):
            g.indicator = new_name


def _subject_of(clause: str) -> str | None:
    """The indicator a past clause talks about (去年完成固定资产投资50亿元 → 固定资产投资)."""
    m = MENTION_RE.search(clause)
    if m is None:
        return None
    head = _PAST_CLAUSE_RE.sub("", clause[: m.start()])
    return _clean_indicator(head) or None


def extract(text: str) -> list[Goal]:
    """Extract the quantified goals of a policy text (any script, raw punctuation)."""
    goals: list[Goal] = []
    for passage in split_passages(normalise(text)):
        past_passage = False
        default_period: str | None = None
        for sentence in split_sentences(passage):
            forward = bool(_FORWARD_RE.search(sentence))
            if _PAST_SENTENCE_RE.search(sentence) and not forward:
                past_passage = True
                continue
            if forward:
                past_passage = False
            if past_passage:
                continue
            default_period = default_period or _period(sentence)
            past = False
            previous: str | None = None
            for offset, clause in _clauses(sentence):
                if past and _FORWARD_RE.search(clause):
                    past = False  # 去年完成…，今年力争…: the goal follows the result
                if past:
                    continue
                marker = _PAST_CLAUSE_RE.search(clause)
                comparison = _COMPARISON_RE.search(clause)
                if comparison and (not forward or "分别" in clause):
                    # 较上年分别增加…: derived from last year's figures, not a goal of its own
                    marker = marker or comparison
                past_from = marker.start() if marker else len(clause)
                found = _clause_goals(clause, sentence, default_period, past_from, previous)
                for goal in found:
                    if goal.span is not None:
                        goal.span = (goal.span[0] + offset, goal.span[1] + offset)
                goals.extend(found)
                previous = found[-1].indicator if found else _subject_of(clause) or previous
                past = marker is not None
    return goals
