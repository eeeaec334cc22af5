"""The request id that follows one HTTP request into workflows and activities: the
context variable that holds it and the Temporal header that carries it.

The API sets ``REQUEST_ID`` per request; ``hotline.request_context`` copies it into and
out of Temporal headers, and the ticket workflow's transition logs read it. Pure
(the standard library only): workflows import it. The worker passes it through the
sandbox (``worker.WORKFLOW_SAFE_MODULES``), so the workflow reads the same variable the
interceptor sets.
"""

from __future__ import annotations

from contextvars import ContextVar

REQUEST_ID: ContextVar[str | None] = ContextVar("hotline_request_id", default=None)
HEADER = "hotline-request-id"
