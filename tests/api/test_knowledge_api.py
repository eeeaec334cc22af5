"""The knowledge base over HTTP, on SQLite and PostgreSQL: an entry written by its unit,
approved by it and published by the centre, then found by Chinese words — two-character
words, the way citizens ask it before what the answer mentions, snippets marking the
words; drafts found by nobody, other districts' entries left out; the life's refusals in
the contract's shape; a retried step applied once; a correction answered."""

from __future__ import annotations

import uuid
from typing import Any

from schema.ticket import Role
from tests.support.api_client import Api

UNIT = "urban-management"


def content(**changes: Any) -> dict[str, Any]:
    words = uuid.uuid4().hex[:8]  # a word no other test's entry holds
    body: dict[str, Any] = {
        "title": f"占道经营投诉如何处理 {words}",
        "questions": ["小区门口有人摆摊怎么办", "夜市占道谁来管"],
        "answer": "占道经营由城市管理综合执法部门负责查处。市民可拨打12345反映，"
        "执法队员一般在2小时内到场核查，对流动摊贩先劝导后依法处罚。",
        "basis": "城市市容和环境卫生管理条例第十四条",
        "document_no": "国务院令第101号",
        "categories": ["010101"],
        "districts": [],
    }
    body.update(changes)
    return body


async def published(api: Api, **changes: Any) -> tuple[str, dict[str, Any]]:
    unit, keeper = api.department(UNIT), api.token(Role.SUPERVISOR)
    body = content(**changes)
    created = await api.http.post("/v1/knowledge", json={"content": body}, headers=unit)
    assert created.status_code == 201, created.text
    entry_id = created.json()["entry_id"]
    for step, headers in (("submit", unit), ("approve", unit), ("publish", keeper)):
        answer = await api.http.post(f"/v1/knowledge/{entry_id}/{step}", json={}, headers=headers)
        assert answer.status_code == 200, (step, answer.text)
    return entry_id, body


async def search(api: Api, q: str, **params: str) -> list[dict[str, Any]]:
    answer = await api.http.get("/v1/knowledge", params={"q": q, **params}, headers=api.agent)
    assert answer.status_code == 200, answer.text
    hits: list[dict[str, Any]] = answer.json()
    return hits


async def test_a_published_entry_is_found_by_how_citizens_ask(api: Api) -> None:
    entry_id, body = await published(api)
    marker = body["title"].split()[-1]
    hits = await search(api, f"摆摊 {marker}")
    assert [h["id"] for h in hits] == [entry_id]
    [hit] = hits
    assert hit["owner"] == UNIT and hit["document_no"] == "国务院令第101号" and not hit["stale"]
    # Two-character words, in the answer too, with the snippet marking them.
    [found] = [h for h in await search(api, "执法 到场") if h["id"] == entry_id]
    marked = {found["snippet"][m["start"] : m["end"]] for m in found["highlights"]}
    assert {"执法", "到场"} <= marked
    # The agent reads the answering revision; its history shows it published.
    page = (await api.http.get(f"/v1/knowledge/{entry_id}", headers=api.agent)).json()
    assert page["content"]["answer"] == body["answer"] and page["shown_version"] == 1
    assert "published" in [step["step"] for step in page["history"]]


async def test_the_title_and_questions_outrank_the_answer(api: Api) -> None:
    tag = uuid.uuid4().hex[:6]
    in_title, _ = await published(api, title=f"井盖破损维修 {tag}", questions=[], answer="联系市政")
    in_answer, _ = await published(
        api, title=f"道路养护 {tag}", questions=[], answer="路面坑洼、井盖破损由市政养护"
    )
    ranked = [h["id"] for h in await search(api, f"井盖 {tag}")]
    assert ranked == [in_title, in_answer]


async def test_drafts_and_other_districts_are_not_found(api: Api) -> None:
    unit = api.department(UNIT)
    draft = content()
    marker = draft["title"].split()[-1]
    created = await api.http.post("/v1/knowledge", json={"content": draft}, headers=unit)
    assert created.status_code == 201
    assert await search(api, marker) == []
    draft_id = created.json()["entry_id"]
    hidden = await api.http.get(f"/v1/knowledge/{draft_id}", headers=api.agent)
    assert hidden.status_code == 404  # a draft is its writers' business
    probed = await api.http.post(
        f"/v1/knowledge/{draft_id}/correct", json={"text": "试探草稿"}, headers=api.agent
    )
    assert probed.status_code == 404  # not even through a step
    elsewhere, body = await published(api, districts=["putuo"])
    tag = body["title"].split()[-1]
    assert [h["id"] for h in await search(api, tag, district="putuo")] == [elsewhere]
    assert await search(api, tag, district="dinghai") == []


