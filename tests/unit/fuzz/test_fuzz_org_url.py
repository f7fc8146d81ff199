# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fuzz: org_url -> validate_org_url.

Accepted, the result is ``scheme://host[:port]``: https, or http to a loopback host; no user
information, path, query or fragment; and a host that requests (urllib3) reads the same way, so the
credential goes to the host that was checked. Refused, the error is OktaConfigError naming org_url.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

try:
    from urllib.parse import urlsplit
except ImportError:  # pragma: no cover
    from urlparse import urlsplit  # type: ignore

from urllib3.util import parse_url

from ansible_collections.identity.okta.plugins.module_utils.okta_client import is_loopback_host, validate_org_url
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaConfigError
from ansible_collections.identity.okta.tests.unit.fuzz.fuzzing import ANY_TEXT, HOSTILE, fuzz_settings

SCHEMES = ['https', 'http', 'HTTPS', 'hTTp', 'ftp', 'file', 'javascript', '', 'https ', ' https', 'h\ttps']
SEPARATORS = ['://', ':/', '//', ':', ':///', ':\\\\', '://\\']
HOSTS = ['example.okta.com', 'EXAMPLE.OKTA.COM', 'example.okta.com.', 'example.oktapreview.com', 'login.example.com',
         '127.0.0.1', '127.1', '127.0.0.255', '0x7f000001', '2130706433', 'localhost', 'LOCALHOST', 'localhost.',
         '[::1]', '::1', '[::ffff:127.0.0.1]', '[fe80::1%25eth0]', '[v1.x]', '[', ']', '[::1', '::1]', '0.0.0.0',
         '10.0.0.1', 'xn--x-9fa.com', '\u00e9x.okta.com', 'ex%61mple.okta.com', 'evil.com\\.okta.com',
         'evil.com\\@example.okta.com', 'a..b', '.', '*', "a'b", 'exa mple.com', '']
USERINFO = ['', 'user@', 'user:pass@', ':@', '@', 'evil.com@', 'a:b:c@']
PORTS = ['', ':', ':443', ':80', ':8443', ':0', ':65535', ':65536', ':-1', ':+80', ': 80', ':80a', ':\u0663',
         ':99999999999999999999', ':0443']
TAILS = ['', '/', '//', '/api/v1', '?', '?a=b', '#', '#x', '/?#', '\n', ' ', '\t', '/..', '\\']
# What a host name is made of: letters, digits, '-', '.', '_' and non-ASCII letters (IDN); or an IP literal.
HOST_CHARACTERS = re.compile(r'^(?:[a-z0-9._-]|[^\x00-\x7f])+$')
IP_LITERAL = re.compile(r'^[0-9a-f:.]+(?:%25[a-z0-9._~-]+)?$')  # an IPv6 zone is %-encoded: fe80::1%25eth0
RESULT = re.compile(r'^(https?)://([^/?#@]+?)(?::([0-9]{1,5}))?$', re.DOTALL)


def org_urls():
    def mostly(common, pieces):
        return st.sampled_from([common] * len(pieces) * 3 + pieces)

    composed = st.tuples(mostly('https', SCHEMES), mostly('://', SEPARATORS), mostly('', USERINFO),
                         st.one_of(st.sampled_from(HOSTS), st.sampled_from(HOSTS),
                                   st.lists(st.sampled_from(HOSTILE + HOSTS), max_size=3).map(''.join)),
                         mostly('', PORTS), mostly('', TAILS)).map(''.join)
    return st.integers(0, 9).flatmap(lambda pick: composed if pick < 8 else st.one_of(st.none(), ANY_TEXT))


def host_problem(result):
    """Why the accepted origin's host is not one requests reads as the same host, or None."""
    parts = urlsplit(result)
    host = parts.hostname
    if not (HOST_CHARACTERS.match(host) or (':' in host and IP_LITERAL.match(host))):
        return 'host %r is not a host name' % host
    if host.strip('.') == '' or '..' in host:
        return 'host %r has an empty label' % host
    if all(ord(c) < 0x80 for c in host):
        try:
            prepared = requests.Request('GET', result + '/api/v1/users').prepare()
        except requests.exceptions.RequestException as exc:
            return 'requests cannot use it: %s' % exc
        sent_to = parse_url(prepared.url)
        if (sent_to.host or '').strip('[]').lower() != host.lower().replace('%25', '%') or sent_to.port != parts.port:
            return 'requests sends to %s:%s, not %s:%s' % (sent_to.host, sent_to.port, host, parts.port)
    return None


def check_accepted(original, result):
    match = RESULT.match(result)
    assert match, 'accepted %r as %r, which is not scheme://host[:port]' % (original, result)
    parts = urlsplit(result)
    assert parts.username is None and parts.password is None and not parts.path and not parts.query and not parts.fragment
    assert result == result.lower() or any(ord(c) > 0x7f for c in result), 'not normalised: %r' % result
    if match.group(1) == 'http':
        assert is_loopback_host(parts.hostname), 'plain http to %r accepted' % parts.hostname
    if match.group(3):
        assert 1 <= int(match.group(3)) <= 65535 and int(match.group(3)) != {'https': 443, 'http': 80}[match.group(1)]
    assert validate_org_url(result) == result, 'not idempotent: %r' % result


@pytest.mark.fuzz_target('org_url -> validate_org_url')
@fuzz_settings(2000)
@given(value=org_urls())
@example(value='https://example.okta.com')
@example(value='HTTPS://Example.Okta.com:443/')
@example(value='http://127.0.0.1:8080')
@example(value='http://[::1]:8080')
@example(value='http://example.com')
@example(value='https://user:pass@example.okta.com')
def test_fuzz_validate_org_url(tally, value):
    with tally.trial() as trial:
        try:
            result = validate_org_url(value)
        except OktaConfigError as exc:
            assert exc.field == 'org_url' and 'org_url' in str(exc), (exc.field, str(exc))
            trial.refused()
            return
        check_accepted(value, result)
        assert host_problem(result) is None, 'accepted %r: %s' % (value, host_problem(result))
        trial.accepted()


@pytest.mark.parametrize('value', ['https://[abc', 'https://[::1', 'https://example.okta.com]:8443'])
def test_org_url_with_an_open_bracket_is_refused_naming_org_url(value):
    with pytest.raises(OktaConfigError) as caught:
        validate_org_url(value)
    assert caught.value.field == 'org_url'


@pytest.mark.parametrize('value', ['https://evil.com\\.okta.com', 'https://exa mple.okta.com', 'https://ex%61mple.okta.com', 'https://*.okta.com'])
def test_org_url_host_is_a_host_name_requests_reads_the_same_way(value):
    try:
        result = validate_org_url(value)
    except OktaConfigError as exc:
        assert exc.field == 'org_url'
        return
    assert host_problem(result) is None, host_problem(result)
