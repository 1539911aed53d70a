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

import cn2an

from jinmu.targets.text import normalise, split_passages, split_sentences

KINDS = ("increment", "level", "growth_rate", "share", "count", "total")
BOUNDS = ("exact", "at_least", "at_most", "approx", "range")

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_NUM = rf"[0-9]+(?:\.[0-9]+)?|[{_CN_DIGITS}]+"
_BASE_UNITS = (
    "个百分点|微克/立方米|立方米|平方公里|平方米|千瓦时|千瓦|兆瓦|人次|美元|元|公里|公顷|千米|万吨|吨|亩|家|个|项|宗|"
    "件|条|所|座|辆|户|人|台|套|张|名|处|间|栋|床|%|‰"
)
_MAGNITUDES = "万亿|亿|千万|百万|万|千"
_DASH = "-—–~～至到"
_MENTION_RE = re.compile(
    rf"(?P<num>{_NUM})(?:(?P<unit1>(?:{_MAGNITUDES})?(?:{_BASE_UNITS}))?"
    rf"\s*(?P<dash>[{_DASH}]|(?<=[0-9])一(?=[0-9]))\s*(?P<num2>[0-9]+(?:\.[0-9]+)?))?"
    rf"(?P<unit>(?:{_MAGNITUDES})?(?:{_BASE_UNITS})|亿(?!元))"
)
# Money thresholds that qualify what is counted: 投资500万元以上, 过亿元, 超千万元, 五百亿级.
_THRESHOLD_RE = re.compile(
    r"(?P<subj>总投资|投资额|投资|销售收入|营业收入|主营业务收入|年营收|营收|年收入|年纳税|纳税|"
    r"税收|预增产值|产值规模增长|"
    r"产值规模|产值|规模)?"
    rf"(?P<op>超过|过|超)?(?P<num>[0-9]+(?:\.[0-9]+)?|[{_CN_DIGITS}]+)?"
    r"(?P<mag>万亿|亿|千万|百万|万)(?P<yuan>元)?(?P<suffix>以上)?(?P<level>级)?"
)
_UNIT_START = set("个百平千兆人美元公万吨亩家项宗件条所座辆户台套张名处间栋床%‰")
_QUOTES_RE = re.compile(r"“[^”]*”|\"[^\"]*\"|‘[^’]*’|'[^']*'|「[^」]*」|《[^》]*》")
_CLAUSE_RE = re.compile(r"[^，；：。！？]+[，；：。！？]?")

_INCREMENT_VERBS = (
    "新增|净增|新培育|培育|开工建设|配套|新引进|引进|招引|新改扩建|新改建|改扩建|新建|改建|扩建|配建|新认定|完成|打造|增加|"
    "新进|新开工|新上|新发展|新申报|新创建|创建|新落地|新签约|签约|改造|争创"
)
_LEVEL_VERBS = "达到|达|突破|超过|建成|累计|保持在|保持|稳定在|控制在|构建|形成|储备|认定|实现"
_VERB_RE = re.compile(rf"{_INCREMENT_VERBS}|{_LEVEL_VERBS}")
_INCREMENT_RE = re.compile(rf"^(?:{_INCREMENT_VERBS})$")
_PROJECT_RE = re.compile(r"项目|工程$|实事|增长点|生产线")
_TOTAL_RE = re.compile(r"总投资|计划投资|投资计划|安排投资|投资总额|总额|意向投资")
_SHARE_RE = re.compile(r"率|比重|比例|占比|占.{0,12}比|覆盖|普及|份额")
_LEVEL_RATE_RE = re.compile(r"失业率|增长率|涨幅|价格|物价|发展水平|指数|增速")
_GROWTH_RE = re.compile(r"(?:增长|增速|增幅|年均增长|提高|提升)(?:率)?(?:为|达到|达|保持在|在)?$")
# Labels of a plan's structure rather than quantities: 3条主线, 6个方面, 1个总抓手.
_LABEL_AFTER_RE = re.compile(
    r"^(?:方面|主线|总体目标|目标|总抓手|抓手|任务|原则|行动|战略|体系|区域协同|基础支撑|一流|强化|"
    r"新突破|突破|翻番|增幅|环节|板块|领域|工作)"
)
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
    rf"均要|均|都|总共|合计|重点|{_INCREMENT_VERBS}|{_LEVEL_VERBS})+"
)
_TRAILING_NOISE_RE = re.compile(
    r"(?:达到|达|突破|超过|超|不低于|不少于|不超过|不高于|低于|高于|控制在|保持在|稳定在|保持|"
    r"实现|为|在|要|均要|均|都|约|大约|分别|全部|双|增长|增加|共|计|等|共计|的|"
    r"同比|比上年|较上年|比去年|较去年|提高到|提升到|提高|提升)+$"
)
_AT_LEAST_PREFIX_RE = re.compile(r"(?:不低于|不少于|超过|突破|高于|大于|多于|超|逾|过)$")
_AT_MOST_PREFIX_RE = re.compile(r"(?:不超过|不高于|不多于|(?<!不)低于|(?<!不)少于)$")
_APPROX_PREFIX_RE = re.compile(r"(?:约|大约|近)$")
_SUFFIX_RE = re.compile(r"^(?:以上|左右|上下|以内|以下|多)")


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
        data["value"] = _plain_number(self.value)
        data["value_high"] = None if self.value_high is None else _plain_number(self.value_high)
        return data


