"""The knowledge base (知识库) over HTTP: entries written, taken through their life, read,
and searched (docs/api.md, "Knowledge base")."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Header, Path, Query
from pydantic import BaseModel, ConfigDict, Field

from api.deps import ContextDep, StaffDep
from schema.knowledge import (
    ENTRY_ID_PATTERN,
    CorrectionAnswer,
    CorrectionBody,
    EntryContent,
    EntryView,
    NoteBody,
    ReasonBody,
    RevisionBody,
)
from services import knowledge
from services.choices import catalogue_choices
from services.knowledge_figures import UnitKnowledgeFigures, knowledge_figures
from services.knowledge_search import KnowledgeHit, search_knowledge

router = APIRouter(prefix="/v1/knowledge", tags=["knowledge"])

EntryId = Annotated[
    str, Path(pattern=ENTRY_ID_PATTERN, description="KB and six digits, after any prefix")
]
IdempotencyKey = Annotated[str | None, Header(max_length=200, pattern=r"^[\x21-\x7e]+$")]


class NewEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    owner: str | None = Field(
        default=None, max_length=64, description="the owning unit; a unit's own by default"
    )
    content: EntryContent


@router.post("", status_code=201, response_model=EntryView)
async def create_entry(
    body: NewEntry, actor: StaffDep, context: ContextDep, idempotency_key: IdempotencyKey = None
) -> EntryView:
    """A new entry, in draft: by the centre (supervisors, admins) for any unit, or by a
    unit for itself. A retry with the same ``Idempotency-Key`` answers with the same entry."""
    return await knowledge.create_entry(context, actor, body.owner, body.content, idempotency_key)


@router.get("", response_model=list[KnowledgeHit])
async def search(
    actor: StaffDep,
    context: ContextDep,
    q: Annotated[str, Query(min_length=1, max_length=200, description="what to look for")],
    category: Annotated[str | None, Query(max_length=40)] = None,
    district: Annotated[str | None, Query(max_length=64)] = None,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> list[KnowledgeHit]:
    """Published entries holding every word of ``q``, best first: matches in the title and
    the question forms count before the answer's; entries of ``category`` (or a category
    above it) first; entries for other districts than ``district`` left out."""
    chain = (await catalogue_choices(context)).tree.chain(category) if category else None
    return await search_knowledge(
        context, actor, q, category_chain=chain, district=district, limit=limit
    )


@router.get("/figures", response_model=list[UnitKnowledgeFigures])
async def figures(actor: StaffDep, context: ContextDep) -> list[UnitKnowledgeFigures]:
    """Per owning unit: entries, published, stale, reviews overdue, corrections open,
    overdue, answered on time and late (supervisors and admins)."""
    return await knowledge_figures(context, actor)


@router.get("/{entry_id}", response_model=knowledge.EntryPage)
async def read_entry(
    entry_id: EntryId,
    actor: StaffDep,
    context: ContextDep,
    version: Annotated[int | None, Query(ge=1)] = None,
) -> knowledge.EntryPage:
    """The entry with the revision that answers (or ``version``: its owner and the centre
    read every revision) and its history."""
    return await knowledge.entry_page(context, actor, entry_id, version)


def _step_route(step: str, body_type: type[BaseModel], summary: str) -> None:
    async def take(
        entry_id: EntryId,
        body: body_type,  # type: ignore[valid-type]
        actor: StaffDep,
        context: ContextDep,
        idempotency_key: IdempotencyKey = None,
    ) -> EntryView:
        return await knowledge.take_step(context, actor, entry_id, step, body, idempotency_key)

    take.__annotations__["body"] = body_type
    router.add_api_route(
        f"/{{entry_id}}/{step}",
        take,
        methods=["POST"],
        response_model=EntryView,
        summary=summary,
        name=f"knowledge_{step.replace('-', '_')}",
    )


for _step, _body, _summary in (
    ("revise", RevisionBody, "A new revision (back to review if it was in review or published)"),
    ("submit", NoteBody, "Submit the draft to its owning unit's review"),
    ("approve", NoteBody, "The owning unit approves the revision in review"),
    ("send-back", ReasonBody, "Send the revision in review back to draft, with the reason"),
    ("publish", NoteBody, "The centre publishes an approved revision"),
    ("review", NoteBody, "The periodic review: the published entry is still right"),
    ("retire", ReasonBody, "The centre retires the entry"),
    ("correct", CorrectionBody, "Raise a correction (纠错): a task for the owner"),
):
    _step_route(_step, _body, _summary)


@router.post("/{entry_id}/corrections/{number}/answer", response_model=EntryView)
async def answer_correction(
    entry_id: EntryId,
    number: Annotated[int, Path(ge=1, le=10_000)],
    body: CorrectionAnswer,
    actor: StaffDep,
    context: ContextDep,
    idempotency_key: IdempotencyKey = None,
) -> EntryView:
    """The owner's answer to a correction: accepted (and revised) or rejected, with why."""
    return await knowledge.answer_correction(
        context, actor, entry_id, number, body, idempotency_key
    )
