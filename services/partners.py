"""Partner hotlines (110 today): who may speak for one."""

from __future__ import annotations

from schema.ticket import Actor, Role
from services.errors import forbidden


def check_speaks_for(actor: Actor, line: str, what: str) -> None:
    """Only an integration the deployment named as ``line``'s (a token issued with
    ``hotline token integrator --speaks-for 110``) acts for that partner line; an agent
    recording the partner's call may too."""
    if actor.role is Role.INTEGRATOR and line not in actor.speaks_for:
        raise forbidden(
            f"{what} is for the {line} integration; this integration ('{actor.sub}') was not "
            f"granted to speak for {line}"
        )
