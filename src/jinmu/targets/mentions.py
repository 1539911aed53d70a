"""Quantities in a clause of a policy text: numbers with their units (30个, 291.3亿元, 8%),
with money thresholds that only qualify what is counted (投资500万元以上) turned into conditions.
The extractor (`jinmu.targets.extraction`) reads goals from these mentions."""

from __future__ import annotations

import re
from dataclasses import dataclass

import cn2an

_CN_DIGITS = "零〇一二两三四五六七八九十百千"
_NUM = rf"[0-9]+(?:\.[0-9]+)?|[{_CN_DIGITS}]+"
_BASE_UNITS = (
    "个百分点|微克/立方米|立方米|平方公里|平方米|千瓦时|千瓦|兆瓦|人次|美元|元|公里|公顷|千米|万吨|吨|亩|家|个|项|宗|"
    "件|条|所|座|辆|户|人|台|套|张|名|处|间|栋|床|%|‰"
)
_MAGNITUDES = "万亿|亿|千万|百万|万|千"
_DASH = "-—–~～至到"
MENTION_RE = re.compile(
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

INCREMENT_VERBS = (
    "新增|净增|新培育|培育|开工建设|配套|新引进|引进|招引|新改扩建|新改建|改扩建|新建|改建|扩建|配建|新认定|完成|打造|增加|"
    "新进|新开工|新上|新发展|新申报|新创建|创建|新落地|新签约|签约|改造|争创"
)
LEVEL_VERBS = "达到|达|突破|超过|建成|累计|保持在|保持|稳定在|控制在|构建|形成|储备|认定|实现"
VERB_RE = re.compile(rf"{INCREMENT_VERBS}|{LEVEL_VERBS}")
PROJECT_RE = re.compile(r"项目|工程$|实事|增长点|生产线")
# Labels of a plan's structure rather than quantities: 3条主线, 6个方面, 1个总抓手.
_LABEL_AFTER_RE = re.compile(
    r"^(?:方面|主线|总体目标|目标|总抓手|抓手|任务|原则|行动|战略|体系|区域协同|基础支撑|一流|强化|"
    r"新突破|突破|翻番|增幅|环节|板块|领域|工作)"
)
SUFFIX_RE = re.compile(r"^(?:以上|左右|上下|以内|以下|多)")


@dataclass
class Mention:
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
    paired_count: Mention | None = None


def plain_number(value: float) -> float | int:
    """An integral float as an int, so 30.0 prints as 30."""
    return int(value) if float(value).is_integer() else value


def parse_number(text: str) -> float:
    """Parse an Arabic or Chinese numeral (30, 291.3, 三十, 五百, 千) into a float."""
    if re.fullmatch(r"[0-9]+(?:\.[0-9]+)?", text):
        return float(text)
    if text in ("千", "百", "十"):
        text = "一" + text
    return float(cn2an.cn2an(text, "smart"))


def quoted_spans(clause: str) -> list[tuple[int, int]]:
    """Spans inside quotation marks or title marks: labels such as “双十” or “2+4”."""
    return [(m.start(), m.end()) for m in _QUOTES_RE.finditer(clause)]


def inside(spans: list[tuple[int, int]], start: int, end: int) -> bool:
    """True when [start, end) lies within one of the spans."""
    return any(s <= start and end <= e for s, e in spans)


def is_noun_start(text: str) -> bool:
    """True when text starts a noun phrase (a Chinese character or opening quote, not a bound)."""
    if not text or SUFFIX_RE.match(text):
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
    return f"{subject}{op}{plain_number(value)}{unit}"


def find_mentions(clause: str, quoted: list[tuple[int, int]]) -> list[Mention]:
    """All numbers with units in a clause that are not labels, rankings or quoted names."""
    mentions: list[Mention] = []
    for m in MENTION_RE.finditer(clause):
        start, end = m.start(), m.end()
        if inside(quoted, start, end):
            continue
        before = clause[:start]
        if before.endswith("第") or before.endswith("〔") or re.search(r"[0-9.]$", before):
            continue
        chinese = not m.group("num")[0].isdigit()
        unit = m.group("unit")
        if unit == "亿":
            unit = "亿元"
        after = clause[end:]
        suffix_match = SUFFIX_RE.match(after)
        suffix = suffix_match.group(0) if suffix_match else ""
        if _LABEL_AFTER_RE.match(after[len(suffix) :]):
            continue
        if chinese and (
            m.group("num") == "一"
            or before.endswith("每")
            or not VERB_RE.search(before)
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
        mentions.append(Mention(start, end + len(suffix), value, high, unit, suffix, chinese))
    return mentions


def mark_thresholds(clause: str, mentions: list[Mention], quoted: list[tuple[int, int]]) -> None:
    """Turn money amounts that qualify a count into conditions of that count."""
    for t in _THRESHOLD_RE.finditer(clause):
        if not (t.group("op") or t.group("suffix") or t.group("level")):
            continue
        if not (t.group("num") or t.group("op") or t.group("suffix")):
            continue
        start, end = t.start("op") if t.group("op") else t.start("num"), t.end()
        if t.group("op") is None and t.group("num") is None:
            start = t.start("mag")
        if inside(quoted, start, end):
            continue
        after = clause[end:]
        if not t.group("yuan") and not t.group("level") and after[:1] in _UNIT_START:
            continue  # 超200万人次: a quantity, not a money threshold
        covered = [m for m in mentions if m.start < end and m.end > start]
        bare = t.group("num") is None
        modifier = bool(t.group("level")) or bare or is_noun_start(after) or after[:1] == "的"
        target = _attach_target(clause, mentions, covered, start, end, modifier)
        if target is None and not modifier:
            continue  # a goal such as 到位资金500亿元以上
        for m in covered:
            m.threshold = True
        if target is not None and target.condition is None:
            default = "投资" if PROJECT_RE.search(clause[target.start :] + clause[:end]) else ""
            target.condition = _threshold_condition(t, default)


def _attach_target(
    clause: str,
    mentions: list[Mention],
    covered: list[Mention],
    start: int,
    end: int,
    modifier: bool,
) -> Mention | None:
    """The count a threshold qualifies: the one just before it, else the next (no 、 between)."""
    others = [m for m in mentions if m not in covered and m.unit[-1:] not in "元"]
    before = [m for m in others if m.end <= start]
    if before:
        prev = before[-1]
        gap = clause[prev.end : start]
        rest = clause[prev.end :].removeprefix("的")
        if not re.search(r"[、，；]", gap) and is_noun_start(rest):
            return prev
    if not modifier:
        return None
    after = [m for m in others if m.start >= end]
    if after:
        nxt = after[0]
        if not re.search(r"[、，；]", clause[end : nxt.start]):
            return nxt
    return None
