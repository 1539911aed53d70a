"""Ningjin County as demo data: towns, units, parks, the seven chains, partners, bottlenecks, users.

Public facts come from ../shared/docs/domain.md §6: the region codes, the 12 township-level units,
the parks, the industry office with 7 chain offices, and what each industry is known for. The chain
outlines follow §7. Everything else is made up for the demo: the towns' 9-digit codes (marked
`is_demo_code`), the coordinates, the people, the firms, and the numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from jinmu.chains.choices import Cluster, FacilityType, NodeKind, PartnerKind, Segment
from jinmu.core.choices import Role

PROVINCE = ("370000", "山东省")
CITY = ("371400", "德州市")
COUNTY = ("371422", "宁津县")

# Streets 00x, towns 1xx and the township 2xx follow the usual GB/T 2260 extension pattern, but the
# numbers themselves are made up (domain.md §6: the real ones are not in our notes). 大曹镇 and
# 保店镇 use the same codes as the test fixture `world`.
# (name, code, latitude, longitude): coordinates are rough, made up around the county seat.
TOWNS: tuple[tuple[str, str, float, float], ...] = (
    ("宁城街道", "371422001", 37.652, 116.800),
    ("津城街道", "371422002", 37.640, 116.785),
    ("柴胡店镇", "371422101", 37.600, 116.900),
    ("长官镇", "371422102", 37.720, 116.730),
    ("杜集镇", "371422103", 37.585, 116.720),
    ("保店镇", "371422104", 37.700, 116.920),
    ("大曹镇", "371422105", 37.620, 116.975),
    ("大柳镇", "371422106", 37.760, 116.860),
    ("相衙镇", "371422107", 37.550, 116.830),
    ("时集镇", "371422108", 37.680, 116.660),
    ("张大庄镇", "371422109", 37.740, 116.975),
    ("刘营伍乡", "371422200", 37.570, 116.960),
)
TOWN_NAMES = tuple(t[0] for t in TOWNS)


def town_unit_name(town: str) -> str:
    """A street is run by its 办事处, a town or township by its 人民政府."""
    return f"{town}办事处" if town.endswith("街道") else f"{town}人民政府"


def chief_title(chain: str) -> str:
    """健身器材 → 健身器材链链长; 网带网链 → 网带网链链长 (no doubled 链)."""
    return f"{chain}链长" if chain.endswith("链") else f"{chain}链链长"


LEADERSHIP = ("县委县政府", "县委县政府")
INDUSTRY_OFFICE = ("产业办", "产业办")

# (name, short name); the short name is the key the rest of the demo uses.
DEPARTMENTS: tuple[tuple[str, str], ...] = (
    ("宁津县发展和改革局", "发改局"),
    ("宁津县工业和信息化局", "工信局"),
    ("宁津县科学技术局", "科技局"),
    ("宁津县商务局（投资促进中心）", "商务局"),
    ("宁津县自然资源局", "自然资源局"),
    ("宁津县行政审批服务局", "行政审批局"),
    ("宁津县财政局", "财政局"),
    ("宁津县金融服务中心", "金融服务中心"),
    ("国家税务总局宁津县税务局", "税务局"),
    ("宁津县市场监督管理局", "市场监管局"),
    ("宁津县住房和城乡建设局", "住建局"),
    ("德州市生态环境局宁津分局", "生态环境分局"),
    ("宁津县统计局", "统计局"),
    ("宁津县人力资源和社会保障局", "人社局"),
    ("国网宁津县供电公司", "供电公司"),
    # Where the platform's own administrators sit (三员: system, security and audit admins).
    ("宁津县大数据中心", "大数据中心"),
)
BANKS: tuple[tuple[str, str], ...] = (("宁津农商银行", "农商银行"),)


@dataclass(frozen=True)
class ParkSpec:
    """A park: where it lies and which unit it belongs to."""

    name: str
    short_name: str
    town: str
    parent: str = ""  # short name of the parent unit (another park, or a town's name)


PARKS: tuple[ParkSpec, ...] = (
    ParkSpec("宁津县经济开发区", "开发区", "宁城街道"),
    ParkSpec("东部新区", "东部新区", "津城街道", parent="开发区"),
    ParkSpec("电梯产业园", "电梯产业园", "津城街道", parent="开发区"),
    ParkSpec("健身器材产业园", "健身器材产业园", "宁城街道", parent="开发区"),
    ParkSpec("专精特新集聚区", "专精特新集聚区", "宁城街道", parent="开发区"),
    ParkSpec("京深数谷产业园", "京深数谷", "津城街道"),
    ParkSpec("杜集家具产业园", "杜集家具园", "杜集镇", parent="杜集镇"),
    ParkSpec("长官家具产业园", "长官家具园", "长官镇", parent="长官镇"),
    ParkSpec("张大庄家具产业园", "张大庄家具园", "张大庄镇", parent="张大庄镇"),
    ParkSpec("大柳家具产业园", "大柳家具园", "大柳镇", parent="大柳镇"),
)


@dataclass(frozen=True)
class NodeSpec:
    """A chain node and how the demo populates it.

    `weight` is the node's share of the chain's enterprises (0: none, a deliberate 断点);
    `health` says how local output should compare with local demand (normal, weak or gap);
    `codes` are GB/T 4754 classes for firms on it, `words` the trade words in their names.
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


def product(
    name: str,
    segment: str,
    weight: float,
    codes: tuple[str, ...],
    words: tuple[str, ...] = (),
    *,
    health: str = "normal",
    size: float = 1.0,
    description: str = "",
) -> NodeSpec:
    """A product node."""
    return NodeSpec(
        name,
        segment,
        NodeKind.PRODUCT,
        weight,
        codes,
        words,
        health,
        size,
        description=description,
    )


def process(
    name: str,
    segment: str,
    weight: float,
    codes: tuple[str, ...],
    words: tuple[str, ...] = (),
    *,
    health: str = "normal",
) -> NodeSpec:
    """A process node (a step such as welding or painting)."""
    return NodeSpec(name, segment, NodeKind.PROCESS, weight, codes, words, health)


