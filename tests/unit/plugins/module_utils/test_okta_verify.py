# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The one verify loop: events matched to entries once each, polled until all are found or the time is up
(the System Log exchanges themselves are checked in the okta_session and okta_user_sessions integration targets)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.module_utils.okta_verify import verify_in_log


def test_each_event_is_used_once_and_what_never_shows_is_unverified_when_the_time_is_up():
    now = [0.0]
    log = [[('a', {'uuid': 'e1', 'published': 't1'})],  # the first poll: a's event
           [('b', {'uuid': 'e1', 'published': 't1'}), ('b', {'uuid': 'e2', 'published': 't2'})],  # e1 is a's
           []]
    polls = []

    def read_events(keys):
        polls.append(sorted(keys))
        return log[min(len(polls), len(log)) - 1]

    entries = {'a': {}, 'b': {}, 'c': {}}
    pending = dict(entries)
    left = verify_in_log(pending, read_events, 12, clock=lambda: now[0], sleep=lambda s: now.__setitem__(0, now[0] + s))
    assert left == ['c'] and polls[:2] == [['a', 'b', 'c'], ['b', 'c']]
    assert entries['a'] == {'verification': 'verified', 'evidence': {'uuid': 'e1', 'published': 't1'}}
    assert entries['b']['evidence']['uuid'] == 'e2' and entries['c'] == {'verification': 'unverified'}
    assert len(polls) == 4  # at 0, 5, 10 and 15 s: the last poll is the first one after the 12 s are up
