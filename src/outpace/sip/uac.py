"""The SIP user agent client: places calls on one trunk and hangs them up.

``invite`` sends an INVITE with an SDP offer and returns once the call is answered
or has failed; ``hangup`` sends BYE. In between, the UAC keeps the RFC 3261 rules
(see ``shared/notes/sip.md`` §1): the ring timer starts at the first 180/183 and a
CANCEL follows it; every final response is ACKed (non-2xx inside the INVITE
transaction, 2xx as its own request to the remote target through the route set,
once per retransmitted 2xx); a 401/407 is answered once with digest credentials.

Every message received goes through ``message.parse``; what it cannot read is
dropped, so nothing the network sends raises here. Timers keep every call finite:
timer B without any response, the ring timeout and 64·T1 after a CANCEL, timer F
for BYE.
"""

from __future__ import annotations

import asyncio
import logging
import secrets
import uuid

from sipmessage import Response

from outpace.sip import digest
from outpace.sip.call import Call, CallOutcome, Ending
from outpace.sip.config import Timers
from outpace.sip.message import (
    Incoming,
    address,
    build_request,
    new_branch,
    new_tag,
    parse,
    sdp_offer,
)
from outpace.sip.transaction import (
    ClientTransaction,
    InviteTransaction,
    NonInviteTransaction,
    TransactionKey,
)
from outpace.sip.transport import Transport, TransportError, open_transport

__all__ = ["UserAgentClient"]

log = logging.getLogger(__name__)


