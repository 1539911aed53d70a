"""The column specs of the project ledger and of a week's reports: headers (the file format
the county exchanges, so fixed Chinese text), kinds and the guidance of the 说明 sheet."""

from __future__ import annotations

from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy

from jinmu.core.excel import CHOICE, DATE, DECIMAL, MONEY, PARK, TEXT, TOWN, Column
from jinmu.projects.services import KIND_FIELDS

PROJECTS = "projects"
REPORTS = "reports"

PROJECT_SHEET = "项目台账"
REPORT_SHEET = "周报"

# Column kinds of the ledger only.
CHAIN = "chain"
NODE = "node"
ENTERPRISE = "enterprise"
UNIT = "unit"
TAGS = "tags"
PLAN = "plan"  # this year's planned investment (a ProjectYearPlan row), in 万元
WEEK = "week"
PERCENT = "percent"
INFO = "info"  # written for the reader, ignored on import

# Fields a transition fills in when it is not given: an empty cell keeps what is stored, or a
# status change in one import would be undone by importing the same file again.
FILLED_BY_TRANSITIONS = frozenset({"actual_start", "actual_completion", "signed_on"})
# Dates of things that already happened.
PAST_DATES = frozenset(
    {"actual_start", "actual_completion", "statistics_registered_on", "signed_on"}
)


def _col(header: str, name: str, kind: str, help_text: Promise, **options: Any) -> Column:
    return Column(header, name, kind, help=help_text, **options)


def _wan(header: str, name: str, help_text: Promise) -> Column:
    return Column(header, name, MONEY, help=help_text, places=6, non_negative=True, width=16)


def _date(header: str, name: str, help_text: Promise) -> Column:
    return Column(header, name, DATE, help=help_text, width=12)


PROJECT_COLUMNS: tuple[Column, ...] = (
    _col(
        "项目编号",
        "code",
        TEXT,
        gettext_lazy(
            "The county's project number. Projects already in the ledger are matched by it "
            "(without a number: by name and kind) and updated; new numbers create projects."
        ),
        width=16,
    ),
    _col("项目名称", "name", TEXT, gettext_lazy("The project's name."), required=True, width=30),
    _col(
        "项目类型",
        "kind",
        CHOICE,
        gettext_lazy(
            "招商引资, 重点项目, 技改, 专项债 or 揭榜挂帅. The kind of a project cannot change."
        ),
        required=True,
        width=10,
    ),
    _col(
        "级别",
        "level",
        CHOICE,
        gettext_lazy("县级, 市级 or 省级; required for key projects."),
        width=8,
    ),
    _col(
        "状态",
        "status",
        CHOICE,
        gettext_lazy(
            "A state of the project's kind (see the list below). New projects start in it; for a "
            "project in the ledger a different state is a transition, which must be the next step "
            "of its lifecycle."
        ),
        width=10,
    ),
    _col(
        "乡镇/街道",
        "region",
        TOWN,
        gettext_lazy(
            "Town or street by name or division code. Empty: the town of the park, else the county "
            "(a town user's own town)."
        ),
        width=12,
    ),
    _col("园区", "park", PARK, gettext_lazy("Park name; empty if not in a park."), width=18),
    _col("产业链", "chain", CHAIN, gettext_lazy("Chain name, as in the dropdown."), width=14),
    _col(
        "链条环节",
        "node",
        NODE,
        gettext_lazy("A node of that chain (for attraction projects: the gap it fills)."),
        width=14,
    ),
    _col(
        "业主企业",
        "enterprise",
        ENTERPRISE,
        gettext_lazy("Credit code or registered name of an enterprise in the register."),
        width=26,
    ),
    _col(
        "责任单位",
        "responsible_unit",
        UNIT,
        gettext_lazy("The responsible unit by name or short name."),
        width=18,
    ),
    _col("责任人", "responsible_person", TEXT, gettext_lazy("Responsible person."), width=10),
    _col(
        "联系电话",
        "responsible_phone",
        TEXT,
        gettext_lazy("Phone number, written as text."),
        width=14,
    ),
    _wan("总投资(万元)", "total_investment", gettext_lazy("Total investment in 万元.")),
    _wan(
        "固定资产投资(万元)",
        "fixed_asset_investment",
        gettext_lazy("Fixed-asset investment in 万元; not above the total."),
    ),
    Column(
        "年度计划投资(万元)",
        "year_plan",
        PLAN,
        places=6,
        non_negative=True,
        width=18,
        help=gettext_lazy(
            "Investment planned for this calendar year in 万元 (basis of 序时进度). "
            "Empty: unchanged."
        ),
    ),
    _date("计划开工", "planned_start", gettext_lazy("Planned start of works, YYYY-MM-DD.")),
    _date(
        "实际开工",
        "actual_start",
        gettext_lazy(
            "Actual start of works, not in the future. Empty: unchanged (entering 在建 sets it)."
        ),
    ),
    _date("计划竣工", "planned_completion", gettext_lazy("Planned completion, YYYY-MM-DD.")),
    _date(
        "实际竣工",
        "actual_completion",
        gettext_lazy(
            "Actual completion, not in the future. Empty: unchanged (entering 竣工 sets it)."
        ),
    ),
    _date(
        "入统日期",
        "statistics_registered_on",
        gettext_lazy("Date of statistical registration (入统), not in the future."),
    ),
    _col("投资方", "investor", TEXT, gettext_lazy("Attraction projects: the investor."), width=20),
    _col(
        "来源地(省)",
        "origin_province",
        TEXT,
        gettext_lazy("Attraction projects: the investor's province."),
        width=10,
    ),
    _col(
        "来源地(市)",
        "origin_city",
        TEXT,
        gettext_lazy("Attraction projects: the investor's city."),
        width=10,
    ),
    _col("推荐人", "referrer", TEXT, gettext_lazy("Attraction projects: who brought the lead.")),
    _col(
        "招商目的",
        "purpose",
        CHOICE,
        gettext_lazy("Attraction projects: 补链, 延链 or 强链."),
        width=10,
    ),
    _date(
        "签约日期",
        "signed_on",
        gettext_lazy("Attraction projects: date of signing, not in the future. Empty: unchanged."),
    ),
    _wan(
        "合同金额(万元)",
        "contract_value",
        gettext_lazy("Attraction projects: contract value in 万元."),
    ),
    _wan(
        "到位资金(万元)",
        "funds_in_place",
        gettext_lazy("Attraction projects: funds in place in 万元."),
    ),
    _col(
        "技改方向",
        "direction",
        CHOICE,
        gettext_lazy("Renovation projects: 高端化, 智能化, 绿色化 or 安全化."),
        width=10,
    ),
    _wan(
        "设备投资(万元)",
        "equipment_investment",
        gettext_lazy("Renovation projects: equipment investment in 万元."),
    ),
    _wan(
        "专项债申请额(万元)",
        "bond_requested",
        gettext_lazy("Special bonds: amount applied for in 万元."),
    ),
    _wan(
        "专项债发行额(万元)", "bond_issued", gettext_lazy("Special bonds: amount issued in 万元.")
    ),
    _wan(
        "专项债拨付额(万元)",
        "bond_disbursed",
        gettext_lazy("Special bonds: funds disbursed in 万元."),
    ),
    _col(
        "本息覆盖倍数",
        "coverage_ratio",
        DECIMAL,
        gettext_lazy("Special bonds: revenue/cost coverage ratio from the financial evaluation."),
        non_negative=True,
        width=12,
    ),
    _col("揭榜方", "solver", TEXT, gettext_lazy("Challenges: who took the challenge."), width=20),
    _wan("揭榜奖励(万元)", "reward", gettext_lazy("Challenges: the reward in 万元.")),
    _col(
        "项目清单",
        "tags",
        TAGS,
        gettext_lazy(
            "Curated lists the project is on (e.g. 双十), separated by 、; lists must exist."
        ),
        width=16,
    ),
    _col("建设内容", "description", TEXT, gettext_lazy("What the project builds."), width=40),
)

