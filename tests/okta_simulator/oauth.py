# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The org authorization server's token endpoint, for client credentials with private_key_jwt,
and the scope each Management API call needs."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import base64
import json
import threading
import uuid

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding

TOKEN_PATH = '/oauth2/v1/token'
GLOBAL_TOKEN_REVOCATION_METHOD = 'POST'
GLOBAL_TOKEN_REVOCATION_PATH = '/oauth2/v1/global-token-revocation'
# Subject identifier formats of a Global Token Revocation request and their members (Okta's OAuth spec
# 2026.06.3: sub_id is SubIdOpaque or SubIdIssSub, told apart by format).
SUB_ID_FORMATS = {'opaque': ('id',), 'iss_sub': ('iss', 'sub')}
ASSERTION_TYPE = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer'
TOKEN_LIFETIME_SECONDS = 3600  # Okta's access tokens: expires_in 3600 in okta-sdk-python's cassettes (test_dpop_it)

# (method, route template) -> the scope Okta requires; None: API tokens only (no OAuth).
REQUIRED_SCOPES = {
    ('POST', '/api/v1/sessions'): None,
    ('GET', '/api/v1/sessions/{id}'): 'okta.sessions.read',
    ('DELETE', '/api/v1/sessions/{id}'): 'okta.sessions.manage',
    ('POST', '/api/v1/sessions/{id}/lifecycle/refresh'): 'okta.sessions.manage',
    ('DELETE', '/api/v1/users/{id}/sessions'): 'okta.users.manage',
    ('GET', '/api/v1/users/{id}'): 'okta.users.read',
    ('GET', '/api/v1/users'): 'okta.users.read',
    ('GET', '/api/v1/groups'): 'okta.groups.read',
    ('GET', '/api/v1/groups/{id}/users'): 'okta.groups.read',
    ('GET', '/api/v1/logs'): 'okta.logs.read',
    # A user's OAuth apps and refresh tokens: the spec's security of listUserClients,
    # listRefreshTokensForUserAndClient, getRefreshTokenForUserAndClient (read) and
    # revokeTokensForUserAndClient, revokeTokenForUserAndClient (manage).
    ('GET', '/api/v1/users/{id}/clients'): 'okta.users.read',
    ('GET', '/api/v1/users/{id}/clients/{id}/tokens'): 'okta.users.read',
    ('DELETE', '/api/v1/users/{id}/clients/{id}/tokens'): 'okta.users.manage',
    ('GET', '/api/v1/users/{id}/clients/{id}/tokens/{id}'): 'okta.users.read',
    ('DELETE', '/api/v1/users/{id}/clients/{id}/tokens/{id}'): 'okta.users.manage',
    # suspendUser, unsuspendUser; getUserRisk, upsertUserRisk (spec 2026.06.3).
    ('POST', '/api/v1/users/{id}/lifecycle/suspend'): 'okta.users.manage',
    ('POST', '/api/v1/users/{id}/lifecycle/unsuspend'): 'okta.users.manage',
    ('GET', '/api/v1/users/{id}/risk'): 'okta.userRisk.read',
    ('PUT', '/api/v1/users/{id}/risk'): 'okta.userRisk.manage',
    # expirePassword, expirePasswordWithTempPassword, resetFactors, unlockUser (manage); listFactors (read).
    ('POST', '/api/v1/users/{id}/lifecycle/expire_password'): 'okta.users.manage',
    ('POST', '/api/v1/users/{id}/lifecycle/expire_password_with_temp_password'): 'okta.users.manage',
    ('POST', '/api/v1/users/{id}/lifecycle/reset_factors'): 'okta.users.manage',
    ('POST', '/api/v1/users/{id}/lifecycle/unlock'): 'okta.users.manage',
    ('GET', '/api/v1/users/{id}/factors'): 'okta.users.read',
    # Okta's OAuth spec 2026.06.3, globalTokenRevocation: security apiToken, or oauth2 with this scope.
    (GLOBAL_TOKEN_REVOCATION_METHOD, GLOBAL_TOKEN_REVOCATION_PATH): 'okta.universalLogout.manage',
}

# Scopes an org has only with a feature: an org without it does not grant them (see answers.FEATURES).
FEATURE_SCOPES = {
    'okta.userRisk.read': 'identity_threat_protection',
    'okta.userRisk.manage': 'identity_threat_protection',
    'okta.universalLogout.manage': 'universal_logout',
}


def revocation_subject(body):
    """``(format, value)`` of a Global Token Revocation request: ``('opaque', user id)`` or
    ``('iss_sub', (iss, sub))``. ValueError, naming the field, for any other shape: the request body is
    ``{"sub_id": {"format": "opaque", "id": "00u…"}}`` (or ``iss_sub`` with ``iss`` and ``sub``), each
    value a non-empty string; ``email``, which the IETF draft allows, is not one of Okta's formats."""
    if not isinstance(body, dict):
        raise ValueError('the request body must be a JSON object with sub_id')
    sub_id = body.get('sub_id')
    if not isinstance(sub_id, dict):
        raise ValueError('sub_id: required, an object with format and id')
    subject_format = sub_id.get('format')
    if subject_format not in SUB_ID_FORMATS:
        raise ValueError('sub_id.format: %s is not a supported subject identifier format (%s)'
                         % (json.dumps(subject_format), ', '.join(sorted(SUB_ID_FORMATS))))
    values = []
    for member in SUB_ID_FORMATS[subject_format]:
        value = sub_id.get(member)
        if not isinstance(value, str) or not value:
            raise ValueError('sub_id.%s: required with format %s, a non-empty string' % (member, subject_format))
        values.append(value)
    return subject_format, values[0] if len(values) == 1 else tuple(values)


