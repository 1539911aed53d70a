"""The demo county's project ledger: key, attraction, renovation, bond and challenge projects.

`build_projects(ctx, seed=…)` runs after the enterprises exist and writes, in bulk and without
per-row audit (the caller writes one summarising audit row per model, as for the firms):

- the 45 county-level key projects of the article, whose total investment is exactly 291.3亿元,
  plus a few city- and province-level key projects;
- 44 attraction projects across every stage, among them the three the article names (常州姆驰,
  浙江武义, 沈阳蓝光: fitness-equipment and elevator "补芯" projects aimed at chain gaps);
- 120 renovation projects of 规上 firms (一企一年一技改), leaving some firms without one;
- a dozen special-bond projects and four challenges (揭榜挂帅) at different stages;
- the "双十" and site-visit project lists, milestone plans with frozen baselines (a few
  re-planned, one re-plan awaiting approval), approval items (拿地即开工 / 交地即发证), 20 weeks
  of weekly reports with gaps, late reports and problems, and finally the lights.

Everything is dated relative to `ctx.today`, so the current week always has reports, and drawn
from a seeded random stream, so the same seed and day give the same ledger. Each monitored
project gets a *scenario* (on plan, a late start, a slipping milestone, investment behind the
time-proportional plan, no statistical registration, a missing report) and its facts are made
to match it; the lights are then computed from those facts by `jinmu.projects.lights`, never
written here. Derived report figures (cumulative and yearly investment, the project's latest
figures) follow `jinmu.projects.reporting` exactly: running sums, the yearly one per ISO year.
"""

from __future__ import annotations

import datetime as dt
import math
import random
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import partial
from typing import Any, TypeVar

from django.core.management.color import no_style
from django.db import connection, models
from django.db.models import Max
from django.utils import timezone

from jinmu.chains.models import ChainNode, EnterpriseNode
from jinmu.core.models import Unit, User
from jinmu.core.workdays import WorkCalendar
from jinmu.demo.enterprises import LATEST_YEAR
from jinmu.demo.names import person_name
from jinmu.demo.ningjin import CHAINS, PARKS
from jinmu.demo.world import DemoContext
from jinmu.enterprises.choices import EnterpriseScale, EnterpriseStatus
from jinmu.enterprises.models import AnnualFigures, Enterprise
from jinmu.problems.choices import ProblemCategory, ProblemSource, ProblemStatus
from jinmu.problems.models import Problem
from jinmu.projects.choices import (
    INITIAL_STATUS,
    LIFECYCLES,
    MONITORED,
    ApprovalKind,
    PlanState,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    Purpose,
    RenovationDirection,
)
from jinmu.projects.lights import expected_share, refresh_lights
from jinmu.projects.models import (
    ApprovalItem,
    Baseline,
    ChallengeReview,
    Milestone,
    Project,
    ProjectTag,
    ProjectYearPlan,
    StatusChange,
    WeeklyReport,
    settings_for,
)
from jinmu.projects.planning import baseline_snapshot
from jinmu.projects.reporting import iso_year
from jinmu.projects.weeks import latest_due_week, monday_of, week_deadline

S = ProjectStatus
YI = Decimal("100000000")
WAN = Decimal("10000")

# The article: "抓好总投资291.3亿元的45个县级重点项目".
COUNTY_KEY_COUNT = 45
COUNTY_KEY_TOTAL = Decimal("29130000000")
RENOVATION_COUNT = 120
REPORT_WEEKS = 20
# The projects draw from their own stream, so adding firms elsewhere does not reshuffle them.
SEED_OFFSET = 7919

# -- scenarios: what a monitored project's facts are made to show ----------------------------
GREEN = "green"  # on plan
GREY = "grey"  # on plan, but the latest week's report is missing
FUTURE = "future"  # not started, start planned for a later month
COMPLETED = "completed"  # works finished
NEW_START = "new-start"  # works started this week or last, not yet registered (within a month)
Y_START = "yellow-start"  # start due this month, not started yet
R_START = "red-start"  # start planned more than three months ago, not started
Y_SCHEDULE = "yellow-schedule"  # year's investment 14–26 points behind 序时
R_SCHEDULE = "red-schedule"  # more than 36 points behind
Y_MILESTONE = "yellow-milestone"  # a milestone 3–9 days past its planned end
R_MILESTONE = "red-milestone"  # a milestone 20–45 days past its planned end
Y_STATS = "yellow-stats"  # started 38–52 days ago, not registered with statistics
R_STATS = "red-stats"  # started 75–110 days ago, not registered
PAST = "past"  # in production or reached its targets (no longer monitored)
NOT_STARTED = frozenset({FUTURE, Y_START, R_START})

# Minimum time-proportional share (序时) at which a schedule scenario can be shown.
_SCHEDULE_FEASIBLE = {Y_SCHEDULE: 0.20, R_SCHEDULE: 0.45}
_FALLBACK = {
    Y_SCHEDULE: (Y_MILESTONE, Y_STATS),
    R_SCHEDULE: (R_MILESTONE, R_STATS),
    Y_MILESTONE: (Y_MILESTONE, Y_STATS),
    R_MILESTONE: (R_MILESTONE, R_STATS),
}


def _mix(**counts: int) -> list[str]:
    """A list of scenario names from keyword counts (names use _ for -)."""
    return [name.replace("_", "-") for name, n in counts.items() for _ in range(n)]


# 45 county key projects: 24 on plan (4 not yet due, 2 just started, 4 finished), 10 yellow,
# 6 red, 5 without last week's report.
KEY_MIX = _mix(
    green=14,
    new_start=2,
    future=4,
    completed=4,
    grey=5,
    yellow_start=2,
    yellow_stats=2,
    yellow_schedule=3,
    yellow_milestone=3,
    red_start=2,
    red_stats=1,
    red_schedule=1,
    red_milestone=2,
)
RENOVATION_MIX = _mix(
    past=12,
    future=10,
    yellow_start=3,
    red_start=2,
    green=57,
    completed=14,
    grey=7,
    yellow_schedule=6,
    red_schedule=3,
    yellow_stats=4,
    red_stats=2,
)


# -- what the demo builds on --------------------------------------------------------------------


@dataclass(frozen=True)
class Firm:
    """A 规上 firm as the project generator needs it."""

    pk: int
    name: str
    region_id: str
    park_id: int | None
    latitude: Decimal | None
    longitude: Decimal | None
    revenue: Decimal
    chain_key: str
    node_id: int | None
    node_name: str


@dataclass(frozen=True)
class MilestoneSpec:
    """A step of a battle-map template: name, owner ("@resp": the project's unit), weight and
    where it sits (before the start, the start itself, building, after completion)."""

    name: str
    owner: str
    weight: int
    phase: str


KEY_MILESTONES = (
    MilestoneSpec("立项及前期手续办理", "行政审批局", 10, "pre"),
    MilestoneSpec("土地供应（挂牌、交地）", "自然资源局", 10, "pre"),
    MilestoneSpec("施工许可与开工建设", "@resp", 10, "start"),
    MilestoneSpec("基础及主体结构施工", "@resp", 25, "build"),
    MilestoneSpec("厂房封顶及配套工程", "@resp", 15, "build"),
    MilestoneSpec("设备采购与安装调试", "工信局", 15, "build"),
    MilestoneSpec("竣工验收", "住建局", 10, "build"),
    MilestoneSpec("投产运营", "工信局", 5, "post"),
)
INFRASTRUCTURE_MILESTONES = (
    MilestoneSpec("可研及初步设计批复", "发改局", 10, "pre"),
    MilestoneSpec("施工图审查及招标", "行政审批局", 10, "pre"),
    MilestoneSpec("开工建设", "@resp", 10, "start"),
    MilestoneSpec("主体工程施工", "@resp", 35, "build"),
    MilestoneSpec("管网及配套设施", "@resp", 20, "build"),
    MilestoneSpec("竣工验收", "住建局", 15, "build"),
)
ATTRACTION_MILESTONES = (
    MilestoneSpec("项目公司注册", "市场监管局", 5, "pre"),
    MilestoneSpec("土地摘牌及交地", "自然资源局", 15, "pre"),
    MilestoneSpec("规划及施工许可", "行政审批局", 10, "pre"),
    MilestoneSpec("开工建设", "@resp", 10, "start"),
    MilestoneSpec("主体结构施工", "@resp", 25, "build"),
    MilestoneSpec("设备安装调试", "@resp", 20, "build"),
    MilestoneSpec("竣工投产", "工信局", 15, "build"),
)
CHALLENGE_MILESTONES = (
    MilestoneSpec("攻关方案论证", "科技局", 10, "pre"),
    MilestoneSpec("关键技术突破", "@resp", 25, "build"),
    MilestoneSpec("样机试制", "@resp", 25, "build"),
    MilestoneSpec("中试验证", "@resp", 20, "build"),
    MilestoneSpec("里程碑考核", "科技局", 10, "build"),
    MilestoneSpec("成果验收", "科技局", 10, "build"),
)


@dataclass(frozen=True)
class KeyTemplate:
    """A kind of county key project on a chain: name pattern, node, content."""

    name: str  # {firm}: owner name, {n}: capacity, {k}: phase number, {park}: park name
    node: str
    content: str
    capacity: tuple[int, int] = (1, 10)


