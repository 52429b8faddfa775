"""client_ip believes X-Forwarded-For only from trusted proxies (ADR 0013); secret paths are masked."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import RequestFactory

from modules.common.http import client_ip, mask_secrets


def _ip(remote: str, forwarded: str | None = None) -> str:
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return client_ip(RequestFactory().get("/", **meta))


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "expected"),
    [
        ([], "203.0.113.5", "1.1.1.1", "203.0.113.5"),  # development: the header is ignored
        (["10.0.0.0/8"], "203.0.113.5", "1.1.1.1", "203.0.113.5"),  # an untrusted peer
        (["10.0.0.0/8"], "10.1.2.3", None, "10.1.2.3"),  # a trusted peer that forwarded nothing
        (["10.0.0.0/8"], "10.1.2.3", "198.51.100.7", "198.51.100.7"),
        (["10.0.0.0/8"], "10.1.2.3", "6.6.6.6, 198.51.100.7", "198.51.100.7"),  # forged left part
        (["10.0.0.0/8"], "10.1.2.3", "6.6.6.6, 198.51.100.7, 10.9.9.9", "198.51.100.7"),  # two proxies
        (["10.0.0.0/8"], "10.1.2.3", "10.4.4.4, 10.9.9.9", "10.4.4.4"),  # only proxies: the farthest
        (["10.0.0.0/8"], "10.1.2.3", "not-an-ip, 10.9.9.9", "10.9.9.9"),  # garbage stops the walk
        (["10.0.0.0/8"], "10.1.2.3", "junk", "10.1.2.3"),
        (["10.0.0.0/8", "2001:db8::/32"], "2001:db8::1", " 2001:db8:ffff::9 , 198.51.100.8 ", "198.51.100.8"),
        (["127.0.0.1/32"], "::ffff:127.0.0.1", "198.51.100.9", "198.51.100.9"),  # IPv4-mapped peer
        ("10.0.0.0/8, 192.168.0.0/16", "192.168.1.1", "198.51.100.10", "198.51.100.10"),  # env string
    ],
)
def test_client_ip(settings: Any, trusted: Any, remote: str, forwarded: str | None, expected: str) -> None:
    settings.TRUSTED_PROXIES = trusted
    assert _ip(remote, forwarded) == expected


def test_a_bad_range_is_a_configuration_error(settings: Any) -> None:
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured, match="TRUSTED_PROXIES"):
        _ip("10.0.0.1", "1.1.1.1")


def test_webhook_secrets_are_masked_wherever_they_appear() -> None:
    assert (
        mask_secrets("POST /webhooks/pagarme/abc-DEF_123 HTTP/1.1") == "POST /webhooks/pagarme/*** HTTP/1.1"
    )
    assert (
        mask_secrets("Unauthorized: /webhooks/pagarme/s3cr3t?x=1")
        == "Unauthorized: /webhooks/pagarme/***?x=1"
    )
    assert mask_secrets("GET /api/v1/bills HTTP/1.1") == "GET /api/v1/bills HTTP/1.1"
