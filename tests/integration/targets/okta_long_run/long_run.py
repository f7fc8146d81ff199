# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Drives okta_user_sessions through ansible-playbook as a responder would, and checks what the
simulator saw against what the task printed and journaled."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request

URL = os.environ['OKTA_ORG_URL']
WORK = tempfile.mkdtemp(prefix='okta-long-run-')


def admin(action, body=None, method=None):
    request = urllib.request.Request('%s/_simulator/%s' % (URL, action), method=method or ('POST' if body else 'GET'),
                                     data=json.dumps(body).encode() if body is not None else None)
    with urllib.request.urlopen(request, timeout=30) as answer:
        text = answer.read()
    return json.loads(text) if text else None


def state():
    return admin('state')


def api_calls(method=None, prefix='/api/'):
    return len([r for r in admin('requests') if r['path'].startswith(prefix) and (method is None or r['method'] == method)])


def playbook(name, tasks):
    path = os.path.join(WORK, name + '.yml')
    with open(path, 'w') as handle:
        json.dump([{'hosts': 'localhost', 'connection': 'local', 'gather_facts': False, 'tasks': tasks}], handle)
    return path


def start(path, *extra, **env):
    # Unbuffered, as on a terminal: a pipe would otherwise hold ansible-playbook's lines until it ends.
    environment = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_INVENTORY_UNPARSED_WARNING='false',
                       PYTHONUNBUFFERED='1', **env)
    return subprocess.Popen(['ansible-playbook', '-i', 'localhost,', '-e', 'ansible_python_interpreter=%s'
                             % sys.executable, path] + list(extra), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            env=environment, cwd=WORK, start_new_session=True)


def lines_with_times(process):
    """Each output line with the time it arrived."""
    seen = []
    for raw in process.stdout:
        seen.append((time.time(), raw.decode('utf-8', 'replace').rstrip('\n')))
    process.wait()
    return seen


def task(users=None, groups=None, **options):
    args = dict(dict(users=users or [], groups=groups or [], concurrency=2), **options)
    return [{'name': 'sign out', 'identity.okta.okta_user_sessions': args, 'register': 'out', 'ignore_errors': True},
            {'name': 'result', 'ansible.builtin.copy': {'content': '{{ out | to_json }}', 'dest': WORK + '/out.json'}}]


def result():
    with open(os.path.join(WORK, 'out.json')) as handle:
        return json.load(handle)


def journal_records(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle]


def logins(first, last):
    return ['user%d@example.com' % n for n in range(first, last + 1)]


def progress_is_live():
    """Progress lines appear while the task runs, not only at its end."""
    process = start(playbook('progress', task(users=logins(1, 150))))
    seen = lines_with_times(process)
    progress = [(t, line) for t, line in seen if 'okta_user_sessions: ' in line and ' done' in line]
    task_end = next(t for t, line in seen if line.startswith(('changed:', 'ok:', 'failed:', 'fatal:')))
    assert process.returncode == 0, seen
    assert any('okta_user_sessions: plan: 150 targets, 150 to act on' in line for t, line in seen), seen
    assert len(progress) >= 3, seen
    assert progress[0][0] < task_end - 2, 'the first progress line came only at the end'
    assert any('ETA' in line for t, line in progress), progress
    print('progress: %d lines, the first %.1f s before the task ended' % (len(progress), task_end - progress[0][0]))


