# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: journal_outcomes
short_description: What a bulk run's journal says happened to each item
version_added: 0.1.0
description:
  - Reads the text of a journal written by M(identity.okta.okta_user_sessions) or M(identity.okta.okta_session)
    (option C(journal)) and returns one row per item, the last thing recorded about it, in the order the items
    were first recorded - for a report of a run that was interrupted or failed before it could return its results.
  - An item whose call was sent but whose answer was never recorded (the run was killed) has the result
    V(attempted) - Okta may or may not have acted; a rerun with the same journal does it again.
author:
  - identity.okta maintainers (@identity-okta)
options:
  _input:
    description: The journal's text (for example C(lookup('ansible.builtin.file', journal))).
    type: str
    required: true
  run_id:
    description:
      - The run to report (the C(run_id) a module returns), with the rows of the interrupted runs it resumed.
      - Empty (the default) for the last run in the journal. Rows of other runs are never included.
    type: str
    default: ''
'''

EXAMPLES = r'''
- name: Report what an interrupted run did
  ansible.builtin.copy:
    dest: report.csv
    content: "{{ lookup('ansible.builtin.file', 'INC-4711.journal') | identity.okta.journal_outcomes(revoked.run_id)
                 | identity.okta.to_csv(['time', 'item', 'result', 'status', 'request_id', 'msg']) }}"
    mode: "0640"
'''

RETURN = r'''
_value:
  description:
    - One dictionary per item - C(item), C(result), C(time) and, when recorded, C(status), C(request_id),
      C(user_id), C(login), C(msg).
  type: list
  elements: dict
'''

from ansible.errors import AnsibleFilterError

from ansible_collections.identity.okta.plugins.module_utils.okta_journal import ATTEMPTED, read_runs


def journal_outcomes(text, run_id=''):
    if not isinstance(text, str):
        raise AnsibleFilterError('journal_outcomes takes the text of a journal, got %s' % type(text).__name__)
    runs = read_runs(text.splitlines())
    if run_id:
        runs = [run for run in runs if run.run_id == run_id]
        if not runs:
            raise AnsibleFilterError('journal_outcomes: the journal has no run %s' % run_id)
    if not runs:
        return []
    run = runs[-1]
    rows = []
    for item in run.order:
        record = run.last[item]
        row = dict((k, v) for k, v in record.items() if k != 'event')
        if record.get('event') == ATTEMPTED:
            row = {'item': item, 'result': 'attempted', 'time': record.get('time')}
        rows.append(row)
    return rows


class FilterModule(object):
    def filters(self):
        return {'journal_outcomes': journal_outcomes}