_SHED = "新建生产车间及配套用房{area}万平方米，"
KEY_TEMPLATES: dict[str, tuple[KeyTemplate, ...]] = {
    "fitness": (
        KeyTemplate(
            "{firm}年产{n}万台智能跑步机项目",
            "跑步机",
            _SHED + "购置激光切割、机器人焊接、自动喷涂等设备{eq}台（套）。",
            (5, 20),
        ),
        KeyTemplate(
            "{firm}商用力量器械智能制造基地项目",
            "力量器械",
            _SHED + "建设力量器械柔性生产线{lines}条。",
        ),
        KeyTemplate(
            "{firm}室外健身路径器材扩产项目", "室外路径器材", _SHED + "新增产能{n}万套。", (2, 8)
        ),
        KeyTemplate(
            "{firm}智能健身器材研发及产业化项目",
            "智能健身器材",
            "建设研发中心及智能健身器材生产线{lines}条，购置设备{eq}台（套）。",
        ),
        KeyTemplate(
            "{firm}动感单车及椭圆机生产线项目", "动感单车", _SHED + "年产{n}万台。", (3, 12)
        ),
        KeyTemplate(
            "健身器材产业园{k}期标准化厂房项目",
            "力量器械",
            "建设标准化厂房{area}万平方米及道路、管网等配套设施，用于引进配套企业。",
        ),
        KeyTemplate("{firm}冰雪运动装备生产项目", "冰雪装备", _SHED + "年产冰雪装备{n}万件。"),
        KeyTemplate(
            "{firm}健身器材数字化车间项目", "力量器械", "改造车间{area}万平方米，上云用数赋智。"
        ),
        KeyTemplate(
            "{firm}健身器材跨境电商产业园项目",
            "电商",
            "建设跨境电商仓储、直播及展示中心{area}万平方米。",
        ),
        KeyTemplate("{firm}椭圆机及智能单车扩产项目", "椭圆机", _SHED + "年产{n}万台。", (2, 10)),
    ),
    "elevator": (
        KeyTemplate(
            "{firm}年产{n}台智能电梯整机项目",
            "整梯制造",
            _SHED + "建设电梯整机装配线{lines}条及试验塔1座。",
            (3000, 12000),
        ),
        KeyTemplate("{firm}电梯导轨智能化生产线项目", "导轨", _SHED + "年产导轨{n}万吨。", (2, 8)),
        KeyTemplate(
            "电梯产业园{k}期配套部件产业园项目",
            "整梯制造",
            "建设标准化厂房{area}万平方米，引进门机、安全部件等配套企业。",
        ),
        KeyTemplate(
            "{firm}加装电梯钢结构井道生产基地项目",
            "加装电梯钢结构井道",
            _SHED + "年产装配式井道{n}千套。",
            (2, 9),
        ),
        KeyTemplate(
            "{firm}电梯安全部件及门机生产项目", "门机", _SHED + "年产门机{n}万套。", (2, 10)
        ),
        KeyTemplate("{firm}轿厢装潢智能制造项目", "轿厢装潢", _SHED + "年产轿厢{n}千台。", (3, 12)),
        KeyTemplate(
            "{firm}电梯维保物联网平台项目",
            "维保",
            "建设电梯远程监测平台及维保服务中心，接入电梯{n}千台。",
            (3, 20),
        ),
    ),
    "furniture": (
        KeyTemplate(
            "{firm}年产{n}万套实木餐桌椅项目",
            "餐桌椅",
            _SHED + "购置数控开料、自动封边等设备{eq}台（套）。",
            (5, 30),
        ),
        KeyTemplate(
            "{park}共享喷漆中心扩建项目",
            "餐桌椅",
            "新建集中喷涂线{lines}条及VOCs集中治理设施。",
        ),
        KeyTemplate("{firm}智能家居生产线项目", "柜类", _SHED + "建设定制家居柔性产线。"),
        KeyTemplate(
            "宁津家具电商产业园项目",
            "电商",
            "建设电商直播基地、仓储物流中心{area}万平方米。",
        ),
        KeyTemplate("{firm}实木床及柜类扩产项目", "床", _SHED + "年产{n}万件。", (2, 10)),
        KeyTemplate(
            "{firm}木材烘干及白茬加工中心项目", "烘干", "建设烘干窑{lines}座及白茬加工车间。"
        ),
    ),
    "smart": (
        KeyTemplate(
            "{firm}工业机器人生产基地项目",
            "工业机器人",
            _SHED + "年产焊接、搬运机器人{n}千台。",
            (1, 5),
        ),
        KeyTemplate("{firm}数控机床扩产项目", "数控机床", _SHED + "年产数控机床{n}千台。", (1, 5)),
        KeyTemplate(
            "京深数谷产业园{k}期项目",
            "系统集成",
            "建设数字经济孵化楼、数据中心{area}万平方米。",
        ),
        KeyTemplate(
            "{firm}自动化生产线集成项目", "自动化生产线", _SHED + "年产自动化产线{n}百条。"
        ),
        KeyTemplate(
            "{firm}激光切割焊接装备项目", "焊接与切割设备", _SHED + "年产{n}千台。", (1, 6)
        ),
    ),
    "uhmwpe": (
        KeyTemplate(
            "{firm}年产{n}千吨超高分子量聚乙烯纤维项目",
            "纤维",
            _SHED + "建设干法纺丝线{lines}条。",
            (3, 12),
        ),
        KeyTemplate("{firm}超高分子量聚乙烯板材管材项目", "板材", _SHED + "年产{n}千吨。", (3, 10)),
        KeyTemplate("{firm}防切割防护装备生产项目", "防护装备", _SHED + "年产防护装备{n}百万件。"),
        KeyTemplate("{firm}超高分子量聚乙烯绳缆项目", "绳缆与渔网", _SHED + "年产绳缆{n}千吨。"),
    ),
    "mesh": (
        KeyTemplate(
            "{firm}食品级不锈钢网带生产线项目", "食品级网带", _SHED + "年产网带{n}万平方米。"
        ),
        KeyTemplate(
            "{firm}网带网链智能制造项目", "输送网带", _SHED + "建设自动编织焊接线{lines}条。"
        ),
        KeyTemplate("{firm}链板输送设备扩产项目", "链板与网链", _SHED + "年产链板{n}万米。"),
    ),
    "farm": (
        KeyTemplate(
            "{firm}智能植保机械生产项目", "播种与植保机械", _SHED + "年产植保机械{n}千台。"
        ),
        KeyTemplate(
            "{firm}农产品初加工机械项目", "农产品初加工机械", _SHED + "年产{n}千台（套）。"
        ),
        KeyTemplate("{firm}耕整地机械扩产项目", "耕整地机械", _SHED + "年产{n}千台。"),
    ),
}
# County key projects per chain (38 industrial) plus 7 infrastructure projects = 45.
KEY_PER_CHAIN = {
    "fitness": 10,
    "elevator": 7,
    "furniture": 6,
    "smart": 5,
    "uhmwpe": 4,
    "mesh": 3,
    "farm": 3,
}
# (name, responsible unit, town, content)
INFRASTRUCTURE = (
    ("宁津县经济开发区污水处理厂提标扩建工程", "住建局", "宁城街道", "新增处理能力2万吨/日。"),
    ("宁津县城区集中供热管网延伸工程", "住建局", "津城街道", "新建供热主管网18公里。"),
    ("宁津220千伏输变电工程", "供电公司", "柴胡店镇", "新建220千伏变电站1座，线路36公里。"),
    ("宁津县现代物流园项目", "商务局", "津城街道", "建设仓储、分拨及冷链设施8.6万平方米。"),
    ("宁津县职业教育中心产教融合实训基地", "发改局", "宁城街道", "建设实训楼3.2万平方米。"),
    ("宁津县城乡供水一体化提升工程", "住建局", "相衙镇", "新建水厂1座、管网260公里。"),
    ("东部新区道路及配套管网工程", "开发区", "津城街道", "新建道路9.4公里及雨污管网。"),
)
# City- and province-level key projects, beyond the county's 45: (chain, template index, level).
UPPER_LEVEL = (
    ("elevator", 0, ProjectLevel.PROVINCE),
    ("fitness", 0, ProjectLevel.PROVINCE),
    ("fitness", 1, ProjectLevel.CITY),
    ("uhmwpe", 0, ProjectLevel.CITY),
    ("smart", 0, ProjectLevel.CITY),
    ("furniture", 0, ProjectLevel.CITY),
)


@dataclass(frozen=True)
class AttractionSpec:
    """One attraction project: chain and node, purpose, origin, content and size (亿元)."""

    chain: str
    node: str
    purpose: str
    province: str
    city: str
    content: str
    amount_yi: float
    name: str = ""
    investor: str = ""
    status: str = ""
    scenario: str = ""
    exclusions: tuple[str, ...] = ()


F, E, ST = Purpose.FILL, Purpose.EXTEND, Purpose.STRENGTHEN
# The three the article names (figures made up): 常州姆驰 makes treadmill motors and drives,
# 浙江武义 the control boards and displays, 沈阳蓝光 elevator traction machines; the chain gaps
# are the ones ningjin.py marks (电机与驱动 is weak and blocked, the other two are missing).
NAMED_ATTRACTIONS = (
    AttractionSpec(
        "fitness",
        "电机与驱动",
        F,
        "江苏省",
        "常州市",
        "建设跑步机直流电机、无刷电机及驱动器生产线，就近配套链主企业（补“芯”项目）。",
        3.5,
        name="常州姆驰跑步机电机及驱动器项目",
        investor="常州姆驰",
        status=S.COMPLETED,
        scenario=COMPLETED,
    ),
    AttractionSpec(
        "fitness",
        "控制板与显示屏",
        F,
        "浙江省",
        "金华市",
        "建设跑步机控制板、智能彩屏及电子表头生产线（补“芯”项目）。",
        5.2,
        name="浙江武义健身器材控制板及显示屏项目",
        investor="浙江武义",
        status=S.STARTED,
        scenario=Y_MILESTONE,
    ),
    AttractionSpec(
        "elevator",
        "曳引机",
        F,
        "辽宁省",
        "沈阳市",
        "建设永磁同步无齿轮曳引机生产基地，年产曳引机3万台（补“芯”项目）。",
        12.0,
        name="沈阳蓝光电梯曳引机项目",
        investor="沈阳蓝光",
        status=S.STARTED,
        scenario=GREEN,
    ),
)
ATTRACTIONS = (
    AttractionSpec("fitness", "跑步机", ST, "广东省", "深圳市", "智能跑步机整机生产基地", 6.5),
    AttractionSpec("fitness", "智能健身器材", E, "北京市", "北京市", "AI智能健身镜及互动设备", 3.2),
    AttractionSpec("fitness", "控制板与显示屏", F, "广东省", "东莞市", "电子表头及触控屏", 2.8),
    AttractionSpec("fitness", "轴承", F, "浙江省", "宁波市", "健身器材精密轴承", 1.6),
    AttractionSpec("fitness", "冰雪装备", E, "河北省", "张家口市", "冰雪运动装备", 1.8),
    AttractionSpec("fitness", "检测认证", F, "上海市", "上海市", "健身器材检测认证中心", 0.8),
    AttractionSpec("fitness", "力量器械", ST, "江苏省", "南通市", "商用力量器械", 4.5),
    AttractionSpec("fitness", "电商", E, "浙江省", "杭州市", "跨境电商供应链基地", 1.2),
    AttractionSpec("fitness", "动感单车", ST, "浙江省", "金华市", "动感单车及椭圆机", 2.3),
    AttractionSpec("elevator", "控制柜与变频器", F, "江苏省", "苏州市", "电梯控制柜与变频器", 3.6),
    AttractionSpec("elevator", "安全部件", F, "上海市", "上海市", "电梯安全部件", 2.2),
    AttractionSpec("elevator", "型式试验", F, "北京市", "北京市", "电梯型式试验中心", 1.5),
    AttractionSpec("elevator", "整梯制造", ST, "广东省", "广州市", "高速电梯整机", 10.8),
    AttractionSpec("elevator", "钢丝绳", F, "江苏省", "无锡市", "电梯钢丝绳", 1.9),
    AttractionSpec(
        "elevator",
        "加装电梯钢结构井道",
        E,
        "天津市",
        "天津市",
        "加装电梯装配式井道",
        1.3,
        exclusions=("relocation",),
    ),
    AttractionSpec("elevator", "门机", ST, "浙江省", "湖州市", "电梯门机系统", 1.6),
    AttractionSpec("furniture", "数控木工机械", F, "广东省", "佛山市", "数控木工机械", 2.6),
    AttractionSpec("furniture", "餐桌椅", ST, "浙江省", "温州市", "新中式实木餐桌椅", 1.5),
    AttractionSpec("furniture", "电商", E, "广东省", "佛山市", "家具直播电商基地", 0.6),
    AttractionSpec("furniture", "油漆", F, "江苏省", "常州市", "水性木器涂料", 1.1),
    AttractionSpec("furniture", "出口", E, "福建省", "厦门市", "实木家具出口加工", 1.4),
    AttractionSpec("furniture", "五金配件", ST, "广东省", "中山市", "家具五金配件", 0.9),
    AttractionSpec("smart", "控制系统", F, "广东省", "深圳市", "数控系统及伺服控制器", 10.5),
    AttractionSpec("smart", "传感器", F, "江苏省", "南京市", "工业传感器", 2.4),
    AttractionSpec("smart", "工业机器人", ST, "辽宁省", "沈阳市", "焊接机器人", 3.8),
    AttractionSpec("smart", "伺服电机", F, "浙江省", "台州市", "伺服电机", 1.7),
    AttractionSpec("smart", "工业软件", E, "北京市", "北京市", "工业互联网平台", 0.5),
    AttractionSpec("smart", "增材制造装备", E, "陕西省", "西安市", "金属3D打印装备", 2.0),
    AttractionSpec("smart", "数控机床", ST, "江苏省", "无锡市", "五轴数控机床", 4.8),
    AttractionSpec(
        "uhmwpe", "超高分子量聚乙烯树脂", F, "辽宁省", "大连市", "超高分子量聚乙烯树脂", 18.0
    ),
    AttractionSpec("uhmwpe", "纤维", ST, "江苏省", "连云港市", "高强高模聚乙烯纤维", 4.2),
    AttractionSpec("uhmwpe", "医用材料", E, "上海市", "上海市", "医用超高分子量聚乙烯材料", 2.5),
    AttractionSpec("uhmwpe", "防护装备", E, "河北省", "保定市", "防弹防刺装备", 1.6),
    AttractionSpec("uhmwpe", "管材", ST, "天津市", "天津市", "超高分子量聚乙烯管材", 1.9),
    AttractionSpec("mesh", "热处理", F, "江苏省", "苏州市", "网带热处理中心", 1.2),
    AttractionSpec("mesh", "检测", F, "山东省", "济南市", "网带检测中心", 0.4),
    AttractionSpec(
        "mesh",
        "食品级网带",
        ST,
        "上海市",
        "上海市",
        "食品级输送网带",
        1.8,
        exclusions=("second_phase",),
    ),
    AttractionSpec("farm", "发动机", F, "江苏省", "常州市", "农用柴油发动机", 8.5),
    AttractionSpec("farm", "收获机械", ST, "河南省", "洛阳市", "玉米收获机械", 3.1),
    AttractionSpec("farm", "拖拉机", ST, "山东省", "潍坊市", "大马力拖拉机", 2.7),
    AttractionSpec("farm", "检测鉴定", F, "北京市", "北京市", "农机试验鉴定中心", 0.7),
)
# Stages of the 41 unnamed attraction projects, and the scenario of the monitored ones.
ATTRACTION_STAGES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (S.LEAD, ("",) * 5),
    (S.ASSESSING, ("",) * 4),
    (S.NEGOTIATING, ("",) * 8),
    (S.SIGNED, (FUTURE, FUTURE, FUTURE, FUTURE, Y_START)),
    (S.REGISTERED, (FUTURE, FUTURE, FUTURE, R_START)),
    (S.STARTED, (GREEN, GREEN, GREEN, Y_STATS, GREY, Y_SCHEDULE)),
    (S.COMPLETED, (COMPLETED, COMPLETED)),
    (S.PRODUCING, (PAST,) * 3),
    (S.EFFECTIVE, (PAST,) * 2),
    (S.TERMINATED, ("",) * 2),
)
# Where the chains' projects are sited (parks by full name, else a town).
CHAIN_SITES: dict[str, tuple[str, ...]] = {
    "fitness": ("健身器材产业园", "专精特新集聚区", "大曹镇", "保店镇"),
    "elevator": ("电梯产业园", "宁津县经济开发区", "东部新区"),
    "furniture": ("杜集家具产业园", "长官家具产业园", "张大庄家具产业园", "大柳家具产业园"),
    "smart": ("京深数谷产业园", "专精特新集聚区", "东部新区"),
    "uhmwpe": ("专精特新集聚区", "东部新区", "相衙镇"),
    "mesh": ("东部新区", "柴胡店镇", "保店镇"),
    "farm": ("东部新区", "时集镇", "刘营伍乡"),
}
REFERRERS = (
    "县驻深圳招商工作组",
    "县驻上海招商工作组",
    "宁津商会（苏州）",
    "宁津商会（天津）",
    "以商招商：链主企业推荐",
    "德州市投资促进局",
    "县商务局（投资促进中心）",
    "中介机构推介（示例）",
    "校友资源：山东大学宁津校友会",
    "展会对接：中国国际体育用品博览会",
)
INVESTOR_WORDS = {
    "fitness": ("健身科技", "电子科技", "体育用品", "智能科技"),
    "elevator": ("电梯科技", "电气", "机电", "驱动技术"),
    "furniture": ("家居", "木业机械", "新材料", "家具"),
    "smart": ("自动化", "智能装备", "机器人", "数控科技"),
    "uhmwpe": ("新材料", "高分子材料", "化工", "防护科技"),
    "mesh": ("输送设备", "热处理", "检测技术", "机械"),
    "farm": ("动力机械", "农业装备", "农机", "检测技术"),
}
TRADE_NAMES = (
    "恒远",
    "华晟",
    "拓普",
    "鼎力",
    "中科",
    "博瑞",
    "凯达",
    "天成",
    "东方",
    "永信",
    "宏图",
    "瑞丰",
    "金桥",
    "卓越",
    "新纪元",
    "长风",
    "远航",
    "汇川",
    "佳诚",
    "德润",
)
TERMINATION_REASONS = (
    "投资方资金链紧张，经研判终止洽谈",
    "选址与投资方要求未达成一致，投资方转投他地",
)

