"""Before the "transfer-110-awaits-acceptance" patch: 转110 closed the ticket at once as
``transferred_110``. With the patch it waits for 110 to accept or hand it back
(``workflows.ticket.police``).
"""

from __future__ import annotations

from schema.ticket import ClosureReason
from workflows.ticket.closing import closing

PATCH = "transfer-110-awaits-acceptance"
ACTION = "transfer-110"
close_at_once = closing(ClosureReason.TRANSFERRED_110)