class UserAgentClient:
    """Outbound calls on one trunk (``host:port`` over ``transport``).

    Args:
        transport: "udp" or "tcp".
        host, port: the trunk.
        local_host: address to bind and advertise.
        timers: RFC 3261 timer bases (seconds).
        caller: user part of From.
        username, password: digest credentials, if the trunk challenges.
    """

    def __init__(
        self,
        transport: str,
        host: str,
        port: int,
        *,
        local_host: str = "127.0.0.1",
        timers: Timers | None = None,
        caller: str = "outpace",
        username: str | None = None,
        password: str | None = None,
    ) -> None:
        self.timers = timers or Timers()
        self.host, self.port = host, port
        self.caller = caller
        self.username, self.password = username, password
        self.transport: Transport = open_transport(transport, host, port, local_host, self.receive, self._transport_error)
        self._transactions: dict[TransactionKey, ClientTransaction] = {}
        self._calls: dict[str, Call] = {}
        self.last_response_at = float("-inf")  # loop time of the last response parsed
        self.dropped_messages = 0  # received but unreadable or unmatched

    # ---- introspection --------------------------------------------------------------

    @property
    def open_transactions(self) -> int:
        """Transactions not yet terminated (INVITE, CANCEL, BYE)."""
        return len(self._transactions)

    @property
    def active_calls(self) -> int:
        """Calls still set up or being set up."""
        return len(self._calls)

    def close(self) -> None:
        for tx in list(self._transactions.values()):
            tx.terminate()
        self.transport.close()

    # ---- addresses ------------------------------------------------------------------

    def _via(self, branch: str) -> str:
        t = self.transport
        return f"SIP/2.0/{t.name} {t.local_host}:{t.local_port};branch={branch};rport"

    def _contact(self) -> str:
        t = self.transport
        return f"<sip:{self.caller}@{t.local_host}:{t.local_port};transport={t.name.lower()}>"

    def request_uri(self, number: str) -> str:
        suffix = ";transport=tcp" if self.transport.reliable else ""
        return f"sip:{number}@{self.host}:{self.port}{suffix}"

    # ---- placing a call -------------------------------------------------------------

    async def invite(self, number: str, *, ring_timeout: float) -> Call:
        """Call ``number`` and return when it is answered or has failed (see ``call.outcome``).

        ``ring_timeout`` is in seconds from the first provisional response; the legal
        floor of 15 s is enforced by ``TrunkConfig``, not here, so that tests may ring
        shorter.
        """
        if not ring_timeout > 0:
            raise ValueError(f"ring_timeout must be > 0 seconds (got {ring_timeout!r})")
        loop = asyncio.get_running_loop()
        uri = self.request_uri(number)
        try:
            await self.transport.ensure_open()
        except TransportError:
            call = Call(call_id="", request_uri=uri, local_uri="", from_tag="")
            call.outcome = CallOutcome(Ending.TRANSPORT)
            return call
        t = self.transport
        call = Call(
            call_id=f"{uuid.uuid4().hex}@{t.local_host}",
            request_uri=uri,
            local_uri=f"sip:{self.caller}@{t.local_host}",
            from_tag=new_tag(),
        )
        call.final = loop.create_future()
        self._calls[call.call_id] = call
        self._send_invite(call, ring_timeout)
        try:
            await asyncio.shield(call.final)
        finally:
            self._stop_ring_timer(call)
        if not call.answered:
            self._calls.pop(call.call_id, None)
        return call

    def _send_invite(self, call: Call, ring_timeout: float) -> None:
        t = self.transport
        call.invite_branch = new_branch()
        headers: tuple[tuple[str, str], ...] = (("Allow", "INVITE, ACK, CANCEL, BYE, OPTIONS"),)
        if call.auth_header is not None:
            headers += (call.auth_header,)
        call.invite_bytes = build_request(
            "INVITE",
            call.request_uri,
            via=self._via(call.invite_branch),
            from_=address(call.local_uri, call.from_tag),
            to=address(call.request_uri),
            call_id=call.call_id,
            cseq=call.cseq,
            contact=self._contact(),
            headers=headers,
            body=sdp_offer(t.local_host, 4000 + (secrets.randbelow(10000) * 2), secrets.randbelow(2**31)),
            content_type="application/sdp",
        )
        tx = InviteTransaction(
            (call.invite_branch, "INVITE"),
            call.invite_bytes,
            t,
            self.timers,
            on_response=lambda r: self._invite_response(call, r, ring_timeout),
            on_failure=lambda reason: self._invite_failed(call, reason),
            on_terminated=self._forget,
            build_ack=lambda r: self._non2xx_ack(call, r),
        )
        self._transactions[tx.key] = tx
        tx.start()

    def _finish(self, call: Call, outcome: CallOutcome) -> None:
        if call.outcome is not None:
            return
        call.outcome = outcome
        self._stop_ring_timer(call)
        if call.final is not None and not call.final.done():
            call.final.set_result(outcome)

    def _stop_ring_timer(self, call: Call) -> None:
        if call.ring_timer is not None:
            call.ring_timer.cancel()
            call.ring_timer = None

    def _invite_response(self, call: Call, r: Incoming, ring_timeout: float) -> None:
        call.responded = True
        if r.code < 200:
            # The ring timer runs from the first provisional and restarts at the first
            # 180/183, so a trunk that only says 100 Trying cannot hold a call forever.
            ringing = r.code in (180, 183)
            if call.ring_timer is None or (ringing and not call.ringing):
                self._stop_ring_timer(call)
                call.ring_timer = asyncio.get_running_loop().call_later(ring_timeout, self._ring_timeout_expired, call)
            call.ringing = call.ringing or ringing
        elif r.code < 300:
            self._answered(call, r)
        elif r.code in (401, 407) and call.auth_header is None and self._retry_with_credentials(call, r, ring_timeout):
            return
        else:
            ending = Ending.RING_TIMEOUT if call.cancel_sent and r.code == 487 else Ending.REJECTED
            self._finish(call, CallOutcome(ending, r.code, r.cause, True, r.retry_after))

    def _invite_failed(self, call: Call, reason: str) -> None:
        if call.cancel_sent:
            ending = Ending.RING_TIMEOUT  # it rang; the trunk just never confirmed the CANCEL
        elif reason == "transport":
            ending = Ending.TRANSPORT
        else:
            ending = Ending.NO_RESPONSE if not call.responded else Ending.RING_TIMEOUT
        self._finish(call, CallOutcome(ending, None, None, call.responded))

    def _retry_with_credentials(self, call: Call, r: Incoming, ring_timeout: float) -> bool:
        if self.username is None or self.password is None:
            return False
        chosen = digest.choose_challenge(r.challenges())
        if chosen is None:
            return False
        header, challenge = chosen
        call.auth_header = digest.authorization(
            header, challenge, username=self.username, password=self.password, method="INVITE", uri=call.request_uri
        )
        call.cseq += 1
        self._stop_ring_timer(call)
        call.ringing = False
        self._send_invite(call, ring_timeout)
        return True

    def _ring_timeout_expired(self, call: Call) -> None:
        call.ring_timer = None
        if call.outcome is not None or call.cancel_sent:
            return
        tx = self._transactions.get((call.invite_branch, "INVITE"))
        if not isinstance(tx, InviteTransaction):
            return
        call.cancel_sent = True
        # CANCEL copies the INVITE's Request-URI, Call-ID, From, To (no tag), CSeq number
        # and its one Via with the same branch (§9.1).
        cancel = build_request(
            "CANCEL",
            call.request_uri,
            via=self._via(call.invite_branch),
            from_=address(call.local_uri, call.from_tag),
            to=address(call.request_uri),
            call_id=call.call_id,
            cseq=call.cseq,
        )
        self._start_non_invite((call.invite_branch, "CANCEL"), cancel, None)
        tx.cancelled()

    def _non2xx_ack(self, call: Call, r: Incoming) -> bytes:
        # Part of the INVITE transaction: same branch and Request-URI, To from the response.
        return build_request(
            "ACK",
            call.request_uri,
            via=self._via(call.invite_branch),
            from_=address(call.local_uri, call.from_tag),
            to=address(call.request_uri, r.to_tag),
            call_id=call.call_id,
            cseq=call.cseq,
        )

    def _answered(self, call: Call, r: Incoming) -> None:
        ack = call.acks.get(r.cseq)
        if ack is None:
            if call.to_tag is None:
                call.to_tag = r.to_tag
                call.remote_target = r.contact or call.request_uri
                call.route_set = tuple(reversed(r.record_route))
            headers = (call.auth_header,) if call.auth_header else ()
            # The 2xx ACK is a transaction of its own: new branch, sent to the remote target.
            ack = build_request(
                "ACK",
                call.remote_target or call.request_uri,
                via=self._via(new_branch()),
                from_=address(call.local_uri, call.from_tag),
                to=address(call.request_uri, call.to_tag),
                call_id=call.call_id,
                cseq=r.cseq,
                routes=call.route_set,
                headers=headers,
            )
            call.acks[r.cseq] = ack
        try:
            self.transport.send(ack)
        except TransportError:
            log.warning("could not send ACK for %s", call.call_id)
        self._finish(call, CallOutcome(Ending.ANSWERED, r.code, r.cause, True))

    # ---- hanging up -----------------------------------------------------------------

    async def hangup(self, call: Call) -> bool:
        """Send BYE on an answered call; True if the trunk confirmed it (any final response).

        Returns at once if the call was not answered or has already ended.
        """
        if not call.answered or call.ended:
            self._calls.pop(call.call_id, None)
            return False
        call.ended = True
        call.cseq += 1
        branch = new_branch()
        bye = build_request(
            "BYE",
            call.remote_target or call.request_uri,
            via=self._via(branch),
            from_=address(call.local_uri, call.from_tag),
            to=address(call.request_uri, call.to_tag),
            call_id=call.call_id,
            cseq=call.cseq,
            routes=call.route_set,
        )
        done: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        try:
            await self.transport.ensure_open()  # TCP: reconnect if the trunk closed it
        except TransportError:
            self._calls.pop(call.call_id, None)
            return False
        self._start_non_invite((branch, "BYE"), bye, done)
        try:
            return await asyncio.shield(done)
        finally:
            self._calls.pop(call.call_id, None)

    def _start_non_invite(self, key: TransactionKey, request: bytes, done: asyncio.Future[bool] | None) -> None:
        def settle(value: bool) -> None:
            if done is not None and not done.done():
                done.set_result(value)

        tx = NonInviteTransaction(
            key,
            request,
            self.transport,
            self.timers,
            on_response=lambda r: settle(True),
            on_failure=lambda reason: settle(False),
            on_terminated=self._forget,
        )
        self._transactions[key] = tx
        tx.start()

    def _forget(self, tx: ClientTransaction) -> None:
        if self._transactions.get(tx.key) is tx:
            del self._transactions[tx.key]

    # ---- receiving ------------------------------------------------------------------

    def receive(self, data: bytes) -> None:
        """Take one message from the transport (a datagram, or one framed from TCP)."""
        try:
            message = parse(data)
            if message is None:
                self.dropped_messages += 1
                return
            if message.is_response:
                self._response(message)
            else:
                self._request(message)
        except Exception:
            # The transport callback must never raise: count it, log it, carry on.
            self.dropped_messages += 1
            log.exception("dropped a SIP message that broke its handler")

    def _response(self, r: Incoming) -> None:
        self.last_response_at = asyncio.get_running_loop().time()
        tx = self._transactions.get((r.branch, r.cseq_method))
        if tx is not None:
            tx.receive(r)
            return
        call = self._calls.get(r.call_id)
        if call is not None and r.cseq_method == "INVITE" and 200 <= r.code < 300 and r.cseq in call.acks:
            self._answered(call, r)  # a 2xx retransmitted after the transaction ended
            return
        self.dropped_messages += 1

    def _request(self, r: Incoming) -> None:
        if r.method == "ACK":
            return
        call = self._calls.get(r.call_id)
        if r.method == "BYE" and call is not None and call.answered:
            self._reply(r, 200, "OK")
            call.ended = True
            call.remote_hangup.set()
            self._calls.pop(call.call_id, None)
        elif r.method == "BYE":
            self._reply(r, 481, "Call/Transaction Does Not Exist")
        elif r.method == "OPTIONS":
            self._reply(r, 200, "OK")
        else:
            self._reply(r, 501, "Not Implemented")

    def _reply(self, r: Incoming, code: int, phrase: str) -> None:
        response = Response(code, phrase)
        h = response.headers
        for via in r.message.headers.getlist("Via"):
            h.add("Via", via)
        to = r.message.headers.get("To") or ""
        if code != 100 and r.to_tag is None:
            to = f"{to};tag={new_tag()}"
        h.add("From", r.message.headers.get("From") or "")
        h.add("To", to)
        h.add("Call-ID", r.call_id)
        h.add("CSeq", f"{r.cseq} {r.cseq_method}")
        h.add("Content-Length", "0")
        try:
            self.transport.send(bytes(response))
        except TransportError:
            pass

    def _transport_error(self, exc: Exception) -> None:
        if not self.transport.reliable:
            # ICMP errors on UDP cannot be tied to a transaction; timer B/F will end them.
            log.debug("UDP error from the trunk: %s", exc)
            return
        # The TCP connection carried every open transaction: they all fail now.
        for tx in list(self._transactions.values()):
            tx.fail("transport")