def gap(
    name: str,
    segment: str,
    demand_yuan: float,
    codes: tuple[str, ...] = (),
    *,
    description: str = "",
) -> NodeSpec:
    """A deliberate missing link (断点): local demand but no local supplier."""
    return NodeSpec(
        name,
        segment,
        NodeKind.PRODUCT,
        0.0,
        codes,
        (),
        "gap",
        gap_demand=int(demand_yuan),
        description=description or "本地无配套企业，依赖外地采购（招商补链方向）",
    )


def facility(
    name: str,
    segment: str,
    facility_type: str,
    weight: float = 0.2,
    codes: tuple[str, ...] = (),
    words: tuple[str, ...] = (),
    *,
    town: str = "",
    description: str = "",
) -> NodeSpec:
    """A shared facility of the 两市场六中心, run by one or a few operators."""
    return NodeSpec(
        name,
        segment,
        NodeKind.FACILITY,
        weight,
        codes,
        words,
        "",
        facility_type=facility_type,
        town=town,
        description=description,
    )


def group(name: str, segment: str, *children: NodeSpec) -> NodeSpec:
    """A node grouping others (有氧器械 → 跑步机, 动感单车 …)."""
    return NodeSpec(name, segment, NodeKind.GROUP, children=children)


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
        out: list[NodeSpec] = []

        def visit(node: NodeSpec) -> None:
            if node.is_leaf:
                out.append(node)
            for child in node.children:
                visit(child)

        for node in self.nodes:
            visit(node)
        return out

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


UP, MID, DOWN, SERVICE = Segment.UPSTREAM, Segment.MIDSTREAM, Segment.DOWNSTREAM, Segment.SERVICE
F = FacilityType

# Shared by every chain: the county bank and the departments that run the 链长制 with the office.
_COMMON_PARTNERS = (
    PartnerSpec(
        PartnerKind.DEPARTMENT, "宁津县工业和信息化局", "技改、智改数转、企业梯度培育", "工信局"
    ),
    PartnerSpec(
        PartnerKind.DEPARTMENT, "宁津县商务局（投资促进中心）", "产业链招商，补链项目对接", "商务局"
    ),
    PartnerSpec(PartnerKind.BANK, "宁津农商银行", "技改贷、信易贷", "农商银行"),
)

FITNESS = ChainSpec(
    key="fitness",
    name="健身器材",
    cluster=Cluster.METAL,
    share=0.40,
    office="健身器材链长办",
    chief=("chief-fitness", "赵立新"),
    description="宁津县首位产业：商用健身器材占全国七成以上（2024年产值约139亿元）。",
    towns={
        "大曹镇": 30,
        "保店镇": 22,
        "宁城街道": 16,
        "津城街道": 12,
        "柴胡店镇": 6,
        "相衙镇": 3,
        "时集镇": 3,
        "刘营伍乡": 3,
        "长官镇": 2,
        "杜集镇": 1,
        "大柳镇": 1,
        "张大庄镇": 1,
    },
    parks=("健身器材产业园", "专精特新集聚区"),
    park_share=0.45,
    median_revenue=2.4e6,
    sigma=1.35,
    export_share=0.45,
    words=("健身器材", "体育用品", "体育器材", "运动器材"),
    nodes=(
        product("钢材/管材", UP, 4, ("C3130", "C3311"), ("钢管", "管业", "金属材料", "钢材")),
        product("铸锻件", UP, 3, ("C3391", "C3393"), ("铸造", "锻造", "精密铸造")),
        product("轴承", UP, 1.5, ("C3451",), ("轴承",), health="weak"),
        product(
            "电机与驱动",
            UP,
            1.2,
            ("C3812", "C3813"),
            ("电机", "电机科技", "驱动技术"),
            health="weak",
        ),
        gap(
            "控制板与显示屏",
            UP,
            4.5e8,
            ("C3982", "C3974"),
            description="跑步机控制板、彩屏全部外购，招商补芯重点",
        ),
        product("皮革海绵与座垫", UP, 3, ("C2924", "C2925"), ("海绵制品", "皮革制品", "座垫")),
        product("粉末涂料", UP, 1, ("C2641",), ("涂料", "化工"), health="weak"),
        facility(
            "钢材原材料市场", UP, F.RAW_MATERIAL_MARKET, 0.6, ("F5174",), ("金属材料", "钢材")
        ),
        facility(
            "健身器材零配件市场", UP, F.COMPONENTS_MARKET, 0.6, ("F5174",), ("五金配件", "配件")
        ),
        process("下料焊接", MID, 8, ("C3484", "C3311"), ("机械加工", "焊接", "钣金")),
        process("喷涂", MID, 4, ("C3360",), ("表面处理", "喷涂", "喷塑")),
        product("力量器械", MID, 22, ("C2443",), size=1.3),
        group(
            "有氧器械",
            MID,
            product("跑步机", MID, 8, ("C2443",), ("健身器材", "运动器材", "智能科技"), size=1.4),
            product("动感单车", MID, 6, ("C2443",), ("健身器材", "运动器材")),
            product("椭圆机", MID, 4, ("C2443",), ("健身器材", "运动器材")),
        ),
        product("室外路径器材", MID, 9, ("C2443", "C2449"), ("体育设施", "健身器材", "体育器材")),
        product(
            "智能健身器材", MID, 3, ("C2443",), ("智能科技", "智能健身"), health="weak", size=1.2
        ),
        product("冰雪装备", MID, 0.8, ("C2442",), ("冰雪装备", "冰雪运动器材"), health="weak"),
        facility(
            "健身器材下料初加工中心", MID, F.PRIMARY_PROCESSING, 0.3, ("C3484",), ("机械加工",)
        ),
        product("商用健身房", DOWN, 3, ("F5142",), ("体育用品", "健身设备", "体育发展")),
        product("学校与社区", DOWN, 2.5, ("F5142",), ("体育设施", "文体用品")),
        product("出口", DOWN, 3, ("F5142", "C2443"), ("进出口", "国际贸易")),
        product("电商", DOWN, 4, ("F5292",), ("电子商务", "网络科技")),
        facility("健身器材产销中心", DOWN, F.PRODUCTION_SALES, 0.3, ("F5142",), ("体育用品",)),
        product("设计", SERVICE, 0.8, ("M7491",), ("工业设计", "设计")),
        product("检测认证", SERVICE, 0.4, ("M7452", "M7455"), ("检测技术", "检测"), health="weak"),
        product("物流", SERVICE, 2.5, ("G5431", "G5821"), ("物流", "货运", "供应链")),
        product("会展", SERVICE, 0.5, ("L7281", "L7289"), ("会展服务", "展览")),
        facility("健身器材设计中心", SERVICE, F.DESIGN, 0.2, ("M7491",), ("工业设计",)),
        facility("健身器材检测中心", SERVICE, F.TESTING, 0.2, ("M7452",), ("检测技术",)),
        facility("健身器材物流中心", SERVICE, F.LOGISTICS, 0.3, ("G5920",), ("仓储", "物流")),
        facility(
            "健身器材金融服务中心", SERVICE, F.FINANCIAL_SERVICES, 0.1, ("J6631",), ("融资租赁",)
        ),
    ),
    anchors=(
        AnchorSpec(
            "山东津力健身器材股份有限公司",
            "力量器械",
            "大曹镇",
            9.6e8,
            founded_year=1998,
            qualifications=("high-tech", "little-giant", "morning-star"),
        ),
        AnchorSpec(
            "宁津县华健体育器材有限公司",
            "跑步机",
            "宁城街道",
            6.2e8,
            park="健身器材产业园",
            founded_year=2002,
            qualifications=("high-tech",),
        ),
        AnchorSpec(
            "山东宁康健身科技有限公司",
            "室外路径器材",
            "保店镇",
            4.1e8,
            founded_year=2006,
            qualifications=("high-tech", "srdi-provincial"),
        ),
    ),
    partners=(
        *_COMMON_PARTNERS,
        PartnerSpec(
            PartnerKind.DEPARTMENT, "宁津县市场监督管理局", "产品质量与出口认证服务", "市场监管局"
        ),
        PartnerSpec(
            PartnerKind.ASSOCIATION, "宁津县健身器材行业协会", "行业自律、联合参展、区域品牌"
        ),
        PartnerSpec(PartnerKind.UNIVERSITY, "山东体育学院", "运动人体科学与产品测评"),
        PartnerSpec(PartnerKind.UNIVERSITY, "齐鲁工业大学", "智能健身器材电控研发合作"),
        PartnerSpec(
            PartnerKind.INSTITUTE, "宁津县健身器材产业技术研究院", "共性技术攻关、标准制定"
        ),
        PartnerSpec(PartnerKind.SERVICE_AGENCY, "宁津县跨境电商服务中心", "出口报关、海外仓对接"),
        PartnerSpec(PartnerKind.USER, "全民健身工程采购单位（示例）", "室外路径器材集中采购"),
    ),
    bottlenecks=(
        BottleneckSpec(
            "电机与驱动",
            "跑步机直流电机依赖外地供货，旺季交期60天以上",
            "工信局",
            "孙晓峰",
            150,
            detail="链主企业反映电机库存仅够两周，已对接两家外地电机企业来宁设厂。",
        ),
        BottleneckSpec(
            "检测认证", "出口欧盟认证需送外地检测，周期长、费用高", "市场监管局", "刘敏", 220
        ),
    ),
)

