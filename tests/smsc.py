"""A small SMSC for the SMPP tests, built on smpplib's own PDU classes.

It serves bind_transmitter / bind_transceiver, submit_sm (answering each destination
with scripted statuses per attempt, then 0: 0 accepted, 0x58 throttled, 0x0B bad address ...), enquire_link
and unbind, sends a delivery receipt (deliver_sm) after each accepted submit to a
transceiver, and can hang up on a client or stay silent to test what the client does
then. Loopback only; one thread per connection.
"""

from __future__ import annotations

import socket
import socketserver
import struct
import threading
import time
from collections import Counter
from typing import Any, Self

import smpplib.smpp
from smpplib.client import SimpleSequenceGenerator


class Smsc:
    def __init__(
        self,
        *,
        system_id: str = "shop",
        password: str = "secret",
        statuses: dict[str, list[int]] | None = None,
        silent: set[str] | None = None,
        hangup_after: int | None = None,
    ) -> None:
        self.system_id, self.password = system_id, password
        self.statuses = statuses or {}
        self.silent = silent or set()
        self.hangup_after = hangup_after  # close each connection after this many accepted submits
        self.tries: Counter[str] = Counter()
        self.accepted: list[tuple[str, bytes, int, float]] = []  # destination, text, data_coding, time
        self.binds = 0
        self.max_sessions = 0
        self._sessions = 0
        self._lock = threading.Lock()
        outer = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                outer._serve(self.request)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.port = int(self.server.server_address[1])
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def _serve(self, sock: socket.socket) -> None:
        seq = SimpleSequenceGenerator()
        transceiver = False
        accepted_here = 0
        with self._lock:
            self._sessions += 1
            self.max_sessions = max(self.max_sessions, self._sessions)
        try:
            while True:
                header = _read(sock, 4)
                if header is None:
                    return
                (length,) = struct.unpack(">L", header)
                body = _read(sock, length - 4)
                if body is None:
                    return
                pdu: Any = smpplib.smpp.parse_pdu(header + body, client=seq, allow_unknown_opt_params=True)
                name = pdu.command
                if name in ("bind_transmitter", "bind_transceiver"):
                    ok = pdu.system_id == self.system_id.encode() and pdu.password == self.password.encode()
                    with self._lock:
                        self.binds += ok
                    transceiver = name == "bind_transceiver"
                    self._reply(sock, f"{name}_resp", pdu, seq, 0 if ok else 0x0E, system_id="testsmsc")
                    if not ok:
                        return
                elif name == "submit_sm":
                    dest = pdu.destination_addr.decode()
                    with self._lock:
                        self.tries[dest] += 1
                        attempt = self.tries[dest]
                    if dest in self.silent:
                        continue  # never answers: the client must time out
                    script = self.statuses.get(dest, [])
                    status = script[attempt - 1] if attempt <= len(script) else 0  # then accepted
                    if status:
                        self._reply(sock, "submit_sm_resp", pdu, seq, status, message_id="")
                        continue
                    with self._lock:
                        self.accepted.append((dest, bytes(pdu.short_message), int(pdu.data_coding or 0), time.monotonic()))
                        message_id = f"m{len(self.accepted)}"
                    self._reply(sock, "submit_sm_resp", pdu, seq, 0, message_id=message_id)
                    if transceiver:
                        receipt = smpplib.smpp.make_pdu(
                            "deliver_sm", client=seq, source_addr=pdu.destination_addr.decode(),
                            destination_addr=pdu.source_addr.decode(),
                            esm_class=0x04, data_coding=0,
                            short_message=f"id:{message_id}".encode() + b" sub:001 dlvrd:001 submit date:2406011200 "
                            b"done date:2406011200 stat:DELIVRD err:000 text:",
                        )
                        sock.sendall(receipt.generate())
                    accepted_here += 1
                    if self.hangup_after is not None and accepted_here >= self.hangup_after:
                        return  # hang up between two messages (an idle timeout, a restart)
                elif name == "enquire_link":
                    self._reply(sock, "enquire_link_resp", pdu, seq, 0)
                elif name == "unbind":
                    self._reply(sock, "unbind_resp", pdu, seq, 0)
                    return
                # deliver_sm_resp and the rest need no answer
        finally:
            with self._lock:
                self._sessions -= 1
            sock.close()

    @staticmethod
    def _reply(sock: socket.socket, name: str, request: Any, seq: SimpleSequenceGenerator, status: int, **fields: Any) -> None:
        resp = smpplib.smpp.make_pdu(name, client=seq, status=status, **fields)
        resp.sequence = request.sequence
        sock.sendall(resp.generate())


def _read(sock: socket.socket, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        try:
            chunk = sock.recv(n - len(data))
        except OSError:
            return None
        if not chunk:
            return None
        data += chunk
    return data
