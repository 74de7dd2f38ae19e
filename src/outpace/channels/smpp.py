"""SMS over SMPP 3.4 (smpplib), one bound session per concurrent send.

smpplib is a blocking client, so each session runs its I/O in a worker thread
(``asyncio.to_thread``), one call at a time. A message is one ``submit_sm`` (or one per
part when the text needs several, GSM 7-bit or UCS-2 as smpplib encodes it); the
``submit_sm_resp`` status decides: 0 accepted (with the SMSC's message id), throttling
and queue-full statuses (0x58, 0x14, 0x08) deferred, anything else rejected (0x0B: bad
destination address). A session the SMSC closed while idle is noticed and re-bound
before the next submit, so that case is retried safely; a connection lost while waiting
for the response may have delivered and is not retried.

Bound as a transceiver, the session also reads the SMSC's delivery receipts
(``deliver_sm`` with ``id:... stat:DELIVRD``) while it works, into :attr:`reports`.
"""

from __future__ import annotations

import asyncio
import functools
import re
import select
import threading
from collections.abc import Callable
from typing import Any

import smpplib.client
import smpplib.consts
import smpplib.exceptions
import smpplib.gsm
import smpplib.smpp

from outpace.channels.transport import (
    Accepted,
    Channel,
    Deferred,
    DeliveryReport,
    Message,
    Rejected,
    SendResult,
    TransportError,
)

__all__ = ["SmppTransport", "parse_receipt"]

TEMPORARY = {0x08: "ESME_RSYSERR", 0x14: "ESME_RMSGQFUL", 0x58: "ESME_RTHROTTLED"}
RECEIPT_STATES = {
    "DELIVRD": "delivered",
    "EXPIRED": "failed",
    "UNDELIV": "failed",
    "DELETED": "failed",
    "REJECTD": "rejected",
    "ACCEPTD": "submitted",
    "ENROUTE": "buffered",
    "UNKNOWN": "failed",
}
_RECEIPT = re.compile(r"id:(?P<id>\S+).*?stat:(?P<stat>[A-Z]+)", re.DOTALL)


def parse_receipt(text: str) -> DeliveryReport:
    """An SMPP delivery receipt's text (``id:IIII sub:SSS dlvrd:DDD ... stat:DDDDDDD
    err:E``) -> DeliveryReport keyed by the SMSC's message id."""
    m = _RECEIPT.search(text)
    if m is None:
        raise ValueError(f"not a delivery receipt: {text[:80]!r}")
    stat = m.group("stat")
    return DeliveryReport(message_id=m.group("id"), state=RECEIPT_STATES.get(stat, "failed"), raw={"text": text})


class _Session:
    """One bound SMPP session; every method blocks and runs in a worker thread."""

    def __init__(self, transport: SmppTransport) -> None:
        self.t = transport
        self.client: Any = None
        self.lock = threading.Lock()

    def bind(self) -> None:
        t = self.t
        client = smpplib.client.Client(t.host, t.port, timeout=t.timeout, allow_unknown_opt_params=True)
        try:
            client.connect()
            bind = client.bind_transceiver if t.receipts else client.bind_transmitter
            bind(system_id=t.system_id, password=t.password, system_type=t.system_type)
        except smpplib.exceptions.PDUError as exc:
            client.disconnect()
            raise TransportError(f"SMSC {t.host}:{t.port} refused the bind: {exc}", may_have_sent=False) from exc
        except (smpplib.exceptions.ConnectionError, OSError) as exc:
            client.disconnect()
            raise TransportError(f"cannot bind to SMSC {t.host}:{t.port}: {exc!r}", may_have_sent=False) from exc
        self.client = client

    def alive(self) -> bool:
        """Read whatever the SMSC sent while the session was idle; False if it hung up."""
        if self.client is None:
            return False
        try:
            while select.select([self.client._socket], [], [], 0)[0]:
                if self._handle(self.client.read_pdu()) == "unbind":
                    return False
        except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError, ValueError):
            return False
        return True

    def _handle(self, pdu: Any) -> str:
        """Answer what the SMSC sends on its own; returns the PDU's command."""
        command = str(pdu.command)
        if command == "enquire_link":
            self._respond("enquire_link_resp", pdu)
        elif command == "deliver_sm":
            text = pdu.short_message.decode("latin-1") if isinstance(pdu.short_message, bytes) else str(pdu.short_message)
            try:
                self.t.reports.append(parse_receipt(text))
            except ValueError:
                pass  # a mobile-originated message, not a receipt: not ours to handle
            self._respond("deliver_sm_resp", pdu)
        elif command == "unbind":
            self._respond("unbind_resp", pdu)
            self.drop()
        return command

    def _respond(self, name: str, request: Any) -> None:
        resp = smpplib.smpp.make_pdu(name, client=self.client)
        resp.sequence = request.sequence
        self.client.send_pdu(resp)

    def submit(self, message: Message) -> SendResult:
        with self.lock:
            if not self.alive():
                self.drop()
                self.bind()
            return self._submit(message)

    def _submit(self, message: Message) -> SendResult:
        t = self.t
        parts, coding, esm_class = smpplib.gsm.make_parts(message.body)
        ids: list[str] = []
        for index, part in enumerate(parts):
            try:
                pdu = self.client.send_message(
                    source_addr_ton=t.source_ton,
                    source_addr_npi=t.source_npi,
                    source_addr=t.source_addr,
                    dest_addr_ton=smpplib.consts.SMPP_TON_INTL,
                    dest_addr_npi=smpplib.consts.SMPP_NPI_ISDN,
                    destination_addr=message.to.lstrip("+"),
                    short_message=part,
                    data_coding=coding,
                    esm_class=esm_class,
                    registered_delivery=1 if t.receipts else 0,
                )
            except (smpplib.exceptions.ConnectionError, OSError) as exc:
                self.drop()
                raise TransportError(f"SMSC connection lost: {exc!r}", may_have_sent=index > 0) from exc
            resp = self._response_to(pdu.sequence)
            if resp.status != 0:
                if index > 0:
                    raise TransportError(
                        f"part {index + 1} of {len(parts)} refused ({resp.status:#04x}) after earlier parts were "
                        "accepted", may_have_sent=True)
                return _classify(int(resp.status))
            raw_id = resp.message_id
            ids.append(raw_id.decode() if isinstance(raw_id, bytes) else str(raw_id or ""))
        return Accepted(provider_id=ids[-1], detail=f"{len(parts)} part(s)" if len(parts) > 1 else "")

    def _response_to(self, sequence: int) -> Any:
        while True:
            try:
                pdu = self.client.read_pdu()
            except (TimeoutError, smpplib.exceptions.ConnectionError, OSError) as exc:
                self.drop()
                raise TransportError(f"no submit_sm_resp from the SMSC: {exc!r}", may_have_sent=True) from exc
            command = self._handle(pdu)
            if command in ("submit_sm_resp", "generic_nack") and pdu.sequence == sequence:
                return pdu
            if command == "unbind":
                raise TransportError("the SMSC unbound while a submit was pending", may_have_sent=True)

    def close(self, linger: float) -> None:
        """Collect receipts for up to ``linger`` seconds, then unbind and disconnect."""
        with self.lock:
            if self.client is None:
                return
            try:
                if linger > 0:
                    self.client._socket.settimeout(linger)
                    try:
                        while True:
                            self._handle(self.client.read_pdu())
                    except TimeoutError:
                        pass
                    self.client._socket.settimeout(self.t.timeout)
                unbind = smpplib.smpp.make_pdu("unbind", client=self.client)
                self.client.send_pdu(unbind)
                while self._handle(self.client.read_pdu()) != "unbind_resp":
                    pass
            except (smpplib.exceptions.ConnectionError, smpplib.exceptions.PDUError, OSError, AttributeError):
                pass
            self.drop()

    def drop(self) -> None:
        if self.client is not None:
            client, self.client = self.client, None
            client.state = smpplib.consts.SMPP_CLIENT_STATE_OPEN  # no "closed while bound" warning
            client.disconnect()


