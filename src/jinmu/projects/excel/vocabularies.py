"""The words of the ledger's choice columns (项目类型, 状态, 级别 …): fixed Chinese text written
into the files; on import a choice is also accepted by its label in any language or by its
code."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import models
from django.utils import translation

from jinmu.core.excel import parse_word
from jinmu.core.uploads import normalise_header
from jinmu.projects.choices import (
    LIFECYCLES,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    Purpose,
    RenovationDirection,
)


@dataclass(frozen=True)
class Vocabulary:
    """The words of one choice column: the fixed word written per code, and extra words read."""

    choices: type[models.TextChoices]
    words: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)

    def word(self, value: str) -> str:
        """The word written into a file for a stored code."""
        return self.words.get(value, value)

    def lookup(self) -> dict[str, str]:
        """Normalised word, alias, label (Chinese and English) and code → stored code."""
        table: dict[str, str] = {}
        for code, word in self.words.items():
            table[normalise_header(word)] = code
        for alias, code in self.aliases.items():
            table.setdefault(normalise_header(alias), code)
        for language in ("zh-hans", "en"):
            with translation.override(language):
                for code, label in self.choices.choices:
                    table.setdefault(normalise_header(str(label)), str(code))
        for code in self.choices.values:
            table.setdefault(normalise_header(code), str(code))
        return table

    def parse(self, value: Any, lookup: Mapping[str, str] | None = None) -> str:
        """The stored code of a cell; a clear error listing the words otherwise."""
        table = lookup if lookup is not None else self.lookup()
        return parse_word(value, lookup=table, allowed=self.words.values)


K, L, S = ProjectKind, ProjectLevel, ProjectStatus
KIND_WORDS = Vocabulary(
    ProjectKind,
    {
        K.ATTRACTION: "招商引资",
        K.KEY: "重点项目",
        K.RENOVATION: "技改",
        K.BOND: "专项债",
        K.CHALLENGE: "揭榜挂帅",
    },
    {
        "招商": K.ATTRACTION,
        "招商项目": K.ATTRACTION,
        "招商引资项目": K.ATTRACTION,
        "重点": K.KEY,
        "技术改造": K.RENOVATION,
        "技改项目": K.RENOVATION,
        "专项债券": K.BOND,
        "专项债项目": K.BOND,
        "揭榜挂帅项目": K.CHALLENGE,
    },
)
LEVEL_WORDS = Vocabulary(
    ProjectLevel,
    {L.COUNTY: "县级", L.CITY: "市级", L.PROVINCE: "省级"},
    {
        "县": L.COUNTY,
        "县级重点": L.COUNTY,
        "县重点": L.COUNTY,
        "市": L.CITY,
        "市级重点": L.CITY,
        "市重点": L.CITY,
        "省": L.PROVINCE,
        "省级重点": L.PROVINCE,
        "省重点": L.PROVINCE,
    },
)
# The words of issue #3 (线索 → 研判 → 在谈 …); each word names one state across all kinds.
STATUS_WORDS = Vocabulary(
    ProjectStatus,
    {
        S.LEAD: "线索",
        S.ASSESSING: "研判",
        S.NEGOTIATING: "在谈",
        S.SIGNED: "签约",
        S.REGISTERED: "注册",
        S.PREPARING: "前期",
        S.STARTED: "在建",
        S.COMPLETED: "竣工",
        S.PRODUCING: "投产",
        S.EFFECTIVE: "达效",
        S.PLANNING: "谋划",
        S.RESERVED: "储备",
        S.APPLIED: "申报",
        S.APPROVED: "审核通过",
        S.ISSUED: "发行",
        S.DISBURSED: "资金拨付",
        S.IN_USE: "使用",
        S.EVALUATED: "绩效评价",
        S.COLLECTING: "需求征集",
        S.PUBLISHED: "发榜",
        S.TAKEN: "揭榜",
        S.REVIEWING: "评审",
        S.PUBLICITY: "公示",
        S.ESTABLISHED: "立项",
        S.MILESTONE_CHECK: "里程碑考核",
        S.ACCEPTED: "验收",
        S.TERMINATED: "终止",
    },
    {
        "开工": S.STARTED,
        "已开工": S.STARTED,
        "建设中": S.STARTED,
        "前期工作": S.PREPARING,
        "已签约": S.SIGNED,
        "已注册": S.REGISTERED,
        "已竣工": S.COMPLETED,
        "已投产": S.PRODUCING,
        "投产达效": S.EFFECTIVE,
        "已终止": S.TERMINATED,
    },
)
DIRECTION_WORDS = Vocabulary(
    RenovationDirection,
    {"high_end": "高端化", "intelligent": "智能化", "green": "绿色化", "safety": "安全化"},
)
PURPOSE_WORDS = Vocabulary(Purpose, {"fill": "补链", "extend": "延链", "strengthen": "强链"})
VOCABULARIES: dict[str, Vocabulary] = {
    "kind": KIND_WORDS,
    "level": LEVEL_WORDS,
    "status": STATUS_WORDS,
    "direction": DIRECTION_WORDS,
    "purpose": PURPOSE_WORDS,
}


def kind_word(kind: str) -> str:
    """The word for a project kind as written in the files (招商引资 …)."""
    return KIND_WORDS.word(kind)


def statuses_by_kind() -> list[tuple[str, list[str]]]:
    """Each kind's word and the words of its states in lifecycle order (for the guide)."""
    return [
        (KIND_WORDS.word(kind), [STATUS_WORDS.word(state) for state in flow])
        for kind, flow in LIFECYCLES.items()
    ]
