# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The live progress of the bulk modules (plugin_utils/okta_progress.py): the line each journal record becomes, the
records a real bulk run writes (counts, rate, wait, ETA), the follower that reads a journal as it grows, and the
action plugin that runs okta_user_sessions against the simulator and shows its plan and progress while it runs.
The lines go to a recording stand-in for Ansible's display; everything else is real."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import re
import time

import pytest


from ansible_collections.identity.okta.plugins.action.okta_user_sessions import ActionModule
from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import BulkRun
from ansible_collections.identity.okta.plugins.module_utils.okta_journal import Journal
from ansible_collections.identity.okta.plugins.modules import okta_user_sessions
from ansible_collections.identity.okta.plugins.plugin_utils import okta_progress
from ansible_collections.identity.okta.plugins.plugin_utils.okta_progress import JournalFollower, describe

from ansible_collections.identity.okta.tests.unit.module_args import patch_module_args


class Recorder:
    """Stands in for Ansible's Display: keeps each line shown, with when it was shown."""

    def __init__(self):
        self.shown = []

    def display(self, msg, *args, **kwargs):
        self.shown.append((time.time(), msg))

    @property
    def lines(self):
        return [msg for dummy, msg in self.shown]


@pytest.fixture
def display(monkeypatch):
    recorder = Recorder()
    monkeypatch.setattr(okta_progress, 'display', recorder)
    return recorder


def append(path, *records):
    with open(path, 'a') as handle:
        for record in records:
            handle.write((record if isinstance(record, str) else json.dumps(record)) + '\n')


# -- one line per record ---------------------------------------------------------------------------------------------

def test_a_plan_says_who_how_many_calls_in_which_bucket_the_share_and_how_long():
    assert describe({'event': 'plan', 'targets': 1002, 'to_act_on': 998, 'not_found': 2, 'protected': 1, 'duplicates': 1,
                     'calls': {'users': 998, 'groups': 3}, 'bucket_limit': 300, 'max_api_share': 0.8,
                     'estimated_seconds': 225.4}) == (
        'plan: 1002 targets, 998 to act on, 2 not found, 1 protected, 1 duplicates; calls: 3 in the groups bucket, '
        '998 in the users bucket; Okta allows this token 300 per minute there, 80% of it used; estimated 0:03:45')
    assert describe({'event': 'plan', 'targets': 3, 'to_act_on': 3, 'not_found': 0, 'protected': 0, 'duplicates': 0,
                     'calls': {}, 'estimated_seconds': None}) == 'plan: 3 targets, 3 to act on', 'nothing said of zeros'
    assert describe({'event': 'plan', 'targets': 1, 'to_act_on': 1, 'bucket_limit': 50, 'max_api_share': None}) == \
        'plan: 1 targets, 1 to act on; Okta allows this token 50 per minute there, 100% of it used'


def test_progress_says_done_of_total_the_counts_the_rate_a_wait_the_eta_and_why_it_stops():
    assert describe({'event': 'progress', 'done': 250, 'total': 1000, 'counts': {'not_found': 2, 'cleared': 248},
                     'items_per_s': 4.17, 'waiting': {'seconds': 12.5, 'bucket': 'users'}, 'eta_s': 179.6,
                     'stopping': 'the run was interrupted (SIGINT);\n   the calls in flight were finished'}) == (
        '250/1000 done (248 cleared, 2 not found), 4.17/s, waiting 12.5s for the users rate limit, ETA 0:03:00; '
        'stopping: the run was interrupted (SIGINT); the calls in flight were finished')
    assert describe({'event': 'progress', 'done': 7, 'total': None, 'counts': {}}) == '7 done'
    assert describe({'event': 'progress', 'done': 7, 'total': 9, 'items_per_s': 0, 'eta_s': None}) == '7/9 done, 0/s'
    assert describe({'event': 'progress', 'done': 1, 'total': 2, 'waiting': None, 'eta_s': 0.2}) == '1/2 done, ETA 0:00:00'
    long_reason = describe({'event': 'progress', 'done': 1, 'total': 2, 'stopping': 'x' * 300})
    assert long_reason.endswith('; stopping: ' + 'x' * 117 + '...'), 'a long reason is cut to 120 characters'


