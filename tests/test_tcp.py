"""The app's server sends small responses at once (homeshore/tcp.py): Nagle's algorithm off on the connections it
accepts, although Streamlit binds its socket without a protocol number. Each check runs in a fresh interpreter, so
that one that widened asyncio's rule cannot hide another's result."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def accepted_nodelay() -> int:
    """``TCP_NODELAY`` on a connection accepted by an asyncio server listening on a socket bound as Streamlit's
    (``socket.socket(family)``: protocol number 0), as the server sees it."""

    async def accept_one() -> int:
        listener = socket.socket(family=socket.AF_INET)
        listener.bind(("127.0.0.1", 0))
        listener.listen()
        listener.setblocking(False)
        accepted: asyncio.Future[int] = asyncio.get_running_loop().create_future()

        def on_connect(_: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            accepted.set_result(writer.get_extra_info("socket").getsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY))
            writer.close()

        server = await asyncio.start_server(on_connect, sock=listener)
        async with server:
            _, client = await asyncio.open_connection(*listener.getsockname()[:2])
            value = await asyncio.wait_for(accepted, 30)
            client.close()
        return value

    return asyncio.run(accept_one())


def in_fresh_python(setup: str) -> int:
    """:func:`accepted_nodelay` in a new interpreter, after running ``setup`` there."""
    code = f"import sys; sys.path[:0] = [{str(REPO)!r}, {str(REPO / 'tests')!r}]\n{setup}\n"
    code += "import test_tcp; print(test_tcp.accepted_nodelay())"
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    done = subprocess.run([sys.executable, "-c", code], cwd=REPO, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip().splitlines()[-1])


def test_without_it_this_python_leaves_nagle_on_where_streamlit_binds_its_socket() -> None:
    assert in_fresh_python("") == 0, "asyncio now sets TCP_NODELAY on its own: homeshore/tcp.py can go"


def test_send_at_once_turns_nagle_off_on_the_connections_accepted_afterwards() -> None:
    assert in_fresh_python("from homeshore import tcp; tcp.send_at_once(); tcp.send_at_once()") != 0


def test_a_run_of_the_app_makes_its_server_send_at_once() -> None:
    setup = "from streamlit.testing.v1 import AppTest; AppTest.from_file('app.py', default_timeout=120).run()"
    assert in_fresh_python(setup) != 0