@dataclass
class _Mention:
    """A number with its unit inside one clause."""

    start: int
    end: int  # after the unit and any bound suffix such as 以上
    value: float
    value_high: float | None
    unit: str
    suffix: str
    chinese: bool
    condition: str | None = None
    threshold: bool = False
    paired_total: bool = False
    paired_count: _Mention | None = None


def _plain_number(value: float) -> float | int:
    """An integral float as an int, so 30.0 prints as 30."""
    return int(value) if float(value).is_integer() else value


def parse_number(text: str) -> float:
    """Parse an Arabic or Chinese numeral (30, 291.3, 三十, 五百, 千) into a float."""
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return float(text)
    if text in ("千", "百", "十"):
        text = "一" + text
    return float(cn2an.cn2an(text, "smart"))


def _quoted_spans(clause: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks or title marks: labels such as “双十” or “2+4”."""
    return [(m.start(), m.end()) for m in _QUOTES_RE.finditer(clause)]


def _inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) lies within one of the spans."""
    return any(s <= start and end <= e for s, e in spans)


def _is_noun_start(text: str) -> bool:
    """True when text starts a noun phrase (a Chinese character or opening quote, not a bound)."""
    if not text or _SUFFIX_RE.match(text):
        return False
    ch = text[0]
    return (
        ("\u4e00" <= ch <= "\u9fff") or ch in "“‘(" or ch.isalpha()
    ) and ch not in "的和、及等与"


def _threshold_condition(match: re.Match[str], default_subject: str) -> str:
    """Render a threshold match as a condition such as 投资≥500万元 or 投资>1亿元."""
    raw = match.group("num")
    value = parse_number(raw) if raw else 1.0
    mag = match.group("mag")
    unit = mag + "元"
    subject = match.group("subj") or default_subject
    if match.group("level"):
        return f"{subject}{raw or ''}{mag}级"
    op = "≥" if match.group("suffix") and not match.group("op") else ">"
    return f"{subject}{op}{_plain_number(value)}{unit}"


def _find_mentions(clause: str, quoted: list[tuple[int, int]]) -> list[_Mention]:
    """All numbers with units in a clause that are not labels, rankings or quoted names."""
    mentions: list[_Mention] = []
    for m in _MENTION_RE.finditer(clause):
        start, end = m.start(), m.end()
        if _inside(quoted, start, end):
            continue
        before = clause[:start]
        if before.endswith("第") or before.endswith("〔") or re.search(r"[0-9.]$", before):
            continue
        chinese = not m.group("num")[0].isdigit()
        unit = m.group("unit")
        if unit == "亿":
            unit = "亿元"
        after = clause[end:]
        suffix_match = _SUFFIX_RE.match(after)
        suffix = suffix_match.group(0) if suffix_match else ""
        if _LABEL_AFTER_RE.match(after[len(suffix) :]):
            continue
        if chinese and (
            m.group("num") == "一"
            or before.endswith("每")
            or not _VERB_RE.search(before)
            or _LABEL_AFTER_RE.match(after)
        ):
            # Chinese numerals are mostly labels (两市场, 四提四增) or articles (一个平台);
            # only a count after a goal verb (新增三十家) is a quantity.
            continue
        try:
            value = parse_number(m.group("num"))
            high = parse_number(m.group("num2")) if m.group("num2") else None
        except (ValueError, KeyError):
            continue
        if after[len(suffix) :].startswith(("号", "年", "月", "日", "强")):
            continue
        mentions.append(_Mention(start, end + len(suffix), value, high, unit, suffix, chinese))
    return mentions


def _mark_thresholds(clause: str, mentions: list[_Mention], quoted: list[tuple[int, int]]) -> None:
    """Turn money amounts that qualify a count into conditions of that count."""
    for t in _THRESHOLD_RE.finditer(clause):
        if not (t.group("op") or t.group("suffix") or t.group("level")):
            continue
        if not (t.group("num") or t.group("op") or t.group("suffix")):
            continue
        start, end = t.start("op") if t.group("op") else t.start("num"), t.end()
        if t.group("op") is None and t.group("num") is None:
            start = t.start("mag")
        if _inside(quoted, start, end):
            continue
        after = clause[end:]
        if not t.group("yuan") and not t.group("level") and after[:1] in _UNIT_START:
            continue  # 超200万人次: a quantity, not a money threshold
        covered = [m for m in mentions if m.start < end and m.end > start]
        bare = t.group("num") is None
        modifier = bool(t.group("level")) or bare or _is_noun_start(after) or after[:1] == "的"
        target = _attach_target(clause, mentions, covered, start, end, modifier)
        if target is None and not modifier:
            continue  # a goal such as 到位资金500亿元以上
        for m in covered:
            m.threshold = True
        if target is not None and target.condition is None:
            default = "投资" if _PROJECT_RE.search(clause[target.start :] + clause[:end]) else ""
            target.condition = _threshold_condition(t, default)


def _attach_target(
    clause: str,
    mentions: list[_Mention],
    covered: list[_Mention],
    start: int,
    end: int,
    modifier: bool,
) -> _Mention | None:
    """The count a threshold qualifies: the one just before it, else the next (no 、 between)."""
    others = [m for m in mentions if m not in covered and m.unit[-1:] not in "元"]
    before = [m for m in others if m.end <= start]
    if before:
        prev = before[-1]
        gap = clause[prev.end : start]
        rest = clause[prev.end :].removeprefix("的")
        if not re.search(r"[、，；]", gap) and _is_noun_start(rest):
            return prev
    if not modifier:
        return None
    after = [m for m in others if m.start >= end]
    if after:
        nxt = after[0]
        if not re.search(r"[、，；]", clause[end : nxt.start]):
            return nxt
    return None


def _clean_indicator(text: str) -> str:
    """Strip verbs, soft wording, periods and bound words around an indicator name."""
    text = text.strip(" 、，；：")
    previous = None
    while previous != text:
        previous = text
        text = _LEADING_NOISE_RE.sub("", text).strip(" 、")
        text = _TRAILING_NOISE_RE.sub("", text).strip(" 、")
    return text


def _bound(m: _Mention, prefix_text: str) -> str:
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


def _kind(m: _Mention, indicator: str, context: str, verb: str | None, after_de: bool) -> str:
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
    if _PROJECT_RE.search(indicator):
        return "count"
    if verb and _INCREMENT_RE.match(verb):
        return "increment"
    if re.search(_INCREMENT_VERBS, indicator[:4]) or "新增" in indicator:
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
        if _inside(quoted, m.start(), m.end()):
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
    quoted = _quoted_spans(clause)
    mentions = _find_mentions(clause, quoted)
    _mark_thresholds(clause, mentions, quoted)
    goals_mentions = [m for m in mentions if not m.threshold and m.start < past_from]
    # 总投资291.3亿元的45个项目: a total paired with the count that follows.
    for a, b in itertools.pairwise(goals_mentions):
        between = clause[a.end : b.start]
        if (
            a.unit.endswith("元")
            and between in ("的", "")
            and re.search(r"投资额?$", clause[: a.start])
        ):
            a.paired_total = True
            a.paired_count = b
    goals: list[Goal] = _doubling_goals(clause[:past_from], quoted, sentence, previous)
    period = _period(clause, sentence) or default_period
    boundary = 0
    verb: str | None = None
    group_subject: str | None = None
    group: list[tuple[_Mention, Goal]] = []
    for m in goals_mentions:
        prefix_full = clause[: m.start]
        verbs = _VERB_RE.findall(prefix_full)
        verb = verbs[-1] if verbs else None
        before_raw = clause[boundary : m.start]
        after_raw = clause[m.end :]
        next_starts = [o.start for o in mentions if o.start >= m.end and not o.threshold]
        after_text = after_raw[: (next_starts[0] - m.end) if next_starts else len(after_raw)]
        after_text = re.split(r"[，；：。！？]", after_text)[0]
        after_de = after_text.startswith("的") and m.unit.endswith("%")
        in_group = group_subject is not None and re.fullmatch(r"[、和及与]?", before_raw.strip())
        subject_before = _clean_indicator(before_raw)
        if m.paired_count is not None:
            count_after = clause[m.paired_count.end :]
            indicator = _clean_indicator(re.split(r"[，；：。！？、]", count_after)[0]) + "总投资"
        elif _is_noun_start(after_text) or (after_de and not subject_before):
            indicator = _clean_indicator(after_text.lstrip("的"))
        else:
            indicator = subject_before
        if in_group and group_subject is not None:
            indicator = group_subject
        if indicator.startswith("占"):
            boundary = m.end
            continue  # 占比82.7%: a structure ratio of a list, not a goal
        if not indicator:
            verb_only = _LEADING_NOISE_RE.sub("", before_raw.strip(" 、，；：和及与"))
            if _TRAILING_NOISE_RE.fullmatch(verb_only or "的") and previous:
                # 去年完成投资50亿元，今年力争达到60亿元: the subject carries over.
                indicator = previous
            else:
                # 改扩建5所: the verb is all the text says about what is built.
                indicator = before_raw.strip(" 、，；：和及与")
        if not re.search(r"[\u4e00-\u9fffA-Za-z]", indicator):
            boundary = m.end
            continue
        context = clause[: m.start]
        if in_group and group:
            context = clause[: group[0][0].start]
        kind = _kind(m, indicator, context, verb, after_de)
        if m.paired_count is None and any(g.paired_count is m for g in goals_mentions):
            kind = "count"
        bound = _bound(m, clause[max(0, m.start - 4) : m.start])
        goal = Goal(
            indicator,
            kind,
            m.value,
            m.unit,
            bound,
            m.value_high,
            m.condition,
            period,
            sentence,
            span=(m.start, m.end),
        )
        if not in_group:
            group = []
            group_subject = None
            respectively = re.search(r"分别(?:增长|达到|为|提高|下降)?$", before_raw)
            if respectively:
                group_subject = _clean_indicator(before_raw[: respectively.start()])
                goal.indicator = group_subject
        if not goal.indicator:
            boundary = m.end
            continue
        group.append((m, goal))
        shared = re.search(r"(?:均|都|全部)[^、和]{0,6}$|双$", before_raw)
        names = [goal.indicator]
        if shared and re.search(r"[、和]", indicator):
            names = [p for p in re.split(r"[、和]", indicator) if p]
        for name in names:
            goals.append(Goal(**{**asdict(goal), "indicator": name}))
        boundary = m.end
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
    m = _MENTION_RE.search(clause)
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
