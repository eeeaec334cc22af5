"""An Open311 GeoReport v2 facade, so civic-issue apps can report to and follow the hotline.

Services are the dispatch catalogue's categories. A request becomes a ticket (the
district comes as ``attribute[district]``; a phone number is required, since the
hotline calls back). Status is only ``open``/``closed``; the 12345 state goes in
``status_notes`` and the reply deadline in ``expected_datetime``. A photo comes in as the
file ``media`` or as ``media_url`` and goes out as ``media_url`` (``services.open311_media``).
No personal data is ever served here. JSON and XML; errors are ``[{code, description}]``.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ElementTree
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

from fastapi import APIRouter, Request, Response
from pydantic import BaseModel
from starlette.datastructures import UploadFile

from api.deps import ContextDep
from api.errors import ErrorBody
from hotline.personal_data import mask_text
from schema.body import out_of_day_range
from schema.ticket import Actor, Channel, Citizen, Role, TicketCreate, TicketType, TicketView
from services import catalogue_reads, open311, open311_media
from services.choices import catalogue_choices
from services.errors import ServiceError
from services.tickets import register_ticket

router = APIRouter(prefix="/open311/v2", tags=["open311"])

Format = Literal["json", "xml"]
MAX_SPAN = timedelta(days=90)
SPECIFICATION = "http://wiki.open311.org/GeoReport_v2"


class GeoReportError(BaseModel):
    """One of GeoReport v2's errors; an error answer is a list of them (XML: ``<errors>``)."""

    code: int  # the HTTP status
    description: str


_XML = {"text/xml": {"schema": {"type": "string", "description": "GeoReport v2 XML"}}}
_ERRORS = {
    400: "a missing or malformed field, or a date out of range",
    403: "no valid api_key, or this server takes no requests",
    404: "no such service or service request",
    413: "the photo is larger than the attachments' limit",
    415: "the photo is not a type the hotline takes (by its content)",
    422: "the photo is corrupt or empty",
    503: "the hotline could not take the request now; retry",
}


def answers(*errors: int) -> dict[int | str, dict[str, Any]]:
    """The OpenAPI answers of an operation: JSON or XML as the path's format says, errors in
    GeoReport's shape, and a format other than json or xml refused as /v1 refuses input."""
    documented: dict[int | str, dict[str, Any]] = {
        200: {"description": "JSON, or XML for a path ending in .xml", "content": _XML}
    }
    for status in errors:
        documented[status] = {
            "model": list[GeoReportError],
            "description": f"{_ERRORS[status]} (XML for .xml)",
            "content": _XML,
        }
    wrong_format = "a format other than json or xml (answered as /v1 answers)"
    if 422 in documented:
        documented[422]["description"] += f"; or {wrong_format}"
    else:
        documented[422] = {"model": ErrorBody, "description": wrong_format}
    return documented


def render(data: Any, fmt: Format, root: str, item: str, status: int = 200) -> Response:
    if fmt == "json":
        return Response(_json(data), status_code=status, media_type="application/json")
    element = ElementTree.Element(root)
    for entry in data if isinstance(data, list) else [data]:
        _to_xml(ElementTree.SubElement(element, item) if isinstance(data, list) else element, entry)
    body = ElementTree.tostring(element, encoding="unicode")
    return Response(
        f'<?xml version="1.0" encoding="UTF-8"?>{body}',
        status_code=status,
        media_type="text/xml; charset=utf-8",
    )


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, default=str)


def _to_xml(parent: ElementTree.Element, entry: dict[str, Any]) -> None:
    for key, value in entry.items():
        if isinstance(value, list):
            holder = ElementTree.SubElement(parent, key)
            for member in value:
                child = ElementTree.SubElement(holder, key.rstrip("s") or key)
                if isinstance(member, dict):
                    _to_xml(child, member)
                else:
                    child.text = _text(member)
        elif isinstance(value, dict):
            _to_xml(ElementTree.SubElement(parent, key), value)
        else:
            ElementTree.SubElement(parent, key).text = _text(value)


def _text(value: Any) -> str:
    """XML leaf text: empty for null, true/false for booleans (as in the JSON form)."""
    if value is None:
        return ""
    return str(value).lower() if isinstance(value, bool) else str(value)


def error(fmt: Format, status: int, description: str) -> Response:
    return render([{"code": status, "description": description}], fmt, "errors", "error", status)


def _iso(moment: datetime | None) -> str | None:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z") if moment else None


FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
REQUIRED_FIELDS = ("service_code", "description", "phone", "attribute[district]")
# Where this facade asks more than GeoReport v2 does, and why (also in the discovery).
STRICTER = {
    "phone": "a 12345 ticket needs a number to call the citizen back for a rating",
    "description": "the hotline dispatches on what the citizen describes",
}