def test_only_plan_progress_and_a_stop_with_its_reason_make_a_line():
    assert describe({'event': 'stopped', 'reason': 'Okta refused the credential (HTTP 401)'}) == \
        'stopped: Okta refused the credential (HTTP 401)'
    for record in ({'event': 'stopped'}, {'event': 'end'}, {'event': 'end', 'reason': 'x'}, {'event': 'run', 'run_id': 'r'},
                   {'event': 'attempted', 'item': 'u'}, {'event': 'outcome', 'item': 'u', 'result': 'cleared'}, {}):
        assert describe(record) is None, record


@pytest.mark.parametrize('seconds, shown', [
    (0, '0:00:00'), (0.49, '0:00:00'), (59.6, '0:01:00'), (3725, '1:02:05'), (90061, '1 day, 1:01:01'),
])
def test_durations_are_whole_seconds(seconds, shown):
    assert describe({'event': 'progress', 'done': 1, 'total': 3, 'eta_s': seconds}) == '1/3 done, ETA %s' % shown


# -- what a real bulk run writes, as shown ------------------------------------------------------------------------------

def test_the_records_of_a_real_bulk_run_become_progress_lines_with_counts_and_eta(tmp_path, display):
    path = str(tmp_path / 'run.jsonl')
    follower = JournalFollower(path, 'localhost | okta_user_sessions')
    journal = Journal(path, dict(kind='okta_user_sessions', org='http://127.0.0.1', digest='d', options={}), ('cleared',))
    journal.write('plan', targets=20, to_act_on=19, not_found=1, calls={'users': 19}, bucket_limit=300, max_api_share=0.5,
                  estimated_seconds=38)
    items = ['user%d@example.com' % n for n in range(1, 21)]
    bulk = BulkRun(lambda item: 'not_found' if item == 'user7@example.com' else 'cleared', 'user', 1, journal=journal,
                   total=len(items), estimate=lambda done, left: 2.0 * left)
    bulk.run(items)
    journal.write('end')
    journal.close()
    follower._read()
    prefix = 'localhost | okta_user_sessions: '
    assert display.lines[0] == prefix + ('plan: 20 targets, 19 to act on, 1 not found; calls: 19 in the users bucket; '
                                         'Okta allows this token 300 per minute there, 50% of it used; estimated 0:00:38')
    progress = [line[len(prefix):] for line in display.lines[1:]]
    assert progress and all(line.startswith(prefix) for line in display.lines) and follower.shown == len(display.lines)
    assert progress[-1].startswith('20/20 done (19 cleared, 1 not found), ') and 'ETA' not in progress[-1]
    done = [int(line.split('/')[0]) for line in progress]
    assert done == sorted(done) and len(set(done)) == len(done), 'each line is further on'
    first = progress[0]
    left = 20 - done[0]
    assert first.endswith(', ETA %s' % okta_progress._duration(2.0 * left)), 'the ETA of the rate model, not the speed so far'


# -- the follower ----------------------------------------------------------------------------------------------------