BONDS = (
    # (name, responsible unit, town or "", bond 亿元, total 亿元, status, scenario)
    (
        "宁津县经济开发区标准化厂房及配套基础设施项目",
        "开发区",
        "宁城街道",
        3.0,
        5.2,
        S.IN_USE,
        GREEN,
    ),
    (
        "宁津县健身器材产业园污水处理及中水回用工程",
        "住建局",
        "宁城街道",
        1.2,
        1.9,
        S.DISBURSED,
        GREEN,
    ),
    ("宁津县冷链物流园项目", "商务局", "津城街道", 1.5, 2.6, S.DISBURSED, Y_SCHEDULE),
    ("京深数谷产业园二期基础设施项目", "发改局", "津城街道", 2.0, 3.4, S.ISSUED, GREEN),
    ("宁津县城乡供水一体化管网改造工程", "住建局", "相衙镇", 1.8, 2.9, S.ISSUED, GREY),
    ("宁津县老旧小区改造及配套基础设施项目", "住建局", "津城街道", 1.0, 1.6, S.EVALUATED, PAST),
    ("宁津县人民医院新院区建设项目", "发改局", "宁城街道", 4.0, 7.5, S.APPROVED, ""),
    ("宁津县职业教育中心实训基地项目", "财政局", "宁城街道", 0.8, 1.3, S.APPLIED, ""),
    ("宁津县电梯产业园智能制造厂房项目", "开发区", "津城街道", 2.5, 4.1, S.RESERVED, ""),
    ("宁津县家具产业园区集中供热项目", "发改局", "杜集镇", 1.1, 1.8, S.RESERVED, ""),
    ("宁津县城区雨污分流改造工程", "住建局", "宁城街道", 1.6, 2.4, S.PLANNING, ""),
    ("宁津县农村公路提档升级工程", "发改局", "", 0.9, 1.5, S.PLANNING, ""),
)

CHALLENGES = (
    # (chain, topic, solver, reward 万元, budget 万元, status, scenario)
    (
        "fitness",
        "跑步机无刷电机驱动控制算法攻关",
        "齐鲁工业大学",
        120,
        680,
        S.MILESTONE_CHECK,
        GREEN,
    ),
    (
        "elevator",
        "永磁同步曳引机国产化关键技术",
        "山东建筑大学",
        300,
        1500,
        S.ESTABLISHED,
        Y_MILESTONE,
    ),
    ("uhmwpe", "超高分子量聚乙烯纤维高强度纺丝工艺", "齐鲁工业大学", 200, 950, S.PUBLICITY, ""),
    ("furniture", "实木家具水性漆低VOCs涂装工艺", "山东农业大学", 80, 420, S.REVIEWING, ""),
)
REVIEWERS = ("张教授（山东大学）", "李研究员（省科学院）", "王高工（省工信厅专家库）",
             "刘教授（齐鲁工业大学）", "陈总工（行业协会）")  # fmt: skip

RENOVATION_PHRASES: dict[str, tuple[str, ...]] = {
    RenovationDirection.INTELLIGENT: (
        "智能化生产线改造",
        "数字化车间建设",
        "机器人焊接工作站技术改造",
        "MES系统及自动化仓储改造",
        "工业互联网平台应用",
    ),
    RenovationDirection.HIGH_END: (
        "高端{product}生产线技术改造",
        "新产品研发及产业化技改",
        "精密加工中心技术升级",
    ),
    RenovationDirection.GREEN: (
        "屋顶分布式光伏及节能改造",
        "VOCs治理设施升级改造",
        "余热回收及空压机节能改造",
        "粉末喷涂线环保提升改造",
    ),
    RenovationDirection.SAFETY: (
        "安全生产智能监控改造",
        "消防及安全设施提升改造",
        "粉尘防爆系统改造",
    ),
}
CHAIN_PRODUCTS = {
    "fitness": "健身器材",
    "elevator": "电梯部件",
    "furniture": "实木家具",
    "smart": "数控装备",
    "uhmwpe": "高分子纤维",
    "mesh": "网带",
    "farm": "农机",
}

# Problems raised in weekly reports: (category, owner unit, title).
PROBLEMS: tuple[tuple[str, str, str], ...] = (
    (ProblemCategory.LAND, "自然资源局", "用地指标未落实，土地挂牌时间待定"),
    (ProblemCategory.LAND, "自然资源局", "项目二期用地需调整规划用途"),
    (ProblemCategory.LAND, "自然资源局", "土地组卷报批进度慢"),
    (ProblemCategory.APPROVAL, "行政审批局", "施工许可需补充消防设计审查意见"),
    (ProblemCategory.APPROVAL, "行政审批局", "规划设计方案需重新论证"),
    (ProblemCategory.APPROVAL, "发改局", "能评批复待出"),
    (ProblemCategory.ENERGY, "供电公司", "厂区双电源接入需增容至2×1250kVA"),
    (ProblemCategory.ENERGY, "供电公司", "施工临时用电接入慢"),
    (ProblemCategory.ENERGY, "住建局", "天然气管道尚未接入厂区"),
    (ProblemCategory.FUNDING, "金融服务中心", "项目贷款审批进度慢，需协调银行"),
    (ProblemCategory.FUNDING, "金融服务中心", "设备融资租赁（技改租）方案待落实"),
    (ProblemCategory.FUNDING, "工信局", "技改专项资金申报待审核"),
    (ProblemCategory.LABOUR, "人社局", "熟练焊工缺口约60人"),
    (ProblemCategory.LABOUR, "人社局", "数控操作工招工困难"),
    (ProblemCategory.INFRASTRUCTURE, "住建局", "园区道路及雨污管网未接通"),
    (ProblemCategory.INFRASTRUCTURE, "住建局", "厂区周边道路施工影响材料进场"),
    (ProblemCategory.OTHER, "统计局", "项目入统资料需补充固定资产投资台账"),
    (ProblemCategory.OTHER, "工信局", "智改数转诊断服务待对接"),
)
SCENARIO_PROBLEMS = {
    R_START: ProblemCategory.LAND,
    Y_START: ProblemCategory.APPROVAL,
    Y_STATS: ProblemCategory.OTHER,
    R_STATS: ProblemCategory.OTHER,
    Y_SCHEDULE: ProblemCategory.FUNDING,
    R_SCHEDULE: ProblemCategory.FUNDING,
    Y_MILESTONE: ProblemCategory.ENERGY,
    R_MILESTONE: ProblemCategory.INFRASTRUCTURE,
}
RESOLUTIONS = (
    "已召开专题调度会协调解决",
    "责任单位开通绿色通道，已办结",
    "已现场对接，问题解决",
    "已协调相关单位落实",
)


# -- the builder ----------------------------------------------------------------------------

_PREP_TEXTS = (
    "办理规划许可、施工许可前期手续，场地平整已完成。",
    "完成施工图设计，正在组织施工招标。",
    "土地组卷报批中，同步推进环评、能评。",
    "临时水电已接通，施工队伍进场准备。",
)
_DONE_TEXTS = ("已竣工验收，设备调试及试生产中。", "竣工验收完成，办理不动产权证。")
_PROGRESS_TEXTS: dict[str, tuple[tuple[int, str], ...]] = {
    ProjectKind.RENOVATION: (
        (30, "设备采购合同已签订，{n}台（套）设备陆续到货。"),
        (70, "新设备安装中，已完成{n}台（套）安装。"),
        (101, "产线联动调试，部分工序已试运行。"),
    ),
    ProjectKind.CHALLENGE: (
        (35, "完成技术方案细化，关键参数试验{n}组。"),
        (70, "样机试制中，完成{n}项关键部件验证。"),
        (101, "开展中试验证，累计试验{n}批次。"),
    ),
    ProjectKind.BOND: (
        (40, "主体工程施工中，本周完成土方{n}千立方米。"),
        (80, "管网及配套工程施工，累计完成{n}%工程量。"),
        (101, "附属工程收尾，准备竣工验收。"),
    ),
    "": (
        (15, "基础施工，完成桩基{n}根。"),
        (45, "主体结构施工，{n}号车间钢结构吊装中。"),
        (70, "厂房封顶，墙面及屋面施工，配套道路同步推进。"),
        (90, "设备进场安装，已到货设备{n}台（套）。"),
        (101, "设备调试及附属工程收尾。"),
    ),
}
REPLAN_REASONS = (
    "受冬季施工限制及钢结构供货延迟，调整主体施工和设备安装节点",
    "设备选型调整为智能化产线，设备采购及安装节点顺延",
    "配套电力增容工程延后，相应调整投产节点",
    "投资方追加二期建设内容，申请调整竣工及投产节点",
)