def _coordinates(lat: str | None, long: str | None) -> tuple[float | None, float | None]:
    """Both or neither, as WGS 84 degrees in range."""
    if not lat and not long:
        return None, None
    try:
        point = float(lat or ""), float(long or "")
    except ValueError:
        raise ValueError("lat and long must both be decimal degrees") from None
    if not (-90 <= point[0] <= 90 and -180 <= point[1] <= 180):
        raise ValueError("lat must be within ±90 and long within ±180")
    return point


@router.get("/discovery.{fmt}", responses=answers())
async def discovery(fmt: Format, request: Request) -> Response:
    base = str(request.base_url).rstrip("/") + "/open311/v2/"
    return render(
        {
            "changeset": "2026-11-22T00:00:00Z",
            "contact": "12345 hotline centre",
            "key_service": "ask the hotline centre for an API key",
            "notes": "Stricter than GeoReport v2: "
            + "; ".join(f"{field} is required ({why})" for field, why in STRICTER.items()),
            "endpoints": [
                {
                    "specification": SPECIFICATION,
                    "url": base,
                    "changeset": "2026-11-22T00:00:00Z",
                    "type": "production",
                    "formats": ["text/xml", "application/json"],
                }
            ],
        },
        fmt,
        "discovery",
        "discovery",
    )


async def _services(context: ContextDep) -> list[dict[str, Any]]:
    return [
        {
            "service_code": category.code,
            "service_name": category.name,
            "description": category.path,
            "metadata": True,
            "type": "realtime",
            "keywords": ",".join(category.synonyms),
            "group": category.lead,
        }
        for category in await catalogue_reads.categories(context)
    ]


@router.get("/services.{fmt}", responses=answers())
async def services(fmt: Format, context: ContextDep) -> Response:
    return render(await _services(context), fmt, "services", "service")


@router.get("/services/{service_code}.{fmt}", responses=answers(404))
async def service_definition(service_code: str, fmt: Format, context: ContextDep) -> Response:
    if service_code not in {s["service_code"] for s in await _services(context)}:
        return error(fmt, 404, f"no service {service_code}")
    choices = await catalogue_choices(context)
    return render(
        {
            "service_code": service_code,
            "attributes": [
                {
                    "variable": True,
                    "code": "district",
                    "datatype": "singlevaluelist",
                    "required": True,
                    "datatype_description": "the district where the problem is",
                    "order": 1,
                    "description": "District",
                    "values": [
                        {"key": d, "name": choices.place_name(d)} for d in choices.districts
                    ],
                }
            ],
        },
        fmt,
        "service_definition",
        "service_definition",
    )


def _status_notes(ticket: TicketView) -> str:
    notes = f"12345 status: {ticket.status.value}"
    if ticket.closure_reason:
        notes += f" ({ticket.closure_reason.value})"
    return notes


def _request_record(
    ticket: TicketView, agencies: dict[str, str], media: str | None = None
) -> dict[str, Any]:
    return {
        "service_request_id": ticket.ticket_no,
        "status": "closed" if ticket.status.value == "closed" else "open",
        "status_notes": _status_notes(ticket),
        "service_name": ticket.category.replace("-", " "),
        "service_code": ticket.category,
        "description": mask_text(ticket.description),
        "agency_responsible": agencies.get(ticket.lead_department or "", ""),
        "service_notice": "",
        "requested_datetime": _iso(ticket.created_at),
        "updated_datetime": _iso(ticket.updated_at),
        "expected_datetime": _iso(ticket.deadlines.get("reply")),
        "address": mask_text(ticket.address or ""),
        "address_id": "",
        "zipcode": "",
        "lat": ticket.lat if ticket.lat is not None else "",
        "long": ticket.long if ticket.long is not None else "",
        "media_url": media or "",
    }