def test_the_follower_shows_only_what_is_appended_once_each_and_a_line_only_when_whole(tmp_path, display):
    path = str(tmp_path / 'INC-1.jsonl')
    append(path, {'event': 'progress', 'done': 5, 'total': 10}, {'event': 'stopped', 'reason': 'an earlier run'})
    follower = JournalFollower(path, 'h | m')
    follower._read()
    assert display.lines == [], "an earlier run's records are not shown again"
    append(path, {'event': 'run', 'run_id': 'r2'}, 'not json at all', '[1, 2]', {'event': 'progress', 'done': 1, 'total': 4})
    with open(path, 'a') as handle:
        handle.write('{"event": "progress", "done": 2, "tot')  # being written
    follower._read()
    assert display.lines == ['h | m: 1/4 done'] and follower.shown == 1
    with open(path, 'a') as handle:
        handle.write('al": 4, "counts": {"cleared": 2}}\n')
    append(path, {'event': 'stopped', 'reason': u'interrupted (SIGINT) \u2014 r\u00e9sum\u00e9 it'},
           {'event': 'progress', 'done': 3, 'total': 4})
    follower._read()
    follower._read()
    assert display.lines == ['h | m: 1/4 done', 'h | m: 2/4 done (2 cleared)', u'h | m: stopped: interrupted (SIGINT) \u2014 r\u00e9sum\u00e9 it',
                             'h | m: 3/4 done'], 'after a line with accents the next one is read from its start'


def test_a_journal_that_does_not_exist_yet_is_followed_from_its_first_line(tmp_path, display):
    path = str(tmp_path / 'later' / 'journal.jsonl')
    follower = JournalFollower(path, 'p')
    follower._read()
    os.makedirs(os.path.dirname(path))
    append(path, {'event': 'plan', 'targets': 2, 'to_act_on': 2})
    follower._read()
    assert display.lines == ['p: plan: 2 targets, 2 to act on']


def test_the_follower_thread_polls_while_the_run_goes_and_reads_the_rest_when_stopped(tmp_path, display):
    path = str(tmp_path / 'INC-2.jsonl')
    follower = JournalFollower(path, 'p')
    follower.start()
    started = time.time()
    append(path, {'event': 'progress', 'done': 1, 'total': 3})
    time.sleep(okta_progress.POLL_SECONDS * 2.5)
    seen_while_running = list(display.lines)
    append(path, {'event': 'progress', 'done': 3, 'total': 3})
    follower.stop()
    assert seen_while_running == ['p: 1/3 done'], 'shown within a poll or two, not only at the end'
    assert display.lines == ['p: 1/3 done', 'p: 3/3 done'] and not follower.is_alive()
    assert display.shown[0][0] - started < okta_progress.POLL_SECONDS * 2.5


# -- the action plugin -------------------------------------------------------------------------------------------------

class Namespace:
    def __init__(self, **attributes):
        self.__dict__.update(attributes)


class InProcessAction(ActionModule):
    """The collection's action plugin for okta_user_sessions, whose module runs in this process (not through
    AnsiballZ): what the action hands the module, and what it does with the result, are real."""

    def __init__(self, capsys, args, transport='local', check_mode=False, async_val=0):
        task = Namespace(args=args, action='identity.okta.okta_user_sessions', async_val=async_val, check_mode=check_mode,
                         keep_remote_files=False)
        connection = Namespace(transport=transport, has_native_async=False, _shell=Namespace(tmpdir=None))
        super(InProcessAction, self).__init__(task, connection, Namespace(check_mode=check_mode), None, None, None)
        self.capsys = capsys
        self.sent = None
        self.ended = None

    def _execute_module(self, module_name=None, module_args=None, task_vars=None, **kwargs):
        assert module_name == 'identity.okta.okta_user_sessions'
        self.sent = dict(module_args)
        args = dict(module_args, _ansible_remote_tmp='/tmp', _ansible_keep_remote_files=False,
                    _ansible_check_mode=self._play_context.check_mode)
        with patch_module_args(args):
            with pytest.raises(SystemExit):
                okta_user_sessions.main()
        self.ended = time.time()
        return json.loads(self.capsys.readouterr().out)


def module_args_of(result):
    """The arguments the module says it ran with (ansible-core 2.21 no longer returns them: then none)."""
    return result.get('invocation', {}).get('module_args', {})


def users_args(running, count, **args):
    return dict(org_url=running.base_url, api_token=running.api_token,
                users=['user%d@example.com' % n for n in range(1, count + 1)], **args)


