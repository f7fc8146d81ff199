# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: containment_undo
short_description: What undoing a containment would put back, from its journals
version_added: 0.2.0
description:
  - Reads the journals of one containment (the C(identity.okta.contain_users) playbook's, one per tier) and says what
    an undo puts back and what it cannot.
  - V(unsuspend) lists the users the containment suspended (its C(suspend) tier's outcome V(suspended)), never those
    it found suspended already. V(risk) maps each risk level to the users whose level the containment changed from
    it, taken from the level recorded before the change. Okta's API cannot set a risk level back to C(NONE), so those
    users are listed in V(risk_none), set to V(LOW) by the playbook, and said so in the report.
  - V(irreversible) has one row per user and tier that cannot be undone (sessions, OAuth tokens, Universal Logout,
    an expired password, reset factors), with why.
  - Every run in a journal counts (a containment run twice, or resumed), and the earliest recorded level wins.
author:
  - identity.okta maintainers (@identity-okta)
options:
  _input:
    description:
      - The journals' text by tier (V(suspend), V(risk), V(sessions), ...), each as C(lookup('ansible.builtin.file', path))
        reads it. A tier without a journal may be left out or given as an empty string.
    type: dict
    required: true
'''

EXAMPLES = r'''
- name: Plan the undo of INC-4711
  ansible.builtin.set_fact:
    undo: "{{ {'suspend': lookup('ansible.builtin.file', journal_base ~ '-suspend.jsonl', errors='ignore')}
              | identity.okta.containment_undo }}"
'''

RETURN = r'''
_value:
  description: The undo plan.
  type: dict
  contains:
    unsuspend:
      description: User IDs to unsuspend.
      type: list
      elements: str
    risk:
      description: Risk level -> the user IDs to set back to it.
      type: dict
    risk_none:
      description: User IDs whose risk level was C(NONE) before (set to V(LOW), the closest Okta's API allows).
      type: list
      elements: str
    irreversible:
      description: One row per user and tier that cannot be undone - C(user), C(user_id), C(tier), C(result), C(msg).
      type: list
      elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.module_utils.okta_journal import OUTCOME, read_runs

# Tier -> the outcomes that changed something that no API call can put back, and why.
IRREVERSIBLE = {
    'sessions': (('cleared',), 'Okta sessions that were ended cannot be restored; the user signs in again.'),
    'oauth_tokens': (('revoked',), 'Revoked OAuth tokens cannot be restored; the apps ask the user to sign in again.'),
    'universal_logout': (('logged_out',), 'Universal Logout cannot be undone; the user signs in to the apps again.'),
    'expire_password': (('expired',), 'An expired password cannot be un-expired; the user sets a new one at sign-in.'),
    'reset_factors': (('reset',), 'Reset factors cannot be restored; the user enrols them again.'),
}


def _outcomes(text):
    """Every outcome record of every run of a journal, oldest first."""
    for run in read_runs((text or '').splitlines()):
        for item in run.order:
            record = run.last[item]
            if record.get('event') == OUTCOME:
                yield item, record


def containment_undo(journals):
    if not isinstance(journals, dict):
        raise AnsibleFilterError('containment_undo takes a dict of tier -> journal text, got %s' % type(journals).__name__)
    plan = {'unsuspend': [], 'risk': {}, 'risk_none': [], 'irreversible': []}
    for item, record in _outcomes(journals.get('suspend')):
        if record.get('result') == 'suspended' and record.get('user_id') not in plan['unsuspend']:
            plan['unsuspend'].append(record.get('user_id') or item)
    before = {}
    for item, record in _outcomes(journals.get('risk')):
        if record.get('result') == 'set':
            before.setdefault(record.get('user_id') or item, record.get('risk_before') or 'NONE')
    for user_id, level in before.items():
        if level == 'NONE':
            plan['risk_none'].append(user_id)
            plan['irreversible'].append({'user': user_id, 'user_id': user_id, 'tier': 'risk', 'result': 'cannot_undo',
                                         'msg': 'The risk level was NONE before; Okta\'s API cannot set NONE, so it is '
                                                'set to LOW, the closest.'})
        else:
            plan['risk'].setdefault(level, []).append(user_id)
    for tier, (results, why) in sorted(IRREVERSIBLE.items()):
        seen = set()
        for item, record in _outcomes(journals.get(tier)):
            if record.get('result') in results and item not in seen:
                seen.add(item)
                plan['irreversible'].append({'user': item, 'user_id': record.get('user_id'), 'tier': tier,
                                             'result': 'cannot_undo', 'msg': why})
    return plan


class FilterModule(object):
    def filters(self):
        return {'containment_undo': containment_undo}
