# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The journal on a real disk: it resumes an interrupted run of the same work and nothing else, has one
writer, keeps its file private and refuses one it cannot trust, and survives a torn line and a full disk."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import resource
import signal
import stat

import pytest

from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import Stop, run_bulk
from ansible_collections.identity.okta.plugins.module_utils.okta_journal import Journal, JournalError, read_runs

IDENTITY = dict(kind='okta_session', org='https://example.okta.com', digest='d1', options={})
FINAL = ('revoked', 'absent')


def open_journal(path, **identity):
    return Journal(str(path), dict(IDENTITY, **identity), FINAL)


def record_outcomes(journal, outcomes, end):
    for item, result in outcomes:
        journal.attempted(item)
        journal.outcome(item, {'result': result})
    if end:
        journal.write('end')
    journal.close()


def records(path):
    with open(str(path)) as handle:
        return [json.loads(line) for line in handle]


def test_an_interrupted_run_is_resumed_and_the_resume_carries_every_earlier_part(tmp_path):
    path = tmp_path / 'j.jsonl'
    first = open_journal(path)
    record_outcomes(first, [('a', 'revoked'), ('b', 'failed'), ('c', 'not_found')], end=False)
    second = open_journal(path)
    assert sorted(second.done) == ['a'] and second.resumes == first.run_id
    record_outcomes(second, [('b', 'revoked')], end=False)
    third = open_journal(path)
    assert sorted(third.done) == ['a', 'b'] and third.resumes == second.run_id
    assert 'c' not in third.done, 'not_found is never final'
    record_outcomes(third, [('c', 'absent')], end=True)
    runs = read_runs(path.read_text().splitlines())
    assert [run.finished for run in runs] == [False, False, True]
    assert sorted((item, record['result']) for item, record in runs[-1].last.items()) == \
        [('a', 'revoked'), ('b', 'revoked'), ('c', 'absent')]


@pytest.mark.parametrize('change, reason', [
    ({}, 'ran to the end'),
    ({'org': 'https://other.okta.com'}, 'another org'),
    ({'kind': 'okta_user_sessions'}, 'another module'),
    ({'digest': 'd2'}, 'another options or input'),
])
def test_anything_but_an_interrupted_run_of_the_same_work_starts_over_and_skips_nobody(tmp_path, change, reason):
    path = tmp_path / 'j.jsonl'
    record_outcomes(open_journal(path), [('a', 'revoked')], end=not change)
    again = open_journal(path, **change)
    assert again.done == {} and again.resumes is None and reason in again.started_over
    again.close()
    assert read_runs(path.read_text().splitlines())[-1].last == {}, 'the new run carries none of the last run'


def test_a_journal_of_an_older_version_is_never_resumed(tmp_path):
    path = tmp_path / 'old.jsonl'
    path.write_text(json.dumps({'event': 'run', 'kind': 'okta_session'}) + '\n' +
                    json.dumps({'event': 'outcome', 'item': 'a', 'result': 'revoked'}) + '\n')
    path.chmod(0o600)
    journal = open_journal(path)
    assert journal.done == {} and 'older version' in journal.started_over


def test_one_writer_a_second_run_is_refused_naming_the_holder(tmp_path):
    path = tmp_path / 'j.jsonl'
    holder = open_journal(path)
    with pytest.raises(JournalError) as refused:
        open_journal(path)
    assert 'in use by another run (pid %d on ' % os.getpid() in str(refused.value) and str(path) in str(refused.value)
    holder.close()
    open_journal(path).close()  # free once the holder is gone


def test_the_journal_and_its_folder_are_private(tmp_path):
    path = tmp_path / 'new' / 'j.jsonl'
    open_journal(path).close()
    assert stat.S_IMODE(os.stat(str(path)).st_mode) == 0o600
    assert stat.S_IMODE(os.stat(str(path.parent)).st_mode) == 0o700


def test_a_journal_that_cannot_be_trusted_is_refused(tmp_path):
    target = tmp_path / 'target.jsonl'
    target.write_text('')
    target.chmod(0o600)
    link = tmp_path / 'link.jsonl'
    link.symlink_to(target)
    with pytest.raises(JournalError, match='is a symbolic link'):
        open_journal(link)
    assert target.read_text() == '', 'nothing written through the link'
    shared = tmp_path / 'shared.jsonl'
    shared.write_text('')
    shared.chmod(0o666)
    with pytest.raises(JournalError, match='can be written by others'):
        open_journal(shared)
    planted = tmp_path / 'planted.jsonl'
    planted.write_text('')
    planted.chmod(0o600)
    os.chown(str(planted), os.geteuid() + 1, -1)
    with pytest.raises(JournalError, match='belongs to another user'):
        open_journal(planted)


def test_a_torn_last_line_is_left_alone_and_the_next_record_starts_on_a_line_of_its_own(tmp_path):
    path = tmp_path / 'j.jsonl'
    record_outcomes(open_journal(path), [('a', 'revoked')], end=False)
    with open(str(path), 'a') as handle:
        handle.write('{"event": "outcome", "ite')  # kill -9 in the middle of a write
    again = open_journal(path)
    assert sorted(again.done) == ['a']
    again.close()
    lines = path.read_text().splitlines()
    assert lines[-2] == '{"event": "outcome", "ite' and json.loads(lines[-1])['event'] == 'run'


def test_a_write_error_mid_run_stops_new_calls_and_nothing_is_done_unrecorded(tmp_path):
    path = tmp_path / 'j.jsonl'
    journal = open_journal(path)
    stop = Stop()
    journal.on_failure = stop
    sent = []

    def act(item):
        journal.attempted(item)
        sent.append(item)
        return 'revoked'

    limit = os.path.getsize(str(path)) + 600  # room for a few records, then EFBIG, as on a full disk
    previous_handler = signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
    previous_limit = resource.getrlimit(resource.RLIMIT_FSIZE)
    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, previous_limit[1]))
    try:
        entries = run_bulk(act, ['s%03d' % n for n in range(50)], 'session_id', 1, journal=journal, stop=stop)
    finally:
        resource.setrlimit(resource.RLIMIT_FSIZE, previous_limit)
        signal.signal(signal.SIGXFSZ, previous_handler)
    journal.close()
    assert 'cannot be written' in stop.reason
    lines = path.read_text().splitlines()
    attempted = set(json.loads(line)['item'] for line in lines[:-1] if '"attempted"' in line)  # the last one is torn
    assert 0 < len(sent) < 50 and set(sent) == attempted, 'every call sent was recorded first'
    assert [e['result'] for e in entries].count('not_attempted') == 50 - len(sent)