ELEVATOR = ChainSpec(
    key="elevator",
    name="电梯",
    cluster=Cluster.METAL,
    share=0.08,
    office="电梯链长办",
    chief=("chief-elevator", "钱国栋"),
    description="电梯整梯及部件，年产值70亿元以上；沈阳蓝光等补芯项目推进中。",
    towns={
        "宁城街道": 30,
        "津城街道": 28,
        "柴胡店镇": 10,
        "时集镇": 8,
        "相衙镇": 6,
        "保店镇": 5,
        "大曹镇": 3,
        "长官镇": 2,
        "杜集镇": 2,
        "大柳镇": 2,
        "张大庄镇": 2,
        "刘营伍乡": 2,
    },
    parks=("电梯产业园", "东部新区", "宁津县经济开发区"),
    park_share=0.6,
    median_revenue=4.2e6,
    sigma=1.3,
    export_share=0.08,
    words=("电梯", "电梯部件", "电梯科技"),
    nodes=(
        product("钢材", UP, 2, ("C3130",), ("钢材", "金属材料")),
        group(
            "核心部件",
            UP,
            gap(
                "曳引机", UP, 6e8, ("C3435",), description="曳引机全部外购，沈阳蓝光补芯项目建设中"
            ),
            product(
                "控制柜与变频器",
                UP,
                1.5,
                ("C3823", "C3824"),
                ("电气", "电控", "自动化"),
                health="weak",
            ),
            product("门机", UP, 2, ("C3435",), ("电梯部件", "门机")),
            product("安全部件", UP, 1.5, ("C3435",), ("电梯安全部件", "电梯配件"), health="weak"),
        ),
        product("导轨", UP, 3, ("C3435", "C3311"), ("导轨", "电梯导轨")),
        product("钢丝绳", UP, 1, ("C3340",), ("钢丝绳", "钢绳"), health="weak"),
        product("轿厢装潢", UP, 3, ("C3435", "C3311"), ("电梯装潢", "装饰工程", "电梯配件")),
        facility("电梯零部件市场", UP, F.COMPONENTS_MARKET, 0.3, ("F5179",), ("电梯配件",)),
        product("整梯制造", MID, 10, ("C3435",), ("电梯", "电梯制造", "电梯科技"), size=2.0),
        product("加装电梯钢结构井道", MID, 4, ("C3311", "C3435"), ("钢结构", "电梯工程")),
        facility("电梯部件初加工中心", MID, F.PRIMARY_PROCESSING, 0.2, ("C3484",), ("机械加工",)),
        product("安装", DOWN, 6, ("E4920",), ("电梯安装工程", "电梯工程")),
        product("维保", DOWN, 6, ("C4330", "C4320"), ("电梯维保", "电梯服务", "电梯维修")),
        product("既有住宅加装", DOWN, 3, ("E4920",), ("加装电梯工程", "电梯工程")),
        facility("电梯产销中心", DOWN, F.PRODUCTION_SALES, 0.2, ("F5179",), ("电梯销售",)),
        gap("型式试验", SERVICE, 0.6e8, ("M7452",), description="整机型式试验需送省外检测机构"),
        product("监督检验", SERVICE, 0.3, ("M7452",), ("检测技术", "检验检测"), health="weak"),
        facility("电梯检测中心", SERVICE, F.TESTING, 0.2, ("M7452",), ("检测技术",)),
        facility("电梯设计中心", SERVICE, F.DESIGN, 0.2, ("M7491",), ("工业设计",)),
        facility("电梯金融服务中心", SERVICE, F.FINANCIAL_SERVICES, 0.1, ("J6631",), ("融资租赁",)),
    ),
    anchors=(
        AnchorSpec(
            "山东津梯电梯股份有限公司",
            "整梯制造",
            "津城街道",
            7.8e8,
            park="电梯产业园",
            founded_year=2001,
            qualifications=("high-tech", "little-giant"),
        ),
        AnchorSpec(
            "宁津县宏升电梯有限公司",
            "整梯制造",
            "宁城街道",
            3.6e8,
            founded_year=2008,
            qualifications=("high-tech",),
        ),
    ),
    partners=(
        *_COMMON_PARTNERS,
        PartnerSpec(
            PartnerKind.DEPARTMENT, "宁津县住房和城乡建设局", "既有住宅加装电梯政策", "住建局"
        ),
        PartnerSpec(PartnerKind.ASSOCIATION, "宁津县电梯行业协会", "行业标准、维保质量互查"),
        PartnerSpec(PartnerKind.UNIVERSITY, "山东建筑大学", "电梯结构与控制技术合作"),
        PartnerSpec(PartnerKind.INSTITUTE, "宁津县电梯产业技术研究院", "曳引机国产化攻关"),
        PartnerSpec(PartnerKind.SERVICE_AGENCY, "宁津县特种设备检验服务站（示例）", "监督检验预约"),
        PartnerSpec(PartnerKind.USER, "老旧小区加装电梯业主委员会（示例）", "加装电梯需求征集"),
    ),
    bottlenecks=(
        BottleneckSpec("导轨", "冷拉导轨型钢原料紧缺，价格上涨两成", "商务局", "吴浩", 75),
    ),
)