async def test_the_life_refuses_what_it_must_and_applies_a_retry_once(api: Api) -> None:
    unit, keeper = api.department(UNIT), api.token(Role.SUPERVISOR)
    created = await api.http.post("/v1/knowledge", json={"content": content()}, headers=unit)
    entry_id = created.json()["entry_id"]
    other = await api.http.post(
        "/v1/knowledge", json={"owner": "transport", "content": content()}, headers=unit
    )
    assert other.status_code == 403  # a unit writes its own entries only
    once = {**unit, "Idempotency-Key": f"create-{uuid.uuid4().hex}"}
    body = {"content": content()}
    made, remade = [await api.http.post("/v1/knowledge", json=body, headers=once) for _ in "12"]
    assert made.status_code == remade.status_code == 201
    assert made.json()["entry_id"] == remade.json()["entry_id"]
    changed = await api.http.post("/v1/knowledge", json={"content": content()}, headers=once)
    assert changed.status_code == 422 and changed.json()["error"]["code"] == (
        "idempotency_key_reused"
    )
    bad = await api.http.post("/v1/knowledge", json={"content": {"title": "x"}}, headers=unit)
    assert bad.status_code == 422
    not_yet = await api.http.post(f"/v1/knowledge/{entry_id}/publish", json={}, headers=keeper)
    assert not_yet.status_code == 409 and not_yet.json()["error"]["code"] == "invalid_state"
    key = {"Idempotency-Key": f"submit-{uuid.uuid4().hex}"}
    first = await api.http.post(
        f"/v1/knowledge/{entry_id}/submit", json={}, headers={**unit, **key}
    )
    again = await api.http.post(
        f"/v1/knowledge/{entry_id}/submit", json={}, headers={**unit, **key}
    )
    assert first.status_code == again.status_code == 200 and first.json() == again.json()
    by_agent = await api.http.post(f"/v1/knowledge/{entry_id}/approve", json={}, headers=api.agent)
    assert by_agent.status_code == 404  # an unpublished entry is not the agent's to know
    by_other_unit = await api.http.post(
        f"/v1/knowledge/{entry_id}/approve", json={}, headers=api.department("transport")
    )
    assert by_other_unit.status_code == 404
    unpublished = await api.http.post(f"/v1/knowledge/{entry_id}/publish", json={}, headers=keeper)
    assert unpublished.status_code == 409
    assert unpublished.json()["error"]["message"].startswith("the owning unit")
    empty = await api.http.get("/v1/knowledge", params={"q": "，。"}, headers=api.agent)
    assert empty.status_code == 422
    unknown = await api.http.get("/v1/knowledge/KB999999", headers=api.agent)
    assert unknown.status_code == 404
    past = await api.http.post(
        "/v1/knowledge", json={"content": content(valid_to="2020-01-31")}, headers=unit
    )
    assert past.status_code == 422 and "valid_to" in past.json()["error"]["message"]
    retired = await api.http.post(
        f"/v1/knowledge/{entry_id}/retire", json={"reason": "政策已废止"}, headers=keeper
    )
    assert retired.status_code == 200 and retired.json()["state"] == "retired"
    ended = await api.http.post(f"/v1/knowledge/{entry_id}/submit", json={}, headers=unit)
    assert ended.status_code == 409


async def test_a_snippet_marks_the_words_after_text_that_folds_unevenly(api: Api) -> None:
    answer = "注意……室外温度低于5℃时，ＰＭ２．５超标的停工通知由生态环境局发布。"
    entry_id, body = await published(api, answer=answer)
    tag = body["title"].split()[-1]
    [hit] = [h for h in await search(api, f"停工 {tag}") if h["id"] == entry_id]
    marked = [hit["snippet"][m["start"] : m["end"]] for m in hit["highlights"]]
    assert "停工" in marked


async def test_a_correction_is_raised_from_an_answer_and_answered_by_the_owner(api: Api) -> None:
    entry_id, _ = await published(api)
    raised = await api.http.post(
        f"/v1/knowledge/{entry_id}/correct",
        json={"text": "执法队员到场时限已改为1小时"},
        headers=api.agent,
    )
    assert raised.status_code == 200, raised.text
    [correction] = raised.json()["corrections"]
    assert correction["answered_at"] is None and correction["raised_by"] == "agent:test-agent"
    answered = await api.http.post(
        f"/v1/knowledge/{entry_id}/corrections/1/answer",
        json={"accepted": True, "note": "已核实，将修订"},
        headers=api.department(UNIT),
    )
    assert answered.status_code == 200, answered.text
    assert answered.json()["corrections"][0]["accepted"] is True
    revised = await api.http.post(
        f"/v1/knowledge/{entry_id}/revise",
        json={"content": content(answer="执法队员一般在1小时内到场核查。"), "why": "按纠错修订"},
        headers=api.department(UNIT),
    )
    assert revised.status_code == 200 and revised.json()["state"] == "in_review"
    # The published revision keeps answering while the new one is reviewed.
    page = (await api.http.get(f"/v1/knowledge/{entry_id}", headers=api.agent)).json()
    assert page["shown_version"] == 1 and "2小时" in page["content"]["answer"]


async def test_the_centre_reads_each_units_knowledge_figures(api: Api) -> None:
    keeper = api.token(Role.SUPERVISOR)
    before = {f["owner"]: f for f in await figures(api, keeper)}.get(UNIT, {})
    entry_id, _ = await published(api)
    await api.http.post(
        f"/v1/knowledge/{entry_id}/correct", json={"text": "电话号码有误"}, headers=api.agent
    )
    after = {f["owner"]: f for f in await figures(api, keeper)}[UNIT]
    assert after["published"] == before.get("published", 0) + 1
    assert after["corrections_open"] == before.get("corrections_open", 0) + 1
    refused = await api.http.get("/v1/knowledge/figures", headers=api.agent)
    assert refused.status_code == 403


async def figures(api: Api, headers: dict[str, str]) -> list[dict[str, Any]]:
    answer = await api.http.get("/v1/knowledge/figures", headers=headers)
    assert answer.status_code == 200, answer.text
    found: list[dict[str, Any]] = answer.json()
    return found