REPORT_COLUMNS: tuple[Column, ...] = (
    _col(
        "项目编号",
        "code",
        TEXT,
        gettext_lazy("The project's number (without a number: its exact name)."),
        width=16,
    ),
    _col(
        "项目名称",
        "name",
        TEXT,
        gettext_lazy("For reading; used to find the project only when the number is empty."),
        width=30,
    ),
    _col(
        "周次",
        "week",
        WEEK,
        gettext_lazy("ISO week of the report, e.g. 2026-W47; not a future week."),
        width=10,
    ),
    _wan(
        "本周完成投资(万元)",
        "invested_this_week",
        gettext_lazy(
            "Investment completed this week in 万元 (0 if none). Give this or the cumulative "
            "figure."
        ),
    ),
    _wan(
        "累计完成投资(万元)",
        "cumulative_invested",
        gettext_lazy(
            "Investment completed to date in 万元; this week's figure is derived from it. It "
            "cannot be lower than last week's."
        ),
    ),
    _col(
        "截至上周累计(万元)",
        "previous_cumulative",
        INFO,
        gettext_lazy(
            "For reading: the cumulative figure of the latest earlier report; ignored on import."
        ),
        width=16,
    ),
    _col(
        "完成百分比",
        "percent_complete",
        PERCENT,
        gettext_lazy("Percent complete, a whole number from 0 to 100. Empty: as last week."),
        width=10,
    ),
    _col(
        "形象进度",
        "progress_text",
        TEXT,
        gettext_lazy("What was done this week (形象进度)."),
        width=40,
    ),
    _col(
        "存在问题",
        "problems",
        TEXT,
        gettext_lazy("Problems that need help, one per line; each becomes a tracked problem."),
        width=30,
    ),
)

COLUMNS: dict[str, tuple[Column, ...]] = {PROJECTS: PROJECT_COLUMNS, REPORTS: REPORT_COLUMNS}
PROJECT_HEADERS: dict[str, str] = {column.field: column.header for column in PROJECT_COLUMNS}
REPORT_HEADERS: dict[str, str] = {column.field: column.header for column in REPORT_COLUMNS}
SHEETS: dict[str, str] = {PROJECTS: PROJECT_SHEET, REPORTS: REPORT_SHEET}

_KIND_OF_FIELD = {name: kind for kind, names in KIND_FIELDS.items() for name in names}


def column_kind(column: Column) -> str | None:
    """The one project kind a column belongs to, or None when it applies to every kind."""
    return _KIND_OF_FIELD.get(column.field)