FURNITURE = ChainSpec(
    key="furniture",
    name="实木家具",
    cluster=Cluster.WOOD,
    share=0.30,
    office="实木家具链长办",
    chief=("chief-furniture", "孙振华"),
    description="“宁津家具”区域品牌，实木餐桌椅为主；各镇家具园区建设共享喷漆中心。",
    towns={
        "杜集镇": 22,
        "长官镇": 20,
        "张大庄镇": 18,
        "大柳镇": 18,
        "宁城街道": 5,
        "津城街道": 5,
        "时集镇": 3,
        "相衙镇": 3,
        "刘营伍乡": 2,
        "柴胡店镇": 2,
        "保店镇": 1,
        "大曹镇": 1,
    },
    parks=("杜集家具产业园", "长官家具产业园", "张大庄家具产业园", "大柳家具产业园"),
    park_share=0.4,
    median_revenue=1.5e6,
    sigma=1.3,
    export_share=0.12,
    words=("家具", "木业", "家居", "实木家具"),
    nodes=(
        group(
            "原木与板材",
            UP,
            product("橡胶木", UP, 3, ("C2011", "C2019"), ("木业", "木材", "板材")),
            product("白蜡木", UP, 2, ("C2011", "C2019"), ("木业", "木材", "板材")),
            product("榆木", UP, 1.5, ("C2011", "C2019"), ("木业", "木材")),
        ),
        product("五金配件", UP, 2, ("C3351",), ("家具配件", "五金", "五金制品")),
        gap(
            "数控木工机械",
            UP,
            1.2e8,
            ("C3524",),
            description="数控开料、雕刻设备依赖外地采购，售后响应慢",
        ),
        product("胶黏剂", UP, 0.5, ("C2669",), ("胶业", "化工"), health="weak"),
        product("油漆", UP, 1, ("C2641",), ("涂料", "油漆", "化工"), health="weak"),
        facility("原木板材交易市场", UP, F.RAW_MATERIAL_MARKET, 0.5, ("C2011",), ("木材", "木业")),
        facility("家具五金配件市场", UP, F.COMPONENTS_MARKET, 0.3, ("F5174",), ("五金",)),
        process("烘干", MID, 3, ("C2019",), ("木材烘干", "木业")),
        process("白茬加工", MID, 10, ("C2110", "C2039"), ("木制品", "家具", "木业")),
        group(
            "共享喷漆",
            MID,
            facility(
                "杜集共享喷漆中心",
                MID,
                F.PRIMARY_PROCESSING,
                0.3,
                ("C2110",),
                ("家具喷涂",),
                town="杜集镇",
                description="园区集中喷涂，统一治理VOCs",
            ),
            facility(
                "长官共享喷漆中心",
                MID,
                F.PRIMARY_PROCESSING,
                0.3,
                ("C2110",),
                ("家具喷涂",),
                town="长官镇",
                description="园区集中喷涂，统一治理VOCs",
            ),
            facility(
                "张大庄共享喷漆中心",
                MID,
                F.PRIMARY_PROCESSING,
                0.3,
                ("C2110",),
                ("家具喷涂",),
                town="张大庄镇",
                description="园区集中喷涂，统一治理VOCs",
            ),
            facility(
                "大柳共享喷漆中心",
                MID,
                F.PRIMARY_PROCESSING,
                0.3,
                ("C2110",),
                ("家具喷涂",),
                town="大柳镇",
                description="园区集中喷涂，统一治理VOCs",
            ),
        ),
        process("组装", MID, 6, ("C2110",)),
        group(
            "家具产品",
            MID,
            product("餐桌椅", MID, 30, ("C2110",), ("家具", "实木家具", "木业", "家居"), size=1.1),
            product("床", MID, 8, ("C2110",)),
            product("柜类", MID, 8, ("C2110",)),
            product("茶几", MID, 6, ("C2110",)),
        ),
        product("家具市场", DOWN, 4, ("F5283",), ("家具销售", "家居广场", "家具城")),
        product("电商", DOWN, 5, ("F5292",), ("电子商务", "网络科技")),
        product("出口", DOWN, 1, ("F5283", "C2110"), ("进出口", "国际贸易"), health="weak"),
        facility("宁津家具产销中心", DOWN, F.PRODUCTION_SALES, 0.3, ("F5283",), ("家居",)),
        product("设计", SERVICE, 0.6, ("M7491",), ("家具设计", "设计")),
        product("物流", SERVICE, 3, ("G5431",), ("物流", "货运")),
        product("检测", SERVICE, 0.2, ("M7452",), ("检测技术",), health="weak"),
        facility("家具设计中心", SERVICE, F.DESIGN, 0.2, ("M7491",), ("家具设计",)),
        facility("家具检测中心", SERVICE, F.TESTING, 0.2, ("M7452",), ("检测技术",)),
        facility("家具物流中心", SERVICE, F.LOGISTICS, 0.3, ("G5920",), ("仓储物流",)),
        facility("家具金融服务中心", SERVICE, F.FINANCIAL_SERVICES, 0.1, ("J6631",), ("融资租赁",)),
    ),
    anchors=(
        AnchorSpec(
            "山东津木家居股份有限公司",
            "餐桌椅",
            "杜集镇",
            3.8e8,
            park="杜集家具产业园",
            founded_year=2000,
            qualifications=("high-tech", "morning-star"),
        ),
        AnchorSpec("宁津县木之韵家具有限公司", "餐桌椅", "长官镇", 2.2e8, founded_year=2005),
    ),
    partners=(
        *_COMMON_PARTNERS,
        PartnerSpec(
            PartnerKind.DEPARTMENT,
            "德州市生态环境局宁津分局",
            "共享喷漆中心环评与VOCs治理",
            "生态环境分局",
        ),
        PartnerSpec(PartnerKind.ASSOCIATION, "宁津县家具行业协会", "“宁津家具”区域品牌授权与维护"),
        PartnerSpec(PartnerKind.UNIVERSITY, "山东农业大学", "木材干燥与改性技术"),
        PartnerSpec(PartnerKind.INSTITUTE, "宁津县家具设计研究院（示例）", "新中式餐桌椅设计打样"),
        PartnerSpec(
            PartnerKind.SERVICE_AGENCY, "宁津县家具电商直播基地（示例）", "直播带货、网店运营培训"
        ),
        PartnerSpec(PartnerKind.USER, "家具经销商联盟（示例）", "订货会与渠道反馈"),
    ),
    bottlenecks=(
        BottleneckSpec(
            "杜集共享喷漆中心", "共享喷漆中心VOCs治理设施扩容环评待批", "生态环境分局", "郑洁", 40
        ),
        BottleneckSpec(
            "烘干",
            "烘干窑蒸汽供应不足，旺季排队",
            "发改局",
            "冯勇",
            400,
            cleared_days=200,
            detail="园区集中供热管网延伸后解决。",
        ),
    ),
)

