"""Small responses sent at once: Streamlit's server answers each file on a kept-alive connection 40 ms late otherwise.

Streamlit serves the page with uvicorn on a socket it binds itself as ``socket.socket(family)``: its protocol number
is 0, not ``IPPROTO_TCP``, and so is that of every connection it accepts. CPython's asyncio turns Nagle's algorithm
off (``TCP_NODELAY``) only on sockets that say ``IPPROTO_TCP`` (``asyncio.base_events._set_nodelay``), so on these
connections a response's body waits behind its headers until the browser acknowledges them, which a browser delays
by 40 ms. A new session's page loads about a hundred small script files (Streamlit's own, then the map's) over six
kept-alive connections: about 0.7 s of waiting before the map is drawn.

:func:`send_at_once` makes asyncio turn Nagle's algorithm off on every TCP connection this process accepts from
then on. It is called by the app's first run: connections a browser opened before (the first session of a server)
keep the delay until the server closes them, after 5 idle seconds.
"""

from __future__ import annotations

import asyncio.base_events
import socket

_INET = (socket.AF_INET, socket.AF_INET6)


def _set_nodelay(sock: socket.socket) -> None:
    """asyncio's own rule, with a socket created without a protocol number (0: TCP for a stream) counted as TCP."""
    if sock.family in _INET and sock.type == socket.SOCK_STREAM and sock.proto in (0, socket.IPPROTO_TCP):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def send_at_once() -> None:
    """Turn Nagle's algorithm off on the TCP connections asyncio accepts or opens in this process from now on
    (idempotent; nothing happens on a Python whose asyncio no longer has the rule to widen)."""
    if hasattr(asyncio.base_events, "_set_nodelay"):
        setattr(asyncio.base_events, "_set_nodelay", _set_nodelay)  # noqa: B010 (a private name mypy does not know)