def test_a_local_run_shows_its_plan_and_progress_while_it_runs_from_a_temporary_journal(okta_sim, capsys, display):
    running = okta_sim(users=12, sessions_per_user=1, latency_ms=100)
    action = InProcessAction(capsys, users_args(running, 12, concurrency=1))
    result = action.run(task_vars={'inventory_hostname': 'responder-1'})
    assert not result.get('failed') and result['summary']['cleared'] == 12, result.get('msg')
    journal = action.sent['journal']
    assert os.path.isabs(journal) and not os.path.exists(os.path.dirname(journal)), 'the temporary journal is removed'
    assert 'journal' not in action._task.args and 'journal' not in module_args_of(result)
    prefix = 'responder-1 | okta_user_sessions: '
    assert all(line.startswith(prefix) for line in display.lines)
    assert display.lines[0] == prefix + 'plan: 12 targets, 12 to act on; calls: 12 in the users bucket; Okta allows this ' \
        'token %d per minute there, 80%% of it used; estimated %s' % (
            result['plan']['bucket_limit'], okta_progress._duration(result['plan']['estimated_seconds']))
    assert re.match(r'^12/12 done \(12 cleared\), [0-9.]+/s$', display.lines[-1][len(prefix):]), display.lines[-1]
    live = [msg for at, msg in display.shown if at < action.ended and 'done' in msg]
    assert live, 'progress is shown while the module runs, not only at its end'


def test_a_journal_given_is_made_absolute_and_kept(okta_sim, capsys, display, tmp_path, monkeypatch):
    running = okta_sim(users=2, sessions_per_user=1)
    monkeypatch.setenv('HOME', str(tmp_path))
    action = InProcessAction(capsys, users_args(running, 2, journal='~/INC-7.jsonl'))
    result = action.run(task_vars={})
    assert action.sent['journal'] == str(tmp_path / 'INC-7.jsonl') and os.path.exists(action.sent['journal'])
    assert module_args_of(result).get('journal', action.sent['journal']) == action.sent['journal'] and result['run_id']
    assert display.lines[0].startswith('localhost | okta_user_sessions: plan: 2 targets, 2 to act on')


@pytest.mark.parametrize('transport, setting', [('ssh', 'on'), ('local', 'off'), ('local', 'False')])
def test_no_live_lines_on_another_host_or_with_okta_progress_off(okta_sim, capsys, display, monkeypatch, transport, setting):
    running = okta_sim(users=2, sessions_per_user=1)
    monkeypatch.setenv('OKTA_PROGRESS', setting)
    args = users_args(running, 2)
    action = InProcessAction(capsys, dict(args), transport=transport)
    result = action.run(task_vars={})
    assert result['summary']['cleared'] == 2 and action.sent == args, 'the module gets the task\'s arguments as they are'
    assert display.lines == [] and 'run_id' not in result


def test_check_mode_shows_the_plan_from_the_result(okta_sim, capsys, display):
    running = okta_sim(users=2, sessions_per_user=1)
    args = dict(users_args(running, 2), users=['user1@example.com', 'user2@example.com', 'gone@example.com'])
    action = InProcessAction(capsys, args, check_mode=True)
    result = action.run(task_vars={'inventory_hostname': 'h'})
    assert result['changed'] is True and running.state()['sessionCount'] == 2
    assert display.lines == ['h | okta_user_sessions: plan: 3 targets, 2 to act on, 1 not found; Okta allows this token %d per '
                             'minute there, 80%% of it used; estimated %s' % (
                                 result['plan']['bucket_limit'], okta_progress._duration(result['plan']['estimated_seconds']))]
    assert result['plan']['calls'] == {}, 'check mode makes no call: none are shown'


def test_an_async_task_runs_without_live_lines(okta_sim, capsys, display):
    """async: runs (ActionBase refuses an action without _supports_async), through the module as given: no
    temporary journal, no live lines."""
    running = okta_sim(users=1, sessions_per_user=1)
    args = users_args(running, 1)
    action = InProcessAction(capsys, dict(args), async_val=60)
    result = action.run(task_vars={})
    assert not result.get('failed') and action.sent == args and display.lines == []
