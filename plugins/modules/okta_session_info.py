#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_session_info
short_description: Read Okta sessions
version_added: 0.1.0
description:
  - Reads one or many sessions by ID (C(GET /api/v1/sessions/{id})).
  - IDs that Okta does not know are listed in RV(missing); they do not fail the task.
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.attributes
  - identity.okta.connection
  - identity.okta.bulk
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
options:
  session_id:
    description: The ID of one session.
    type: str
  session_ids:
    description: The IDs of several sessions. Duplicates are read once.
    type: list
    elements: str
  query:
    description:
      - A JMESPath expression applied to RV(sessions); its value is returned in RV(query_result).
      - For example V([?status=='MFA_REQUIRED'].login).
    type: str
requirements:
  - jmespath (for O(query))
notes:
  - Needs an admin API token, or an OAuth credential with the scope C(okta.sessions.read).
seealso:
  - module: identity.okta.okta_session
'''

EXAMPLES = r'''
- name: Read one session
  identity.okta.okta_session_info:
    org_url: https://example.okta.com
    api_token: "{{ okta_api_token }}"
    session_id: 102GALFVpuTRtSLDeRCnxfuDg
  register: info

- name: Which of these sessions still wait for MFA, by login
  identity.okta.okta_session_info:
    session_ids: "{{ suspicious_session_ids }}"
    query: "[?status=='MFA_REQUIRED'].login"
  register: pending_mfa

- ansible.builtin.debug:
    msg: "Still pending MFA: {{ pending_mfa.query_result }}; gone: {{ pending_mfa.missing }}"
'''

RETURN = r'''
sessions:
  description:
    - The sessions found, in the order asked, with Okta's keys in snake_case.
    - Each has the keys described for RV(identity.okta.okta_session#module:session).
  returned: always
  type: list
  elements: dict
  sample:
    - id: 102GALFVpuTRtSLDeRCnxfuDg
      user_id: 00u1abcdEFGHijklm0h7
      login: jane.doe@example.com
      status: ACTIVE
      created_at: '2026-11-25T08:00:00.000Z'
      expires_at: '2026-11-25T10:00:00.000Z'
      amr: [pwd, mfa]
      idp: {id: 00o1abcdEFGHijklm0h7, type: OKTA}
      mfa_active: true
missing:
  description: The IDs of sessions that do not exist (Okta answered 404).
  returned: always
  type: list
  elements: str
query_result:
  description: The value of O(query) applied to RV(sessions).
  returned: when O(query) is set
  type: raw
retries:
  description: How many API calls were repeated after a rate limit, a 5xx answer or a connection error.
  returned: always
  type: int
run_id:
  description: The run's ID in its O(journal) (see M(identity.okta.okta_user_sessions)).
  returned: with O(journal), once the journal was opened (not in check mode)
  type: str
journal_run:
  description: Whether this run resumed an interrupted run of the same journal, and if not, why (see M(identity.okta.okta_user_sessions)).
  returned: with O(journal), once the journal was opened (not in check mode)
  type: dict
'''

from ansible_collections.identity.okta.plugins.module_utils.okta_api import get_session, session_result
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule


def main():
    module = OktaModule(
        argument_spec=dict(
            session_id=dict(type='str'),
            session_ids=dict(type='list', elements='str'),
            query=dict(type='str'),
        ),
        bulk=True,
        default_scopes=['okta.sessions.read'],
        mutually_exclusive=[('session_id', 'session_ids')],
        required_one_of=[('session_id', 'session_ids')],
        supports_check_mode=True,
    )
    dummy, ids = module.single_or_list('session_id', 'session_ids')

    def read(session_id):
        session = get_session(module.client, session_id)
        return {'result': 'found', 'session': session} if session is not None else 'missing'

    found = dict()
    missing = []
    for entry in module.run_bulk(read, ids, 'session_id', final_results=()):  # a read is never skipped
        if entry['result'] == 'failed':
            module.fail_json(msg='Could not read session %s: %s' % (entry['session_id'], entry.get('msg')),
                             **dict((k, v) for k, v in entry.items() if k not in ('msg', 'result')))
        if entry['result'] == 'missing':
            missing.append(entry['session_id'])
        else:
            found[entry['session_id']] = session_result(entry['session'])
    sessions = [found[i] for i in ids if i in found]
    result = dict(changed=False, sessions=sessions, missing=missing)
    if module.params['query']:
        result['query_result'] = module.apply_query(sessions)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
