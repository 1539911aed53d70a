"""Ningjin County as demo data: towns, units, parks, the seven chains, partners, bottlenecks, users.

Public facts come from ../shared/docs/domain.md §6: the region codes, the 12 township-level units,
the parks, the industry office with 7 chain offices, and what each industry is known for. The chain
outlines follow §7. Everything else is made up for the demo: the towns' 9-digit codes (marked
`is_demo_code`), the coordinates, the people, the firms, and the numbers.

The data lives in `data/ningjin.json` (regions, units, parks, the demo firm, the logins) and
`data/chains.json` (the chains with their node trees, 链主 firms, partners and bottlenecks);
this module reads them into the frozen specs below. Choice fields (segment, kind, role …) hold
the choices' values.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from jinmu.chains.choices import NodeKind
from jinmu.core.choices import Role
from jinmu.demo.datafiles import load, record, records


@dataclass(frozen=True)
class ParkSpec:
    """A park: where it lies and which unit it belongs to."""

    name: str
    short_name: str
    town: str
    parent: str = ""  # short name of the parent unit (another park, or a town's name)


@dataclass(frozen=True)
class NodeSpec:
    """A chain node and how the demo populates it.

    `weight` is the node's share of the chain's enterprises (0: none, a deliberate 断点);
    `health` says how local output should compare with local demand (normal, weak or gap);
    `codes` are GB/T 4754 classes for firms on it, `words` the trade words in their names.
    A gap has local demand (`gap_demand`, yuan) but no local supplier; a facility is a shared
    facility of the 两市场六中心; a group only collects its children.
    """

    name: str
    segment: str
    kind: str = NodeKind.PRODUCT
    weight: float = 0.0
    codes: tuple[str, ...] = ()
    words: tuple[str, ...] = ()
    health: str = "normal"
    size: float = 1.0
    gap_demand: int = 0
    facility_type: str = ""
    town: str = ""
    description: str = ""
    children: tuple[NodeSpec, ...] = ()

    @property
    def is_leaf(self) -> bool:
        """True for nodes that carry enterprises (groups only collect children)."""
        return self.kind != NodeKind.GROUP


@dataclass(frozen=True)
class AnchorSpec:
    """A named firm created first: a 链主 (chain leader) or the demo enterprise user's firm."""

    name: str
    node: str
    town: str
    revenue: float  # latest-year operating revenue, yuan
    leader: bool = True
    park: str = ""
    founded_year: int = 2003
    qualifications: tuple[str, ...] = ()  # kind codes granted on top of the random ones


@dataclass(frozen=True)
class PartnerSpec:
    """A member of a chain's 政产学研金服用 community."""

    kind: str
    name: str
    role: str
    unit: str = ""  # short name of a unit on the platform (departments, the bank)


@dataclass(frozen=True)
class BottleneckSpec:
    """A supply bottleneck (堵点) on a node; days are counted back from today."""

    node: str
    title: str
    owner: str  # unit short name
    owner_name: str
    since_days: int
    cleared_days: int | None = None
    detail: str = ""


@dataclass(frozen=True)
class ChainSpec:
    """One chain: its office and chief, where its firms are, how big they are, its node tree."""

    key: str
    name: str
    cluster: str
    share: float  # share of the demo's generated enterprises
    office: str
    chief: tuple[str, str]  # (username, display name)
    description: str
    towns: dict[str, float]
    parks: tuple[str, ...]
    park_share: float
    median_revenue: float
    sigma: float
    export_share: float
    words: tuple[str, ...]
    nodes: tuple[NodeSpec, ...]
    anchors: tuple[AnchorSpec, ...] = ()
    partners: tuple[PartnerSpec, ...] = ()
    bottlenecks: tuple[BottleneckSpec, ...] = field(default_factory=tuple)

    def leaves(self) -> list[NodeSpec]:
        """Every node that can carry enterprises, depth-first."""
        return [node for node in self.all_nodes() if node.is_leaf]

    def all_nodes(self) -> list[NodeSpec]:
        """Every node, depth-first."""
        out: list[NodeSpec] = []

        def visit(node: NodeSpec) -> None:
            out.append(node)
            for child in node.children:
                visit(child)

        for node in self.nodes:
            visit(node)
        return out


@dataclass(frozen=True)
class DemoUser:
    """A demo login: who, which role, which unit, what they see."""

    username: str
    display_name: str
    role: str
    unit: str  # unit short name ("" for none)
    sees: str
    region: str = ""  # a town name; empty: the county
    staff: bool = False
    enterprise: bool = False  # acts for DEMO_FIRM


def town_unit_name(town: str) -> str:
    """A street is run by its 办事处, a town or township by its 人民政府."""
    return f"{town}办事处" if town.endswith("街道") else f"{town}人民政府"