SMART = ChainSpec(
    key="smart",
    name="智能装备",
    cluster=Cluster.METAL,
    share=0.06,
    office="智能装备链长办",
    chief=("chief-smart", "周明远"),
    description="数控机床、工业机器人与自动化产线；依托京深数谷推进智改数转。",
    towns={
        "津城街道": 25,
        "宁城街道": 22,
        "时集镇": 10,
        "柴胡店镇": 10,
        "保店镇": 8,
        "大曹镇": 6,
        "相衙镇": 3,
        "长官镇": 3,
        "杜集镇": 3,
        "大柳镇": 3,
        "张大庄镇": 3,
        "刘营伍乡": 3,
    },
    parks=("京深数谷产业园", "专精特新集聚区", "东部新区", "宁津县经济开发区"),
    park_share=0.6,
    median_revenue=3.7e6,
    sigma=1.3,
    export_share=0.10,
    words=("智能装备", "机械", "装备制造", "智能科技"),
    nodes=(
        product("铸件", UP, 3, ("C3391", "C3392"), ("铸造", "精密铸造")),
        group(
            "核心零部件",
            UP,
            product("减速器与传动件", UP, 2, ("C3453", "C3459"), ("传动", "齿轮", "减速机")),
            product("伺服电机", UP, 0.8, ("C3813",), ("电机", "伺服科技"), health="weak"),
            gap("控制系统", UP, 3.5e8, ("C4011",)),
            gap("传感器", UP, 1.5e8, ("C3983",)),
        ),
        product("液压元件", UP, 1.5, ("C3444",), ("液压", "液压机械")),
        product("机械零部件", UP, 4, ("C3484", "C3482"), ("机械加工", "精密机械", "紧固件")),
        facility("智能装备零配件市场", UP, F.COMPONENTS_MARKET, 0.2, ("F5179",), ("机电设备",)),
        product("数控机床", MID, 5, ("C3421", "C3422"), ("数控机床", "机床", "数控科技"), size=1.3),
        product(
            "工业机器人",
            MID,
            2,
            ("C3491",),
            ("机器人", "智能装备", "自动化科技"),
            health="weak",
            size=1.2,
        ),
        product("自动化生产线", MID, 4, ("C3499",), ("自动化设备", "智能装备", "自动化科技")),
        product("焊接与切割设备", MID, 3, ("C3424",), ("焊接设备", "激光科技", "切割设备")),
        product("增材制造装备", MID, 0.5, ("C3493",), ("增材制造", "三维科技"), health="weak"),
        product("机床功能部件", MID, 2, ("C3425",), ("机床附件", "精密机械")),
        product("系统集成", DOWN, 2, ("I6531",), ("智能科技", "自动化工程", "信息技术")),
        product("设备维修", DOWN, 2, ("C4320",), ("机电设备维修", "机械维修")),
        facility("智能装备产销中心", DOWN, F.PRODUCTION_SALES, 0.2, ("F5179",), ("机电设备",)),
        product(
            "工业软件",
            SERVICE,
            1,
            ("I6532", "I6531"),
            ("信息技术", "软件科技", "物联网科技"),
            health="weak",
        ),
        product("研发设计", SERVICE, 0.8, ("M7320", "M7491"), ("技术研究院", "工业设计")),
        product("检测", SERVICE, 0.3, ("M7452",), ("检测技术",)),
        facility("智能装备设计中心", SERVICE, F.DESIGN, 0.2, ("M7491",), ("工业设计",)),
        facility("智能装备检测中心", SERVICE, F.TESTING, 0.2, ("M7452",), ("检测技术",)),
        facility(
            "智改数转金融服务中心", SERVICE, F.FINANCIAL_SERVICES, 0.1, ("J6631",), ("融资租赁",)
        ),
    ),
    anchors=(
        AnchorSpec(
            "山东宁智装备科技有限公司",
            "自动化生产线",
            "津城街道",
            3.2e8,
            park="京深数谷产业园",
            founded_year=2012,
            qualifications=("high-tech", "srdi-provincial"),
        ),
        AnchorSpec(
            "宁津县精锐数控机床有限公司",
            "数控机床",
            "宁城街道",
            1.9e8,
            founded_year=2009,
            qualifications=("high-tech",),
        ),
    ),
    partners=(
        *_COMMON_PARTNERS,
        PartnerSpec(
            PartnerKind.DEPARTMENT, "宁津县科学技术局", "揭榜挂帅、研发费用加计扣除辅导", "科技局"
        ),
        PartnerSpec(
            PartnerKind.ASSOCIATION, "宁津县智能装备产业联盟（示例）", "供需对接、联合攻关"
        ),
        PartnerSpec(PartnerKind.UNIVERSITY, "山东大学", "机器人与数控系统联合实验室"),
        PartnerSpec(PartnerKind.INSTITUTE, "宁津县智能制造研究院（示例）", "智改数转诊断"),
        PartnerSpec(
            PartnerKind.SERVICE_AGENCY, "京深数谷数字化服务商（示例）", "上云、工业互联网平台"
        ),
        PartnerSpec(PartnerKind.USER, "规上企业智改数转用户（示例）", "产线改造需求"),
    ),
)

