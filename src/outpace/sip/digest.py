"""HTTP Digest authentication for SIP (RFC 2617, RFC 7616 hashes per RFC 8760).

Answers a 401 ``WWW-Authenticate`` with ``Authorization`` and a 407
``Proxy-Authenticate`` with ``Proxy-Authorization``. MD5, SHA-256 and SHA-512-256
are supported, with and without ``qop=auth``; when a response carries several
challenges the strongest algorithm wins (RFC 8760 §2.4).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Mapping, Sequence

from sipmessage import AuthChallenge

__all__ = ["ALGORITHMS", "authorization", "choose_challenge", "digest_response"]


def _md5(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _sha512_256(data: bytes) -> str:
    return hashlib.new("sha512_256", data).hexdigest()


ALGORITHMS: Mapping[str, Callable[[bytes], str]] = {
    "MD5": _md5,
    "SHA-256": _sha256,
    "SHA-512-256": _sha512_256,
}
_STRENGTH = {"MD5": 0, "SHA-256": 1, "SHA-512-256": 2}
_RESPONSE_HEADER = {"WWW-Authenticate": "Authorization", "Proxy-Authenticate": "Proxy-Authorization"}


def _algorithm(challenge: AuthChallenge) -> str:
    return challenge.parameters.get("algorithm", "MD5").upper()


def choose_challenge(challenges: Sequence[tuple[str, AuthChallenge]]) -> tuple[str, AuthChallenge] | None:
    """The challenge to answer: a supported algorithm, the strongest offered, ``qop=auth``
    or none (``auth-int`` alone is not supported)."""
    usable = [
        (header, c)
        for header, c in challenges
        if _algorithm(c) in ALGORITHMS
        and "nonce" in c.parameters
        and "realm" in c.parameters
        and (("qop" not in c.parameters) or "auth" in _qops(c))
    ]
    if not usable:
        return None
    return max(usable, key=lambda hc: _STRENGTH[_algorithm(hc[1])])


def _qops(challenge: AuthChallenge) -> list[str]:
    return [q.strip().lower() for q in challenge.parameters.get("qop", "").split(",") if q.strip()]


def digest_response(
    *,
    algorithm: str,
    username: str,
    realm: str,
    password: str,
    method: str,
    uri: str,
    nonce: str,
    qop: str | None = None,
    nc: str = "00000001",
    cnonce: str = "",
) -> str:
    """The ``response`` value: H(HA1:nonce:HA2) or, with qop, H(HA1:nonce:nc:cnonce:qop:HA2)."""
    h = ALGORITHMS[algorithm.upper()]
    ha1 = h(f"{username}:{realm}:{password}".encode())
    ha2 = h(f"{method}:{uri}".encode())
    if qop:
        return h(f"{ha1}:{nonce}:{nc}:{cnonce}:{qop}:{ha2}".encode())
    return h(f"{ha1}:{nonce}:{ha2}".encode())


def _quote(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def authorization(
    header: str,
    challenge: AuthChallenge,
    *,
    username: str,
    password: str,
    method: str,
    uri: str,
    nc: int = 1,
    cnonce: str | None = None,
) -> tuple[str, str]:
    """(header name, value) answering ``challenge`` that came in ``header``.

    Written by hand rather than through ``sipmessage.AuthParameters`` because RFC 2617
    wants ``qop``, ``nc`` and ``algorithm`` as unquoted tokens.
    """
    p = challenge.parameters
    algorithm = _algorithm(challenge)
    realm, nonce = p["realm"], p["nonce"]
    qop = "auth" if "auth" in _qops(challenge) else None
    cnonce = cnonce if cnonce is not None else secrets.token_hex(8)
    ncs = f"{nc:08x}"
    response = digest_response(
        algorithm=algorithm,
        username=username,
        realm=realm,
        password=password,
        method=method,
        uri=uri,
        nonce=nonce,
        qop=qop,
        nc=ncs,
        cnonce=cnonce,
    )
    parts = [
        f"username={_quote(username)}",
        f"realm={_quote(realm)}",
        f"nonce={_quote(nonce)}",
        f"uri={_quote(uri)}",
        f"response={_quote(response)}",
        f"algorithm={algorithm}",
    ]
    if qop:
        parts += [f"qop={qop}", f"nc={ncs}", f"cnonce={_quote(cnonce)}"]
    if "opaque" in p:
        parts.append(f"opaque={_quote(p['opaque'])}")
    return _RESPONSE_HEADER[header], "Digest " + ", ".join(parts)