@dataclass
class Draft:
    """A project being put together in memory, with the rows that hang off it."""

    project: Project
    scenario: str = ""
    chain_key: str = ""
    template: tuple[MilestoneSpec, ...] = ()
    history: list[tuple[str, dt.date, str]] = field(default_factory=list)
    terminated: tuple[dt.date, str] | None = None
    base_plan: Decimal = Decimal(0)
    year_plan: ProjectYearPlan | None = None
    milestones: list[Milestone] = field(default_factory=list)
    phases: list[str] = field(default_factory=list)  # the template phase of each milestone
    replan: tuple[dt.date, str, int, bool] | None = None  # (on, reason, days moved, approved)
    plan_approved_on: dt.date | None = None
    approvals: list[ApprovalItem] = field(default_factory=list)
    reports: list[WeeklyReport] = field(default_factory=list)
    problems: list[tuple[WeeklyReport, Problem]] = field(default_factory=list)
    reviews: list[ChallengeReview] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    reports_from: dt.date | None = None
    with_approvals: bool = False

    @property
    def monitored(self) -> bool:
        """Under weekly scheduling (it reports and carries a light)."""
        return self.project.status in MONITORED[self.project.kind]


def _money(value: float, step: int = 100) -> Decimal:
    """Yuan, rounded to `step` yuan."""
    return Decimal(round(value / step) * step)


def _yi(value: float) -> Decimal:
    """亿元 (two decimals) in yuan."""
    return Decimal(round(value * 100)) * YI / 100


def _month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


_Row = TypeVar("_Row", ProjectYearPlan, ApprovalItem, Milestone, WeeklyReport, ChallengeReview)


def _attach(rows: Sequence[tuple[Draft, _Row | None]]) -> list[_Row]:
    """Point each row at its (now saved) project."""
    out: list[_Row] = []
    for draft, row in rows:
        if row is not None:
            row.project = draft.project
            out.append(row)
    return out


def _path(kind: str) -> list[str]:
    """A kind's states in lifecycle order, without 终止."""
    return [s for s in LIFECYCLES[kind] if s != S.TERMINATED]


