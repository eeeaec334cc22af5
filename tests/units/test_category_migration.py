"""Migration 0017: every category and district the data already holds becomes a node, the
demo city's former codes by their Chinese names, so no ticket names an unknown one."""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command
from sqlalchemy import MetaData, Table, create_engine, insert, select

from hotline.database import alembic_config, upgrade_database
from tests.support.rows import ticket_row


async def test_the_codes_in_the_data_become_named_nodes(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    await asyncio.to_thread(command.upgrade, alembic_config(url), "0016")
    engine = create_engine(f"sqlite:///{tmp_path / 'read-model.db'}")
    try:
        metadata = MetaData()
        rules = Table("routing_rules", metadata, autoload_with=engine)
        tickets = Table("tickets", metadata, autoload_with=engine)
        departments = Table("departments", metadata, autoload_with=engine)
        with engine.begin() as connection:
            connection.execute(
                insert(rules),
                [
                    {
                        "category": "wall-opening",
                        "district": None,
                        "lead": "housing",
                        "assisting": [],
                    },
                    {"category": "pet-noise", "district": "atlantis", "lead": "x", "assisting": []},
                ],
            )
            connection.execute(insert(tickets), ticket_row("T1", "handling", ",housing,", {}))
            connection.execute(
                insert(departments),
                {
                    "code": "putuo-gov",
                    "name": "Putuo",
                    "name_zh": "普陀区人民政府",
                    "kind": "district_government",
                    "district": "putuo",
                    "active": True,
                },
            )
        await upgrade_database(url)
        metadata = MetaData()
        categories = Table("categories", metadata, autoload_with=engine)
        places = Table("places", metadata, autoload_with=engine)
        with engine.begin() as connection:
            nodes = {row.code: row for row in connection.execute(select(categories))}
            named = dict(connection.execute(select(places.c.code, places.c.name_zh)).all())
    finally:
        engine.dispose()
    assert set(nodes) == {"99", "wall-opening", "pet-noise", "street-vendors"}
    assert nodes["wall-opening"].name_zh == "外墙开洞" and nodes["wall-opening"].parent == "99"
    assert nodes["street-vendors"].name_zh == "占道经营"  # only a ticket named it
    assert nodes["pet-noise"].name_zh == "pet-noise"  # not the demo city's: an admin names it
    assert all(node.active for node in nodes.values())
    assert named == {"dinghai": "定海区", "putuo": "普陀区", "atlantis": "atlantis"}


async def test_an_empty_read_model_gets_no_former_family(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'read-model.db'}"
    await upgrade_database(url)
    engine = create_engine(f"sqlite:///{tmp_path / 'read-model.db'}")
    try:
        categories = Table("categories", MetaData(), autoload_with=engine)
        with engine.begin() as connection:
            assert connection.execute(select(categories)).all() == []
    finally:
        engine.dispose()
