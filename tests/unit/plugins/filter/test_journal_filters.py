# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The filters that read journals written by the modules: one run's rows for a report (journal_outcomes), and what
an undo of a containment puts back (containment_undo)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

from ansible_collections.identity.okta.plugins.filter.containment_undo import containment_undo
from ansible_collections.identity.okta.plugins.filter.journal_outcomes import journal_outcomes


def journal(*runs):
    """The text of a journal: each run is (run_id, resumes, ended, [(event, item, fields), ...])."""
    lines = []
    for run_id, resumes, ended, records in runs:
        lines.append({'event': 'run', 'run_id': run_id, 'resumes': resumes, 'kind': 'm', 'org': 'o', 'digest': 'd'})
        lines.extend(dict(fields, event=event, item=item) for event, item, fields in records)
        if ended:
            lines.append({'event': 'end'})
    return '\n'.join(json.dumps(line) for line in lines) + '\n'


def test_a_report_reads_one_run_and_the_interrupted_runs_it_resumed_never_another():
    text = journal(('r1', None, False, [('attempted', 'a', {}), ('outcome', 'a', {'result': 'cleared'}),
                                        ('attempted', 'b', {})]),
                   ('r2', 'r1', True, [('attempted', 'b', {}), ('outcome', 'b', {'result': 'cleared'})]),
                   ('r3', None, False, [('attempted', 'c', {})]))
    assert [(r['item'], r['result']) for r in journal_outcomes(text, 'r2')] == [('a', 'cleared'), ('b', 'cleared')]
    assert [(r['item'], r['result']) for r in journal_outcomes(text, 'r1')] == [('a', 'cleared'), ('b', 'attempted')]
    assert [(r['item'], r['result']) for r in journal_outcomes(text)] == [('c', 'attempted')]  # the last run
    assert journal_outcomes('') == []


def test_an_undo_puts_back_only_what_the_containment_changed_from_what_it_recorded_before():
    suspend = journal(('s1', None, True, [('outcome', 'u1', {'result': 'suspended', 'user_id': '00u1'}),
                                          ('outcome', 'u2', {'result': 'unchanged', 'user_id': '00u2'})]),
                      ('s2', None, True, [('outcome', 'u1', {'result': 'unchanged', 'user_id': '00u1'})]))
    risk = journal(('k1', None, True, [('outcome', 'u1', {'result': 'set', 'user_id': '00u1', 'risk_before': 'MEDIUM'}),
                                       ('outcome', 'u2', {'result': 'set', 'user_id': '00u2', 'risk_before': 'NONE'}),
                                       ('outcome', 'u3', {'result': 'unchanged', 'user_id': '00u3'})]),
                   ('k2', None, True, [('outcome', 'u1', {'result': 'set', 'user_id': '00u1', 'risk_before': 'LOW'})]))
    sessions = journal(('x1', None, True, [('outcome', 'u1', {'result': 'cleared', 'user_id': '00u1'}),
                                           ('outcome', 'u9', {'result': 'not_found'})]))
    plan = containment_undo({'suspend': suspend, 'risk': risk, 'sessions': sessions, 'oauth_tokens': ''})
    assert plan['unsuspend'] == ['00u1'], 'u2 was suspended before: it stays so'
    assert plan['risk'] == {'MEDIUM': ['00u1']}, 'the earliest level recorded before a change wins'
    assert plan['risk_none'] == ['00u2']
    assert sorted((r['tier'], r['user']) for r in plan['irreversible']) == [('risk', '00u2'), ('sessions', 'u1')]
