"""Excel column specs of the project ledger and of a week's reports, shared by the templates,
the imports and the export.

Headers and the words of the choice columns (项目类型, 状态, 级别 …) are the file format the county
exchanges, so they are fixed Chinese text, not translations; the guidance in the 说明 sheet is
translated like the UI. On import a choice is also accepted by its label in any language or by
its code. Money is written in 万元 and stored in yuan exactly. The column kinds, cell readers, the
streamed writer and the template helpers are core's (`jinmu.core.excel`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import Workbook
from openpyxl.worksheet.datavalidation import DataValidation

from jinmu.core.excel import (
    CHOICE,
    DATE,
    DECIMAL,
    MONEY,
    PARK,
    TEXT,
    TOWN,
    Column,
    Dropdowns,
    parse_integer,
    parse_names,
    parse_text,
    parse_word,
    plain_decimal,
    save_workbook,
    shown_text,
    write_export,
    write_guide,
    write_header,
    yuan_to_wan,
)
from jinmu.core.uploads import neutralise_cell, normalise_header
from jinmu.projects.choices import (
    LIFECYCLES,
    ProjectKind,
    ProjectLevel,
    ProjectStatus,
    Purpose,
    RenovationDirection,
)
from jinmu.projects.services import KIND_FIELDS
from jinmu.projects.weeks import iso_label, monday_of, parse_iso_week

if TYPE_CHECKING:
    from openpyxl.worksheet.worksheet import Worksheet

    from jinmu.projects.models import Project

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


def kind_word(kind: str) -> str:
    """The word for a project kind as written in the files (招商引资 …)."""
    return KIND_WORDS.word(kind)


def statuses_by_kind() -> list[tuple[str, list[str]]]:
    """Each kind's word and the words of its states in lifecycle order (for the guide)."""
    return [
        (KIND_WORDS.word(kind), [STATUS_WORDS.word(state) for state in flow])
        for kind, flow in LIFECYCLES.items()
    ]


# -- reading cells -------------------------------------------------------------------------------


def parse_week(value: Any) -> dt.date:
    """An ISO week such as 2026-W47 (a date cell means its week) → the Monday of that week."""
    if isinstance(value, dt.datetime):
        return monday_of(value.date())
    if isinstance(value, dt.date):
        return monday_of(value)
    return parse_iso_week(parse_text(value))


def parse_percent(value: Any) -> int:
    """A whole percentage 0–100; “45%” and a percent-formatted cell (0.45) both read as 45."""
    if isinstance(value, float) and 0 < value < 1:
        value = round(value * 100, 6)
    elif isinstance(value, str):
        value = value.strip().removesuffix("%").removesuffix("％")
    number = parse_integer(value)
    if not 0 <= number <= 100:
        raise ValidationError(
            _("Percent complete must be a whole number from 0 to 100."), code="range"
        )
    return number


def parse_tag_names(value: Any) -> list[str]:
    """List names separated by 、 ; , or new lines."""
    return parse_names(value)


# -- writing cells -------------------------------------------------------------------------------


def cell_value(column: Column, value: Any) -> Any:
    """What a cell holds for a value as the imports read it (money in 万元, rows by name)."""
    if value is None or value == "" or value == [] or value == ():
        return None
    kind = column.kind
    if kind in (MONEY, PLAN):
        return yuan_to_wan(value)
    if kind == CHOICE:
        return VOCABULARIES[column.field].word(value)
    if kind == TAGS:
        return "、".join(str(item) for item in value)
    if kind == ENTERPRISE:
        return value.name
    if kind in (TOWN, PARK, CHAIN, NODE, UNIT):
        return value.name
    if kind == WEEK:
        return iso_label(value)
    if kind == DECIMAL and isinstance(value, Decimal):
        return plain_decimal(value)
    return value


def display_value(column: Column, value: Any) -> str:
    """A value as text for the import preview."""
    return shown_text(cell_value(column, value))


def project_values(project: Project, *, year: int) -> dict[str, Any]:
    """A project's value behind every ledger column (related rows as objects; tags sorted by
    name; the plan of `year`). Prefetch `tags` and `year_plans` when reading many."""
    values: dict[str, Any] = {}
    for column in PROJECT_COLUMNS:
        if column.kind == TAGS:
            values[column.field] = sorted(tag.name for tag in project.tags.all())
        elif column.kind == PLAN:
            plan = next((p for p in project.year_plans.all() if p.year == year), None)
            values[column.field] = plan.planned_investment if plan else None
        elif column.kind == TOWN:
            region = project.region
            values[column.field] = region if region.level == "town" else None
        else:
            values[column.field] = getattr(project, column.field)
    return values


def project_row(project: Project, *, year: int) -> list[Any]:
    """One project as an export row, in column order."""
    values = project_values(project, year=year)
    return [cell_value(column, values[column.field]) for column in PROJECT_COLUMNS]


def export_projects(projects: Iterable[Project], *, year: int) -> bytes:
    """The ledger rows as a streamed workbook (cells neutralised against formulas)."""
    rows = (project_row(project, year=year) for project in projects)
    return write_export(rows, columns=PROJECT_COLUMNS, sheet_name=PROJECT_SHEET)


# -- templates -----------------------------------------------------------------------------------


_LAST_ROW = 5000  # the template's dropdowns and checks reach this row


