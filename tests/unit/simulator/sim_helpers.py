# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Helpers of the simulator's own tests: calls with an API token or an OAuth access token, System Log reads."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import time
import uuid

import requests
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


def api(running, method, path, token=None, **kwargs):
    """A call with the simulator's API token, or ``token`` (a whole Authorization value)."""
    headers = dict(kwargs.pop('headers', None) or {}, Authorization=token or 'SSWS ' + running.api_token)
    return requests.request(method, running.base_url + path, headers=headers, timeout=10, **kwargs)


def b64(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def token_request(running, scopes, client_id='0oaContainmentApp'):
    """The token endpoint's answer to a private_key_jwt client-credentials request for ``scopes``, from a
    service app registered here."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public = key.public_key().public_bytes(serialization.Encoding.PEM,
                                           serialization.PublicFormat.SubjectPublicKeyInfo).decode('ascii')
    running.admin('POST', 'oauth-clients', {'clientId': client_id, 'publicKeyPem': public})
    audience = running.base_url + '/oauth2/v1/token'
    signing_input = '%s.%s' % (b64(json.dumps({'alg': 'RS256', 'kid': 'k1'}).encode()), b64(json.dumps({
        'iss': client_id, 'sub': client_id, 'aud': audience, 'exp': int(time.time()) + 300,
        'jti': uuid.uuid4().hex}).encode()))
    signature = key.sign(signing_input.encode('ascii'), padding.PKCS1v15(), hashes.SHA256())
    return requests.post(audience, timeout=10, data={
        'grant_type': 'client_credentials', 'scope': ' '.join(scopes), 'client_assertion_type': ASSERTION_TYPE,
        'client_assertion': signing_input + '.' + b64(signature)})


def bearer(running, scopes, client_id='0oaContainmentApp'):
    """``Bearer …`` with an access token granted ``scopes``."""
    answer = token_request(running, scopes, client_id)
    assert answer.status_code == 200, answer.text
    return 'Bearer ' + answer.json()['access_token']


def log_events(running, event_type=None):
    params = {'since': '2000-01-01T00:00:00Z', 'limit': 1000}
    if event_type:
        params['filter'] = 'eventType eq "%s"' % event_type
    answer = api(running, 'GET', '/api/v1/logs', params=params)
    assert answer.status_code == 200, answer.text
    return answer.json()


def rate_headers(response):
    return tuple(int(response.headers[name]) for name in ('X-Rate-Limit-Limit', 'X-Rate-Limit-Remaining'))
