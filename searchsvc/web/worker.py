"""The gunicorn worker of ``searchsvc serve``: gthread, made to survive slow and hostile clients without a proxy.

gunicorn's gthread worker hands a connection to a thread as soon as its first bytes arrive, and the thread then
blocks reading the rest of the request head: eight clients sending a header line every few seconds held every thread.
Here the event loop collects the request head without blocking and a thread gets the connection only once the head
is complete (or too large, for gunicorn's parser to refuse); a head not complete within ``HEAD_TIMEOUT`` is dropped.
Once a thread has it, every read and write on the socket has a time limit (``IO_TIMEOUT``; a write's limit covers
the whole response), so a client that stops reading its answer frees the thread too.

gunicorn's own error answers (a request line too long, a malformed header) take the service's shapes
(``web.fallback``): JSON on the API paths, a Vietnamese page elsewhere. Its request-line limit, at most 8,190 bytes
in gunicorn, is raised to fit ``params.MAX_QUERY_STRING_BYTES``.

Reaches into gunicorn's gthread internals (``TConn``, ``accept``, ``murder_pending``, ``util.write_error``);
``tests/web/test_serving.py`` runs the real gunicorn with this worker.
"""

from __future__ import annotations

import errno
import selectors
import socket
import threading
import time
from collections import deque
from functools import partial

from gunicorn import util
from gunicorn.http import message
from gunicorn.workers.gthread import TConn, ThreadWorker

from searchsvc.web.fallback import MESSAGES, error_response
from searchsvc.search.params import MAX_QUERY_STRING_BYTES

# Seconds a client has to send a whole request head (nginx's client_header_timeout is the same).
HEAD_TIMEOUT = 10.0
# Seconds any one read, or a whole response's write, may take once a thread serves the connection.
IO_TIMEOUT = 10.0
# The request line: method, path, the longest query string accepted, protocol.
MAX_REQUEST_LINE = MAX_QUERY_STRING_BYTES + 1024
# A head larger than this is handed over as it is, for gunicorn's parser to refuse with its limits.
MAX_HEAD_BYTES = MAX_REQUEST_LINE + 32 * 1024
HEAD_END = b"\r\n\r\n"

_serving = threading.local()


class TimedSocket(socket.socket):
    """A client socket whose blocking mode has a time limit; running out of it is the client's disconnection."""

    def setblocking(self, flag: bool) -> None:
        if flag:
            self.settimeout(IO_TIMEOUT)
        else:
            super().setblocking(False)

    def recv(self, size: int, flags: int = 0) -> bytes:
        try:
            return super().recv(size, flags)
        except TimeoutError:
            return b""  # the parser reads this as a client that left

    def sendall(self, data, flags: int = 0) -> None:
        try:
            super().sendall(data, flags)
        except TimeoutError:
            raise ConnectionResetError(errno.ECONNRESET, "client too slow to read its answer") from None


class HeadFirstWorker(ThreadWorker):
    """gthread, but a thread serves a connection only once its request head has arrived."""

    def init_process(self):
        self.reading_heads: deque[TConn] = deque()
        super().init_process()

    def accept(self, listener):
        try:
            client, address = listener.accept()
        except OSError as error:
            if error.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        timed = TimedSocket(client.family, client.type, client.proto, fileno=client.detach())
        self._read_head(TConn(self.cfg, timed, address, listener.getsockname()))

    def on_client_socket_readable(self, conn, client):
        """A kept-alive connection's next request: its head is collected like a new connection's."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_head(conn)

    def _read_head(self, conn: TConn) -> None:
        conn.head = b""
        conn.head_deadline = time.monotonic() + HEAD_TIMEOUT
        conn.sock.setblocking(False)
        self.reading_heads.append(conn)
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_head_readable, conn))

    def _on_head_readable(self, conn: TConn, client) -> None:
        try:
            data = conn.sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if data:
            conn.head += data
            if HEAD_END not in conn.head and len(conn.head) <= MAX_HEAD_BYTES:
                return
        self.poller.unregister(client)
        self.reading_heads.remove(conn)
        if not data:
            self.nr_conns -= 1
            conn.close()
            return
        conn.data_ready = True
        self.enqueue_req(conn)

    def handle(self, conn):
        """Serve one request, its head already read; remember its path for gunicorn's own error answers."""
        head, conn.head = getattr(conn, "head", b""), b""
        _serving.path = _path_of(head)
        if head:
            conn.init()
            conn.parser.unreader.unread(head)
        return super().handle(conn)

    def murder_pending(self):
        """Also drop connections whose request head did not arrive in time."""
        super().murder_pending()
        now = time.monotonic()
        while self.reading_heads and self.reading_heads[0].head_deadline <= now:
            conn = self.reading_heads.popleft()
            self.poller.unregister(conn.sock)
            self.nr_conns -= 1
            conn.close()


def _path_of(head: bytes) -> str:
    """The path of the request line, as far as it can be read; empty if it cannot."""
    parts = head.split(b"\r\n", 1)[0].split(b" ")
    return parts[1].decode("latin-1") if len(parts) > 1 else ""


def _write_error(sock, status_int: int, reason: str, mesg: str) -> None:
    """gunicorn's error answer in the service's shape for the path being served (``fallback.error_response``)."""
    media_type, body = error_response(status_int if status_int in MESSAGES else 400, getattr(_serving, "path", ""))
    head = (f"HTTP/1.1 {status_int} {reason}\r\nConnection: close\r\nContent-Type: {media_type}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n")
    util.write_nonblock(sock, head.encode("latin-1") + body)


# gunicorn's module-level settings this worker replaces, in the worker processes that load it.
message.MAX_REQUEST_LINE = MAX_REQUEST_LINE
util.write_error = _write_error
