"""RFC 3261 client transactions (§17.1): the INVITE one and the non-INVITE one (BYE, CANCEL).

Each transaction owns its retransmission and timeout timers and reports to its
transaction user (the call in ``uac.py``) through three callbacks: a response to act
on, a failure ("timeout" or "transport"), and its own end, after which the user
agent forgets it. The INVITE transaction follows RFC 6026: after a 2xx it stays
"accepted" for 64·T1 so that retransmitted 2xx still reach the call (which ACKs each).
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import Callable

from outpace.sip.config import Timers
from outpace.sip.message import Incoming
from outpace.sip.transport import Transport, TransportError

__all__ = ["ClientTransaction", "InviteTransaction", "NonInviteTransaction", "State"]

TransactionKey = tuple[str, str]  # (Via branch, CSeq method)


class State(enum.Enum):
    CALLING = "calling"  # INVITE sent (non-INVITE: "trying")
    PROCEEDING = "proceeding"
    COMPLETED = "completed"
    ACCEPTED = "accepted"
    TERMINATED = "terminated"


class ClientTransaction:
    """Shared machinery: one request, its timers, and the callbacks to the call."""

    def __init__(
        self,
        key: TransactionKey,
        request: bytes,
        transport: Transport,
        timers: Timers,
        *,
        on_response: Callable[[Incoming], None],
        on_failure: Callable[[str], None],
        on_terminated: Callable[[ClientTransaction], None],
    ) -> None:
        self.key = key
        self.request = request
        self.transport = transport
        self.timers = timers
        self.state = State.CALLING
        self.retransmissions = 0
        self._on_response = on_response
        self._on_failure = on_failure
        self._on_terminated = on_terminated
        self._handles: dict[str, asyncio.TimerHandle] = {}

    # Timers are named so that starting one again replaces it.
    def _start_timer(self, name: str, delay: float, callback: Callable[[], None]) -> None:
        self._stop_timer(name)
        self._handles[name] = asyncio.get_running_loop().call_later(delay, callback)

    def _stop_timer(self, name: str) -> None:
        handle = self._handles.pop(name, None)
        if handle is not None:
            handle.cancel()

    def _send(self, data: bytes) -> bool:
        try:
            self.transport.send(data)
        except TransportError:
            self.fail("transport")
            return False
        return True

    def fail(self, reason: str) -> None:
        """End the transaction and tell the call why (timeout or transport error)."""
        if self.state is State.TERMINATED:
            return
        self.terminate()
        self._on_failure(reason)

    def terminate(self) -> None:
        if self.state is State.TERMINATED:
            return
        self.state = State.TERMINATED
        for handle in self._handles.values():
            handle.cancel()
        self._handles.clear()
        self._on_terminated(self)

    def start(self) -> None:
        raise NotImplementedError

    def receive(self, response: Incoming) -> None:
        raise NotImplementedError


class InviteTransaction(ClientTransaction):
    """INVITE client transaction: timers A (UDP), B, D and the RFC 6026 timer M."""

    def __init__(
        self,
        key: TransactionKey,
        request: bytes,
        transport: Transport,
        timers: Timers,
        *,
        on_response: Callable[[Incoming], None],
        on_failure: Callable[[str], None],
        on_terminated: Callable[[ClientTransaction], None],
        build_ack: Callable[[Incoming], bytes],
    ) -> None:
        super().__init__(
            key, request, transport, timers, on_response=on_response, on_failure=on_failure, on_terminated=on_terminated
        )
        self._build_ack = build_ack
        self._ack: bytes | None = None
        self._interval_a = self.timers.t1

    def start(self) -> None:
        if not self._send(self.request):
            return
        if not self.transport.reliable:
            self._start_timer("A", self._interval_a, self._timer_a)
        self._start_timer("B", self.timers.b, self._timer_b)

    def _timer_a(self) -> None:
        if self.state is not State.CALLING:
            return
        self.retransmissions += 1
        if self._send(self.request):
            self._interval_a *= 2
            self._start_timer("A", self._interval_a, self._timer_a)

    def _timer_b(self) -> None:
        if self.state is State.CALLING:
            self.fail("timeout")

    def cancelled(self) -> None:
        """A CANCEL went out: if no final response comes within 64·T1, give up (§9.1)."""
        if self.state in (State.CALLING, State.PROCEEDING):
            self._start_timer("C", self.timers.b, lambda: self.fail("timeout"))

    def receive(self, response: Incoming) -> None:
        code = response.code
        if self.state in (State.CALLING, State.PROCEEDING):
            if code < 200:
                self.state = State.PROCEEDING
                self._stop_timer("A")
                self._stop_timer("B")
                self._on_response(response)
            elif code < 300:
                self.state = State.ACCEPTED
                for name in ("A", "B", "C"):
                    self._stop_timer(name)
                self._start_timer("M", self.timers.b, self.terminate)
                self._on_response(response)
            else:
                self.state = State.COMPLETED
                for name in ("A", "B", "C"):
                    self._stop_timer(name)
                self._ack = self._build_ack(response)
                if not self._send(self._ack):
                    return
                self._on_response(response)
                delay = 0.0 if self.transport.reliable else self.timers.d
                self._start_timer("D", delay, self.terminate)
        elif self.state is State.COMPLETED and code >= 300 and self._ack is not None:
            # A retransmitted final response: our ACK was lost, send it again.
            self.retransmissions += 1
            self._send(self._ack)
        elif self.state is State.ACCEPTED and 200 <= code < 300:
            self._on_response(response)  # the call ACKs every 2xx (§13.2.2.4)


class NonInviteTransaction(ClientTransaction):
    """BYE or CANCEL client transaction: timers E (UDP), F and K."""

    def __init__(
        self,
        key: TransactionKey,
        request: bytes,
        transport: Transport,
        timers: Timers,
        *,
        on_response: Callable[[Incoming], None],
        on_failure: Callable[[str], None],
        on_terminated: Callable[[ClientTransaction], None],
    ) -> None:
        super().__init__(
            key, request, transport, timers, on_response=on_response, on_failure=on_failure, on_terminated=on_terminated
        )
        self._interval_e = self.timers.t1

    def start(self) -> None:
        if not self._send(self.request):
            return
        if not self.transport.reliable:
            self._start_timer("E", self._interval_e, self._timer_e)
        self._start_timer("F", self.timers.b, self._timer_f)

    def _timer_e(self) -> None:
        if self.state not in (State.CALLING, State.PROCEEDING):
            return
        self.retransmissions += 1
        if self._send(self.request):
            if self.state is State.PROCEEDING:
                self._interval_e = self.timers.t2
            else:
                self._interval_e = min(2 * self._interval_e, self.timers.t2)
            self._start_timer("E", self._interval_e, self._timer_e)

    def _timer_f(self) -> None:
        if self.state in (State.CALLING, State.PROCEEDING):
            self.fail("timeout")

    def receive(self, response: Incoming) -> None:
        if self.state not in (State.CALLING, State.PROCEEDING):
            return  # retransmitted final: absorbed until timer K
        if response.code < 200:
            self.state = State.PROCEEDING
            return
        self.state = State.COMPLETED
        self._stop_timer("E")
        self._stop_timer("F")
        self._on_response(response)
        delay = 0.0 if self.transport.reliable else self.timers.t4
        self._start_timer("K", delay, self.terminate)
