"""``hotline up``: one command brings up Temporal + UI, worker and API; Ctrl-C stops it all."""

from __future__ import annotations

import re
import signal
import subprocess

import httpx

from tests.support.data import intake_json
from tests.support.stack import binary, port_open, wait_until_up


def workflow_show(ports: dict[str, int], ticket_no: str, *options: str) -> str:
    shown = subprocess.run(
        [
            binary("temporal"),
            "workflow",
            "show",
            "--workflow-id",
            f"ticket-{ticket_no}",
            "--address",
            f"127.0.0.1:{ports['temporal']}",
            "--detailed",
            *options,
        ],
        capture_output=True,
        text=True,
        timeout=30,
        check=True,
    )
    return shown.stdout


def dev_server_command(ports: dict[str, int]) -> list[str]:
    """The command line of the dev server that `hotline up` started on our port."""
    found = subprocess.run(
        ["pgrep", "-af", "start-dev"], capture_output=True, text=True, check=False
    ).stdout
    mine = [line for line in found.splitlines() if str(ports["temporal"]) in line]
    return mine[0].split() if mine else []


def sign_in(api: str, banner: str, role: str) -> str:
    """The demo account of ``role`` from the banner (made at first start, with a generated
    password), signed in through POST /v1/auth/token."""
    shown = re.search(rf"^\s+{role}\s+(demo-{role})\s+(\S+)$", banner, re.MULTILINE)
    assert shown, banner
    answer = httpx.post(
        f"{api}/v1/auth/token",
        json={"username": shown.group(1), "password": shown.group(2)},
        timeout=30,
    )
    assert answer.status_code == 200, answer.text
    token: str = answer.json()["access_token"]
    return token


def test_one_command_runs_everything_and_ctrl_c_stops_it(stack) -> None:
    process, ports, log = stack
    banner = wait_until_up(process, log)
    assert f"http://127.0.0.1:{ports['ui']}" in banner
    assert port_open(ports["ui"]) and port_open(ports["temporal"])

    api = f"http://127.0.0.1:{ports['api']}"
    headers = {"Authorization": f"Bearer {sign_in(api, banner, 'agent')}"}
    created = httpx.post(f"{api}/v1/tickets", json=intake_json(), headers=headers, timeout=30)
    assert created.status_code == 201, created.text
    assert created.json()["lead_department"] == "urban-management"  # the demo city is loaded

    shown = workflow_show(ports, created.json()["ticket_no"])
    assert "13812341234" not in shown  # without the codec: sealed payloads only
    decoded = workflow_show(
        ports,
        created.json()["ticket_no"],
        "--codec-endpoint",
        f"{api}/codec",
        "--codec-auth",
        f"Bearer {sign_in(api, banner, 'supervisor')}",
    )
    assert "13812341234" in decoded  # an authorised operator reads the ticket
    # The dev UI has no sign-in: by default it is given no codec token to hand out.
    command = dev_server_command(ports)
    assert command and "--ui-codec-endpoint" not in command, command
    ui_settings = httpx.get(f"http://127.0.0.1:{ports['ui']}/api/v1/settings", timeout=30)
    assert ui_settings.status_code == 200 and "/codec/t/" not in ui_settings.text

    process.send_signal(signal.SIGINT)
    assert process.wait(timeout=30) == 0, log.read_text()
    for port in ports.values():
        assert not port_open(port), f"port {port} still open after Ctrl-C"


def test_sigterm_stops_everything_too(stack) -> None:
    """What a service manager or ``docker stop`` sends: no dev server may be left behind."""
    process, ports, log = stack
    wait_until_up(process, log)
    assert dev_server_command(ports)
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=30) == 0, log.read_text()
    assert dev_server_command(ports) == [], "the dev server outlived hotline up"
    for port in ports.values():
        assert not port_open(port), f"port {port} still open after SIGTERM"