class SmppTransport:
    """Sends SMS over SMPP 3.4 to an SMSC.

    Args:
        host, port: the SMSC (port in [1, 65535]).
        system_id, password: the ESME account.
        system_type: as the SMSC wants it ("" if it does not care).
        source_addr: the sender: a number (TON international) or an alphanumeric id.
        receipts: bind as a transceiver and request delivery receipts.
        timeout: seconds to wait for each response, in (0, 600].
        linger: seconds ``close`` keeps reading receipts before it unbinds, in [0, 600].
    """

    def __init__(
        self,
        host: str,
        port: int = 2775,
        *,
        system_id: str,
        password: str,
        system_type: str = "",
        source_addr: str = "",
        receipts: bool = True,
        timeout: float = 10.0,
        linger: float = 0.0,
    ) -> None:
        if not host:
            raise ValueError("host must be the SMSC's name or address")
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValueError(f"port must be a whole number in [1, 65535] (got {port!r})")
        if not system_id or len(system_id) > 15:
            raise ValueError(f"system_id must be 1 to 15 characters (got {system_id!r})")
        if len(password) > 8:
            raise ValueError("password must be at most 8 characters (SMPP 3.4)")
        if not 0 < timeout <= 600:
            raise ValueError(f"timeout must be in (0, 600] seconds (got {timeout!r})")
        if not 0 <= linger <= 600:
            raise ValueError(f"linger must be in [0, 600] seconds (got {linger!r})")
        self.host, self.port = host, port
        self.system_id, self.password, self.system_type = system_id, password, system_type
        self.source_addr, self.receipts, self.timeout, self.linger = source_addr, receipts, timeout, linger
        if source_addr.lstrip("+").isdigit():
            self.source_ton, self.source_npi = smpplib.consts.SMPP_TON_INTL, smpplib.consts.SMPP_NPI_ISDN
            self.source_addr = source_addr.lstrip("+")
        else:
            self.source_ton, self.source_npi = smpplib.consts.SMPP_TON_ALNUM, smpplib.consts.SMPP_NPI_UNK
        self.reports: list[DeliveryReport] = []
        self._idle: list[_Session] = []
        self._all: list[_Session] = []

    @property
    def channel(self) -> Channel:
        return Channel.SMS

    async def _run(self, fn: Callable[[], Any]) -> Any:
        return await asyncio.to_thread(fn)

    async def _new_session(self) -> _Session:
        session = _Session(self)
        await self._run(session.bind)
        self._all.append(session)
        return session

    async def open(self) -> None:
        # Bind once up front: a wrong host or password shows at once, not per contact.
        self._idle.append(await self._new_session())

    async def send(self, message: Message) -> SendResult:
        session = self._idle.pop() if self._idle else await self._new_session()
        try:
            result: SendResult = await self._run(lambda: session.submit(message))
        finally:
            self._idle.append(session)
        return result

    async def close(self) -> None:
        sessions, self._all, self._idle = self._all, [], []
        await asyncio.gather(*(self._run(functools.partial(s.close, self.linger)) for s in sessions))


def _classify(status: int) -> SendResult:
    code = f"{status:#04x}"
    if status in TEMPORARY:
        return Deferred(code, TEMPORARY[status])
    return Rejected(code, str(smpplib.consts.DESCRIPTIONS.get(status, "SMSC error")))
