"""Requests to URLs that tenants choose (webhooks): resolved once, judged, and sent to the judged address.

A tenant's URL must never become a way into the helpdesk's own network: a cloud metadata service
(169.254.169.254, 100.100.100.200), a database on 10.x, the host's loopback. So every address the
host name resolves to must be global, including the IPv4 address inside IPv4-mapped, 6to4 and
NAT64 forms; the connection goes to the address that was judged (a second DNS lookup could answer
differently); and redirects are not followed, since a redirect could point anywhere.
`WEBHOOK_ALLOW_PRIVATE_NETWORKS` (development, tests) skips the judgment only.
"""

from __future__ import annotations

import http.client
import ipaddress
import socket
import ssl
from dataclasses import dataclass
from http import HTTPStatus
from urllib.parse import quote, urlsplit

from django.conf import settings

ALLOWED_SCHEMES = ("http", "https")
# RFC 6052's well-known NAT64 prefix and RFC 8215's local-use one: the last 32 bits are IPv4.
NAT64_NETWORKS = (ipaddress.IPv6Network("64:ff9b::/96"), ipaddress.IPv6Network("64:ff9b:1::/48"))
IPV4_COMPATIBLE = ipaddress.IPv6Network("::/96")
PATH_SAFE = "/?&=%:@!$'()*+,;[]~"

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class RefusedURL(Exception):
    """The URL may not be called; the message says why, for the tenant admin."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class Answer:
    """What a receiver answered, without its body: only the status (and where a redirect points)."""

    status: int
    location: str

    @property
    def phrase(self) -> str:
        try:
            return HTTPStatus(self.status).phrase
        except ValueError:
            return ""


def address_is_public(ip: IPAddress) -> bool:
    """Whether an address is on the public internet, judging also the IPv4 address that IPv4-mapped,
    6to4 and NAT64 IPv6 addresses lead to (each reaches that IPv4 host through a gateway)."""
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return address_is_public(ip.ipv4_mapped)
        if ip in IPV4_COMPATIBLE:  # deprecated ::a.b.c.d, which is_global lets through
            return False
        embedded = [ip.sixtofour] if ip.sixtofour is not None else []
        if any(ip in network for network in NAT64_NETWORKS):
            embedded.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
        if not all(address_is_public(inner) for inner in embedded):
            return False
    # is_global alone lets multicast through (224.0.0.0/4, ff0e::/16).
    return ip.is_global and not ip.is_multicast


@dataclass(frozen=True)
class Destination:
    scheme: str
    host: str  # ASCII (IDNA) form
    port: int
    path: str  # with the query


def check_url(url: str) -> Destination:
    """Where the URL points, if it can be called at all (http or https, with a valid host and port,
    and, unless private networks are allowed, not an address literal that is not public); a host
    name's addresses are judged on every call, since what it resolves to can change."""
    parts = urlsplit(url)
    scheme, hostname = parts.scheme.lower(), parts.hostname
    if scheme not in ALLOWED_SCHEMES or not hostname:
        raise RefusedURL("Only http:// and https:// URLs with a host name can receive webhooks.")
    try:
        port = parts.port or (443 if scheme == "https" else 80)
        host = hostname.encode("idna").decode("ascii")
    except (ValueError, UnicodeError):
        raise RefusedURL("The URL's host name or port is not valid.") from None
    if not settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        try:
            literal = ipaddress.ip_address(hostname)
        except ValueError:
            literal = None
        if literal is not None and not address_is_public(literal):
            raise RefusedURL(f"{literal} is not a public address; webhooks go to the public internet only.")
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    # Non-ASCII and control characters (which URLField lets through) go percent-encoded.
    return Destination(scheme, host, port, quote(path, safe=PATH_SAFE))


@dataclass(frozen=True)
class _Target:
    family: int
    sockaddr: tuple


def _judged_targets(host: str, port: int) -> list[_Target]:
    """Resolve once; every address must be public (one private answer refuses the name, so that a
    receiver cannot be swapped for an internal host by the order of answers). Raises OSError when
    the name does not resolve."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        # Perhaps passing (DNS down): the caller retries it like a failed connection.
        raise OSError(f"cannot resolve {host}: {error}") from None
    targets = [_Target(family, sockaddr) for family, _, _, _, sockaddr in infos]
    if not settings.WEBHOOK_ALLOW_PRIVATE_NETWORKS:
        for target in targets:
            ip = ipaddress.ip_address(target.sockaddr[0])
            if not address_is_public(ip):
                raise RefusedURL(f"{host} resolves to {ip}, which is not a public address.")
    return targets


def _connect(targets: list[_Target], timeout: float | None) -> socket.socket:
    """A TCP connection to the first judged address that answers."""
    error: OSError = OSError("no address to connect to")
    for target in targets:
        sock = socket.socket(target.family, socket.SOCK_STREAM)
        sock.settimeout(timeout)
        try:
            sock.connect(target.sockaddr)
        except OSError as failure:
            sock.close()
            error = failure
            continue
        return sock
    raise error


class _PinnedHTTPConnection(http.client.HTTPConnection):
    """Sends to the judged addresses; the Host header still names the URL's host."""

    def __init__(self, host: str, port: int | None, *, targets: list[_Target], timeout: float) -> None:
        super().__init__(host, port, timeout=timeout)
        self.targets = targets

    def connect(self) -> None:
        self.sock = _connect(self.targets, self.timeout)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    """As above, over TLS: the certificate is verified for the URL's host name, not the address."""

    def __init__(self, host: str, port: int | None, *, targets: list[_Target], timeout: float) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=timeout, context=self.tls)
        self.targets = targets

    def connect(self) -> None:
        sock = _connect(self.targets, self.timeout)
        self.sock = self.tls.wrap_socket(sock, server_hostname=self.host)


def post(url: str, *, body: bytes, headers: dict[str, str], timeout: float) -> Answer:
    """POST `body` to `url` and return the answer's status, reading none of its body. Raises
    RefusedURL for a URL or address that may not be called, OSError or http.client.HTTPException
    when the request fails on the way."""
    return _send("POST", url, body=body, headers=headers, timeout=timeout)


def get(url: str, *, headers: dict[str, str], timeout: float) -> Answer:
    """GET `url` (a store's health check) under the same rules as post()."""
    return _send("GET", url, body=None, headers=headers, timeout=timeout)


def _send(method: str, url: str, *, body: bytes | None, headers: dict[str, str], timeout: float) -> Answer:
    destination = check_url(url)
    targets = _judged_targets(destination.host, destination.port)
    connection_class = _PinnedHTTPSConnection if destination.scheme == "https" else _PinnedHTTPConnection
    connection = connection_class(destination.host, destination.port, targets=targets, timeout=timeout)
    try:
        connection.request(method, destination.path, body=body, headers=headers)
        response = connection.getresponse()
        return Answer(status=response.status, location=response.getheader("Location", "") or "")
    finally:
        connection.close()