@router.post("/requests.{fmt}", responses=answers(400, 403, 404, 413, 415, 422, 503))
async def post_request(fmt: Format, request: Request, context: ContextDep) -> Response:
    if not request.headers.get("content-type", "").startswith(FORM_TYPES):
        return error(fmt, 400, "send the request form-encoded (application/x-www-form-urlencoded)")
    keys = {k.strip() for k in context.settings.open311_api_keys.split(",") if k.strip()}
    if not keys:
        return error(fmt, 403, "this server takes no Open311 requests: it has no API keys")
    form = await request.form()
    api_key = str(form.get("api_key", ""))
    if api_key not in keys:
        return error(fmt, 403, "a valid api_key is required")
    fields = {k: str(v) for k, v in form.items() if not isinstance(v, UploadFile)}
    missing = [f for f in REQUIRED_FIELDS if not fields.get(f)]
    if missing:
        stricter = [f"{f} ({STRICTER[f]})" for f in missing if f in STRICTER]
        note = f"; stricter than GeoReport v2: {', '.join(stricter)}" if stricter else ""
        return error(fmt, 400, f"missing: {', '.join(missing)}{note}")
    try:
        lat, long = _coordinates(fields.get("lat"), fields.get("long"))
    except ValueError as problem:
        return error(fmt, 400, str(problem))
    if not (fields.get("address_string") or lat is not None):
        return error(fmt, 400, "a location is required: lat and long, or address_string")
    if fields["service_code"] not in {s["service_code"] for s in await _services(context)}:
        return error(fmt, 404, f"no service {fields['service_code']}")
    actor = Actor(sub=f"open311:{api_key[:6]}", role=Role.INTEGRATOR)
    media = form.get("media")
    file = (media.filename, await media.read()) if isinstance(media, UploadFile) else None
    try:
        files = await open311_media.upload_media(context, actor, file, fields.get("media_url"))
    except ServiceError as problem:
        return error(fmt, problem.status, problem.message)
    name = " ".join(p for p in (fields.get("first_name"), fields.get("last_name")) if p)
    try:
        body = TicketCreate(
            channel=Channel.WEB,
            type=TicketType.COMPLAINT,
            category=fields["service_code"],
            description=fields["description"],
            district=fields["attribute[district]"],
            address=fields.get("address_string", "")[:400] or None,
            lat=lat,
            long=long,
            citizen=Citizen(name=name or "Open311", phone=fields["phone"]),
            attachments=files,
        )
    except ValueError as problem:
        return error(fmt, 400, f"invalid request: {problem}".splitlines()[0])
    try:
        ticket = (await register_ticket(context, body, actor, None)).ticket
    except ServiceError as problem:
        return error(fmt, 503 if problem.status == 503 else 400, problem.message)
    lead = (await catalogue_reads.department_names(context)).get(ticket.lead_department or "", "")
    notice = f"dispatched to {lead}" if lead else "received; an agent will dispatch it"
    return render(
        [{"service_request_id": ticket.ticket_no, "service_notice": notice, "account_id": None}],
        fmt,
        "service_requests",
        "request",
    )


@router.get("/requests.{fmt}", responses=answers(400))
async def get_requests(fmt: Format, request: Request, context: ContextDep) -> Response:
    query = request.query_params
    try:
        end = _parse_date(query.get("end_date")) or datetime.now(UTC)
        start = _parse_date(query.get("start_date")) or end - MAX_SPAN
    except ValueError as problem:
        return error(fmt, 400, str(problem))
    if end - start > MAX_SPAN:
        return error(fmt, 400, "start_date and end_date may span at most 90 days")
    wanted = set(status.split(",")) if (status := query.get("status")) else set()
    if not wanted <= {"open", "closed"}:
        return error(fmt, 400, "status is open, closed, or both")
    only = wanted.pop() if len(wanted) == 1 else None  # both, or neither: no filter
    tickets = await open311.service_requests(
        context,
        start=start,
        end=end,
        ids=ids.split(",") if (ids := query.get("service_request_id")) else None,
        categories=codes.split(",") if (codes := query.get("service_code")) else None,
        open=None if only is None else only == "open",
    )
    agencies = await catalogue_reads.department_names(context)
    media = await open311_media.public_media(
        context, _base(request), [ticket.ticket_no for ticket in tickets]
    )
    records = [_request_record(t, agencies, media.get(t.ticket_no)) for t in tickets]
    return render(records, fmt, "service_requests", "request")


@router.get("/requests/{service_request_id}.{fmt}", responses=answers(404))
async def get_request(
    service_request_id: str, fmt: Format, request: Request, context: ContextDep
) -> Response:
    ticket = await open311.service_request(context, service_request_id)
    if ticket is None:
        return error(fmt, 404, f"no service request {service_request_id}")
    media = await open311_media.public_media(context, _base(request), [ticket.ticket_no])
    agencies = await catalogue_reads.department_names(context)
    record = _request_record(ticket, agencies, media.get(ticket.ticket_no))
    return render([record], fmt, "service_requests", "request")


def _base(request: Request) -> str:
    return str(request.base_url).rstrip("/")


def _parse_date(text: str | None) -> datetime | None:
    if not text:
        return None
    try:
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise ValueError(f"not an ISO 8601 date: {text}") from None
    problem = out_of_day_range(moment)
    if problem is not None:
        raise ValueError(f"{text}: {problem}")
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


@router.api_route("/{anything:path}", methods=["GET", "POST"], include_in_schema=False)
async def unknown_resource(anything: str) -> Response:
    """Anything else under the facade answers in GeoReport's error shape, not /v1's."""
    fmt: Format = "xml" if anything.endswith(".xml") else "json"
    return error(
        fmt,
        404,
        f"no resource '{anything}': GeoReport v2 paths end in .json or .xml, "
        "e.g. discovery.json, services.json, requests.json",
    )
