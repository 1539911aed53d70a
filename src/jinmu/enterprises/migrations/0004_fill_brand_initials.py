"""Fill the trade-name initials of enterprises stored before the field existed.

The rule is copied from jinmu.enterprises.text as it stood when this migration was written, so
that a later change there cannot change what this migration does."""

import re

from django.conf import settings
from django.db import migrations
from pypinyin import Style, lazy_pinyin

BATCH = 2000

_PROVINCES = (
    "北京|天津|河北|山西|内蒙古|辽宁|吉林|黑龙江|上海|江苏|浙江|安徽|福建|江西|山东|河南|湖北|"
    "湖南|广东|广西|海南|重庆|四川|贵州|云南|西藏|陕西|甘肃|青海|宁夏|新疆|中国"
)


def _place_pattern():
    words = tuple(getattr(settings, "JINMU_PLACE_WORDS", ()))
    shorts = "|".join([*(re.escape(w) for w in words if w), _PROVINCES])
    return re.compile(rf"^(?:(?:{shorts})(?:省|市|县|区)?|[\u4e00-\u9fff]{{2,3}}?(?:省|市|县|区))")


def _initials(text):
    parts = lazy_pinyin(text, style=Style.FIRST_LETTER, errors="default")
    return "".join(p for p in parts if p.strip()).lower()[:200]


def brand_initials(name, initials, pattern):
    rest = name
    for _ in range(3):
        match = pattern.match(rest)
        if not match or match.end() >= len(rest):
            break
        rest = rest[match.end() :]
    prefix = name[: len(name) - len(rest)]
    if initials is not None and all("\u4e00" <= ch <= "\u9fff" for ch in prefix):
        return initials[len(prefix) :]
    return _initials(rest)


def fill(apps, schema_editor):
    pattern = _place_pattern()
    Enterprise = apps.get_model("enterprises", "Enterprise")
    last = 0
    while True:
        rows = list(
            Enterprise.objects.filter(pk__gt=last, brand_initials="")
            .order_by("pk")
            .only("pk", "name", "name_initials")[:BATCH]
        )
        if not rows:
            break
        for row in rows:
            row.brand_initials = brand_initials(row.name, row.name_initials, pattern)
        Enterprise.objects.bulk_update(rows, ["brand_initials"])
        last = rows[-1].pk


class Migration(migrations.Migration):
    dependencies = [
        ("enterprises", "0003_brand_initials"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
