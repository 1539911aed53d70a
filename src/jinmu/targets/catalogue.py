"""The indicator catalogue every deployment starts with (loaded by a data migration and
`jinmu load_reference`); counties add their own rows as data. Measures are the named queries of
`jinmu.targets.measures`; qualification kinds are the codes of `enterprises.reference`."""

from __future__ import annotations

from typing import Any, NamedTuple


class IndicatorRow(NamedTuple):
    """One catalogue entry."""

    code: str
    name: str
    unit: str
    aggregation: str
    source: str
    measure: str
    params: dict[str, Any]
    synonyms: tuple[str, ...]
    reported_by: str = ""


CATALOGUE: tuple[IndicatorRow, ...] = (
    IndicatorRow(
        "high-tech-new",
        "新增国家级高新技术企业",
        "家",
        "cumulative",
        "measured",
        "qualification_granted",
        {"kind": "high-tech"},
        ("国家级高新技术企业", "国家高新技术企业", "高新技术企业", "高企"),
    ),
    IndicatorRow(
        "little-giant-new",
        "新增国家级专精特新“小巨人”企业",
        "家",
        "cumulative",
        "measured",
        "qualification_granted",
        {"kind": "little-giant"},
        ("小巨人", "专精特新“小巨人”", "国家级专精特新“小巨人”企业"),
    ),
    IndicatorRow(
        "srdi-provincial-new",
        "新增省级专精特新企业",
        "家",
        "cumulative",
        "measured",
        "qualification_granted",
        {"kind": "srdi-provincial"},
        ("省级专精特新", "省级“专精特新”企业", "专精特新中小企业"),
    ),
    IndicatorRow(
        "cloud-new",
        "新增上云企业",
        "家",
        "cumulative",
        "measured",
        "qualification_granted",
        {"kind": "cloud"},
        ("上云企业", "企业上云", "上云"),
    ),
    IndicatorRow(
        "morning-star-new",
        "新增晨星工厂",
        "家",
        "cumulative",
        "measured",
        "qualification_granted",
        {"kind": "morning-star"},
        ("晨星工厂", "“晨星工厂”"),
    ),
    IndicatorRow(
        "above-scale-new",
        "新增规上工业企业",
        "家",
        "cumulative",
        "measured",
        "qualification_granted",
        {"kind": "above-scale-registered"},
        ("规上企业", "规上工业企业", "规模以上工业企业"),
    ),
    IndicatorRow(
        "renovation-500w",
        "投资500万元以上技改项目",
        "个",
        "cumulative",
        "measured",
        "renovation_projects",
        {"min_investment": "5000000"},
        ("技改项目", "重点技改项目", "技术改造项目"),
    ),
    IndicatorRow(
        "attraction-100m",
        "新签约过亿元项目",
        "个",
        "cumulative",
        "measured",
        "attraction_signed",
        {"min_total": "100000000"},
        ("过亿元项目", "亿元以上项目", "亿元项目"),
    ),
    IndicatorRow(
        "attraction-1b",
        "新签约过10亿元项目",
        "个",
        "cumulative",
        "measured",
        "attraction_signed",
        {"min_total": "1000000000"},
        ("过10亿元项目", "10亿元以上项目", "十亿元项目"),
    ),
    IndicatorRow(
        "key-projects-county",
        "县级重点项目",
        "个",
        "level",
        "measured",
        "key_projects",
        {"level": "county", "figure": "count"},
        ("重点项目", "县级重点项目"),
    ),
    IndicatorRow(
        "key-projects-county-investment",
        "县级重点项目总投资",
        "亿元",
        "level",
        "measured",
        "key_projects",
        {"level": "county", "figure": "total_investment"},
        ("重点项目总投资", "县级重点项目总投资"),
    ),
    IndicatorRow(
        "investment-completed",
        "项目完成投资",
        "亿元",
        "cumulative",
        "measured",
        "investment_completed",
        {},
        ("完成投资", "完成项目投资"),
    ),
    IndicatorRow(
        "industrial-value-added-growth",
        "规上工业增加值增速",
        "%",
        "rate",
        "reported",
        "",
        {},
        (
            "规上工业增加值增长",
            "规模以上工业增加值增速",
            "工业增加值增速",
            "规上工业增加值",
            "规模以上工业增加值",
        ),
        reported_by="统计局",
    ),
)


def load_catalogue(indicator_model: Any) -> tuple[int, int]:
    """Create the missing catalogue rows and bring changed ones up to date (by code); returns
    (created, updated). Running it twice changes nothing the second time."""
    created = updated = 0
    existing = {i.code: i for i in indicator_model.objects.all()}
    for row in CATALOGUE:
        values = {
            "name": row.name,
            "unit": row.unit,
            "aggregation": row.aggregation,
            "source": row.source,
            "measure": row.measure,
            "params": row.params,
            "synonyms": list(row.synonyms),
            "reported_by": row.reported_by,
        }
        current = existing.get(row.code)
        if current is None:
            indicator_model.objects.create(code=row.code, **values)
            created += 1
        elif any(getattr(current, name) != value for name, value in values.items()):
            indicator_model.objects.filter(code=row.code).update(**values)
            updated += 1
    return created, updated
