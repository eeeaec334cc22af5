"""categories (诉求分类) as a tree with Chinese names and synonyms; places (districts and
streets) by their Chinese names

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-02 11:00:00

Until this revision a category and a district were bare codes. Every code the data
already holds (the catalogue's rules, the tickets, the units' districts) becomes a
node, so nothing a ticket names is unknown; the demo city's former codes get their
Chinese names, any other code is named by itself until an admin renames it.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0017"
down_revision: str | None = "0016"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The family that holds the categories from before the tree, for an admin to re-place.
FORMER = ("99", "迁移前的分类", "Categories before the tree")

# The demo city's codes before this revision, frozen here as they were.
FORMER_NAMES = {
    "hotel-hygiene-refund": "住宿卫生退费",
    "street-stall-product-quality": "流动摊点商品质量",
    "wall-opening": "外墙开洞",
    "illegal-construction": "违章建筑",
    "street-vendors": "占道经营",
    "city-appearance": "市容环境",
    "construction-noise": "建筑施工噪声",
    "industrial-noise": "工业噪声",
    "air-pollution": "大气污染",
    "water-pollution": "水污染",
    "sand-washing": "河道采砂洗砂",
    "river-management": "河道管理",
    "water-outage": "停水",
    "water-quality": "水质问题",
    "power-outage": "停电",
    "gas-outage": "停气",
    "heating": "供暖",
    "property-management": "物业纠纷",
    "housing-maintenance": "房屋维修",
    "housing-provident-fund": "住房公积金",
    "bus-service": "公交服务",
    "taxi-service": "出租车服务",
    "road-damage": "道路破损",
    "traffic-order": "交通秩序",
    "parking": "违法停车",
    "food-safety": "食品安全",
    "consumer-dispute": "消费纠纷",
    "price-complaint": "价格投诉",
    "medical-service": "医疗服务",
    "epidemic-prevention": "疫情防控",
    "medical-insurance": "医保报销",
    "school-fees": "学校收费",
    "school-enrolment": "入学招生",
    "wage-arrears": "拖欠工资",
    "social-insurance": "社会保险",
    "employment": "就业创业",
    "elderly-care": "养老服务",
    "subsistence-allowance": "低保救助",
    "land-use": "土地使用",
    "tourism-complaint": "旅游投诉",
    "safety-hazard": "安全隐患",
    "enterprise-services": "营商环境",
    "agricultural-inputs": "农资质量",
    "legal-aid": "法律援助",
    "neighbourhood-dispute": "邻里纠纷",
    "community-facilities": "社区设施",
    "fishing-port": "渔港管理",
}
FORMER_DISTRICTS = {"dinghai": "定海区", "putuo": "普陀区", "xincheng": "新城区"}


def upgrade() -> None:
    categories = op.create_table(
        "categories",
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("parent", sa.String(length=100), nullable=True),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.Column("description", sa.String(length=1000), nullable=True),
        sa.Column("synonyms", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_categories_parent", "categories", ["parent"])
    places = op.create_table(
        "places",
        sa.Column("code", sa.String(length=100), nullable=False),
        sa.Column("parent", sa.String(length=100), nullable=True),
        sa.Column("name_zh", sa.String(length=100), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=True),
        sa.PrimaryKeyConstraint("code"),
    )
    op.create_index("ix_places_parent", "places", ["parent"])
    bind = op.get_bind()
    codes = _distinct(bind, "routing_rules", "category") | _distinct(bind, "tickets", "category")
    if codes:
        family, name_zh, name = FORMER
        rows = [_node(family, None, name_zh, name)]
        rows += [_node(code, family, FORMER_NAMES.get(code, code), None) for code in sorted(codes)]
        op.bulk_insert(categories, rows)
    districts = (
        _distinct(bind, "departments", "district")
        | _distinct(bind, "tickets", "district")
        | _distinct(bind, "routing_rules", "district")
    )
    op.bulk_insert(
        places,
        [
            {
                "code": code,
                "parent": None,
                "name_zh": FORMER_DISTRICTS.get(code, code),
                "name": None,
            }
            for code in sorted(districts)
        ],
    )


def _node(code: str, parent: str | None, name_zh: str, name: str | None) -> dict[str, object]:
    return {
        "code": code,
        "parent": parent,
        "name_zh": name_zh,
        "name": name,
        "description": None,
        "synonyms": [],
        "active": True,
    }


def _distinct(bind: sa.Connection, table: str, column: str) -> set[str]:
    found = bind.execute(sa.select(sa.column(column)).select_from(sa.table(table)).distinct())
    return {value for (value,) in found if value}


def downgrade() -> None:
    op.drop_index("ix_places_parent", table_name="places")
    op.drop_table("places")
    op.drop_index("ix_categories_parent", table_name="categories")
    op.drop_table("categories")
