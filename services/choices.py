"""What the workbench's forms offer to choose from and what its pages call things, read
from the catalogue: districts and streets, units and categories by their names (Chinese,
or English where the user chose it and the catalogue has one)."""

from __future__ import annotations

import time
from dataclasses import dataclass, field, replace

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from schema.tables import Department, Place, User
from services.category_tree import CategoryTree, load_tree
from services.context import AppContext
from services.ticket_queries import known_districts


@dataclass(frozen=True)
class PlaceName:
    name_zh: str
    name: str | None
    parent: str | None


@dataclass(frozen=True)
class Choices:
    districts: list[str]  # codes of the districts a ticket can be in
    departments: dict[str, str]  # code → name, active ones (the forms' choices)
    tree: CategoryTree = field(default_factory=lambda: CategoryTree({}))
    places: dict[str, PlaceName] = field(default_factory=dict)
    all_units: dict[str, tuple[str, str]] = field(default_factory=dict)  # code → (zh, en)
    people: dict[str, str] = field(default_factory=dict)  # username → display name
    english: bool = False

    def speaking(self, language: str) -> Choices:
        """The same choices named in the user's language (English names where there are)."""
        english = language == "en"
        if english == self.english:
            return self
        return replace(
            self,
            english=english,
            departments={code: self._unit(code) for code in self.departments},
        )

    def _unit(self, code: str) -> str:
        zh, en = self.all_units.get(code, (code, code))
        return (en or zh) if self.english else zh

    def name_of(self, code: str | None) -> str:
        """A unit by its name, retired ones too; an unknown code as it is."""
        if not code:
            return ""
        return self.departments.get(code) or (self._unit(code) if code in self.all_units else code)

    def category_name(self, code: str | None) -> str:
        return self.tree.name(code, english=self.english)

    def category_path(self, code: str | None) -> str:
        return self.tree.path(code, english=self.english)

    def person(self, username: str) -> str:
        """A member of staff by the name their account shows (the account name if none)."""
        return self.people.get(username, username)

    def place_name(self, code: str | None) -> str:
        place = self.places.get(code or "")
        if place is None:
            return code or ""
        return (place.name or place.name_zh) if self.english else place.name_zh

    @property
    def every_district(self) -> list[str]:
        """The districts units serve and those only named in the places (a new district
        whose units are not yet set up): what an admin chooses from."""
        named = (code for code, place in self.places.items() if place.parent is None)
        return sorted({*self.districts, *named})

    def streets_of(self, district: str) -> list[str]:
        return sorted(code for code, place in self.places.items() if place.parent == district)


# Pages that refresh by themselves (the queues, every 15 s on every desk) name what they
# list from the catalogue: kept for a few seconds per process rather than read each time.
# A change made through this process is seen at once; one made elsewhere within FRESH_FOR.
FRESH_FOR = 10.0
_kept: dict[int, tuple[float, AppContext, Choices]] = {}


def forget_choices() -> None:
    """After a catalogue change: the next page reads the catalogue again."""
    _kept.clear()


async def catalogue_choices(context: AppContext) -> Choices:
    """The choices on their own connection, for a page that reads nothing else with them."""
    kept = _kept.get(id(context))
    if kept is not None and kept[1] is context and time.monotonic() - kept[0] < FRESH_FOR:
        return kept[2]
    async with context.sessions() as session:
        choices = await choices_in(session)
    _kept[id(context)] = (time.monotonic(), context, choices)
    return choices


async def choices_in(session: AsyncSession) -> Choices:
    """The choices within a read that needs more (the ticket page's, the intake preview's)."""
    units = {
        code: (name_zh, name, active)
        for code, name_zh, name, active in await session.execute(
            select(Department.code, Department.name_zh, Department.name, Department.active)
        )
    }
    departments = {code: zh for code, (zh, _, active) in sorted(units.items()) if active}
    places = {
        row.code: PlaceName(row.name_zh, row.name, row.parent)
        for row in await session.scalars(select(Place))
    }
    people = {
        username: name
        for username, name in await session.execute(select(User.username, User.display_name))
    }
    # Named districts first (a city's own), then any a unit serves by its code alone.
    districts = sorted(await known_districts(session), key=lambda code: (code not in places, code))
    return Choices(
        districts,
        departments,
        await load_tree(session),
        places,
        {code: (zh, en) for code, (zh, en, _) in units.items()},
        people,
    )