UHMWPE = ChainSpec(
    key="uhmwpe",
    name="超高分子量聚乙烯新材料",
    cluster=Cluster.METAL,
    share=0.06,
    office="超高分子量聚乙烯新材料链长办",
    chief=("chief-uhmwpe", "吴海燕"),
    description="“一金”新的第三极：210余家企业（9家规上），纤维、板材、管材与防护应用。",
    towns={
        "相衙镇": 25,
        "时集镇": 20,
        "宁城街道": 10,
        "津城街道": 10,
        "柴胡店镇": 10,
        "刘营伍乡": 8,
        "保店镇": 3,
        "大曹镇": 3,
        "长官镇": 3,
        "杜集镇": 3,
        "大柳镇": 3,
        "张大庄镇": 3,
    },
    parks=("专精特新集聚区", "东部新区"),
    park_share=0.4,
    median_revenue=3.2e6,
    sigma=1.25,
    export_share=0.25,
    words=("新材料", "高分子材料", "新材料科技"),
    nodes=(
        gap(
            "超高分子量聚乙烯树脂",
            UP,
            8e8,
            ("C2651",),
            description="树脂原料全部外购（部分进口），价格波动大",
        ),
        product("助剂与溶剂", UP, 1, ("C2661",), ("化工", "助剂"), health="weak"),
        facility("聚乙烯原料市场", UP, F.RAW_MATERIAL_MARKET, 0.2, ("F5179",), ("化工原料",)),
        product("纤维", MID, 8, ("C2829",), ("新材料", "高分子纤维", "纤维科技"), size=1.3),
        group(
            "制品成型",
            MID,
            product("板材", MID, 5, ("C2922",), ("高分子材料", "塑业", "板业")),
            product("管材", MID, 4, ("C2922",), ("管业", "塑胶管业")),
            product("异型件", MID, 3, ("C2929",), ("高分子制品", "工程塑料")),
        ),
        facility("聚乙烯初加工中心", MID, F.PRIMARY_PROCESSING, 0.2, ("C2929",), ("高分子制品",)),
        product("防护装备", DOWN, 3, ("C1789", "C2444"), ("防护用品", "安防科技")),
        product("绳缆与渔网", DOWN, 3, ("C1782",), ("绳网", "缆绳", "绳业")),
        product("工程应用", DOWN, 3, ("C2929",), ("工程塑料", "耐磨材料")),
        product("医用材料", DOWN, 0.3, ("C2929",), ("医用材料", "生物材料"), health="weak"),
        facility("新材料产销中心", DOWN, F.PRODUCTION_SALES, 0.2, ("F5179",), ("新材料",)),
        product("研发", SERVICE, 0.8, ("M7513", "M7320"), ("新材料科技", "技术研究院")),
        product("检测", SERVICE, 0.3, ("M7452",), ("检测技术",), health="weak"),
        facility("新材料检测中心", SERVICE, F.TESTING, 0.2, ("M7452",), ("检测技术",)),
        facility(
            "新材料金融服务中心", SERVICE, F.FINANCIAL_SERVICES, 0.1, ("J6631",), ("融资租赁",)
        ),
    ),
    anchors=(
        AnchorSpec(
            "山东津高新材料科技有限公司",
            "纤维",
            "相衙镇",
            2.6e8,
            park="",
            founded_year=2010,
            qualifications=("high-tech", "srdi-provincial"),
        ),
    ),
    partners=(
        *_COMMON_PARTNERS,
        PartnerSpec(PartnerKind.DEPARTMENT, "宁津县科学技术局", "新材料重点研发项目", "科技局"),
        PartnerSpec(PartnerKind.ASSOCIATION, "宁津县新材料产业联盟（示例）", "原料集采、价格信息"),
        PartnerSpec(PartnerKind.UNIVERSITY, "齐鲁工业大学", "超高分子量聚乙烯纺丝工艺"),
        PartnerSpec(PartnerKind.INSTITUTE, "宁津县高分子材料研究所（示例）", "改性配方与中试"),
        PartnerSpec(PartnerKind.SERVICE_AGENCY, "宁津县检验检测服务中心（示例）", "纤维强度检测"),
        PartnerSpec(PartnerKind.USER, "防护装备采购单位（示例）", "防切割手套、防护服需求"),
    ),
    bottlenecks=(
        BottleneckSpec("纤维", "纤维级树脂全部外购，价格一年上涨三成", "工信局", "孙晓峰", 300),
    ),
)

