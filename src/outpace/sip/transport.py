"""SIP over UDP and TCP with asyncio: one socket (or connection) per trunk.

UDP carries one message per datagram. TCP is a byte stream, framed by
``Content-Length`` (RFC 3261 §18.3); ``StreamFramer`` does that and drops what cannot
be framed rather than raising. A TCP connection that closes is reopened on the next
``ensure_open``.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable

from outpace.sip.message import MAX_MESSAGE

__all__ = ["StreamFramer", "TcpTransport", "Transport", "TransportError", "UdpTransport", "open_transport"]

_CONTENT_LENGTH = re.compile(rb"^(?:content-length|l)[ \t]*:[ \t]*(\d{1,9})[ \t]*$", re.IGNORECASE | re.MULTILINE)

OnMessage = Callable[[bytes], None]
OnError = Callable[[Exception], None]


class TransportError(Exception):
    """A message could not be sent (socket closed, connection refused)."""


class StreamFramer:
    """Split a TCP byte stream into SIP messages by Content-Length."""

    def __init__(self) -> None:
        self._buffer = bytearray()

    def feed(self, data: bytes) -> list[bytes]:
        self._buffer += data
        messages: list[bytes] = []
        while True:
            # Keep-alive CRLFs between messages (RFC 5626 §3.5.1) are skipped.
            while self._buffer[:2] == b"\r\n":
                del self._buffer[:2]
            end = self._buffer.find(b"\r\n\r\n")
            if end < 0:
                if len(self._buffer) > MAX_MESSAGE:
                    self._buffer.clear()  # no header end in 64 KiB: not SIP, resynchronise
                return messages
            head = bytes(self._buffer[:end])
            m = _CONTENT_LENGTH.search(head)
            length = int(m.group(1)) if m else 0
            total = end + 4 + length
            if total > MAX_MESSAGE:
                # Unframeable: skip this header block and try to resynchronise on the next.
                del self._buffer[: end + 4]
                continue
            if len(self._buffer) < total:
                return messages
            messages.append(bytes(self._buffer[:total]))
            del self._buffer[:total]


class Transport:
    """Common face of the UDP and TCP transports."""

    name = ""
    reliable = False

    def __init__(self, host: str, port: int, local_host: str, on_message: OnMessage, on_error: OnError) -> None:
        self.remote = (host, port)
        self.local_host = local_host
        self.local_port = 0
        self._on_message = on_message
        self._on_error = on_error

    async def ensure_open(self) -> None:
        raise NotImplementedError

    def send(self, data: bytes) -> None:
        raise NotImplementedError

    def close(self) -> None:
        raise NotImplementedError


class _UdpProtocol(asyncio.DatagramProtocol):
    def __init__(self, owner: UdpTransport) -> None:
        self.owner = owner

    def datagram_received(self, data: bytes, addr: tuple[str | object, ...]) -> None:
        self.owner._on_message(data)

    def error_received(self, exc: Exception) -> None:
        # ICMP port unreachable and the like: the trunk is not there.
        self.owner._on_error(exc)


class UdpTransport(Transport):
    name = "UDP"
    reliable = False

    def __init__(self, host: str, port: int, local_host: str, on_message: OnMessage, on_error: OnError) -> None:
        super().__init__(host, port, local_host, on_message, on_error)
        self._sock: asyncio.DatagramTransport | None = None

    async def ensure_open(self) -> None:
        if self._sock is not None:
            return
        loop = asyncio.get_running_loop()
        try:
            sock, _ = await loop.create_datagram_endpoint(
                lambda: _UdpProtocol(self), local_addr=(self.local_host, 0), remote_addr=self.remote
            )
        except OSError as exc:
            raise TransportError(f"cannot open UDP socket to {self.remote}: {exc}") from exc
        self._sock = sock
        self.local_port = int(sock.get_extra_info("sockname")[1])

    def send(self, data: bytes) -> None:
        if self._sock is None or self._sock.is_closing():
            raise TransportError("UDP socket is closed")
        self._sock.sendto(data)

    def close(self) -> None:
        if self._sock is not None:
            self._sock.close()
            self._sock = None


class _TcpProtocol(asyncio.Protocol):
    def __init__(self, owner: TcpTransport) -> None:
        self.owner = owner
        self.framer = StreamFramer()

    def data_received(self, data: bytes) -> None:
        for message in self.framer.feed(data):
            self.owner._on_message(message)

    def connection_lost(self, exc: Exception | None) -> None:
        self.owner._lost(self, exc)


class TcpTransport(Transport):
    name = "TCP"
    reliable = True

    def __init__(self, host: str, port: int, local_host: str, on_message: OnMessage, on_error: OnError) -> None:
        super().__init__(host, port, local_host, on_message, on_error)
        self._conn: asyncio.Transport | None = None
        self._protocol: _TcpProtocol | None = None
        self._opening: asyncio.Lock | None = None

    async def ensure_open(self) -> None:
        if self._conn is not None and not self._conn.is_closing():
            return
        if self._opening is None:
            self._opening = asyncio.Lock()
        async with self._opening:  # many calls start at once: connect only once
            if self._conn is not None and not self._conn.is_closing():
                return
            loop = asyncio.get_running_loop()
            try:
                conn, protocol = await loop.create_connection(
                    lambda: _TcpProtocol(self), self.remote[0], self.remote[1], local_addr=(self.local_host, 0)
                )
            except OSError as exc:
                raise TransportError(f"cannot connect over TCP to {self.remote}: {exc}") from exc
            self._conn, self._protocol = conn, protocol
            self.local_port = int(conn.get_extra_info("sockname")[1])

    def _lost(self, protocol: _TcpProtocol, exc: Exception | None) -> None:
        if protocol is self._protocol:
            self._conn = self._protocol = None
            self._on_error(exc if exc is not None else TransportError("TCP connection closed by the trunk"))

    def send(self, data: bytes) -> None:
        if self._conn is None or self._conn.is_closing():
            raise TransportError("TCP connection is closed")
        self._conn.write(data)

    def close(self) -> None:
        if self._conn is not None:
            conn, self._conn, self._protocol = self._conn, None, None
            conn.close()


def open_transport(kind: str, host: str, port: int, local_host: str, on_message: OnMessage, on_error: OnError) -> Transport:
    """A transport for ``kind`` ('udp' or 'tcp'); call ``ensure_open`` before sending."""
    if kind == "udp":
        return UdpTransport(host, port, local_host, on_message, on_error)
    if kind == "tcp":
        return TcpTransport(host, port, local_host, on_message, on_error)
    raise ValueError(f"transport must be one of udp, tcp (got {kind!r})")
