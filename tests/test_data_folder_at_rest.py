"""The data folder of a real stack (``hotline up``: Temporal's database, the read model and
its WAL, the keys) holds no phone or ID-card number a person wrote, in any free text,
while the API still serves them to an agent."""

from __future__ import annotations

import re
import signal
from pathlib import Path
from typing import Any

import httpx

from tests.support.data import intake_json
from tests.support.stack import wait_until_up

PHONE = "13912345678"
ID_CARD = "110101199003071234"
QUOTED = f"请回电 {PHONE}，身份证 {ID_CARD}"


def numbers_in_data_folder(data: Path) -> dict[str, list[str]]:
    """Which of the numbers each file of the data folder holds, byte for byte."""
    found = {}
    for path in data.rglob("*"):
        if path.is_file():
            raw = path.read_bytes()
            held = [number for number in (PHONE, ID_CARD) if number.encode() in raw]
            if held:
                found[str(path.relative_to(data))] = held
    return found


def sign_in(api: str, banner: str, role: str) -> dict[str, str]:
    """The headers of the demo account of ``role`` in the banner (``department
    (urban-management)  demo-department  <password>``)."""
    shown = re.search(rf"^\s+{role}\b.*\s(demo-{role})\s+(\S+)$", banner, re.MULTILINE)
    assert shown, banner
    body = {"username": shown.group(1), "password": shown.group(2)}
    answer = httpx.post(f"{api}/v1/auth/token", json=body, timeout=30)
    assert answer.status_code == 200, answer.text
    return {"Authorization": f"Bearer {answer.json()['access_token']}"}


def test_free_text_is_sealed_in_the_data_folder(stack, tmp_path: Path) -> None:
    process, ports, log = stack
    banner = wait_until_up(process, log)
    api = f"http://127.0.0.1:{ports['api']}"
    as_role = {role: sign_in(api, banner, role) for role in ("agent", "department", "supervisor")}

    def act(action: str, role: str, body: dict[str, Any]) -> None:
        answer = httpx.post(
            f"{api}/v1/tickets/{no}/{action}", json=body, headers=as_role[role], timeout=30
        )
        assert answer.status_code == 200, answer.text

    created = httpx.post(
        f"{api}/v1/tickets",
        json=intake_json(description=f"摊位占道 {QUOTED}", address=f"环南路12号 {PHONE}"),
        headers=as_role["agent"],
        timeout=30,
    )
    assert created.status_code == 201, created.text
    no = created.json()["ticket_no"]
    act("sign", "department", {"note": QUOTED})
    act("progress", "department", {"content": f"进展 {QUOTED}"})
    act("extension", "department", {"working_days": 2, "reason": f"延期 {QUOTED}"})
    act("extension-review", "agent", {"approve": True, "note": QUOTED})
    act("supervise", "supervisor", {"note": f"督办 {QUOTED}"})
    act("reply", "department", {"outcome": "resolved", "content": f"答复 {QUOTED}"})
    act("rating", "agent", {"satisfaction": "satisfied", "solved": True, "comment": QUOTED})

    served = httpx.get(f"{api}/v1/tickets/{no}/timeline", headers=as_role["agent"], timeout=30)
    assert served.status_code == 200, served.text
    assert served.text.count(PHONE) >= 6 and served.text.count(ID_CARD) >= 6  # in full
    ticket = httpx.get(f"{api}/v1/tickets/{no}", headers=as_role["agent"], timeout=30).json()
    assert ticket["status"] == "closed" and PHONE in ticket["description"]

    data = tmp_path / "data"
    assert (data / "hotline.db-wal").exists() and (data / "temporal.db").exists()
    assert numbers_in_data_folder(data) == {}  # running: the WAL holds the newest pages
    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0, log.read_text()
    assert numbers_in_data_folder(data) == {}  # stopped: checkpointed into the files