def _b64decode(part):
    return base64.urlsafe_b64decode(part + '=' * (-len(part) % 4))


class OAuthError(Exception):
    def __init__(self, status, error, description):
        super(OAuthError, self).__init__(description)
        self.status = status
        self.body = {'error': error, 'error_description': description}


class AuthorizationServer:
    def __init__(self, clock, token_lifetime=None, time_scale=1.0, has_feature=lambda name: True):
        """An access token lives ``token_lifetime`` Okta seconds (default TOKEN_LIFETIME_SECONDS, read
        when the token is granted), divided by ``time_scale`` on the simulator's clock; ``expires_in``
        says so, rounded to a whole second (at least 1). A scope of FEATURE_SCOPES is refused
        (invalid_scope) while ``has_feature(its feature)`` is false."""
        self.clock = clock
        self.has_feature = has_feature
        self.token_lifetime = token_lifetime
        self.time_scale = time_scale
        self.lock = threading.Lock()
        self.clients = {}
        self.tokens = {}
        self.used_jti = set()
        self.grants = 0

    def register(self, client_id, public_key_pem):
        key = serialization.load_pem_public_key(public_key_pem.encode('utf-8'))
        with self.lock:
            self.clients[client_id] = key

    def grant(self, form, audience):
        """Check a client-credentials request with a private_key_jwt assertion; return the token response."""
        if form.get('grant_type') != 'client_credentials':
            raise OAuthError(400, 'unsupported_grant_type', 'The authorization grant type is not supported.')
        if form.get('client_assertion_type') != ASSERTION_TYPE or not form.get('client_assertion'):
            raise OAuthError(401, 'invalid_client', 'A client_assertion of type jwt-bearer is required.')
        claims = self._verified_claims(form['client_assertion'], audience)
        scopes = (form.get('scope') or '').split()
        if not scopes or any(not s.startswith('okta.') for s in scopes) or any(
                s in FEATURE_SCOPES and not self.has_feature(FEATURE_SCOPES[s]) for s in scopes):
            raise OAuthError(400, 'invalid_scope', 'The requested scope is invalid, unknown, or malformed.')
        token = 'eyJsim.' + uuid.uuid4().hex + uuid.uuid4().hex
        lifetime = (TOKEN_LIFETIME_SECONDS if self.token_lifetime is None else self.token_lifetime) / self.time_scale
        with self.lock:
            self.tokens[token] = {'scopes': set(scopes), 'clientId': claims['iss'], 'expires': self.clock() + lifetime}
            self.grants += 1
        return {'token_type': 'Bearer', 'expires_in': max(1, int(round(lifetime))), 'access_token': token,
                'scope': ' '.join(scopes)}

    def _verified_claims(self, assertion, audience):
        try:
            header_part, claims_part, signature_part = assertion.split('.')
            header = json.loads(_b64decode(header_part))
            claims = json.loads(_b64decode(claims_part))
            signature = _b64decode(signature_part)
        except (ValueError, TypeError):
            raise OAuthError(401, 'invalid_client', 'The client_assertion is not a well-formed JWT.')
        with self.lock:
            key = self.clients.get(claims.get('iss'))
        if key is None or claims.get('sub') != claims.get('iss'):
            raise OAuthError(401, 'invalid_client', 'The client_assertion iss/sub is not a registered client.')
        if header.get('alg') != 'RS256':
            raise OAuthError(401, 'invalid_client', 'The client_assertion must be signed with RS256.')
        try:
            key.verify(signature, ('%s.%s' % (header_part, claims_part)).encode('ascii'),
                       padding.PKCS1v15(), hashes.SHA256())
        except InvalidSignature:
            raise OAuthError(401, 'invalid_client', 'The client_assertion signature is invalid.')
        if claims.get('aud') != audience:
            raise OAuthError(401, 'invalid_client', 'The audience of the client_assertion is not %s.' % audience)
        now = self.clock()
        if not isinstance(claims.get('exp'), int) or claims['exp'] <= now or claims['exp'] - now > 3600:
            raise OAuthError(401, 'invalid_client', 'The client_assertion is expired or lives longer than one hour.')
        with self.lock:
            if not claims.get('jti') or claims['jti'] in self.used_jti:
                raise OAuthError(401, 'invalid_client', 'The client_assertion jti was already used.')
            self.used_jti.add(claims['jti'])
        return claims

    def token_scopes(self, token):
        """The scopes of an issued, unexpired access token, or None."""
        grant = self.token_grant(token)
        return None if grant is None or grant['expired'] else grant['scopes']

    def token_grant(self, token):
        """What an issued token grants: scopes, clientId and whether it has expired; None if never issued."""
        with self.lock:
            grant = self.tokens.get(token)
        if grant is None:
            return None
        return dict(grant, expired=grant['expires'] <= self.clock())

    @staticmethod
    def client_of(form):
        """The client a token request claims to be (the assertion's unverified iss), for its rate-limit share."""
        try:
            return json.loads(_b64decode(form.get('client_assertion', '').split('.')[1])).get('iss') or None
        except (ValueError, TypeError, IndexError, AttributeError):
            return None


def has_scope(granted, required):
    """A .manage scope also grants the matching .read scope, as in Okta."""
    if required in granted:
        return True
    return required.endswith('.read') and required[:-len('.read')] + '.manage' in granted
