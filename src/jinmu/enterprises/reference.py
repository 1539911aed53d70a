"""Reference data every deployment needs: GB/T 4754-2017 industry codes and qualification kinds.

The loader is shared by the data migration `0002_reference_data` (which passes the historical
models) and the `jinmu load_reference` command (which passes the current ones). It is idempotent.
Industry codes follow the CSV file: rows are created, or updated when a name, level or parent
changed. Qualification kinds are created when missing. An existing kind is left as the county
configured it, because validity periods are county data (see below).
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

DATA_DIR = Path(__file__).resolve().parent / "data"
INDUSTRY_CODES_CSV = DATA_DIR / "industry_codes.csv"

_LEVEL_ORDER = {"section": 0, "division": 1, "group": 2, "class": 3}


@dataclass(frozen=True)
class IndustryRow:
    """One row of the industry-code table."""

    code: str
    name: str
    level: str
    parent: str


@dataclass(frozen=True)
class KindRow:
    """One qualification kind."""

    code: str
    name: str
    default_level: str
    validity_years: int | None
    ladder_rank: int | None


# Validity periods. Only some are confirmed in ../shared/docs/criteria.md. Every other value is
# configurable data: the county corrects it in the admin, and `load_reference` keeps its change.
#   high-tech        3 years from issue (国科发火〔2016〕32号; criteria §1.3, C2+)
#   tech-sme         入库登记编号 valid 1 year, renewed each March (国科发政〔2017〕115号; §3, C1)
#   innovative-sme   3 years (§2.1, C2+)
#   srdi-provincial  3 years (§2.2, 2026 rules; C1 for the validity line)
#   little-giant     3 years (§2.4, C1)
#   morning-star     criteria NF (§5): no expiry recorded until Shandong's rules are read
#   cloud            county data; no expiry
#   above-scale-registered  统计 registration, re-checked every year; no fixed validity
#   brand-authorised 2 years: NOT confirmed anywhere. It is the county's own licence term (区域品牌
#                    "五金机械智造名城" / "宁津家具"). Configurable.
# Ladder ranks follow the 梯度培育 ladder (科技型 → 创新型 → 专精特新 → 小巨人). 高企 is a separate
# national title, not a step of that ladder, so it has no rank.
QUALIFICATION_KINDS: tuple[KindRow, ...] = (
    KindRow("high-tech", "国家高新技术企业", "national", 3, None),
    KindRow("tech-sme", "科技型中小企业", "national", 1, 1),
    KindRow("innovative-sme", "创新型中小企业", "provincial", 3, 2),
    KindRow("srdi-provincial", "省级专精特新中小企业", "provincial", 3, 3),
    KindRow("little-giant", '国家级专精特新"小巨人"企业', "national", 3, 4),
    KindRow("morning-star", "晨星工厂", "provincial", None, None),
    KindRow("cloud", "上云企业", "county", None, None),
    KindRow("above-scale-registered", "规上入库", "county", None, None),
    KindRow("brand-authorised", "区域品牌授权", "county", 2, None),
)


@dataclass
class LoadResult:
    """How many rows the loader created and updated."""

    industry_created: int = 0
    industry_updated: int = 0
    kinds_created: int = 0

    @property
    def changed(self) -> bool:
        """True if anything was written."""
        return bool(self.industry_created or self.industry_updated or self.kinds_created)


def read_industry_codes(path: Path = INDUSTRY_CODES_CSV) -> list[IndustryRow]:
    """Rows of the CSV (comment lines skipped), parents before children."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines: Iterator[str] = (line for line in handle if not line.startswith("#"))
        rows = [
            IndustryRow(
                code=r["code"].strip(),
                name=r["name"].strip(),
                level=r["level"].strip(),
                parent=r["parent"].strip(),
            )
            for r in csv.DictReader(lines)
        ]
    return sorted(rows, key=lambda r: (_LEVEL_ORDER[r.level], r.code))


def _models(apps: Any) -> tuple[Any, Any]:
    if apps is None:
        from jinmu.enterprises.models import IndustryCode, QualificationKind

        return IndustryCode, QualificationKind
    return apps.get_model("enterprises", "IndustryCode"), apps.get_model(
        "enterprises", "QualificationKind"
    )


def load_industry_codes(apps: Any = None, result: LoadResult | None = None) -> LoadResult:
    """Create or update the industry codes of the CSV (parents first)."""
    result = result or LoadResult()
    industry_code, _ = _models(apps)
    existing = {obj.code: obj for obj in industry_code.objects.all()}
    for row in read_industry_codes():
        obj = existing.get(row.code)
        parent_id = row.parent or None
        if obj is None:
            existing[row.code] = industry_code.objects.create(
                code=row.code, name=row.name, level=row.level, parent_id=parent_id
            )
            result.industry_created += 1
        elif (obj.name, obj.level, obj.parent_id) != (row.name, row.level, parent_id):
            obj.name, obj.level, obj.parent_id = row.name, row.level, parent_id
            obj.save(update_fields=["name", "level", "parent"])
            result.industry_updated += 1
    return result


def load_qualification_kinds(apps: Any = None, result: LoadResult | None = None) -> LoadResult:
    """Create the qualification kinds that are missing (existing ones stay as configured)."""
    result = result or LoadResult()
    _, qualification_kind = _models(apps)
    rows = list(qualification_kind.objects.values_list("code", "name"))
    known_codes = {code for code, _ in rows}
    known_names = {name for _, name in rows}
    for kind in QUALIFICATION_KINDS:
        # A kind the county renamed or re-coded by hand is left alone (names are unique too).
        if kind.code in known_codes or kind.name in known_names:
            continue
        qualification_kind.objects.create(
            code=kind.code,
            name=kind.name,
            default_level=kind.default_level,
            validity_years=kind.validity_years,
            ladder_rank=kind.ladder_rank,
        )
        result.kinds_created += 1
    return result


def load_reference(apps: Any = None) -> LoadResult:
    """Load both tables; pass a migration's `apps` to use the historical models."""
    result = LoadResult()
    load_industry_codes(apps, result)
    load_qualification_kinds(apps, result)
    return result
