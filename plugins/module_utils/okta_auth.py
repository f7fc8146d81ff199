# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How requests to Okta are authorized: an API token, an access token, or an
OAuth 2.0 client-credentials grant with a ``private_key_jwt`` assertion."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import os
import threading
import time
import uuid

try:
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import padding, rsa
    HAS_CRYPTOGRAPHY = True
except ImportError:  # pragma: no cover - ansible-core itself requires cryptography
    HAS_CRYPTOGRAPHY = False

from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError

try:
    from requests.auth import AuthBase
except ImportError:  # pragma: no cover - the client reports the missing library
    AuthBase = object

TOKEN_PATH = '/oauth2/v1/token'
ASSERTION_LIFETIME_SECONDS = 300
CLIENT_ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'


class HeaderAuth(AuthBase):
    """A fixed Authorization header. Set as ``auth`` (not a session header) so that a
    ``.netrc`` entry can never replace it."""

    def __init__(self, value):
        self.value = value

    def __call__(self, request):
        request.headers['Authorization'] = self.value
        return request


def no_auth(request):
    return request


def load_private_key(private_key):
    """An RSA private key from PEM text or from a path to a PEM file; ValueError says what is wrong."""
    if not HAS_CRYPTOGRAPHY:
        raise ValueError('the Python library cryptography is required for private_key')
    text = private_key.strip()
    if not text.startswith('-----BEGIN'):
        path = os.path.expanduser(text)
        if not os.path.isfile(path):
            raise ValueError('is neither PEM text nor the path of a readable file')
        with open(path, 'rb') as handle:
            data = handle.read()
    else:
        data = text.encode('utf-8')
    try:
        key = serialization.load_pem_private_key(data, password=None)
    except (ValueError, TypeError) as exc:
        raise ValueError('is not an unencrypted PEM private key (%s)' % exc.__class__.__name__)
    if not isinstance(key, rsa.RSAPrivateKey):
        raise ValueError('is not an RSA key; Okta signs client assertions with RS256')
    return key


def _b64url(data):
    return base64.urlsafe_b64encode(data).rstrip(b'=').decode('ascii')


def client_assertion(key, client_id, audience, key_id=None, now=None):
    """A signed RS256 JWT: iss = sub = client_id, aud = the token endpoint, 5 minutes, unique jti."""
    issued = int(now if now is not None else time.time())
    header = {'alg': 'RS256', 'typ': 'JWT'}
    if key_id:
        header['kid'] = key_id
    claims = {'iss': client_id, 'sub': client_id, 'aud': audience, 'iat': issued,
              'exp': issued + ASSERTION_LIFETIME_SECONDS, 'jti': str(uuid.uuid4())}
    signing_input = '%s.%s' % (_b64url(json.dumps(header, separators=(',', ':')).encode('utf-8')),
                               _b64url(json.dumps(claims, separators=(',', ':')).encode('utf-8')))
    signature = key.sign(signing_input.encode('ascii'), padding.PKCS1v15(), hashes.SHA256())
    return '%s.%s' % (signing_input, _b64url(signature))


class PrivateKeyJwtAuth(AuthBase):
    """Gets an access token with a client-credentials grant, sends it as Bearer, and gets a new one
    before it expires (Okta's live an hour; a long incident run outlives one) or once when Okta
    answers 401 to it."""

    def __init__(self, client, client_id, key, scopes, key_id=None, clock=time.time):
        self.client = client
        self.client_id = client_id
        self.key = key
        self.scopes = scopes
        self.key_id = key_id
        self._clock = clock
        self._lock = threading.Lock()
        self._token = None
        self._expires_at = None
        self.tokens_fetched = 0

    def access_token(self):
        with self._lock:
            if self._token is None or (self._expires_at is not None and self._clock() >= self._expires_at):
                self._token, lifetime = self._fetch()
                # Renew when a tenth of the lifetime (at most a minute) is left, so no call carries a token
                # that expires on its way.
                self._expires_at = (self._clock() + lifetime - min(60.0, lifetime / 10.0)) if lifetime else None
            return self._token

    def renew(self, used_authorization):
        """Okta refused ``used_authorization`` (401): drop that token, unless another thread already did."""
        with self._lock:
            if used_authorization == 'Bearer %s' % self._token:
                self._token = None

    def _form(self):
        return {
            'grant_type': 'client_credentials',
            'scope': ' '.join(self.scopes),
            'client_assertion_type': CLIENT_ASSERTION_TYPE,
            # A fresh assertion (new jti) per attempt: Okta refuses a replayed one.
            'client_assertion': client_assertion(self.key, self.client_id, self.client.base_url + TOKEN_PATH,
                                                 self.key_id),
        }

    def _fetch(self):
        """A new access token and its lifetime in seconds (None when Okta does not say), through the
        client's retries: a token request changes nothing at Okta, so it is safe to repeat."""
        body = self.client.request('POST', TOKEN_PATH, form=self._form, auth=no_auth,
                                   headers={'Content-Type': 'application/x-www-form-urlencoded'})[1]
        if not isinstance(body, dict) or not body.get('access_token'):
            raise OktaApiError('Okta answered the token request without an access_token.', method='POST',
                               path=TOKEN_PATH)
        self.tokens_fetched += 1
        try:
            lifetime = float(body.get('expires_in'))
        except (TypeError, ValueError):
            lifetime = None
        return body['access_token'], (lifetime if lifetime and lifetime > 0 else None)

    def __call__(self, request):
        request.headers['Authorization'] = 'Bearer %s' % self.access_token()
        return request