def chief_title(chain: str) -> str:
    """健身器材 → 健身器材链链长; 网带网链 → 网带网链链长 (no doubled 链)."""
    return f"{chain}链长" if chain.endswith("链") else f"{chain}链链长"


def _code_name(raw: Mapping[str, str]) -> tuple[str, str]:
    return raw["code"], raw["name"]


def _name_short(raw: Mapping[str, str]) -> tuple[str, str]:
    return raw["name"], raw["short_name"]


def _node(raw: Mapping[str, Any]) -> NodeSpec:
    children = tuple(_node(child) for child in raw.get("children", ()))
    fields = {key: value for key, value in raw.items() if key != "children"}
    return record(NodeSpec, {**fields, "children": children})


def _chain(raw: Mapping[str, Any], common: tuple[PartnerSpec, ...]) -> ChainSpec:
    """A chain; every chain's partners start with the county-wide ones."""
    parts = {"nodes", "anchors", "partners", "bottlenecks", "towns", "chief"}
    fields = {key: value for key, value in raw.items() if key not in parts}
    return record(
        ChainSpec,
        {
            **fields,
            "chief": (raw["chief"][0], raw["chief"][1]),
            "towns": dict(raw["towns"]),
            "nodes": tuple(_node(node) for node in raw["nodes"]),
            "anchors": records(AnchorSpec, raw["anchors"]),
            "partners": common + records(PartnerSpec, raw["partners"]),
            "bottlenecks": records(BottleneckSpec, raw["bottlenecks"]),
        },
    )


_COUNTY_DATA = load("ningjin.json")
_CHAIN_DATA = load("chains.json")

PROVINCE = _code_name(_COUNTY_DATA["province"])
CITY = _code_name(_COUNTY_DATA["city"])
COUNTY = _code_name(_COUNTY_DATA["county"])

# Streets 00x, towns 1xx and the township 2xx follow the usual GB/T 2260 extension pattern, but the
# numbers themselves are made up (domain.md §6: the real ones are not in our notes). 大曹镇 and
# 保店镇 use the same codes as the test fixture `world`.
# (name, code, latitude, longitude): coordinates are rough, made up around the county seat.
TOWNS: tuple[tuple[str, str, float, float], ...] = tuple(
    (t["name"], t["code"], t["latitude"], t["longitude"]) for t in _COUNTY_DATA["towns"]
)
TOWN_NAMES = tuple(t[0] for t in TOWNS)

LEADERSHIP = _name_short(_COUNTY_DATA["leadership"])
INDUSTRY_OFFICE = _name_short(_COUNTY_DATA["industry_office"])
# (name, short name); the short name is the key the rest of the demo uses. The last department
# is where the platform's own administrators sit (三员: system, security and audit admins).
DEPARTMENTS: tuple[tuple[str, str], ...] = tuple(
    _name_short(d) for d in _COUNTY_DATA["departments"]
)
BANKS: tuple[tuple[str, str], ...] = tuple(_name_short(b) for b in _COUNTY_DATA["banks"])
PARKS: tuple[ParkSpec, ...] = records(ParkSpec, _COUNTY_DATA["parks"])

# Shared by every chain: the county bank and the departments that run the 链长制 with the office.
COMMON_PARTNERS: tuple[PartnerSpec, ...] = records(PartnerSpec, _CHAIN_DATA["common_partners"])
CHAINS: tuple[ChainSpec, ...] = tuple(
    _chain(chain, COMMON_PARTNERS) for chain in _CHAIN_DATA["chains"]
)
CHAIN_BY_KEY: dict[str, ChainSpec] = {chain.key: chain for chain in CHAINS}
FITNESS = CHAIN_BY_KEY["fitness"]

# The demo enterprise user's firm: on the fitness chain, in 大曹镇, with figures and
# qualifications (its 高企 certificate expires within 90 days, to show the warning).
DEMO_FIRM: AnchorSpec = record(AnchorSpec, _COUNTY_DATA["demo_firm"])

DEMO_PASSWORD = "Jinmu@demo2026"

ROLE_NAMES_ZH: dict[str, str] = {
    Role.SYSTEM_ADMIN: "系统管理员",
    Role.SECURITY_ADMIN: "安全管理员",
    Role.AUDIT_ADMIN: "审计管理员",
    Role.COUNTY_LEADER: "县领导",
    Role.INDUSTRY_OFFICE: "产业办",
    Role.CHAIN_OFFICE: "链长办",
    Role.DEPARTMENT: "职能部门",
    Role.TOWN: "乡镇/园区",
    Role.ENTERPRISE: "企业用户",
    Role.BANK: "金融机构",
    Role.JUDGE: "观摩评委",
}

# The first eight are the logins the issue asks for; the rest show the other roles.
USERS: tuple[DemoUser, ...] = records(DemoUser, _COUNTY_DATA["users"])
