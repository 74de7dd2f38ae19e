"""Email over SMTP (aiosmtplib), with one reused connection per concurrent send.

Each message is one SMTP transaction (MAIL, RCPT, DATA) so that the reply of each step
is known: a 4xx is a deferral, a 5xx a rejection (RFC 5321), and a connection lost
before DATA certainly did not deliver, so that send is retried. A connection lost
during DATA may have delivered: that message is reported, not sent again.

TLS: ``tls="starttls"`` upgrades a plain connection (port 587) and fails if the server
cannot; ``tls="tls"`` is implicit TLS from the first byte (port 465); ``tls="auto"``
upgrades when the server offers STARTTLS; ``tls="none"`` never does (a local relay).
Authentication (``username`` / ``password``) is only attempted over TLS unless
``allow_plain_auth`` says otherwise.
"""

from __future__ import annotations

import asyncio

from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid

import aiosmtplib

from outpace.channels.addresses import normalize_email
from outpace.channels.transport import (
    Accepted,
    Channel,
    Deferred,
    Message,
    Rejected,
    SendResult,
    TransportError,
)

__all__ = ["SmtpTransport"]

TLS_MODES = ("none", "auto", "starttls", "tls")


class SmtpTransport:
    """Sends each message as one email over SMTP.

    Args:
        host: the mail server (submission server or relay).
        port: its port, in [1, 65535]; default 465 for ``tls="tls"``, 587 for
            ``"starttls"``, 25 otherwise.
        sender: the envelope and From address.
        tls: ``none``, ``auto``, ``starttls`` or ``tls`` (see the module docstring).
        username, password: SMTP AUTH credentials (both or neither).
        cert_bundle: a CA file to verify the server's certificate with (a private CA).
        validate_certs: verify the server's certificate (leave on outside tests).
        timeout: seconds for each SMTP command.
        allow_plain_auth: allow AUTH over an unencrypted connection.
    """

    def __init__(
        self,
        host: str,
        port: int | None = None,
        *,
        sender: str,
        tls: str = "auto",
        username: str | None = None,
        password: str | None = None,
        cert_bundle: str | None = None,
        validate_certs: bool = True,
        timeout: float = 30.0,
        allow_plain_auth: bool = False,
    ) -> None:
        if tls not in TLS_MODES:
            raise ValueError(f"tls must be one of {', '.join(TLS_MODES)} (got {tls!r})")
        if port is None:
            port = {"tls": 465, "starttls": 587}.get(tls, 25)
        if isinstance(port, bool) or not isinstance(port, int) or not 1 <= port <= 65535:
            raise ValueError(f"port must be a whole number in [1, 65535] (got {port!r})")
        if not host:
            raise ValueError("host must be a mail server name or address")
        if (username is None) != (password is None):
            raise ValueError("username and password must be given together")
        if username is not None and tls in ("none", "auto") and not allow_plain_auth:
            raise ValueError(
                f"tls must be starttls or tls when a username is given (got {tls!r}); "
                "set allow_plain_auth to send credentials unencrypted"
            )
        if not 0 < timeout <= 600:
            raise ValueError(f"timeout must be in (0, 600] seconds (got {timeout!r})")
        self.sender = normalize_email(sender)
        self.host, self.port, self.tls = host, port, tls
        self._username, self._password = username, password
        self._cert_bundle, self._validate_certs, self._timeout = cert_bundle, validate_certs, timeout
        self._idle: list[aiosmtplib.SMTP] = []
        self._all: set[aiosmtplib.SMTP] = set()

    @property
    def channel(self) -> Channel:
        return Channel.EMAIL

    async def open(self) -> None:
        # Connect once up front so a wrong host, port, certificate or password shows at
        # once rather than as one failure per contact.
        client = await self._connect()
        self._idle.append(client)

    async def close(self) -> None:
        clients, self._all, self._idle = list(self._all), set(), []
        for client in clients:
            if client.is_connected:
                try:
                    await client.quit()
                except (aiosmtplib.SMTPException, OSError):
                    pass
            # Always, even when the client no longer counts itself connected: its transport
            # may still hold the socket (close() is idempotent).
            client.close()
        # Let the transports' close callbacks run before the caller's event loop ends, so
        # no socket is left for the garbage collector.
        await asyncio.sleep(0)

    async def _connect(self) -> aiosmtplib.SMTP:
        client = aiosmtplib.SMTP(
            hostname=self.host,
            port=self.port,
            username=self._username,
            password=self._password,
            use_tls=self.tls == "tls",
            start_tls={"starttls": True, "none": False}.get(self.tls),
            validate_certs=self._validate_certs,
            cert_bundle=self._cert_bundle,
            timeout=self._timeout,
        )
        try:
            await client.connect()
        except aiosmtplib.SMTPResponseException as exc:  # greeting, STARTTLS or AUTH refused
            client.close()
            raise TransportError(f"{self.host}:{self.port}: {exc.code} {exc.message}", may_have_sent=False) from exc
        except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
            client.close()
            raise TransportError(f"cannot connect to {self.host}:{self.port}: {exc}", may_have_sent=False) from exc
        self._all.add(client)
        return client

    def _drop(self, client: aiosmtplib.SMTP) -> None:
        self._all.discard(client)
        client.close()

    def build(self, message: Message) -> EmailMessage:
        """The RFC 5322 message for one contact."""
        mail = EmailMessage()
        mail["From"] = self.sender
        mail["To"] = message.to
        mail["Subject"] = message.subject
        mail["Date"] = format_datetime(datetime.now(UTC))
        mail["Message-ID"] = make_msgid(idstring=message.message_id or None, domain=self.sender.rpartition("@")[2])
        mail.set_content(message.body)
        return mail

    async def send(self, message: Message) -> SendResult:
        client = self._idle.pop() if self._idle else await self._connect()
        if not client.is_connected:
            self._drop(client)
            client = await self._connect()
        mail = self.build(message)
        try:
            try:
                await client.mail(self.sender)
                await client.rcpt(message.to)
            except aiosmtplib.SMTPResponseException as exc:
                await self._reset(client)
                return _classify(exc.code, exc.message)
            except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
                self._drop(client)
                raise TransportError(f"connection lost before the message was sent: {exc}", may_have_sent=False) from exc
            try:
                response = await client.data(mail.as_bytes())
            except aiosmtplib.SMTPResponseException as exc:
                await self._reset(client)
                return _classify(exc.code, exc.message)
            except (TimeoutError, aiosmtplib.SMTPException, OSError) as exc:
                self._drop(client)
                raise TransportError(f"connection lost during DATA: {exc}", may_have_sent=True) from exc
        except BaseException:
            self._drop(client)  # cancelled mid-transaction: the connection's state is unknown
            raise
        self._idle.append(client)
        return Accepted(provider_id=str(mail["Message-ID"]), detail=f"{response.code} {response.message}")

    async def _reset(self, client: aiosmtplib.SMTP) -> None:
        try:
            await client.rset()
        except (TimeoutError, aiosmtplib.SMTPException, OSError):
            self._drop(client)


def _classify(code: int, text: str) -> SendResult:
    if 400 <= code < 500:
        return Deferred(str(code), text)
    return Rejected(str(code), text)
