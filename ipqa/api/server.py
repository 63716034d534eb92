"""Running the app under uvicorn (``ipqa serve``): one process, or worker processes that import the app by name.

With workers, uvicorn binds the listening socket itself as ``socket.socket(AF_INET)`` (protocol 0), and asyncio
only turns Nagle's algorithm off on connections whose socket says IPPROTO_TCP: every keep-alive response (headers,
then body, in two writes) then waited ~40 ms for the client's delayed ACK (measured: 20 q/s at one client with
2 workers against 199 q/s with 1). ``NoDelayHTTP`` sets TCP_NODELAY on each connection itself.
"""

from __future__ import annotations

import os
import socket

from uvicorn.protocols.http.auto import AutoHTTPProtocol

from ipqa.api.app import INDEX_ENV, TOKEN_ENV, create_app


class NoDelayHTTP(AutoHTTPProtocol):  # type: ignore[misc, valid-type]
    def connection_made(self, transport) -> None:
        sock = transport.get_extra_info("socket")
        if sock is not None and sock.family in (socket.AF_INET, socket.AF_INET6):
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            except OSError:
                pass
        super().connection_made(transport)


def run(index_dir: str, host: str, port: int, workers: int = 1, token: str | None = None) -> None:
    """Serve until interrupted."""
    import uvicorn

    options = {"host": host, "port": port, "log_level": "info", "http": "ipqa.api.server:NoDelayHTTP"}
    if workers == 1:
        uvicorn.run(create_app(index_dir, token), **options)
        return
    # worker processes import the app by name: the factory reads the folder and token from the environment
    os.environ[INDEX_ENV] = str(index_dir)
    if token:
        os.environ[TOKEN_ENV] = token
    else:
        os.environ.pop(TOKEN_ENV, None)
    uvicorn.run("ipqa.api.app:app_from_env", factory=True, workers=workers, **options)