def interrupt_then_resume():
    """Ctrl-C mid-run: the journal holds exactly what the simulator did; a rerun does only the rest."""
    journal = os.path.join(WORK, 'incident.jsonl')
    names = logins(151, 750)
    before = set(r['userId'] for r in state()['revocations'])
    process = start(playbook('interrupted', task(users=names, journal=journal)))
    deadline = time.time() + 60
    while time.time() < deadline and len(state()['revocations']) - len(before) < 100:
        time.sleep(0.2)
    os.killpg(process.pid, signal.SIGINT)  # what Ctrl-C does: the whole foreground process group
    process.communicate(timeout=60)
    time.sleep(1)  # the module finishes the calls in flight after ansible-playbook has gone
    records = journal_records(journal)
    assert records[-1]['event'] == 'stopped' and 'SIGINT' in records[-1]['reason'], records[-1]
    cleared = set(r['user_id'] for r in records if r['event'] == 'outcome' and r['result'] == 'cleared')
    counted = set(r['userId'] for r in state()['revocations']) - before
    assert cleared == counted and 100 <= len(cleared) < len(names), (len(cleared), len(counted))
    attempted = set(r['item'] for r in records if r['event'] == 'attempted')
    finished = set(r['item'] for r in records if r['event'] == 'outcome')
    assert attempted == finished, 'a call left without its outcome: %s' % (attempted - finished)

    deletes_before = api_calls('DELETE')
    process = start(playbook('resumed', task(users=names, journal=journal)))
    lines_with_times(process)
    out = result()
    summary = out['summary']
    assert summary['skipped_done'] == len(cleared) and summary['cleared'] == len(names) - len(cleared), summary
    assert api_calls('DELETE') - deletes_before == len(names) - len(cleared), 'a call was repeated for what was done'
    print('interrupt: %d of %d cleared before Ctrl-C, journal = simulator; resume: %d skipped, %d cleared, no call '
          'repeated' % (len(cleared), len(names), summary['skipped_done'], summary['cleared']))


def wrong_token_stops_early():
    calls = api_calls()
    process = start(playbook('wrong_token', task(users=logins(1, 1000), api_token='revoked-token-5f0c1d',
                                                 max_targets=2000, concurrency=8)))
    lines_with_times(process)
    out = result()
    made = api_calls() - calls
    assert out['failed'] and made <= 10, (made, out['msg'])
    assert 'Okta refused the credential' in out['msg'] and 'API token' in out['msg'], out['msg']
    print('wrong token against 1,000 users: %d API calls, then: %s' % (made, out['msg'][:120]))


def guardrails():
    before = len(state()['revocations'])
    protected = ['user900@example.com']
    process = start(playbook('protected', task(users=logins(898, 902), protected_users=protected)))
    lines_with_times(process)
    out = result()
    revoked = [r['userId'] for r in state()['revocations'][before:]]
    protected_id = next(r['user_id'] for r in out['results'] if r['user'] == 'user900@example.com')
    assert out['skipped_protected'] == ['user900@example.com'] and protected_id not in revoked, out['skipped_protected']
    assert out['summary']['cleared'] == 4

    deletes = api_calls('DELETE')
    process = start(playbook('too_many', task(groups=['group-1'], max_targets=100)))
    lines_with_times(process)
    out = result()
    assert out['failed'] and out['field'] == 'max_targets' and 'would act on 500 users' in out['msg'], out['msg']
    assert api_calls('DELETE') == deletes, 'a sign-out was sent although max_targets refused the run'
    print('guardrails: protected user untouched; a 500-member group refused by max_targets=100 with 0 sign-outs')


def verify_flags_a_withheld_event():
    admin('log-withhold', {'eventType': 'user.session.clear', 'count': 1})
    process = start(playbook('verify', task(users=logins(960, 963), verify=True, verify_timeout=3)))
    lines_with_times(process)
    out = result()
    assert len(out['unverified']) == 1, out.get('unverified')
    verified = [r for r in out['results'] if r.get('verification') == 'verified']
    assert len(verified) == 3 and all(r['evidence']['uuid'] for r in verified), out['results']
    print('verify: 3 sign-outs found in the System Log with their event uuid, 1 withheld event flagged unverified')


if __name__ == '__main__':
    progress_is_live()
    interrupt_then_resume()
    wrong_token_stops_early()
    guardrails()
    verify_flags_a_withheld_event()
