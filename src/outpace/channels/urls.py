"""A transport from one URL, as the command line takes it.

- ``smtp://[user:password@]host[:port][?tls=auto|none|starttls|tls&cafile=PATH]`` and
  ``smtps://...`` (implicit TLS, port 465): email over SMTP.
- ``http://host:port/cgi-bin/sendsms?username=U&password=P[&smsc=ID]`` (or https): SMS
  through Kannel's sendsms.
- ``smpp://system_id:password@host[:port][?system_type=T&receipts=0]``: SMS over SMPP.

Credentials in the URL are percent-decoded (``p%40ss`` for ``p@ss``). The transport
modules are imported here, on use, so that only the chosen one's library is needed.
"""

from __future__ import annotations

from urllib.parse import parse_qs, unquote, urlencode, urlsplit, urlunsplit

from outpace.channels.transport import Transport

__all__ = ["transport_from_url"]


def transport_from_url(url: str, *, sender: str = "", dlr_url: str | None = None, timeout: float = 30.0) -> Transport:
    """Build the transport a URL names; ValueError says what is wrong with it.

    Args:
        url: see the module docstring.
        sender: the From address (email, required there) or SMS sender id / number.
        dlr_url: Kannel only: where delivery reports go.
        timeout: seconds for one provider request.
    """
    parts = urlsplit(url)
    query = {k: v[-1] for k, v in parse_qs(parts.query).items()}
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password else None
    try:
        port = parts.port
    except ValueError:
        raise ValueError(f"transport URL port must be a whole number in [1, 65535] (got {url!r})") from None
    scheme = parts.scheme.lower()
    if scheme in ("smtp", "smtps"):
        from outpace.channels.email import SmtpTransport

        if not sender:
            raise ValueError("--from (the sender address) is required for email")
        tls = "tls" if scheme == "smtps" else query.get("tls", "auto")
        return SmtpTransport(
            parts.hostname or "", port, sender=sender, tls=tls, username=user, password=password,
            cert_bundle=query.get("cafile"), timeout=timeout,
        )
    if scheme in ("http", "https"):
        from outpace.channels.sms_http import KannelTransport

        username, secret = query.pop("username", None), query.pop("password", None)
        if not username or secret is None:
            raise ValueError("a Kannel sendsms URL needs username= and password= in its query")
        smsc = query.pop("smsc", None)
        base = urlunsplit((parts.scheme, parts.netloc, parts.path or "/cgi-bin/sendsms", urlencode(query), ""))
        return KannelTransport(base, username=username, password=secret, sender=sender, dlr_url=dlr_url,
                               smsc=smsc, timeout=timeout)
    if scheme == "smpp":
        from outpace.channels.smpp import SmppTransport

        if not user or password is None:
            raise ValueError("an smpp:// URL needs system_id:password@ before the host")
        return SmppTransport(
            parts.hostname or "", port or 2775, system_id=user, password=password,
            system_type=query.get("system_type", ""), source_addr=sender,
            receipts=query.get("receipts", "1") not in ("0", "false", "no"), timeout=timeout,
        )
    raise ValueError(f"transport URL must start with smtp://, smtps://, http://, https:// or smpp:// (got {url!r})")
