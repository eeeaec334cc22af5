"""Before the "order-climbs-on-its-own-deadline" patch: a second step missing its grace
(the reply's, while the sign's supervision order stood) hardened the standing order at
once, so a red order went to leader supervision before its own deadline. With the patch a
rung comes only when the previous rung's deadline is missed: the standing order climbs on
its own deadline, and the step missed under it is recorded and told to the supervisors,
as under a leader or a meeting (``workflows.ticket.ladder.supervise_missed_step``).

The old side is ``ladder.raise_order`` itself, which a missed step still calls when no
order stands.
"""

from __future__ import annotations

PATCH = "order-climbs-on-its-own-deadline"