MESH = ChainSpec(
    key="mesh",
    name="网带网链",
    cluster=Cluster.METAL,
    share=0.06,
    office="网带网链链长办",
    chief=("chief-mesh", "郑卫东"),
    description="金属网带、网链与输送设备配套，食品、热处理等行业广泛应用。",
    towns={
        "柴胡店镇": 25,
        "刘营伍乡": 18,
        "保店镇": 15,
        "大柳镇": 10,
        "津城街道": 10,
        "宁城街道": 8,
        "大曹镇": 2,
        "相衙镇": 2,
        "时集镇": 2,
        "长官镇": 2,
        "杜集镇": 2,
        "张大庄镇": 2,
    },
    parks=("东部新区",),
    park_share=0.5,
    median_revenue=2.0e6,
    sigma=1.2,
    export_share=0.30,
    words=("网带", "网业", "输送设备", "链条"),
    nodes=(
        product("不锈钢丝", UP, 2, ("C3340",), ("金属丝", "钢丝", "金属制品")),
        product("钢带与型材", UP, 1.5, ("C3130",), ("钢带", "金属材料")),
        product("链条配件", UP, 2, ("C3459",), ("链条", "传动配件")),
        product("链轮与传动件", UP, 1, ("C3453",), ("传动", "链轮"), health="weak"),
        facility("网带原材料市场", UP, F.RAW_MATERIAL_MARKET, 0.3, ("F5174",), ("金属材料",)),
        facility("网带零配件市场", UP, F.COMPONENTS_MARKET, 0.2, ("F5174",), ("五金配件",)),
        process("编织", MID, 6, ("C3340",), ("网带", "编织网带", "金属网带")),
        process("焊接", MID, 3, ("C3340", "C3311"), ("焊接", "网带")),
        process("热处理", MID, 1, ("C3360",), ("热处理", "表面处理"), health="weak"),
        group(
            "网带产品",
            MID,
            product("输送网带", MID, 12, ("C3340",), ("网带", "输送设备", "网业"), size=1.2),
            product("链板与网链", MID, 8, ("C3459",), ("链条", "链板", "网链")),
            product("食品级网带", MID, 3, ("C3340",), ("网带", "食品机械配件")),
        ),
        product("国内配套", DOWN, 3, ("F5179", "F5174"), ("机械设备", "五金")),
        product("出口", DOWN, 1.5, ("F5174",), ("进出口", "国际贸易")),
        product("电商", DOWN, 1.5, ("F5292",), ("电子商务",)),
        facility("网带产销中心", DOWN, F.PRODUCTION_SALES, 0.2, ("F5174",), ("五金",)),
        product("设计", SERVICE, 0.3, ("M7491",), ("工业设计",)),
        gap("检测", SERVICE, 0.4e8, ("M7452",), description="网带强度与食品级认证检测需外送"),
        product("物流", SERVICE, 1, ("G5431",), ("物流", "货运")),
        facility("网带检测中心", SERVICE, F.TESTING, 0.2, ("M7452",), ("检测技术",)),
        facility("网带物流中心", SERVICE, F.LOGISTICS, 0.2, ("G5920",), ("仓储物流",)),
        facility("网带金融服务中心", SERVICE, F.FINANCIAL_SERVICES, 0.1, ("J6631",), ("融资租赁",)),
    ),
    anchors=(
        AnchorSpec(
            "宁津县恒运网带有限公司",
            "输送网带",
            "柴胡店镇",
            1.6e8,
            founded_year=2004,
            qualifications=("high-tech",),
        ),
    ),
    partners=(
        *_COMMON_PARTNERS,
        PartnerSpec(
            PartnerKind.ASSOCIATION, "宁津县网带网链行业协会（示例）", "行业标准、联合采购"
        ),
        PartnerSpec(PartnerKind.UNIVERSITY, "德州学院", "网带焊接工艺改进"),
        PartnerSpec(PartnerKind.INSTITUTE, "宁津县金属制品研究所（示例）", "耐高温网带材料"),
        PartnerSpec(PartnerKind.SERVICE_AGENCY, "宁津县外贸综合服务中心（示例）", "出口退税、信保"),
        PartnerSpec(PartnerKind.USER, "食品机械制造企业（示例）", "输送网带定制需求"),
    ),
    bottlenecks=(
        BottleneckSpec("热处理", "网带热处理产能不足，外协排队一周以上", "工信局", "孙晓峰", 60),
    ),
)

