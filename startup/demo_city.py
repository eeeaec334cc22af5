"""A demo city modelled on the source reports: departments, places, categories and a
dispatch catalogue (the categories and places in ``demo_catalogue``).

Three districts (Dinghai, Putuo, Xincheng) with their governments, a street under each
and a community under the street, the city's functional bureaus (one with a district
branch), and catalogue rows including the categories a joint
consultation had to settle (hotel hygiene refunds, street-stall product quality,
opening walls of buildings). Loading is idempotent: rows are upserted by key.
"""

from __future__ import annotations

import uuid

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from hotline.database import upsert
from schema.tables import CategoryNode, Department, Place, RoutingRule
from startup.demo_catalogue import FAMILIES, GROUPS, LEAVES, PLACES

DISTRICTS = ("dinghai", "putuo", "xincheng")

# (code, English name, Chinese name, kind, district)
DEPARTMENTS: list[tuple[str, str, str, str, str | None]] = [
    ("urban-management", "Urban Management Bureau", "城市管理局", "department", None),
    ("market-supervision", "Market Supervision Bureau", "市场监督管理局", "department", None),
    (
        "housing",
        "Housing and Urban-Rural Development Bureau",
        "住房和城乡建设局",
        "department",
        None,
    ),
    ("transport", "Transport Bureau", "交通运输局", "department", None),
    ("water", "Water Resources Bureau", "水利局", "department", None),
    ("water-supply", "Water Supply Company", "自来水公司", "department", None),
    ("power-supply", "State Grid Power Supply Company", "供电公司", "department", None),
    ("gas-supply", "Gas Company", "燃气公司", "department", None),
    ("ecology", "Ecology and Environment Bureau", "生态环境局", "department", None),
    ("public-security", "Public Security Bureau", "公安局", "department", None),
    ("health", "Health Commission", "卫生健康委员会", "department", None),
    ("education", "Education Bureau", "教育局", "department", None),
    (
        "human-resources",
        "Human Resources and Social Security Bureau",
        "人力资源和社会保障局",
        "department",
        None,
    ),
    ("civil-affairs", "Civil Affairs Bureau", "民政局", "department", None),
    (
        "natural-resources",
        "Natural Resources and Planning Bureau",
        "自然资源和规划局",
        "department",
        None,
    ),
    (
        "culture-tourism",
        "Culture, Radio, Television and Tourism Bureau",
        "文化广电旅游局",
        "department",
        None,
    ),
    ("emergency-management", "Emergency Management Bureau", "应急管理局", "department", None),
    ("commerce", "Commerce Bureau", "商务局", "department", None),
    ("agriculture", "Agriculture and Rural Affairs Bureau", "农业农村局", "department", None),
    ("justice", "Justice Bureau", "司法局", "department", None),
    ("medical-insurance", "Medical Security Bureau", "医疗保障局", "department", None),
    (
        "comprehensive-enforcement",
        "Comprehensive Administrative Law Enforcement Bureau",
        "综合行政执法局",
        "department",
        None,
    ),
    (
        "dinghai-gov",
        "Dinghai District Government",
        "定海区人民政府",
        "district_government",
        "dinghai",
    ),
    ("putuo-gov", "Putuo District Government", "普陀区人民政府", "district_government", "putuo"),
    (
        "xincheng-gov",
        "Xincheng District Government",
        "新城区人民政府",
        "district_government",
        "xincheng",
    ),
    ("dinghai-huannan", "Huannan Street Office, Dinghai", "定海区环南街道", "township", "dinghai"),
    (
        "putuo-shenjiamen",
        "Shenjiamen Street Office, Putuo",
        "普陀区沈家门街道",
        "township",
        "putuo",
    ),
    (
        "xincheng-lincheng",
        "Lincheng Street Office, Xincheng",
        "新城临城街道",
        "township",
        "xincheng",
    ),
    ("huannan-sanjiang", "Sanjiang Community, Huannan", "环南街道三江社区", "community", "dinghai"),
    (
        "shenjiamen-dongheng",
        "Dongheng Community, Shenjiamen",
        "沈家门街道东横社区",
        "community",
        "putuo",
    ),
    (
        "lincheng-changchun",
        "Changchun Community, Lincheng",
        "临城街道长春社区",
        "community",
        "xincheng",
    ),
    (
        "urban-management-dinghai",
        "Urban Management Bureau, Dinghai Branch",
        "城市管理局定海分局",
        "department",
        "dinghai",
    ),
]

# The hierarchy tickets are passed down (二级派单): unit → the unit above it.
PARENTS: dict[str, str] = {
    "dinghai-huannan": "dinghai-gov",
    "putuo-shenjiamen": "putuo-gov",
    "xincheng-lincheng": "xincheng-gov",
    "huannan-sanjiang": "dinghai-huannan",
    "shenjiamen-dongheng": "putuo-shenjiamen",
    "lincheng-changchun": "xincheng-lincheng",
    "urban-management-dinghai": "urban-management",
}


def new_district_government(prefix: str) -> dict[str, str]:
    """A department body (``POST /v1/departments``) for the government of a district of
    its own, ``<prefix>-<random>``: tests and benchmarks count its tickets apart."""
    district = f"{prefix}-{uuid.uuid4().hex[:6]}"
    return {
        "code": f"{district}-gov",
        "name": f"{district} government",
        "name_zh": "区政府",
        "kind": "district_government",
        "district": district,
    }


async def load_demo_city(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Upsert the departments and places; add the categories and the dispatch catalogue
    only where there are none (an admin's changes are never overwritten)."""
    async with sessions.begin() as session:
        await _upsert_departments(session)
        await upsert(
            session,
            Place,
            [
                {"code": code, "parent": parent, "name_zh": name_zh, "name": name}
                for code, parent, name_zh, name in PLACES
            ],
        )
        if not await session.scalar(select(func.count()).select_from(CategoryNode)):
            session.add_all(_categories())
        if not await session.scalar(select(func.count()).select_from(RoutingRule)):
            session.add_all(_routing_rules())


def _categories() -> list[CategoryNode]:
    levels = [
        CategoryNode(code=code, parent=code[:-2] or None, name_zh=name_zh, name=name, synonyms=[])
        for code, name_zh, name in FAMILIES + GROUPS
    ]
    return levels + [
        CategoryNode(
            code=leaf.code,
            parent=leaf.code[:-2],
            name_zh=leaf.name_zh,
            name=leaf.name,
            synonyms=list(leaf.synonyms),
        )
        for leaf in LEAVES
    ]


def _routing_rules() -> list[RoutingRule]:
    rules = []
    for leaf in LEAVES:
        assisting = list(leaf.assisting)
        if leaf.lead is not None:
            rules.append(
                RoutingRule(category=leaf.code, lead=leaf.lead, assisting=assisting, note=leaf.note)
            )
        rules += [
            RoutingRule(category=leaf.code, district=district, lead=lead, assisting=assisting)
            for district, lead in leaf.by_district.items()
        ]
    return rules


async def _upsert_departments(session: AsyncSession) -> None:
    rows = [
        {
            "code": code,
            "name": name,
            "name_zh": name_zh,
            "kind": kind,
            "district": district,
            "active": True,
            "parent": PARENTS.get(code),
        }
        for code, name, name_zh, kind, district in DEPARTMENTS
    ]
    await upsert(session, Department, rows)
