"""``hotline api``: uvicorn serving the one ASGI app, alone on its port or sharing it.

With ``HOTLINE_API_REUSE_PORT`` several ``hotline api`` processes on one machine listen on
the same address: each binds its own socket with ``SO_REUSEPORT`` and the kernel spreads
new connections over them, so no proxy is needed in front of them on that machine, and
one that dies leaves the others answering. uvicorn has no option for it, so the socket
is made here and handed to its server.
"""

from __future__ import annotations

import socket

import uvicorn

from hotline.settings import Settings
from startup.asgi import create_app


def listening_socket(host: str, port: int, *, reuse_port: bool) -> socket.socket:
    """A bound TCP socket for the API, shared with the other processes when ``reuse_port``."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    listener = socket.socket(family, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn's own
    if reuse_port:
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    listener.bind((host, port))
    listener.set_inheritable(True)
    return listener


def serve_api(settings: Settings) -> None:
    # Our logging only: uvicorn's own access log would print request paths raw (a codec
    # URL's token, control characters); the API logs every request itself.
    config = uvicorn.Config(
        create_app(settings),
        host=settings.api_host,
        port=settings.api_port,
        log_config=None,
        access_log=False,
    )
    server = uvicorn.Server(config)
    if not settings.api_reuse_port:
        server.run()
        return
    listener = listening_socket(settings.api_host, settings.api_port, reuse_port=True)
    try:
        server.run(sockets=[listener])
    finally:
        listener.close()