FARM = ChainSpec(
    key="farm",
    name="农机",
    cluster=Cluster.METAL,
    share=0.04,
    office="农机链长办",
    chief=("chief-farm", "冯建军"),
    description="耕整地、播种植保与农产品初加工机械及配件。",
    towns={
        "时集镇": 22,
        "刘营伍乡": 18,
        "相衙镇": 16,
        "张大庄镇": 10,
        "柴胡店镇": 10,
        "宁城街道": 6,
        "津城街道": 6,
        "保店镇": 2,
        "大曹镇": 2,
        "长官镇": 2,
        "杜集镇": 2,
        "大柳镇": 2,
    },
    parks=("东部新区",),
    park_share=0.3,
    median_revenue=2.8e6,
    sigma=1.25,
    export_share=0.12,
    words=("农业机械", "农机", "农业装备", "机械"),
    nodes=(
        product("钢材", UP, 1, ("C3130",), ("钢材", "金属材料")),
        product("铸锻件", UP, 2, ("C3391", "C3393"), ("铸造", "锻造")),
        product("齿轮箱", UP, 1.5, ("C3453",), ("齿轮", "传动")),
        product("液压件", UP, 1, ("C3444",), ("液压",), health="weak"),
        gap("发动机", UP, 5e8, description="配套柴油机全部外购"),
        product("农机配件", UP, 5, ("C3576",), ("农机配件", "农业机械")),
        facility("农机零配件市场", UP, F.COMPONENTS_MARKET, 0.3, ("F5171",), ("农机",)),
        group(
            "整机制造",
            MID,
            product("拖拉机", MID, 1, ("C3571",), ("拖拉机", "农业装备"), health="weak", size=1.5),
            product("耕整地机械", MID, 5, ("C3572",)),
            product("播种与植保机械", MID, 5, ("C3572",)),
            product("收获机械", MID, 2, ("C3572",), health="weak", size=1.3),
            product("畜牧机械", MID, 3, ("C3574",), ("畜牧机械", "养殖设备")),
            product("农产品初加工机械", MID, 3, ("C3579",), ("农产品加工机械", "机械")),
        ),
        product("农机经销", DOWN, 4, ("F5171",), ("农机销售", "农业机械")),
        product("农机服务与维修", DOWN, 3, ("C4330",), ("农机服务", "农机维修")),
        product("出口", DOWN, 0.8, ("F5171",), ("进出口",)),
        facility("农机产销中心", DOWN, F.PRODUCTION_SALES, 0.2, ("F5171",), ("农机",)),
        product("研发", SERVICE, 0.5, ("M7320",), ("农业装备技术", "技术研究院")),
        gap("检测鉴定", SERVICE, 0.3e8, ("M7452",), description="农机推广鉴定需送省农机鉴定站"),
        facility("农机检测中心", SERVICE, F.TESTING, 0.2, ("M7452",), ("检测技术",)),
        facility("农机金融服务中心", SERVICE, F.FINANCIAL_SERVICES, 0.1, ("J6631",), ("融资租赁",)),
    ),
    anchors=(
        AnchorSpec(
            "山东宁丰农业装备有限公司",
            "播种与植保机械",
            "时集镇",
            1.4e8,
            founded_year=2007,
            qualifications=("high-tech",),
        ),
    ),
    partners=(
        *_COMMON_PARTNERS,
        PartnerSpec(
            PartnerKind.DEPARTMENT, "宁津县金融服务中心", "农机融资租赁贴息", "金融服务中心"
        ),
        PartnerSpec(PartnerKind.ASSOCIATION, "宁津县农机行业协会（示例）", "购置补贴目录申报"),
        PartnerSpec(PartnerKind.UNIVERSITY, "山东农业大学", "精量播种与植保机械"),
        PartnerSpec(PartnerKind.INSTITUTE, "宁津县农业装备研究所（示例）", "整机试验"),
        PartnerSpec(PartnerKind.SERVICE_AGENCY, "宁津县农机化服务中心（示例）", "作业服务、培训"),
        PartnerSpec(PartnerKind.USER, "农机专业合作社（示例）", "作业需求与反馈"),
    ),
    bottlenecks=(
        BottleneckSpec(
            "液压件",
            "液压件厂区用电增容审批慢",
            "供电公司",
            "何刚",
            260,
            cleared_days=120,
            detail="供电公司开通绿色通道，增容已送电。",
        ),
    ),
)

CHAINS: tuple[ChainSpec, ...] = (FITNESS, ELEVATOR, FURNITURE, SMART, UHMWPE, MESH, FARM)

# The demo enterprise user's firm: on the fitness chain, in 大曹镇, with figures and
# qualifications (its 高企 certificate expires within 90 days, to show the warning).
DEMO_FIRM = AnchorSpec(
    "宁津县金曹健身器材有限公司",
    "力量器械",
    "大曹镇",
    6.8e7,
    leader=False,
    founded_year=2011,
    qualifications=("high-tech", "tech-sme", "cloud", "brand-authorised"),
)

DEMO_PASSWORD = "Jinmu@demo2026"


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
USERS: tuple[DemoUser, ...] = (
    DemoUser(
        "admin",
        "系统管理员",
        Role.SYSTEM_ADMIN,
        "大数据中心",
        "系统配置；全县数据（账号与权限归安全管理员）",
        staff=True,
    ),
    DemoUser(
        "auditor",
        "审计管理员",
        Role.AUDIT_ADMIN,
        "大数据中心",
        "只读审计日志（三员分立，不能改数据）",
    ),
    DemoUser(
        "leader", "高县长（示例）", Role.COUNTY_LEADER, "县委县政府", "全县一切数据（只读），可批示"
    ),
    DemoUser(
        "industry",
        "产业办（示例）",
        Role.INDUSTRY_OFFICE,
        "产业办",
        "全县企业与7条产业链；配置产业链、目标与考核",
    ),
    DemoUser(
        "chain-fitness",
        "健身器材链长办（示例）",
        Role.CHAIN_OFFICE,
        "健身器材链长办",
        "健身器材链：链上企业、节点、断点堵点",
    ),
    DemoUser(
        "town-dacao",
        "大曹镇（示例）",
        Role.TOWN,
        "大曹镇",
        "大曹镇的企业与项目；全县链图",
        region="大曹镇",
    ),
    DemoUser(
        "town-baodian",
        "保店镇（示例）",
        Role.TOWN,
        "保店镇",
        "保店镇的企业与项目；全县链图",
        region="保店镇",
    ),
    DemoUser(
        "enterprise",
        "金曹健身联系人（示例）",
        Role.ENTERPRISE,
        "",
        "本企业的档案、资质、项目与周报填报",
        region="大曹镇",
        enterprise=True,
    ),
    DemoUser(
        "security",
        "安全管理员",
        Role.SECURITY_ADMIN,
        "大数据中心",
        "账号安全与权限策略（不看业务数据）",
    ),
    DemoUser(
        "chain-elevator",
        "电梯链长办（示例）",
        Role.CHAIN_OFFICE,
        "电梯链长办",
        "电梯链：链上企业、节点、断点堵点",
    ),
    DemoUser(
        "chain-furniture",
        "实木家具链长办（示例）",
        Role.CHAIN_OFFICE,
        "实木家具链长办",
        "实木家具链：链上企业、节点、断点堵点",
    ),
    DemoUser(
        "dept-gongxin",
        "工信局（示例）",
        Role.DEPARTMENT,
        "工信局",
        "全县企业数据；本部门任务与诉求",
    ),
    DemoUser(
        "dept-stats",
        "统计局（示例）",
        Role.DEPARTMENT,
        "统计局",
        "全县企业数据；按月填报规上工业增加值增速等统计指标",
    ),
    DemoUser(
        "dept-tax",
        "税务局（示例）",
        Role.DEPARTMENT,
        "税务局",
        "全县企业数据；税务数据由本部门维护",
    ),
    DemoUser(
        "park-kaifaqu", "开发区（示例）", Role.TOWN, "开发区", "宁津县经济开发区内的企业与项目"
    ),
    DemoUser("bank", "宁津农商银行（示例）", Role.BANK, "农商银行", "金融产品与向本行提出的申请"),
    DemoUser("judge", "观摩评委（示例）", Role.JUDGE, "发改局", "季观摩中分配给自己的项目打分"),
)
