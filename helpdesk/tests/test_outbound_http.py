"""Which addresses a tenant's URL may reach: only global ones, judged also through the IPv4
address that IPv4-mapped, 6to4 and NAT64 forms lead to."""

from __future__ import annotations

import ipaddress

import pytest
from django.test import override_settings

from helpdesk.messaging.outbound_http import RefusedURL, address_is_public, check_url

NOT_PUBLIC = [
    "127.0.0.1",
    "10.1.2.3",
    "172.16.0.1",
    "192.168.1.1",
    "169.254.169.254",  # link-local cloud metadata
    "100.100.100.200",  # shared address space (100.64.0.0/10): Alibaba Cloud's metadata service
    "100.64.0.1",
    "0.0.0.0",  # noqa: S104 - an address judged, not bound
    "224.0.0.1",
    "255.255.255.255",
    "::1",
    "::",
    "fd00::1",
    "fe80::1",
    "ff02::1",
    "::ffff:127.0.0.1",  # IPv4-mapped loopback
    "::ffff:169.254.169.254",
    "::127.0.0.1",  # IPv4-compatible (deprecated)
    "2002:7f00:1::1",  # 6to4 of 127.0.0.1
    "2002:a9fe:a9fe::",  # 6to4 of 169.254.169.254
    "2002:6464:64c8::1",  # 6to4 of 100.100.100.200
    "64:ff9b::7f00:1",  # NAT64 of 127.0.0.1
    "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
    "64:ff9b:1::a9fe:a9fe",  # local-use NAT64 of 169.254.169.254
    "2001:0:4136:e378:8000:63bf:3fff:fdd2",  # Teredo
]
PUBLIC = ["8.8.8.8", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1", "64:ff9b::808:808"]


@pytest.mark.parametrize("address", NOT_PUBLIC)
def test_non_public_addresses_are_refused(address):
    assert address_is_public(ipaddress.ip_address(address)) is False


@pytest.mark.parametrize("address", PUBLIC)
def test_public_addresses_are_allowed(address):
    assert address_is_public(ipaddress.ip_address(address)) is True


@pytest.mark.parametrize("url", ["ftp://hooks.example/x", "file:///etc/passwd", "gopher://hooks.example/", "http:///x"])
def test_only_http_and_https_urls_with_a_host_can_be_called(url):
    with pytest.raises(RefusedURL, match="Only http:// and https://"):
        check_url(url)


@override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=False)
@pytest.mark.parametrize("url", ["http://100.100.100.200/latest/meta-data/", "https://[64:ff9b::7f00:1]/x"])
def test_a_non_public_address_in_the_url_is_refused_before_any_lookup(url):
    with pytest.raises(RefusedURL, match="not a public address"):
        check_url(url)


@override_settings(WEBHOOK_ALLOW_PRIVATE_NETWORKS=True)
def test_the_setting_allows_private_addresses_but_not_other_schemes():
    assert check_url("http://127.0.0.1:9/x?a=1").host == "127.0.0.1"
    assert check_url("http://[::1]/x").host == "::1"
    with pytest.raises(RefusedURL):
        check_url("ftp://127.0.0.1/x")


def test_the_path_is_sent_percent_encoded_and_the_host_in_its_ascii_form():
    destination = check_url("https://hööks.example/ü x?a=1&b=%20")
    assert destination.host == "xn--hks-snaa.example" and destination.port == 443
    assert destination.path == "/%C3%BC%20x?a=1&b=%20"
