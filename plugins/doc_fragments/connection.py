# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # The connection options every identity.okta module shares.
    DOCUMENTATION = r'''
options:
  org_url:
    description:
      - Base URL of the Okta org, for example V(https://example.okta.com).
      - Must use C(https://). Plain C(http://) is accepted only for loopback hosts
        (127.0.0.0/8, ::1, localhost), for the test simulator.
      - Must not carry a path, query, fragment or user name.
      - Like every connection setting, taken from the task first, then from the environment
        (E(OKTA_CLIENT_ORGURL), then E(OKTA_ORG_URL)), then from C(okta.client.orgUrl) in
        C(~/.okta/okta.yaml), the configuration file of Okta's SDKs. That file is read only for what the task
        and the environment leave unset; when it is read and cannot be used, the error names the file and the key.
    type: str
  api_token:
    description:
      - 'An Okta API token, sent as C(Authorization: SSWS <token>).'
      - Exactly one kind of credential is used - O(api_token), O(access_token), or O(client_id) with
        O(private_key) - taken as a whole from the first source that has one - task options, then
        environment variables, then C(~/.okta/okta.yaml). Several kinds in that source are an error
        unless O(authorization_mode) picks one.
      - Falls back to E(OKTA_CLIENT_TOKEN), E(OKTA_API_TOKEN), then C(okta.client.token). Only one kind of
        credential may be set in the environment (or in the file) unless O(authorization_mode) picks one.
    type: str
  access_token:
    description:
      - 'An OAuth 2.0 access token for the Okta Management API, sent as C(Authorization: Bearer <token>).'
      - Needs the scopes of the operations the module performs, for example
        C(okta.sessions.read), C(okta.sessions.manage) or C(okta.users.manage).
      - Falls back to E(OKTA_ACCESS_TOKEN), or to E(OKTA_CLIENT_TOKEN) / C(okta.client.token) when the
        authorization mode there is V(Bearer).
    type: str
  authorization_mode:
    description:
      - Which credential to use, named as Okta's SDKs name it - V(SSWS) (O(api_token)), V(Bearer)
        (O(access_token)) or V(PrivateKey) (O(client_id) and O(private_key)).
      - Inferred from the credential given when not set. Falls back to E(OKTA_CLIENT_AUTHORIZATIONMODE)
        and C(okta.client.authorizationMode).
      - Set on the task, it chooses among the credentials found in the environment or the file - for example
        V(PrivateKey) when both E(OKTA_CLIENT_TOKEN) and E(OKTA_CLIENT_CLIENTID) with E(OKTA_CLIENT_PRIVATEKEY)
        are set.
    type: str
    choices: [SSWS, Bearer, PrivateKey]
  client_id:
    description:
      - Client ID of an Okta API service app that authenticates with C(private_key_jwt), which Okta
        recommends over API tokens for automation.
      - The module signs a short-lived RS256 client assertion with O(private_key), exchanges it at
        C(<org_url>/oauth2/v1/token) for an access token with O(scopes) once per task, and uses that token.
      - Falls back to E(OKTA_CLIENT_CLIENTID) and C(okta.client.clientId).
    type: str
  private_key:
    description:
      - The app's RSA private key, as PEM text or as the path of a PEM file (unencrypted).
      - Falls back to E(OKTA_CLIENT_PRIVATEKEY) and C(okta.client.privateKey).
    type: str
  key_id:
    description:
      - The key ID (C(kid)) of O(private_key) registered with the app, if the app has several keys.
      - Falls back to E(OKTA_CLIENT_KID) and C(okta.client.kid).
    type: str
  scopes:
    description:
      - OAuth scopes to request with O(client_id) and O(private_key).
      - Defaults to the least the module needs, which its notes name - for example C(okta.users.read),
        C(okta.users.manage) and C(okta.groups.read) for a module that acts on users named by login or group.
      - Falls back to E(OKTA_CLIENT_SCOPES) (comma separated) and C(okta.client.scopes).
    type: list
    elements: str
  validate_certs:
    description:
      - Verify the TLS certificate of O(org_url). Only turn this off against a test server you control.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify O(org_url) with, for example a corporate TLS inspection CA.
      - O(ca_path) and O(validate_certs) win over E(REQUESTS_CA_BUNDLE) and E(CURL_CA_BUNDLE). Without O(ca_path),
        a CA bundle named by those variables is trusted, as Python C(requests) does, else the system CAs.
      - A certificate that fails verification is not retried.
    type: path
  timeout:
    description:
      - Seconds to wait for Okta to connect and answer each HTTP request, more than 0 and at most 3600.
    type: float
    default: 30
  max_retries:
    description:
      - How many times one API call is retried after a failure, from V(0) (all retries off) to V(20).
      - A call refused by Okta's rate limit (HTTP 429) is retried after the time Okta gives in
        C(X-Rate-Limit-Reset), measured on Okta's clock. Those waits do not count against
        O(max_retries) - Okta did not act and said when to come back - but one call waits at
        most ten minutes in total for rate limits.
      - Calls that are safe to repeat (reads, revocations, refreshes) are also retried with
        exponential backoff after HTTP 502, 503 or 504 or a connection error.
        Session creation is never repeated once it may have reached Okta, because its
        session token is single-use.
    type: int
    default: 4
requirements:
  - requests
notes:
  - All modules of this collection belong to the action group C(identity.okta.okta), so the
    connection can be set once for a play with C(module_defaults) and C(group/identity.okta.okta).
  - Tokens are never logged or returned. To pass a token through the environment, export it in the shell
    that runs Ansible; do not set it with the task keyword C(environment), which Ansible prints at C(-vvv).
'''
