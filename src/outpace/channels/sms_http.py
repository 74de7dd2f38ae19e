"""SMS through an HTTP gateway: Kannel's ``sendsms`` interface (httpx).

One GET per message. Kannel answers 202 with ``0: Accepted for delivery`` (or ``3:
Queued for later delivery`` while its SMSC link is down), 503 when its outgoing queue is
full (deferred), 403 for bad credentials and 400 for a bad request (rejected). An HTTP
429 or 503 with ``Retry-After`` sets the retry delay.

Delivery reports: with ``dlr_url`` set, Kannel calls that URL for each report (mask 31:
delivered, failed, buffered, submitted to the SMSC, rejected by it). The campaign's
message id is added to the URL as ``id``, with Kannel's ``%d`` (status), ``%A`` (SMSC
answer), ``%T`` (time) and ``%p`` (receiver) escapes; :func:`parse_kannel_dlr` turns such
a callback's query back into a :class:`DeliveryReport`.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode, urlsplit

import httpx

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

__all__ = ["KannelTransport", "is_gsm7", "parse_kannel_dlr"]

# Kannel's DLR status bits (dlr-mask and %d).
DLR_STATES = {1: "delivered", 2: "failed", 4: "buffered", 8: "submitted", 16: "rejected"}

_GSM7 = set(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    "ÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà^{}\\[~]|€"
)


def is_gsm7(text: str) -> bool:
    """Whether the text fits the GSM 03.38 default alphabet (with its extension table)."""
    return all(ch in _GSM7 for ch in text)


class KannelTransport:
    """Sends SMS through Kannel's smsbox ``/cgi-bin/sendsms``.

    Args:
        url: the sendsms URL, e.g. ``http://127.0.0.1:13013/cgi-bin/sendsms``.
        username, password: a ``sendsms-user`` of the smsbox.
        sender: the ``from`` (an alphanumeric sender id or a number).
        dlr_url: where Kannel sends delivery reports (None: none requested).
        dlr_mask: which reports, Kannel's bit mask in [1, 31].
        connections: keep-alive HTTP connections at most, in [1, 1000].
        timeout: seconds for one request, in (0, 600].
        smsc: route through this smsc-id (None: Kannel's routing decides).
    """

    def __init__(
        self,
        url: str,
        *,
        username: str,
        password: str,
        sender: str = "",
        dlr_url: str | None = None,
        dlr_mask: int = 31,
        connections: int = 4,
        timeout: float = 10.0,
        smsc: str | None = None,
    ) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            raise ValueError(f"url must be an http:// or https:// sendsms URL (got {url!r})")
        if dlr_url is not None and urlsplit(dlr_url).scheme not in ("http", "https"):
            raise ValueError(f"dlr_url must be an http:// or https:// URL (got {dlr_url!r})")
        if isinstance(dlr_mask, bool) or not isinstance(dlr_mask, int) or not 1 <= dlr_mask <= 31:
            raise ValueError(f"dlr_mask must be a whole number in [1, 31] (got {dlr_mask!r})")
        if isinstance(connections, bool) or not isinstance(connections, int) or not 1 <= connections <= 1000:
            raise ValueError(f"connections must be a whole number in [1, 1000] (got {connections!r})")
        if not 0 < timeout <= 600:
            raise ValueError(f"timeout must be in (0, 600] seconds (got {timeout!r})")
        self.url, self.sender, self.dlr_url, self.dlr_mask, self.smsc = url, sender, dlr_url, dlr_mask, smsc
        self._auth = {"username": username, "password": password}
        self._connections, self._timeout = connections, timeout
        self._client: httpx.AsyncClient | None = None

    @property
    def channel(self) -> Channel:
        return Channel.SMS

    async def open(self) -> None:
        limits = httpx.Limits(max_connections=self._connections, max_keepalive_connections=self._connections)
        self._client = httpx.AsyncClient(timeout=self._timeout, limits=limits)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    def params(self, message: Message) -> dict[str, str]:
        """The sendsms query for one message."""
        params = {**self._auth, "to": message.to, "text": message.body, "charset": "UTF-8"}
        # Coding 0 = GSM 7-bit (160 characters a part), 2 = UCS-2 (70) for anything else.
        params["coding"] = "0" if is_gsm7(message.body) else "2"
        if self.sender:
            params["from"] = self.sender
        if self.smsc:
            params["smsc"] = self.smsc
        if self.dlr_url:
            joiner = "&" if urlsplit(self.dlr_url).query else "?"
            # Kannel fills in %d, %A, %T and %p when it calls back; the id is ours.
            escapes = "status=%d&answer=%A&ts=%T&to=%p"
            params["dlr-mask"] = str(self.dlr_mask)
            params["dlr-url"] = f"{self.dlr_url}{joiner}{urlencode({'id': message.message_id})}&{escapes}"
        return params

    async def send(self, message: Message) -> SendResult:
        if self._client is None:
            raise RuntimeError("KannelTransport.send before open()")
        try:
            response = await self._client.get(self.url, params=self.params(message))
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise TransportError(f"cannot reach {self.url}: {exc!r}", may_have_sent=False) from exc
        except httpx.HTTPError as exc:  # sent, but no complete answer
            raise TransportError(f"no answer from {self.url}: {exc!r}", may_have_sent=True) from exc
        return classify(response.status_code, response.text.strip(), response.headers.get("Retry-After"))


def classify(status: int, body: str, retry_after: str | None = None) -> SendResult:
    """Map a sendsms answer (HTTP status, body, Retry-After) to a send result."""
    if status in (200, 202):
        # "0: Accepted for delivery" / "3: Queued for later delivery" (older Kannel: "Sent.").
        return Accepted(detail=body)
    code = f"HTTP {status}"
    if status in (429, 503) or status >= 500:
        return Deferred(code, body, _retry_after(retry_after))
    return Rejected(code, body)


def _retry_after(value: str | None) -> float | None:
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        return None  # an HTTP date: the backoff decides


def parse_kannel_dlr(query: Mapping[str, str]) -> DeliveryReport:
    """A Kannel delivery-report callback's query (``id``, ``status`` = %d, ``answer``,
    ``ts``, ``to``) -> DeliveryReport. Raises ValueError when it is not one."""
    message_id = query.get("id", "")
    if not message_id:
        raise ValueError("delivery report has no id")
    try:
        status = int(query.get("status", ""))
    except ValueError:
        raise ValueError(f"delivery report status must be one of 1, 2, 4, 8, 16 (got {query.get('status')!r})") from None
    if status not in DLR_STATES:
        raise ValueError(f"delivery report status must be one of 1, 2, 4, 8, 16 (got {status})")
    return DeliveryReport(message_id=message_id, state=DLR_STATES[status], raw=dict(query))
