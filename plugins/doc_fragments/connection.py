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
      - If not set, the environment variable E(OKTA_CLIENT_ORGURL) is used, then E(OKTA_ORG_URL).
    type: str
  api_token:
    description:
      - 'An Okta API token, sent as C(Authorization: SSWS <token>).'
      - Exactly one of O(api_token) and O(access_token) must be given. When the task sets
        neither, the environment variables E(OKTA_CLIENT_TOKEN), then E(OKTA_API_TOKEN),
        then E(OKTA_ACCESS_TOKEN) are used.
      - The token needs the admin rights of the operations the module performs.
    type: str
  access_token:
    description:
      - 'An OAuth 2.0 access token for the Okta Management API, sent as C(Authorization: Bearer <token>).'
      - Needs the scopes of the operations the module performs, for example
        C(okta.sessions.read), C(okta.sessions.manage) or C(okta.users.manage).
      - Mutually exclusive with O(api_token). Falls back to E(OKTA_ACCESS_TOKEN).
    type: str
  validate_certs:
    description:
      - Verify the TLS certificate of O(org_url). Only turn this off against a test server you control.
    type: bool
    default: true
  ca_path:
    description:
      - A PEM file of CA certificates to verify O(org_url) with, for example a corporate TLS inspection CA.
    type: path
  timeout:
    description:
      - Seconds to wait for Okta to connect and answer each HTTP request.
    type: float
    default: 30
  max_retries:
    description:
      - How many times one API call is retried.
      - A call rejected by Okta's rate limit (HTTP 429) is retried after the time Okta
        gives in C(X-Rate-Limit-Reset).
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