@dataclass(frozen=True)
class Choices:
    """Names offered in the project template's dropdowns (what the user may pick)."""

    towns: Sequence[str] = ()
    parks: Sequence[str] = ()
    chains: Sequence[str] = ()
    units: Sequence[str] = ()
    tags: Sequence[str] = ()


def _header(sheet: Worksheet, columns: Sequence[Column]) -> None:
    write_header(sheet, columns, text_kinds=(TEXT, WEEK, ENTERPRISE), info_kinds=(INFO,))


def _dropdowns(workbook: Workbook, sheet: Worksheet, columns: Sequence[Column]) -> Dropdowns:
    return Dropdowns(workbook, sheet, columns, last_row=_LAST_ROW)


def _money_rules(dropdowns: Dropdowns, columns: Sequence[Column]) -> None:
    for column in columns:
        if column.kind in (MONEY, PLAN):
            dropdowns.numbers(
                column.field,
                DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0"),
                _("Enter an amount in 万元, 0 or more."),
            )


def _guide(
    workbook: Workbook,
    *,
    sheet_name: str,
    columns: Sequence[Column],
    notes: Sequence[str],
    extra: Sequence[tuple[str, str]] = (),
) -> None:
    lines = [
        _("Fill in the sheet “{sheet}” from row 2; keep the header row as it is.").format(
            sheet=sheet_name
        ),
        *notes,
        _(
            "The whole file is checked first. If any row has an error nothing is saved, and every "
            "error is listed by row and column."
        ),
        _("Importing the same file again changes nothing."),
    ]
    write_guide(workbook, notes=lines, columns=columns, extra=extra, text_width=90)


def build_project_template(choices: Choices | None = None) -> bytes:
    """The empty ledger workbook: header row, dropdowns and a 说明 sheet."""
    choices = choices or Choices()
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None  # a new workbook always has one sheet
    sheet.title = PROJECT_SHEET
    _header(sheet, PROJECT_COLUMNS)
    dropdowns = _dropdowns(workbook, sheet, PROJECT_COLUMNS)
    for name, vocabulary in VOCABULARIES.items():
        dropdowns.offer(name, list(vocabulary.words.values()))
    dropdowns.offer("region", choices.towns)
    dropdowns.offer("park", choices.parks)
    dropdowns.offer("chain", choices.chains)
    dropdowns.offer("responsible_unit", choices.units)
    _money_rules(dropdowns, PROJECT_COLUMNS)
    lifecycles = [(kind, " → ".join(states)) for kind, states in statuses_by_kind()]
    _guide(
        workbook,
        sheet_name=PROJECT_SHEET,
        columns=PROJECT_COLUMNS,
        notes=[
            _("One row per project. Money is in 万元 (ten thousand yuan); it is stored exactly."),
            _(
                "Columns of one kind (investor, bond amounts …) stay empty for the other kinds. "
                "Columns you delete are left unchanged; an empty cell clears the value unless "
                "its guidance says otherwise."
            ),
            _(
                "A status differing from the ledger is applied as a lifecycle step, dated "
                "today; a step the lifecycle does not allow is an error."
            ),
        ],
        extra=[(_("States"), ""), *lifecycles]
        + ([(_("Lists"), "、".join(choices.tags))] if choices.tags else []),
    )
    return save_workbook(workbook)


def build_report_template(rows: Iterable[Sequence[Any]], *, week: dt.date) -> bytes:
    """The weekly report workbook of one week, one prefilled row per project."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = REPORT_SHEET
    _header(sheet, REPORT_COLUMNS)
    for row in rows:
        sheet.append([neutralise_cell(value) for value in row])
        for cell in sheet[sheet.max_row]:
            if isinstance(cell.value, str):
                cell.data_type = "s"  # never a formula, whatever the text
    dropdowns = _dropdowns(workbook, sheet, REPORT_COLUMNS)
    _money_rules(dropdowns, REPORT_COLUMNS)
    dropdowns.numbers(
        "percent_complete",
        DataValidation(type="whole", operator="between", formula1="0", formula2="100"),
        _("Enter a whole number from 0 to 100."),
    )
    _guide(
        workbook,
        sheet_name=REPORT_SHEET,
        columns=REPORT_COLUMNS,
        notes=[
            _(
                "Week {week}: one row per project; delete the rows of projects you do not report."
            ).format(week=iso_label(week)),
            _(
                "Give the investment completed this week, or the cumulative figure to date (the "
                "week's figure is then derived). Money is in 万元."
            ),
            _(
                "A week already reported with the same figures is skipped; with other figures it "
                "is an error (a report is a fact and is not overwritten)."
            ),
        ],
    )
    return save_workbook(workbook)


def report_row(
    project: Project,
    *,
    week: dt.date,
    percent: int | None,
    progress_text: str,
    previous_cumulative: Decimal | None,
    invested_this_week: Decimal | None = None,
) -> list[Any]:
    """One prefilled report row; the week's figure is left for the reporter unless the week is
    already reported."""
    values: dict[str, Any] = {
        "code": project.code,
        "name": project.name,
        "week": iso_label(week),
        "invested_this_week": yuan_to_wan(invested_this_week),
        "previous_cumulative": yuan_to_wan(previous_cumulative),
        "percent_complete": percent,
        "progress_text": progress_text,
    }
    return [values.get(column.field) for column in REPORT_COLUMNS]