class _Builder:
    """Puts the ledger together in memory, then writes it in a few bulk inserts."""

    def __init__(self, ctx: DemoContext, *, seed: int, demo_firm_id: int | None) -> None:
        self.ctx = ctx
        self.rng = random.Random(seed + SEED_OFFSET)
        self.today = ctx.today
        self.year = ctx.today.year
        self.demo_firm_id = demo_firm_id
        self.due_weekday = settings_for(ctx.county).report_due_weekday
        self.due_week = latest_due_week(self.today, self.due_weekday)
        self.weeks = [
            self.due_week - dt.timedelta(weeks=i) for i in range(REPORT_WEEKS - 1, -1, -1)
        ]
        self.current_week = monday_of(self.today)
        self.tz = timezone.get_current_timezone()
        self.now = timezone.now()
        self.calendar = WorkCalendar.for_region(ctx.county.code)
        self.users = {u.username: u for u in User.objects.filter(region__isnull=False)}
        self.unit_users: dict[int, User] = {}
        for user in self.users.values():
            if user.unit_id is not None:
                self.unit_users.setdefault(user.unit_id, user)
        self.firms, self.firms_by_chain = self._load_firms()
        self.firm_by_pk = {f.pk: f for f in self.firms}
        self.used_firms: set[int] = set()
        self.drafts: list[Draft] = []
        self.codes: Counter[str] = Counter()
        self.park_by_id = {u.pk: u for u in ctx.parks.values()}
        self.town_by_code = {t.code: name for name, t in ctx.towns.items()}
        self.kaifaqu_family = {
            ctx.units[p.short_name].pk for p in PARKS if "开发区" in (p.short_name, p.parent)
        }
        # The plain time-proportional share today (a plan without monthly shares).
        self.plain_share = float(self.share(None))

    # -- lookups ---------------------------------------------------------------------------

    def _load_firms(self) -> tuple[list[Firm], dict[str, list[Firm]]]:
        """规上 operating firms with their latest revenue and main chain node (three queries)."""
        chain_keys = {chain.pk: key for key, chain in self.ctx.chains.items()}
        rows = list(
            Enterprise.objects.filter(
                scale=EnterpriseScale.ABOVE,
                status=EnterpriseStatus.OPERATING,
                region__code__startswith=self.ctx.county.code,
            )
            .order_by("pk")
            .values_list("pk", "name", "region_id", "park_id", "latitude", "longitude")
        )
        revenue = dict(
            AnnualFigures.objects.filter(
                year=LATEST_YEAR, enterprise__scale=EnterpriseScale.ABOVE
            ).values_list("enterprise_id", "operating_revenue")
        )
        links: dict[int, tuple[int, int, str]] = {}
        for enterprise_id, node_id, chain_id, node_name in (
            EnterpriseNode.objects.filter(
                node__chain_id__in=list(chain_keys), enterprise__scale=EnterpriseScale.ABOVE
            )
            .order_by("enterprise_id", "pk")
            .values_list("enterprise_id", "node_id", "node__chain_id", "node__name")
        ):
            links.setdefault(enterprise_id, (node_id, chain_id, node_name))
        firms: list[Firm] = []
        by_chain: dict[str, list[Firm]] = {key: [] for key in self.ctx.chains}
        for pk, name, region_id, park_id, lat, lon in rows:
            link = links.get(pk)
            if link is None:
                continue
            firm = Firm(
                pk=pk,
                name=name,
                region_id=region_id,
                park_id=park_id,
                latitude=lat,
                longitude=lon,
                revenue=Decimal(revenue.get(pk) or 0),
                chain_key=chain_keys[link[1]],
                node_id=link[0],
                node_name=link[2],
            )
            firms.append(firm)
            by_chain[firm.chain_key].append(firm)
        for chain_firms in by_chain.values():
            chain_firms.sort(key=lambda f: (-f.revenue, f.pk))
        return firms, by_chain

    def unit(self, short: str) -> Unit:
        """A unit by its short name (towns by their name)."""
        return self.ctx.units[short]

    def user(self, username: str) -> User | None:
        """A demo user (None if that login was not created)."""
        return self.users.get(username)

    def chief(self, chain_key: str) -> User | None:
        """The chain's 链长 (a county leader)."""
        spec = next(s for s in CHAINS if s.key == chain_key)
        return self.user(spec.chief[0])

    def chain_office_user(self, chain_key: str) -> User | None:
        """The chain office's login if the demo has one, else the industry office's."""
        logins = {"fitness": "chain-fitness", "elevator": "chain-elevator"}
        logins["furniture"] = "chain-furniture"
        return self.user(logins.get(chain_key, "industry")) or self.user("industry")

    def node(self, chain_key: str, name: str) -> ChainNode | None:
        """A chain node by name, or None."""
        return self.ctx.nodes.get((chain_key, name))

    def code(self, prefix: str) -> str:
        """The next project number of a series, e.g. NJ2026-ZD001."""
        self.codes[prefix] += 1
        return f"NJ{self.year}-{prefix}{self.codes[prefix]:03d}"

    def site(self, name: str) -> tuple[str, Unit | None]:
        """(region code, park) of a park's or a town's name."""
        park = self.ctx.parks.get(name)
        if park is not None and park.town_region_id is not None:
            return park.town_region_id, park
        return self.ctx.towns[name].code, None

    def coords(self, region_code: str, firm: Firm | None = None) -> tuple[Decimal, Decimal]:
        """The firm's point, else a point in the town."""
        if firm is not None and firm.latitude is not None and firm.longitude is not None:
            return Decimal(firm.latitude), Decimal(firm.longitude)
        town = self.town_by_code.get(region_code, "津城街道")
        lat, lon = self.ctx.town_coords[town]
        q = Decimal("0.000001")
        return (
            Decimal(lat + self.rng.uniform(-0.012, 0.012)).quantize(q),
            Decimal(lon + self.rng.uniform(-0.012, 0.012)).quantize(q),
        )

    def phone(self) -> str:
        """A fictional landline in Dezhou's area code."""
        return f"0534-5{self.rng.randint(100000, 999999)}"

    def pick_firm(self, chain_key: str, node_name: str) -> Firm | None:
        """A big 规上 firm on the chain (on the node if possible), preferring unused ones."""
        candidates = self.firms_by_chain.get(chain_key, [])
        on_node = [f for f in candidates if f.node_name == node_name]
        for pool in (on_node, candidates):
            fresh = [f for f in pool if f.pk not in self.used_firms][:12]
            if fresh:
                firm = self.rng.choice(fresh[: max(3, len(fresh) // 2)])
                self.used_firms.add(firm.pk)
                return firm
        return candidates[0] if candidates else None

    def responsible_for(self, region_code: str, park: Unit | None) -> Unit:
        """属地 responsibility: the park, else the town."""
        if park is not None:
            return park
        return self.unit(self.town_by_code.get(region_code, "津城街道"))

    def reporter(self, draft: Draft) -> User | None:
        """Who fills in the weekly report: the firm, the town or park, else the chain office."""
        p = draft.project
        if self.demo_firm_id is not None and p.enterprise_id == self.demo_firm_id:
            return self.user("enterprise")
        town = self.town_by_code.get(p.region_id, "")
        if town == "大曹镇":
            return self.user("town-dacao")
        if town == "保店镇":
            return self.user("town-baodian")
        if p.park_id in self.kaifaqu_family:
            return self.user("park-kaifaqu")
        return self.chain_office_user(draft.chain_key)

    # -- time ------------------------------------------------------------------------------

    def share(self, shares: list[float] | None) -> Decimal:
        """序时 today for a plan of this year (the light engine's own formula)."""
        plan = ProjectYearPlan(year=self.year, planned_investment=WAN, monthly_shares=shares)
        return expected_share(plan, self.today)

    def days_ago(self, low: int, high: int) -> dt.date:
        """A day between `high` and `low` days before today."""
        return self.today - dt.timedelta(days=self.rng.randint(low, high))

    def at(self, day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
        """An aware local time on a day; on the real today never after the present moment
        (a demo built on another day, for tests, keeps its own times)."""
        moment = dt.datetime.combine(day, dt.time(hour, minute), tzinfo=self.tz)
        if day == timezone.localdate(self.now) and moment >= self.now:
            moment = self.now - dt.timedelta(minutes=1)
        return moment

    # -- scenarios and dates -----------------------------------------------------------------

    def feasible(self, scenario: str, *, has_milestones: bool) -> str:
        """Swap a scenario the calendar (or the project) cannot show for an equivalent one:
        early in the year nobody can be 30 points behind, and without milestones none slip."""
        needed = _SCHEDULE_FEASIBLE.get(scenario)
        if needed is not None and self.plain_share >= needed:
            return scenario
        if scenario in _FALLBACK:
            milestone, stats = _FALLBACK[scenario]
            return milestone if has_milestones else stats
        return scenario

    def started_on(self, scenario: str, this_year: bool) -> dt.date:
        """When works started, for a started scenario."""
        rng, today = self.rng, self.today
        if scenario == Y_STATS:
            return self.days_ago(38, 52)
        if scenario == R_STATS:
            return self.days_ago(75, 110)
        if scenario == NEW_START:
            # This week or the last one, never in the future.
            return max(self.due_week, self.days_ago(0, 6))
        available = (today - dt.date(self.year, 1, 1)).days
        if this_year and available >= 30:
            return self.days_ago(14, min(220, available))
        if scenario in (Y_SCHEDULE, R_SCHEDULE):
            # Under way all year, so the whole year's plan applies.
            return dt.date(self.year, 1, 1) - dt.timedelta(days=rng.randint(40, 400))
        return self.days_ago(60, 620)

    def set_dates(
        self, draft: Draft, *, months: tuple[int, int] = (14, 30), this_year: bool = False
    ) -> None:
        """Planned and actual start/completion and statistical registration for a scenario.

        `this_year`: a renovation counts for the year its works start (一企一年一技改), so its
        start is put in the current year when the calendar allows.
        """
        p, rng, today, sc = draft.project, self.rng, self.today, draft.scenario
        duration = dt.timedelta(days=30 * rng.randint(*months))
        if sc in NOT_STARTED:
            if sc == FUTURE:
                first_next = _month_end(today) + dt.timedelta(days=1)
                p.planned_start = first_next + dt.timedelta(days=rng.randint(0, 75))
            elif sc == Y_START:
                p.planned_start = today.replace(day=1)
            else:
                p.planned_start = self.days_ago(125, 170)
            p.planned_completion = p.planned_start + duration
            return
        available = (today - dt.date(self.year, 1, 1)).days
        if sc in (COMPLETED, PAST):
            if sc == COMPLETED and this_year and available >= 120:
                finish = self.days_ago(7, min(60, available - 90))
                span = rng.randint(90, min(220, (finish - dt.date(self.year, 1, 1)).days))
            elif sc == COMPLETED:
                finish = self.days_ago(10, 90)
                span = rng.randint(300, 560)
            else:
                finish = self.days_ago(150, 420)
                span = rng.randint(200, 420)
            start = finish - dt.timedelta(days=span)
            p.actual_completion = finish
            p.planned_completion = finish + dt.timedelta(days=rng.randint(0, 40))
        else:
            start = self.started_on(sc, this_year)
        p.actual_start = start
        p.planned_start = start + dt.timedelta(days=rng.randint(0, 10))
        if p.planned_completion is None:
            p.planned_completion = max(
                p.planned_start + duration, today + dt.timedelta(days=rng.randint(45, 300))
            )
        if sc not in (Y_STATS, R_STATS, NEW_START):
            p.statistics_registered_on = min(
                today - dt.timedelta(days=1), start + dt.timedelta(days=rng.randint(6, 25))
            )

    def start_build(
        self,
        draft: Draft,
        scenario: str,
        template: Sequence[MilestoneSpec] = (),
        size: int = 0,
        *,
        months: tuple[int, int] = (14, 30),
        this_year: bool = False,
    ) -> None:
        """Scenario, dates, status and milestone template of a project that is built."""
        draft.scenario = self.feasible(scenario, has_milestones=bool(template))
        self.set_dates(draft, months=months, this_year=this_year)
        p = draft.project
        if draft.scenario in NOT_STARTED:
            p.status = S.PREPARING
        elif draft.scenario in (COMPLETED,):
            p.status = S.COMPLETED
        elif draft.scenario == PAST:
            p.status = S.PRODUCING
        else:
            p.status = S.STARTED
        if template:
            # Keep the start and the building steps; drop optional ones to reach `size`.
            specs = list(template)
            optional = [s for s in specs if s.phase == "post" or "封顶" in s.name]
            while len(specs) > size and optional:
                specs.remove(optional.pop())
            draft.template = tuple(specs)
        total = float(p.total_investment or 0)
        draft.base_plan = _money(total * self.rng.uniform(0.3, 0.55), 10_000)

    # -- key projects ------------------------------------------------------------------------

    def key_amounts(self) -> list[Decimal]:
        """45 totals (whole 100万元) summing exactly to 291.3亿元, several over 10亿."""
        raw = [1.2e8 + self.rng.lognormvariate(math.log(3.8e8), 0.85) for _ in range(45)]
        scale = float(COUNTY_KEY_TOTAL) / sum(raw)
        amounts = [Decimal(round(v * scale / 1e6) * 1_000_000) for v in raw]
        largest = max(range(len(amounts)), key=lambda i: amounts[i])
        amounts[largest] += COUNTY_KEY_TOTAL - sum(amounts, Decimal(0))
        return amounts

    def key_project(
        self, *, chain_key: str, template: KeyTemplate, level: str, total: Decimal, scenario: str
    ) -> Draft:
        """A key project on a chain, built by one of its big firms (or a park's platform)."""
        rng = self.rng
        firm = self.pick_firm(chain_key, template.node) if "{firm}" in template.name else None
        if firm is not None:
            region, park = firm.region_id, self.park_by_id.get(firm.park_id or 0)
        else:
            sites = CHAIN_SITES[chain_key]
            region, park = self.site(
                rng.choice(sites[:2]) if "{park}" in template.name else sites[0]
            )
        values = {
            "firm": firm.name if firm else "",
            "n": rng.randint(*template.capacity),
            "k": rng.choice("二三四"),
            "park": park.name.replace("产业园", "") if park else "",
            "area": f"{rng.uniform(1.5, 12):.1f}",
            "eq": rng.randint(80, 600),
            "lines": rng.randint(2, 12),
        }
        lat, lon = self.coords(region, firm)
        # Most are followed by the town or park they lie in (属地), the rest by a department.
        responsible = self.responsible_for(region, park)
        if firm is not None and rng.random() < 0.35:
            responsible = self.unit(rng.choice(("工信局", "工信局", "发改局", "商务局", "科技局")))
        prefix: dict[str, str] = {
            ProjectLevel.COUNTY: "ZD",
            ProjectLevel.CITY: "SZ",
            ProjectLevel.PROVINCE: "SJ",
        }
        project = Project(
            region_id=region,
            code=self.code(prefix[level]),
            name=template.name.format(**values)[:200],
            kind=ProjectKind.KEY,
            level=level,
            description=template.content.format(**values),
            park=park,
            chain=self.ctx.chains[chain_key],
            node=self.node(chain_key, template.node),
            latitude=lat,
            longitude=lon,
            enterprise_id=firm.pk if firm else None,
            responsible_unit=responsible,
            responsible_person=person_name(rng),
            responsible_phone=self.phone(),
            leader=self.chief(chain_key) if rng.random() < 0.7 else self.user("leader"),
            total_investment=total,
            fixed_asset_investment=_money(float(total) * rng.uniform(0.7, 0.95), 1_000_000),
        )
        draft = Draft(project=project, chain_key=chain_key, with_approvals=True)
        self.start_build(draft, scenario, KEY_MILESTONES, rng.choice((6, 7, 8)))
        return draft

    def infrastructure_project(
        self, spec: tuple[str, str, str, str], total: Decimal, scenario: str
    ) -> Draft:
        """A county key project of public infrastructure (no owner enterprise)."""
        name, unit_short, town, content = spec
        region = self.ctx.towns[town].code
        lat, lon = self.coords(region)
        project = Project(
            region_id=region,
            code=self.code("ZD"),
            name=name,
            kind=ProjectKind.KEY,
            level=ProjectLevel.COUNTY,
            description=content,
            park=self.unit(unit_short) if unit_short == "开发区" else None,
            latitude=lat,
            longitude=lon,
            responsible_unit=self.unit(unit_short),
            responsible_person=person_name(self.rng),
            responsible_phone=self.phone(),
            leader=self.user("leader"),
            total_investment=total,
            fixed_asset_investment=total,
        )
        draft = Draft(project=project, with_approvals=True)
        self.start_build(draft, scenario, INFRASTRUCTURE_MILESTONES, 6)
        return draft

    def build_key_projects(self) -> None:
        """The 45 county key projects (291.3亿元) and the city and province ones."""
        rng = self.rng
        amounts = self.key_amounts()
        mix = list(KEY_MIX)
        rng.shuffle(mix)
        slots: list[tuple[str, KeyTemplate | None, int]] = []
        for chain_key, count in KEY_PER_CHAIN.items():
            templates = KEY_TEMPLATES[chain_key]
            slots.extend((chain_key, templates[i % len(templates)], i) for i in range(count))
        slots.extend(("", None, i) for i in range(len(INFRASTRUCTURE)))
        # The biggest sums go to each chain's flagship (its first template), the rest at random.
        flagships = [i for i, (_, template, serial) in enumerate(slots) if template and serial == 0]
        others = [i for i in range(len(slots)) if i not in flagships]
        rng.shuffle(others)
        by_size = sorted(range(len(amounts)), key=lambda i: (-amounts[i], i))
        amount_of = dict(zip(flagships + others, by_size, strict=True))
        for i, (chain_key, template, serial) in enumerate(slots):
            total = amounts[amount_of[i]]
            if template is None:
                draft = self.infrastructure_project(INFRASTRUCTURE[serial], total, mix[i])
            else:
                draft = self.key_project(
                    chain_key=chain_key,
                    template=template,
                    level=ProjectLevel.COUNTY,
                    total=total,
                    scenario=mix[i],
                )
            self.drafts.append(draft)
        upper_mix = (GREEN, GREEN, Y_SCHEDULE, GREEN, R_MILESTONE, GREEN)
        for (chain_key, index, level), scenario in zip(UPPER_LEVEL, upper_mix, strict=True):
            low, high = (15, 32) if level == ProjectLevel.PROVINCE else (6, 14)
            self.drafts.append(
                self.key_project(
                    chain_key=chain_key,
                    template=KEY_TEMPLATES[chain_key][index],
                    level=level,
                    total=_yi(rng.uniform(low, high)),
                    scenario=scenario,
                )
            )
        self.give_demo_firm_a_key_project()

    def give_demo_firm_a_key_project(self) -> None:
        """The demo enterprise user's firm builds one of the fitness key projects."""
        demo = self.firm_by_pk.get(self.demo_firm_id or 0)
        owned = [
            d
            for d in self.drafts
            if d.chain_key == "fitness"
            and d.project.level == ProjectLevel.COUNTY
            and d.project.enterprise_id in self.firm_by_pk
        ]
        if demo is None or not owned or any(d.project.enterprise_id == demo.pk for d in owned):
            return
        project = owned[-1].project
        old = self.firm_by_pk[project.enterprise_id or 0]
        project.name = project.name.replace(old.name, demo.name)
        project.enterprise_id = demo.pk
        project.region_id = demo.region_id
        project.park = self.park_by_id.get(demo.park_id or 0)
        project.responsible_unit = self.responsible_for(demo.region_id, project.park)
        project.latitude, project.longitude = self.coords(demo.region_id, demo)

    # -- attraction ----------------------------------------------------------------------------

    def attraction_project(self, spec: AttractionSpec, status: str, scenario: str) -> Draft:
        """An attraction project at a stage, with the lead dates and money that stage implies."""
        rng = self.rng
        total = _yi(spec.amount_yi)
        sited = status not in (S.LEAD, S.ASSESSING, S.NEGOTIATING, S.TERMINATED)
        if sited:
            region, park = self.site(rng.choice(CHAIN_SITES[spec.chain]))
        else:
            region, park = self.ctx.county.code, None
        investor = spec.investor or (
            f"{spec.city.removesuffix('市')}{rng.choice(TRADE_NAMES)}"
            f"{rng.choice(INVESTOR_WORDS[spec.chain])}有限公司（示例）"
        )
        short = investor.removesuffix("（示例）").removesuffix("有限公司")
        chain_name = next(c.name for c in CHAINS if c.key == spec.chain)
        if spec.name:
            description = f"{spec.content}文章点名的补“芯”项目；投资额与进度为演示数据。"
        else:
            verb = "补齐" if spec.purpose == F else "做强" if spec.purpose == ST else "延伸"
            description = f"投资建设{spec.content}项目，{verb}{chain_name}产业链“{spec.node}”环节。"
        owner = self.chain_office_user(spec.chain)
        if park is not None and park.pk in self.kaifaqu_family and rng.random() < 0.5:
            owner = self.user("park-kaifaqu") or owner
        fixed_share = rng.uniform(0.62, 0.9) if spec.amount_yi >= 1 else rng.uniform(0.4, 0.7)
        lat, lon = self.coords(region) if sited else (None, None)
        project = Project(
            region_id=region,
            code=self.code("ZS"),
            name=(spec.name or f"{short}{spec.content}项目")[:200],
            kind=ProjectKind.ATTRACTION,
            status=status,
            description=description,
            park=park,
            chain=self.ctx.chains[spec.chain],
            node=self.node(spec.chain, spec.node),
            latitude=lat,
            longitude=lon,
            responsible_unit=park if park is not None else self.unit("商务局"),
            responsible_person=person_name(rng),
            responsible_phone=self.phone(),
            leader=self.chief(spec.chain) if spec.amount_yi >= 3 else None,
            total_investment=total,
            fixed_asset_investment=_money(float(total) * fixed_share, 1_000_000),
            investor=investor,
            origin_province=spec.province,
            origin_city=spec.city,
            referrer=rng.choice(REFERRERS),
            lead_owner=owner,
            purpose=spec.purpose,
            exclusions=list(spec.exclusions),
        )
        draft = Draft(project=project, chain_key=spec.chain)
        if status in (S.LEAD, S.ASSESSING, S.NEGOTIATING):
            self.lead_dates(draft, status, None)
            return draft
        if status == S.TERMINATED:
            self.lead_dates(draft, S.NEGOTIATING, None)
            draft.terminated = (self.days_ago(5, 30), rng.choice(TERMINATION_REASONS))
            return draft
        big = spec.amount_yi >= 1
        draft.scenario = scenario
        if status in (S.SIGNED, S.REGISTERED):
            self.set_dates(draft, months=(12, 24))
            if status == S.REGISTERED and big:
                draft.template = ATTRACTION_MILESTONES
        elif status in (S.PRODUCING, S.EFFECTIVE):
            draft.scenario = PAST
            self.set_dates(draft)
        else:
            self.start_build(draft, scenario, ATTRACTION_MILESTONES if big else (), 7)
            draft.with_approvals = big
        project.status = status  # the stage given, whatever the dates' scenario implied
        start = project.actual_start or project.planned_start or self.today
        if status == S.SIGNED:
            signed = self.days_ago(15, 110)
        elif status == S.REGISTERED:
            signed = min(self.days_ago(120, 240), start - dt.timedelta(days=30))
        else:
            signed = start - dt.timedelta(days=rng.randint(60, 200))
        signed = min(signed, self.today - dt.timedelta(days=1))
        self.lead_dates(draft, status, signed)
        shares: dict[str, tuple[float, float]] = {
            S.SIGNED: (0.0, 0.05),
            S.REGISTERED: (0.05, 0.2),
            S.STARTED: (0.2, 0.6),
            S.COMPLETED: (0.7, 0.95),
            S.PRODUCING: (0.85, 1.0),
            S.EFFECTIVE: (1.0, 1.0),
        }
        low, high = shares[status]
        project.signed_on = signed
        project.contract_value = total
        project.funds_in_place = _money(float(total) * rng.uniform(low, high), 10_000)
        draft.reports_from = signed
        draft.base_plan = _money(float(total) * rng.uniform(0.25, 0.5), 10_000)
        return draft

    def lead_dates(self, draft: Draft, status: str, signed: dt.date | None) -> None:
        """Lead handling dates (江门 deadlines): recent leads leave some due, some overdue."""
        p, rng = draft.project, self.rng
        if status == S.LEAD:
            registered = self.days_ago(0, 12)
            p.lead_registered_on = registered
            if rng.random() < 0.6:
                p.lead_owner_named_on = min(self.today, registered + dt.timedelta(days=1))
            else:
                p.lead_owner = None  # no owner named yet: overdue after a day
            return
        if signed is not None:
            registered = signed - dt.timedelta(days=rng.randint(30, 200))
        elif status == S.ASSESSING:
            registered = self.days_ago(5, 30)
        else:
            registered = self.days_ago(40, 300)
        p.lead_registered_on = registered
        p.lead_owner_named_on = min(self.today, registered + dt.timedelta(days=rng.randint(0, 1)))
        p.lead_assessed_on = min(self.today, registered + dt.timedelta(days=rng.randint(1, 6)))
        if status == S.ASSESSING and rng.random() < 0.5:
            p.lead_feedback_on = None  # still owed to the referrer
        else:
            feedback = p.lead_assessed_on + dt.timedelta(days=rng.randint(1, 6))
            p.lead_feedback_on = min(self.today, feedback)
        if status in (S.ASSESSING, S.NEGOTIATING):
            recent = rng.random() < 0.6
            followed = self.days_ago(2, 12) if recent else self.days_ago(18, 40)
            p.lead_followed_up_on = max(followed, p.lead_assessed_on)
        else:
            p.lead_followed_up_on = signed

    def build_attraction_projects(self) -> None:
        """The three named projects and 41 more across every stage."""
        for spec in NAMED_ATTRACTIONS:
            draft = self.attraction_project(spec, spec.status, spec.scenario)
            draft.tags.append("双十")
            self.drafts.append(draft)
        specs = list(ATTRACTIONS)
        self.rng.shuffle(specs)
        slots = [(status, sc) for status, scenarios in ATTRACTION_STAGES for sc in scenarios]
        for spec, (status, scenario) in zip(specs, slots, strict=True):
            self.drafts.append(self.attraction_project(spec, status, scenario))

    # -- renovation, bonds, challenges --------------------------------------------------------

    def build_renovations(self) -> None:
        """120 renovation projects of 规上 firms; some firms have two, some none this year."""
        rng = self.rng
        firms = list(self.firms)
        rng.shuffle(firms)
        firms.sort(key=lambda f: f.pk != self.demo_firm_id)  # the demo firm first (stable sort)
        with_project = min(112, int(len(firms) * 0.65))
        owners = firms[:with_project]
        owners += owners[1 : 1 + min(RENOVATION_COUNT - with_project, with_project // 14)]
        mix = list(RENOVATION_MIX)
        rng.shuffle(mix)
        directions = (
            [RenovationDirection.INTELLIGENT] * 35
            + [RenovationDirection.HIGH_END] * 25
            + [RenovationDirection.GREEN] * 25
            + [RenovationDirection.SAFETY] * 15
        )
        for i, firm in enumerate(owners):
            direction = rng.choice(directions)
            phrase = rng.choice(RENOVATION_PHRASES[direction]).format(
                product=CHAIN_PRODUCTS[firm.chain_key]
            )
            # One in nine below 500万 (small, but still a 规上 firm's project).
            if i % 9 == 4:
                total = _money(rng.uniform(1.2e6, 4.8e6), 10_000)
            else:
                total = _money(min(1.5e8, 5e6 + rng.lognormvariate(math.log(1.2e7), 0.8)), 10_000)
            project = Project(
                region_id=firm.region_id,
                code=self.code("JG"),
                name=f"{firm.name}{phrase}项目",
                kind=ProjectKind.RENOVATION,
                description=f"{phrase}，设备投资占比约{rng.randint(55, 85)}%。",
                park=self.park_by_id.get(firm.park_id or 0),
                chain=self.ctx.chains[firm.chain_key],
                node_id=firm.node_id,
                latitude=firm.latitude,
                longitude=firm.longitude,
                enterprise_id=firm.pk,
                responsible_unit=self.unit("工信局"),
                responsible_person=person_name(rng),
                responsible_phone=self.phone(),
                total_investment=total,
                fixed_asset_investment=total,
                direction=direction,
                equipment_investment=_money(float(total) * rng.uniform(0.55, 0.85), 10_000),
            )
            draft = Draft(project=project, chain_key=firm.chain_key)
            self.start_build(draft, mix[i % len(mix)], months=(5, 11), this_year=True)
            if draft.scenario == PAST and rng.random() < 0.3:
                project.status = S.EFFECTIVE
            draft.base_plan = _money(float(total) * rng.uniform(0.6, 0.95), 10_000)
            self.drafts.append(draft)

    def build_bonds(self) -> None:
        """A dozen special-bond projects over the bond lifecycle."""
        rng = self.rng
        order = _path(ProjectKind.BOND)
        for name, unit_short, town, bond_yi, total_yi, status, scenario in BONDS:
            region = self.ctx.towns[town].code if town else self.ctx.county.code
            requested = _yi(bond_yi)
            reached = order.index(status)
            issued = disbursed = None
            if reached >= order.index(S.ISSUED):
                issued = requested if rng.random() < 0.6 else _money(float(requested) * 0.8, 10**6)
            if reached >= order.index(S.DISBURSED) and issued is not None:
                share = 1.0 if status == S.EVALUATED else rng.uniform(0.4, 0.9)
                disbursed = _money(float(issued) * share, 100_000)
            lat, lon = self.coords(region)
            project = Project(
                region_id=region,
                code=self.code("ZQ"),
                name=name,
                kind=ProjectKind.BOND,
                status=status,
                description="专项债券项目：实施方案、财务评价和法律意见书随申报材料报送。",
                park=self.unit(unit_short) if unit_short == "开发区" else None,
                latitude=lat,
                longitude=lon,
                responsible_unit=self.unit(unit_short),
                responsible_person=person_name(rng),
                responsible_phone=self.phone(),
                leader=self.user("leader"),
                total_investment=_yi(total_yi),
                fixed_asset_investment=_yi(total_yi),
                bond_requested=requested,
                bond_issued=issued,
                bond_disbursed=disbursed,
                coverage_ratio=Decimal(f"{rng.uniform(1.3, 2.1):.2f}"),
            )
            draft = Draft(project=project)
            if scenario:
                draft.scenario = self.feasible(scenario, has_milestones=False)
                self.set_dates(draft, months=(18, 30))
                draft.base_plan = _money(float(project.total_investment or 0) * 0.4, 10_000)
                draft.reports_from = project.actual_start
            self.drafts.append(draft)

    def build_challenges(self) -> None:
        """Four challenges (揭榜挂帅) at different stages, published by chain leaders."""
        rng = self.rng
        order = _path(ProjectKind.CHALLENGE)
        for chain_key, topic, solver, reward, budget, status, scenario in CHALLENGES:
            chain_firms = self.firms_by_chain.get(chain_key) or []
            firm = chain_firms[0] if chain_firms else None
            region = firm.region_id if firm else self.ctx.county.code
            publisher = firm.name if firm else "链主企业"
            project = Project(
                region_id=region,
                code=self.code("JB"),
                name=f"“揭榜挂帅”：{topic}",
                kind=ProjectKind.CHALLENGE,
                status=status,
                description=f"{publisher}发榜，攻关{topic}；揭榜方按里程碑考核，验收通过后兑付奖励。",
                park=self.park_by_id.get(firm.park_id or 0) if firm else None,
                chain=self.ctx.chains[chain_key],
                enterprise_id=firm.pk if firm else None,
                responsible_unit=self.unit("科技局"),
                responsible_person=person_name(rng),
                responsible_phone=self.phone(),
                total_investment=Decimal(budget) * WAN,
                reward=Decimal(reward) * WAN,
            )
            reached = order.index(status)
            if reached >= order.index(S.TAKEN):
                project.solver = solver
            draft = Draft(project=project, chain_key=chain_key)
            if reached >= order.index(S.REVIEWING):
                scores = [Decimal(f"{rng.uniform(78, 94):.1f}") for _ in range(rng.randint(3, 5))]
                comments = ("技术路线可行", "团队基础扎实", "考核指标需细化")
                draft.reviews = [
                    ChallengeReview(
                        region_id=region,
                        reviewer=REVIEWERS[i],
                        score=score,
                        comment=rng.choice(comments),
                    )
                    for i, score in enumerate(scores)
                ]
                average = sum(scores, Decimal(0)) / len(scores)
                # Rounded as `services.add_review` rounds the average.
                project.review_score = average.quantize(Decimal("0.01"))
            if status == S.PUBLICITY:
                project.objection_until = self.today + dt.timedelta(days=3)
            if scenario:
                self.start_build(
                    draft, scenario, CHALLENGE_MILESTONES, 6, months=(10, 18), this_year=True
                )
                project.status = status
                assert project.actual_start is not None
                project.objection_until = project.actual_start - dt.timedelta(days=3)
                draft.base_plan = _money(float(budget) * 1e4 * 0.5, 10_000)
                draft.reports_from = project.actual_start
            if chain_key == "fitness":
                draft.tags.append("双十")
            self.drafts.append(draft)

    # -- history ---------------------------------------------------------------------------

    def history(self, draft: Draft) -> None:
        """The lifecycle path up to the current status, dated in order."""
        p, rng = draft.project, self.rng
        flow = _path(p.kind)
        if draft.terminated is not None:
            path = flow[: rng.randint(2, 3)]
            end = draft.terminated[0]
        else:
            path = flow[: flow.index(p.status) + 1]
            end = self.today
        anchors: dict[str, dt.date | None] = {
            S.ASSESSING: p.lead_assessed_on,
            S.SIGNED: p.signed_on,
            S.STARTED: p.actual_start,
            S.COMPLETED: p.actual_completion,
            S.ESTABLISHED: p.actual_start,
        }
        if p.lead_registered_on is not None:
            first = p.lead_registered_on
        elif p.planned_start is not None:
            first = p.planned_start - dt.timedelta(days=rng.randint(120, 300))
        else:
            first = self.days_ago(200, 500)
        dates = [min(first, end)]
        for i, state in enumerate(path[1:], start=1):
            anchor = anchors.get(state)
            if anchor is None:
                later = [d for s in path[i + 1 :] if (d := anchors.get(s)) is not None]
                limit = min([*later, end])
                gap = max(0, (limit - dates[-1]).days)
                anchor = dates[-1] + dt.timedelta(days=min(gap, rng.randint(5, 40)) // 2)
            dates.append(min(end, max(anchor, dates[-1])))
        entries = [(path[0], dates[0], "登记入库")]
        entries += [(state, day, "") for state, day in zip(path[1:], dates[1:], strict=True)]
        if draft.terminated is not None:
            day, reason = draft.terminated
            entries.append((S.TERMINATED, max(day, dates[-1]), reason))
        draft.history = entries

    # -- plans: milestones, baselines, approvals -------------------------------------------

    def milestones(self, draft: Draft) -> None:
        """The battle map: milestones laid out around the planned start and completion."""
        p, rng, today = draft.project, self.rng, self.today
        if not draft.template or p.planned_start is None or p.planned_completion is None:
            return
        start, finish = p.planned_start, p.planned_completion
        spans: list[tuple[MilestoneSpec, dt.date, dt.date]] = []
        pre = [s for s in draft.template if s.phase == "pre"]
        pre_days = rng.randint(90, 170)
        step = pre_days // max(1, len(pre))
        for i, spec in enumerate(pre):
            begin = start - dt.timedelta(days=pre_days - i * step)
            spans.append((spec, begin, begin + dt.timedelta(days=step - 1)))
        for spec in draft.template:
            if spec.phase == "start" and draft.scenario == Y_START:
                spans.append((spec, start, _month_end(start)))
            elif spec.phase == "start":
                spans.append((spec, start - dt.timedelta(days=10), start + dt.timedelta(days=10)))
        build = [s for s in draft.template if s.phase == "build"]
        cursor = start + dt.timedelta(days=11)
        weights = sum(s.weight for s in build) or 1
        length = max(30 * len(build), (finish - cursor).days)
        for spec in build:
            days = max(14, length * spec.weight // weights)
            spans.append((spec, cursor, cursor + dt.timedelta(days=days - 1)))
            cursor += dt.timedelta(days=days)
        for spec in draft.template:
            if spec.phase == "post":
                spans.append((spec, finish, finish + dt.timedelta(days=60)))
        started = p.actual_start is not None
        for order, (spec, begin, end) in enumerate(spans):
            owner = p.responsible_unit if spec.owner == "@resp" else self.unit(spec.owner)
            m = Milestone(
                region_id=p.region_id,
                name=spec.name,
                planned_start=begin,
                planned_end=end,
                owner_unit=owner,
                weight=Decimal(spec.weight).quantize(Decimal("0.01")),
                sort_order=order,
            )
            # Before the start of works only the preparatory steps move; a project stuck at
            # the start (red) is stuck on its land and permits too.
            movable = spec.phase == "pre" or started
            if draft.scenario == R_START and end >= start - dt.timedelta(days=60):
                movable = False
            if movable and begin <= today:
                m.actual_start = min(today, begin + dt.timedelta(days=rng.randint(0, 2)))
                if end < today:
                    m.actual_end = max(m.actual_start, end - dt.timedelta(days=rng.randint(0, 5)))
            draft.milestones.append(m)
            draft.phases.append(spec.phase)
        if p.actual_completion is not None:
            for m, phase in zip(draft.milestones, draft.phases, strict=True):
                if phase != "post":
                    m.actual_start = m.actual_start or m.planned_start
                    m.actual_end = max(
                        m.actual_start, min(m.actual_end or end, p.actual_completion)
                    )
        if draft.scenario in (Y_MILESTONE, R_MILESTONE):
            self.slip(draft)
        first = min(m.planned_start for m in draft.milestones)
        approved = first - dt.timedelta(days=rng.randint(3, 15))
        draft.plan_approved_on = min(approved, today - dt.timedelta(days=1))
        p.plan_state = PlanState.APPROVED
        if draft.replan is not None and not draft.replan[3]:
            # A change of plan asked for and not yet approved (the milestones show it).
            p.plan_state = PlanState.REPLANNING
            p.replan_reason = draft.replan[1]

    def slip(self, draft: Draft) -> None:
        """Make the building step under way late: past its planned end and unfinished."""
        today, rng = self.today, self.rng
        days = rng.randint(3, 9) if draft.scenario == Y_MILESTONE else rng.randint(20, 45)
        building = [
            m
            for m, phase in zip(draft.milestones, draft.phases, strict=True)
            if phase == "build" and m.planned_start <= today
        ]
        current = [m for m in building if m.planned_end >= today]
        late = current[0] if current else (building or draft.milestones)[-1]
        late.planned_end = today - dt.timedelta(days=days)
        late.planned_start = min(late.planned_start, late.planned_end - dt.timedelta(days=20))
        late.actual_start = late.planned_start
        late.actual_end = None

    def approvals(self, draft: Draft) -> None:
        """用地, 规划许可, 施工许可, 环评 (能评), 不动产权证 with planned and actual dates; about
        half of the started projects started on the day they got their land (拿地即开工)."""
        p, rng, today = draft.project, self.rng, self.today
        if not draft.with_approvals or p.planned_start is None:
            return
        items: dict[str, tuple[dt.date, dt.date | None]] = {}
        start = p.actual_start
        if start is not None:
            same_day = rng.random() < 0.45
            land = start if same_day else start - dt.timedelta(days=rng.randint(20, 60))
            planning = land if same_day else land + dt.timedelta(days=rng.randint(8, 20))
            construction = (
                land if same_day else min(start, planning + dt.timedelta(days=rng.randint(5, 15)))
            )
            title = land if rng.random() < 0.5 else land + dt.timedelta(days=rng.randint(15, 90))
            environment = land - dt.timedelta(days=rng.randint(20, 80))
            items[ApprovalKind.ENVIRONMENT] = (environment, environment)
            if rng.random() < 0.35:
                energy = environment + dt.timedelta(days=rng.randint(0, 15))
                items[ApprovalKind.ENERGY] = (energy, energy)
            items[ApprovalKind.LAND] = (land, land)
            items[ApprovalKind.PLANNING] = (planning, planning)
            items[ApprovalKind.CONSTRUCTION] = (construction, construction)
            items[ApprovalKind.TITLE] = (title, title if title < today else None)
        else:
            planned = p.planned_start
            land = planned - dt.timedelta(days=rng.randint(10, 25))
            environment = planned - dt.timedelta(days=rng.randint(40, 90))
            land_done = draft.scenario != R_START and land < today
            planning = land + dt.timedelta(days=5)
            items[ApprovalKind.ENVIRONMENT] = (
                environment,
                environment if environment < today else None,
            )
            items[ApprovalKind.LAND] = (land, land if land_done else None)
            items[ApprovalKind.PLANNING] = (
                planning,
                planning if land_done and planning < today else None,
            )
            items[ApprovalKind.CONSTRUCTION] = (planned - dt.timedelta(days=1), None)
            items[ApprovalKind.TITLE] = (land, None)
        authority: dict[str, str] = {
            ApprovalKind.LAND: "自然资源局",
            ApprovalKind.PLANNING: "行政审批局",
            ApprovalKind.CONSTRUCTION: "行政审批局",
            ApprovalKind.ENVIRONMENT: "生态环境分局",
            ApprovalKind.ENERGY: "发改局",
            ApprovalKind.TITLE: "自然资源局",
        }
        for kind, (planned_on, actual_on) in items.items():
            draft.approvals.append(
                ApprovalItem(
                    region_id=p.region_id,
                    kind=kind,
                    planned_on=planned_on,
                    actual_on=actual_on,
                    authority=self.unit(authority[kind]),
                )
            )

    # -- weekly reports --------------------------------------------------------------------

    def report_weeks(self, draft: Draft) -> list[dt.date]:
        """The weeks a project reported: since it is monitored, with the scenario's gaps, and
        this week's report from the early reporters."""
        rng = self.rng
        since = monday_of(draft.reports_from) if draft.reports_from else self.weeks[0]
        weeks = [w for w in self.weeks if w >= since] or [self.due_week]
        if draft.scenario == GREY:
            weeks = weeks[:-1]  # last week's report is missing
            if len(weeks) > 3 and rng.random() < 0.5:
                weeks = weeks[:-1]
            return weeks
        if len(weeks) > 6 and rng.random() < 0.12:
            weeks.remove(rng.choice(weeks[1:-2]))  # a forgotten week
        if self.current_week > self.due_week and iso_year(self.current_week) == self.year:
            # The week under way: a share of projects has already reported, growing with the
            # days since Monday.
            if rng.random() < min(0.85, 0.2 + 0.17 * self.today.weekday()):
                weeks.append(self.current_week)
        return weeks

    def reports(self, draft: Draft) -> None:
        """Weekly reports with investment consistent with the dates and the scenario."""
        p, rng = draft.project, self.rng
        if not draft.monitored or p.total_investment is None:
            return
        weeks = self.report_weeks(draft)
        total = float(p.total_investment)
        start, finish = p.actual_start, p.actual_completion
        planned_end = p.planned_completion or (self.today + dt.timedelta(days=365))
        span = max(60, ((finish or planned_end) - (start or self.today)).days)
        weekly = total * 7 / span
        reporter = self.reporter(draft)
        this_year = [w for w in weeks if iso_year(w) == self.year]
        last_this_year = this_year[-1] if this_year else None
        paid_this_year = False
        percent = 0
        texts = _PROGRESS_TEXTS.get(p.kind, _PROGRESS_TEXTS[""])
        for week in weeks:
            sunday = week + dt.timedelta(days=6)
            if start is None or sunday < start:
                # Preparation: design and approval fees now and then.
                amount = total * rng.uniform(0.0008, 0.003) if rng.random() < 0.35 else 0.0
                pct = min(3, percent + (rng.random() < 0.2))
                text = rng.choice(_PREP_TEXTS)
            elif finish is not None and week > finish:
                amount = total * rng.uniform(0.0004, 0.0015) if rng.random() < 0.6 else 0.0
                pct = 100
                text = rng.choice(_DONE_TEXTS)
            else:
                amount = weekly * rng.uniform(0.5, 1.5)
                done = (sunday - start).days / span
                pct = min(99, round(100 * done * rng.uniform(0.92, 1.05)))
                if finish is not None and sunday >= finish:
                    pct = 100
                text = next(t for limit, t in texts if max(percent, pct) < limit or limit == 101)
                text = text.format(n=rng.randint(2, 60))
            if week == last_this_year and not paid_this_year and amount <= 0:
                # Every project under scheduling spends something this year (fees, retention).
                amount = total * rng.uniform(0.0005, 0.0015)
            if iso_year(week) == self.year and amount > 0:
                paid_this_year = True
            percent = max(percent, pct)
            draft.reports.append(
                WeeklyReport(
                    region_id=p.region_id,
                    week=week,
                    invested_this_week=_money(amount),
                    progress_text=text,
                    percent_complete=percent,
                    submitted_by=reporter,
                )
            )
        self.fit_year_plan(draft)
        self.submission_times(draft)
        self.derive(draft)

    def fit_year_plan(self, draft: Draft) -> None:
        """This year's plan, chosen so that the year's investment shows the scenario's 序时:
        on or ahead of it, or 14–26 (yellow) or 36–55 (red) points behind."""
        p, rng = draft.project, self.rng
        shares: list[float] | None = None
        if draft.scenario in (FUTURE, Y_START) and p.planned_start is not None:
            # Phased by month: nothing due before the month after the planned start.
            first = (
                max(p.planned_start.month, self.today.month)
                if p.planned_start.year == self.year
                else 12
            )
            if first < 12:
                shares = [
                    0.0 if k < first else round((k - first + 1) / (12 - first), 4)
                    for k in range(12)
                ]
                shares[-1] = 1.0
        expected = float(self.share(shares))
        this_year = [r for r in draft.reports if iso_year(r.week) == self.year]
        invested = float(sum((r.invested_this_week for r in this_year), Decimal(0)))
        base = float(draft.base_plan) or float(p.total_investment or 0) * 0.4
        sc = draft.scenario
        if sc in (Y_SCHEDULE, R_SCHEDULE) and invested > 0:
            low, high = (0.14, 0.26) if sc == Y_SCHEDULE else (0.36, 0.55)
            ratio = expected - rng.uniform(low, min(high, expected - 0.05))
            plan = invested / ratio
            cap = float(p.total_investment or 0) * 0.95
            if plan > cap:
                # Too much was invested this year to be this far behind a plan the project's
                # size allows: the year's weekly figures shrink instead.
                factor = cap * ratio / invested
                for report in this_year:
                    report.invested_this_week = _money(float(report.invested_this_week) * factor)
                invested = float(sum((r.invested_this_week for r in this_year), Decimal(0)))
                plan = invested / ratio
            planned = _money(plan, 10_000)
        elif invested <= 0 or expected <= 0.01:
            planned = _money(base, 10_000)
        else:
            plan = min(base, invested / (expected + rng.uniform(0.03, 0.10)))
            planned = Decimal(math.floor(plan / 100) * 100)
        draft.year_plan = ProjectYearPlan(
            region_id=p.region_id,
            year=self.year,
            planned_investment=max(planned, Decimal(100)),
            monthly_shares=shares,
        )

    def submission_times(self, draft: Draft) -> None:
        """Most reports arrive on Thursday or Friday; about one in eight after the deadline."""
        rng = self.rng
        for report in draft.reports:
            deadline = week_deadline(report.week, self.due_weekday)
            if report.week > self.due_week:
                day = report.week + dt.timedelta(days=rng.randint(0, self.today.weekday()))
            elif deadline < self.today and rng.random() < 0.12:
                day = deadline + dt.timedelta(days=rng.randint(1, 4))
            else:
                day = max(report.week, deadline - dt.timedelta(days=rng.randint(0, 1)))
            report.submitted_at = self.at(
                min(day, self.today), rng.randint(8, 17), rng.randint(0, 59)
            )
            report.is_late = timezone.localtime(report.submitted_at, self.tz).date() > deadline

    def derive(self, draft: Draft) -> None:
        """Cumulative and yearly (ISO year) figures, and the project's latest ones, as
        `reporting.rederive` and `update_project_figures` compute them."""
        p = draft.project
        cumulative = Decimal(0)
        by_year: dict[int, Decimal] = {}
        for report in sorted(draft.reports, key=lambda r: r.week):
            year = iso_year(report.week)
            cumulative += report.invested_this_week
            by_year[year] = by_year.get(year, Decimal(0)) + report.invested_this_week
            report.cumulative_invested = cumulative
            report.year_invested = by_year[year]
        if draft.reports:
            last = max(draft.reports, key=lambda r: r.week)
            p.invested_total = last.cumulative_invested
            p.invested_year = last.year_invested
            p.invested_year_of = iso_year(last.week)
            p.percent_complete = last.percent_complete
            p.last_report_week = last.week

    # -- problems --------------------------------------------------------------------------

    def problems(self, draft: Draft) -> None:
        """Problems raised in reports: the trouble behind yellow and red, and a few others."""
        rng = self.rng
        if not draft.reports:
            return
        category: str | None = SCENARIO_PROBLEMS.get(draft.scenario)
        flagged = category is not None
        if category is None:
            if rng.random() > 0.15:
                return
            category = rng.choice(sorted({c for c, _, _ in PROBLEMS}))
        _, owner, title = rng.choice([row for row in PROBLEMS if row[0] == category])
        reports = draft.reports if len(draft.reports) < 3 else draft.reports[:-1]
        report = rng.choice(reports[-8:] if flagged else reports)
        raised = timezone.localtime(report.submitted_at, self.tz).date()
        due = self.calendar.add_workdays(raised, 10)
        problem = Problem(
            region_id=draft.project.region_id,
            title=title,
            description=f"{draft.project.name}在{report.iso_week}周调度中反映。",
            category=category,
            source=ProblemSource.WEEKLY_REPORT,
            enterprise_id=draft.project.enterprise_id,
            owner_unit=self.unit(owner),
            due_on=due,
            raised_by=report.submitted_by,
            raised_on=raised,
        )
        staff = self.unit_users.get(problem.owner_unit.pk if problem.owner_unit else 0)
        if not flagged and rng.random() < 0.8:
            problem.status = ProblemStatus.RESOLVED
            problem.resolved_on = min(self.today, raised + dt.timedelta(days=rng.randint(2, 20)))
            problem.resolution = rng.choice(RESOLUTIONS)
            problem.claimed_by = staff
        elif staff is not None and rng.random() < 0.6:
            problem.status = ProblemStatus.CLAIMED
            problem.claimed_by = staff
        draft.problems.append((report, problem))

    # -- putting it together -------------------------------------------------------------------

    def build(self) -> None:
        """Every project and its rows, in memory."""
        self.build_key_projects()
        self.build_attraction_projects()
        self.build_renovations()
        self.build_bonds()
        self.build_challenges()
        self.choose_replans()
        for draft in self.drafts:
            if not draft.project.status:
                draft.project.status = INITIAL_STATUS[draft.project.kind]
            self.history(draft)
            self.milestones(draft)
            self.approvals(draft)
            self.reports(draft)
            self.problems(draft)
        self.tag_lists()

    def choose_replans(self) -> None:
        """Three key projects on plan whose plan was changed once with a reason, and one whose
        change awaits approval."""
        chosen = [
            d
            for d in self.drafts
            if d.project.kind == ProjectKind.KEY and d.scenario == GREEN and d.template
        ][: len(REPLAN_REASONS)]
        for i, (draft, reason) in enumerate(zip(chosen, REPLAN_REASONS, strict=False)):
            approved = i < len(REPLAN_REASONS) - 1
            draft.replan = (self.days_ago(20, 70), reason, self.rng.randint(30, 60), approved)

    def tag_lists(self) -> None:
        """The 双十 library (the biggest county key projects, the named attraction projects
        and a challenge) and this quarter's site-visit list."""
        keys = [
            d
            for d in self.drafts
            if d.project.kind == ProjectKind.KEY and d.project.level == ProjectLevel.COUNTY
        ]
        keys.sort(key=lambda d: (-(d.project.total_investment or 0), d.project.code))
        for draft in keys[:6]:
            draft.tags.append("双十")
        for draft in [d for d in keys if d.project.status == S.STARTED][:8]:
            draft.tags.append("季观摩")

    # -- writing -------------------------------------------------------------------------------

    def write(self) -> Counter[type[models.Model]]:
        """Insert everything; return the rows per model."""
        rows = _Inserter()
        industry = self.user("industry")
        for d in self.drafts:
            # The ledger's "registered on" is when the project entered it, not when the demo
            # ran: reports are expected only from projects registered before a week's deadline.
            d.project.created_at = self.at(d.history[0][1], 9)
        rows.insert(Project, [d.project for d in self.drafts])
        rows.insert(
            StatusChange,
            [
                StatusChange(
                    project=d.project,
                    from_status=d.history[i - 1][0] if i else "",
                    to_status=state,
                    changed_on=day,
                    changed_by=d.project.lead_owner or industry,
                    reason=reason,
                )
                for d in self.drafts
                for i, (state, day, reason) in enumerate(d.history)
            ],
        )
        rows.insert(ProjectYearPlan, _attach([(d, d.year_plan) for d in self.drafts]))
        rows.insert(ApprovalItem, _attach([(d, a) for d in self.drafts for a in d.approvals]))
        rows.insert(Milestone, _attach([(d, m) for d in self.drafts for m in d.milestones]))
        rows.insert(WeeklyReport, _attach([(d, r) for d in self.drafts for r in d.reports]))
        rows.insert(ChallengeReview, _attach([(d, r) for d in self.drafts for r in d.reviews]))
        rows.insert(Baseline, self.baselines())
        problems = []
        for d in self.drafts:
            for report, problem in d.problems:
                problem.project = d.project
                problem.report = report
                problems.append(problem)
        rows.insert(Problem, problems)
        rows.finish()
        rows.counts[ProjectTag] = self.write_tags()
        return rows.counts

    def write_tags(self) -> int:
        """The two project lists and their members."""
        tags = {
            "双十": ProjectTag(
                region=self.ctx.county,
                name="双十项目库",
                description="县里遴选的十大产业项目和十大科技创新项目（演示：口径可配置）",
            ),
            "季观摩": ProjectTag(
                region=self.ctx.county, name="季观摩项目", description="本季度县级观摩的重点项目"
            ),
        }
        ProjectTag.objects.bulk_create(tags.values())
        through = Project.tags.through
        through.objects.bulk_create(
            [
                through(project_id=d.project.pk, projecttag_id=tags[name].pk)
                for d in self.drafts
                for name in dict.fromkeys(d.tags)
            ]
        )
        return len(tags)

    def baselines(self) -> list[Baseline]:
        """Baseline 1 of every approved plan; a second one where a re-plan was approved (the
        milestones must have their ids: the snapshot refers to them)."""
        approver = self.user("leader")
        rows: list[Baseline] = []
        for d in self.drafts:
            if not d.milestones or d.plan_approved_on is None:
                continue
            current = baseline_snapshot(d.milestones)
            first = [dict(entry) for entry in current]
            if d.replan is not None:
                on, reason, days, approved = d.replan
                # The re-plan moved the steps not finished by then; the first baseline keeps
                # their original dates.
                back = dt.timedelta(days=days)
                for entry, m in zip(first, d.milestones, strict=True):
                    if m.actual_end is None or m.actual_end > on:
                        entry["planned_start"] = (m.planned_start - back).isoformat()
                        entry["planned_end"] = (m.planned_end - back).isoformat()
                if approved:
                    rows.append(
                        Baseline(
                            project=d.project,
                            region_id=d.project.region_id,
                            number=2,
                            reason=reason,
                            requested_by=self.reporter(d),
                            approved_by=approver,
                            approved_at=self.at(on, 15),
                            milestones=current,
                        )
                    )
            rows.append(
                Baseline(
                    project=d.project,
                    region_id=d.project.region_id,
                    number=1,
                    approved_by=approver,
                    approved_at=self.at(d.plan_approved_on, 10),
                    milestones=first,
                )
            )
        return rows


class _Inserter:
    """INSERTs through executemany, with ids assigned here so that rows can refer to each
    other. `bulk_create` spends most of its time preparing each value through its field; here
    only JSON and date-time values need converting (the database drivers take the rest as
    they are). Every row goes in as the model instance holds it; auto timestamps left empty
    get now. On PostgreSQL the id sequences are moved past the ids used (`finish`)."""

    def __init__(self) -> None:
        self.now = timezone.now()
        self.counts: Counter[type[models.Model]] = Counter()

    def insert(self, model: type[models.Model], objs: Sequence[models.Model]) -> None:
        """Insert the objects (their pk is set)."""
        self.counts[model] += len(objs)
        if not objs:
            return
        top = model._default_manager.aggregate(top=Max("pk"))["top"] or 0
        for offset, obj in enumerate(objs, start=1):
            obj.pk = top + offset
        fields = list(model._meta.concrete_fields)
        converters: list[Callable[[Any], Any] | None] = []
        for f in fields:
            if isinstance(f, models.JSONField):
                converters.append(partial(f.get_db_prep_save, connection=connection))
            elif isinstance(f, models.DateTimeField):
                converters.append(connection.ops.adapt_datetimefield_value)
            else:
                converters.append(None)
        stamps = {
            f.attname
            for f in fields
            if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False)
        }
        values = []
        for obj in objs:
            for name in stamps:
                if name == "updated_at" or getattr(obj, name) is None:
                    setattr(obj, name, self.now)
            values.append(
                [
                    convert(getattr(obj, f.attname)) if convert else getattr(obj, f.attname)
                    for f, convert in zip(fields, converters, strict=True)
                ]
            )
        quote = connection.ops.quote_name
        sql = (
            f"INSERT INTO {quote(model._meta.db_table)} "
            f"({', '.join(quote(str(f.column)) for f in fields)}) "
            f"VALUES ({', '.join(['%s'] * len(fields))})"
        )
        with connection.cursor() as cursor:
            for batch in range(0, len(values), 2000):
                cursor.executemany(sql, values[batch : batch + 2000])
        for obj in objs:
            obj._state.adding = False
            obj._state.db = connection.alias

    def finish(self) -> None:
        """PostgreSQL: move the id sequences past the ids assigned (SQLite needs nothing)."""
        statements = connection.ops.sequence_reset_sql(no_style(), list(self.counts))
        if statements:
            with connection.cursor() as cursor:
                for sql in statements:
                    cursor.execute(sql)


def build_projects(
    ctx: DemoContext, *, seed: int, demo_firm_id: int | None = None
) -> Counter[type[models.Model]]:
    """Write the demo's project ledger (bulk, no per-row audit) and compute its lights.

    Returns the rows written per model, for the demo's one summarising audit row each.
    """
    builder = _Builder(ctx, seed=seed, demo_firm_id=demo_firm_id)
    builder.build()
    counts = builder.write()
    refresh_lights(
        Project.objects.filter(pk__in=[d.project.pk for d in builder.drafts]), today=ctx.today
    )
    return counts
