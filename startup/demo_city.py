"""A demo city modelled on the source reports: departments and a dispatch catalogue.

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
from schema.tables import Department, RoutingRule

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

# (category, district or None for all, lead, assisting, note)
CATALOGUE: list[tuple[str, str | None, str, list[str], str | None]] = [
    # Settled by the city's joint consultation on disputed responsibilities.
    (
        "hotel-hygiene-refund",
        None,
        "market-supervision",
        ["health", "culture-tourism"],
        "joint consultation: checkout disputes over hygiene at hotels and homestays",
    ),
    (
        "street-stall-product-quality",
        None,
        "market-supervision",
        ["urban-management"],
        "joint consultation: quality of goods sold at mobile stalls",
    ),
    (
        "wall-opening",
        None,
        "housing",
        ["comprehensive-enforcement", "natural-resources"],
        "joint consultation: opening windows, doors or holes in external non-load-bearing walls",
    ),
    (
        "illegal-construction",
        None,
        "comprehensive-enforcement",
        ["natural-resources", "housing"],
        None,
    ),
    ("street-vendors", None, "urban-management", [], None),
    ("city-appearance", None, "urban-management", [], None),
    ("construction-noise", None, "ecology", ["urban-management"], None),
    ("industrial-noise", None, "ecology", [], None),
    ("air-pollution", None, "ecology", [], None),
    ("water-pollution", None, "ecology", ["water"], None),
    (
        "sand-washing",
        None,
        "water",
        ["ecology", "natural-resources"],
        "sand-washing machines in rivers: water bureau leads",
    ),
    ("river-management", None, "water", [], None),
    ("water-outage", None, "water-supply", ["housing"], None),
    ("water-quality", None, "water-supply", ["health"], None),
    ("power-outage", None, "power-supply", [], None),
    ("gas-outage", None, "gas-supply", [], None),
    ("heating", None, "housing", [], None),
    ("property-management", None, "housing", [], None),
    ("housing-maintenance", None, "housing", [], None),
    ("housing-provident-fund", None, "housing", [], None),
    ("bus-service", None, "transport", [], None),
    ("taxi-service", None, "transport", [], None),
    ("road-damage", None, "transport", ["urban-management"], None),
    ("traffic-order", None, "public-security", ["transport"], None),
    ("parking", None, "public-security", ["urban-management"], None),
    ("food-safety", None, "market-supervision", ["health"], None),
    ("consumer-dispute", None, "market-supervision", [], None),
    ("price-complaint", None, "market-supervision", [], None),
    ("medical-service", None, "health", [], None),
    ("epidemic-prevention", None, "health", ["civil-affairs"], None),
    ("medical-insurance", None, "medical-insurance", [], None),
    ("school-fees", None, "education", [], None),
    ("school-enrolment", None, "education", [], None),
    ("wage-arrears", None, "human-resources", ["justice"], None),
    ("social-insurance", None, "human-resources", [], None),
    ("employment", None, "human-resources", [], None),
    ("elderly-care", None, "civil-affairs", [], None),
    ("subsistence-allowance", None, "civil-affairs", [], None),
    ("land-use", None, "natural-resources", [], None),
    ("tourism-complaint", None, "culture-tourism", ["market-supervision"], None),
    ("safety-hazard", None, "emergency-management", [], None),
    ("enterprise-services", None, "commerce", [], None),
    ("agricultural-inputs", None, "agriculture", ["market-supervision"], None),
    ("legal-aid", None, "justice", [], None),
    # Local matters go to the street office of the district; elsewhere to the district.
    ("neighbourhood-dispute", "dinghai", "dinghai-huannan", ["justice"], None),
    ("neighbourhood-dispute", "putuo", "putuo-shenjiamen", ["justice"], None),
    ("neighbourhood-dispute", "xincheng", "xincheng-lincheng", ["justice"], None),
    ("community-facilities", "dinghai", "dinghai-gov", [], None),
    ("fishing-port", "putuo", "putuo-gov", ["agriculture", "transport"], None),
]


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
    """Upsert the departments; add the catalogue only to an empty catalogue."""
    async with sessions.begin() as session:
        await _upsert_departments(session)
        if await session.scalar(select(func.count()).select_from(RoutingRule)):
            return
        session.add_all(
            RoutingRule(
                category=category, district=district, lead=lead, assisting=assisting, note=note
            )
            for category, district, lead, assisting, note in CATALOGUE
        )


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
