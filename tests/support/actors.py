"""The actors a workflow test acts as."""

from __future__ import annotations

from schema.ticket import Actor, Role

AGENT = Actor(sub="agent-1", role=Role.AGENT)
INTEGRATOR = Actor(sub="ivr", role=Role.INTEGRATOR)
SUPERVISOR = Actor(sub="sup-1", role=Role.SUPERVISOR)


def department(code: str) -> Actor:
    return Actor(sub=f"{code}-clerk", role=Role.DEPARTMENT, department=code)
