"""The API's per-request path stays on the event loop: no dependency runs in a thread."""

from __future__ import annotations

import inspect
from typing import Any

from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute

from startup.asgi import ROUTERS


def _calls(dependant: Dependant) -> list[Any]:
    found = []
    for sub in dependant.dependencies:
        found.append(sub.call)
        found.extend(_calls(sub))
    return found


def test_every_route_dependency_is_a_coroutine() -> None:
    """FastAPI runs a plain-function dependency in its thread pool: a hop per request."""
    routes = [route for router in ROUTERS for route in router.routes]
    assert len(routes) > 40
    threaded = set()
    for route in routes:
        assert isinstance(route, APIRoute)
        for call in _calls(route.dependant):
            is_async = inspect.iscoroutinefunction(call) or inspect.iscoroutinefunction(
                getattr(call, "__call__", None)  # noqa: B004  (a security scheme instance)
            )
            if not is_async:
                threaded.add(getattr(call, "__qualname__", repr(call)))
    assert threaded == set()
