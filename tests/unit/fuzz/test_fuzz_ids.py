# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fuzz: session IDs, user IDs and logins, group names - the entries of session_id(s), users and groups.

Whatever the text, ``_id_problem`` says why it is refused or accepts it, and ``validate_id_list``
returns the checked list or fails naming the option and the position. What is accepted as an ID or a
login is one safe path segment once ``api_path`` has encoded it; a group name, which travels as a
query parameter, is text requests can encode.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import pytest
import requests
from hypothesis import example, given
from hypothesis import strategies as st

from ansible_collections.identity.okta.plugins.module_utils.okta_client import api_path
from ansible_collections.identity.okta.plugins.module_utils.okta_ids import (
    KIND_GROUP as GROUP, KIND_SESSION_ID as SESSION_ID, KIND_USER as USER, MAX_ITEMS, id_problem as _id_problem)
from ansible_collections.identity.okta.tests.unit.fuzz.fuzzing import ANY_TEXT, HOSTILE, Failed, FakeModule, fuzz_settings

KINDS = (SESSION_ID, USER, GROUP)
CONTROL = set(chr(c) for c in range(0x20)) | set(['\x7f'])


def check_accepted(value, kind):
    assert value and value == value.strip(), 'blank or padded %r accepted' % value
    assert not CONTROL & set(value), 'control character accepted in %r' % value
    try:
        value.encode('utf-8')
    except UnicodeEncodeError:
        raise AssertionError('%r cannot be sent to Okta (an unpaired surrogate) but was accepted' % value)
    if kind == GROUP:
        # Names go to Okta as the q parameter of /api/v1/groups: requests must be able to encode them.
        requests.Request('GET', 'https://example.okta.com/api/v1/groups', params={'q': value}).prepare()
        return
    path = api_path('/api/v1/users/{0}/sessions', value)
    segment = path[len('/api/v1/users/'):-len('/sessions')]
    assert path == '/api/v1/users/%s/sessions' % segment
    assert segment and not set('/?#\\') & set(segment), 'segment %r of %r is more than one segment' % (segment, value)
    assert segment not in ('.', '..') and value not in ('.', '..')
    assert all(0x20 < ord(c) < 0x7f for c in segment), 'segment %r is not plain ASCII' % segment
    if kind == SESSION_ID:
        assert segment == value, 'a session ID %r needed encoding' % value


@pytest.mark.fuzz_target('ids, logins, group names -> _id_problem')
@fuzz_settings(2000)
@given(value=ANY_TEXT, kind=st.sampled_from(KINDS))
@example(value='\ud800', kind=USER)
@example(value='jane\udfff@example.com', kind=GROUP)
@example(value='..', kind=USER)
@example(value='.', kind=GROUP)
@example(value='A' * 256, kind=GROUP)
@example(value='00u1abcdEFGHijklm0h7', kind=USER)
def test_fuzz_id_problem(tally, value, kind):
    with tally.trial() as trial:
        problem = _id_problem(value, kind)
        if problem is None:
            check_accepted(value, kind)
            trial.accepted()
        else:
            assert isinstance(problem, str) and problem.endswith('.'), problem
            trial.refused()


def _entries():
    pieces = st.one_of(st.sampled_from(HOSTILE), st.sampled_from(['00u1abcdEFGHijklm0h7', 'jane@example.com', 'x']),
                       st.text(max_size=8))
    return st.lists(st.lists(pieces, min_size=0, max_size=3).map(''.join), max_size=8)


@pytest.mark.fuzz_target('users, groups, session_ids lists -> validate_id_list / single_or_list')
@fuzz_settings(1000)
@given(values=st.one_of(st.none(), _entries()), kind=st.sampled_from(KINDS), name=st.sampled_from(['users', 'groups', 'session_ids']),
       single=st.one_of(st.none(), ANY_TEXT))
@example(values=['jane@example.com'] * (MAX_ITEMS + 1), kind=USER, name='users', single=None)
@example(values=['a', 'b', 'a', 'c', 'b'], kind=GROUP, name='groups', single=None)
def test_fuzz_validate_id_list(tally, values, kind, name, single):
    module = FakeModule({'session_id': single, 'session_ids': values})
    with tally.trial() as trial:
        try:
            unique = module.validate_id_list(name, values, kind)
        except Failed as failure:
            assert failure.result == {'field': name}, failure.result
            assert failure.msg.startswith(name), failure.msg
            bad = [i for i, v in enumerate(values or []) if _id_problem(v, kind)]
            assert len(values) > MAX_ITEMS or failure.msg.startswith('%s[%d] ' % (name, bad[0])), failure.msg
            trial.refused()
        else:
            assert unique == list(dict.fromkeys(values or [])), 'duplicates not dropped in order'
            for value in unique:
                check_accepted(value, kind)
            trial.accepted()
    with tally.trial() as trial:
        try:
            option, ids = module.single_or_list('session_id', 'session_ids')
        except Failed as failure:
            assert failure.result.get('field') in ('session_id', 'session_ids'), failure.result
            assert failure.msg.startswith(failure.result['field']), failure.msg
            trial.refused()
        else:
            assert option == ('session_id' if single is not None else 'session_ids')
            for value in ids:
                check_accepted(value, SESSION_ID)
            trial.accepted()
