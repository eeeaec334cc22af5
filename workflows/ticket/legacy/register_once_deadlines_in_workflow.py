"""Before the "register-once-deadlines-in-workflow" patch: registration took two local
activities (the policy, then the route) and every deadline one more
(``compute_due_instants``, which ``workflows.ticket.deadlines`` still calls for these
tickets: they carry no working-day sheet). With the patch: one ``register_ticket``, and
deadlines computed in the workflow on the sheet it records.
"""

from __future__ import annotations

from schema.activity_io import Registration, RouteQuery
from workflows import activity_calls as calls
from workflows.ticket.state import TicketState

PATCH = "register-once-deadlines-in-workflow"


async def register(s: TicketState) -> Registration:
    """What the patched ``register_ticket`` returns, from the two activities of before."""
    policy = await calls.load_policy()
    route = await calls.route_request(
        RouteQuery(category=s.intake.category, district=s.intake.district)
    )
    return Registration(policy=policy, route=route, working_days=None)
