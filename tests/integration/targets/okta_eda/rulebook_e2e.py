# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""ansible-rulebook for real, with the collection's rulebooks, against the Okta simulator.

Run A: identity.okta.revoke_on_event (Event Hook + System Log poller)
  - a sign-in from a blocked address, seen only by the poller, signs that user out
  - a sign-in from another address, and a failed one from the blocked address, do not
  - the hook answers Okta's verification GET, refuses deliveries without the secret (401),
    and a delivery with it signs the user out
  - one event seen by both sources signs its user out once
  - a burst of 20 reports for two people, pushed to the hook, starts one action that signs both out
Run B: identity.okta.revoke_on_system_log, started on run A's cursor file after run A was
  stopped with SIGTERM: what happened while nothing ran is acted on, nothing is repeated.
Run C: identity.okta.keep_contained (poller, 2 s), contained_users user7 (by ID) and user8 (by login),
  a watch of 30 s (Okta's 2 minutes at the simulator's scale): user7 signs in again 3 times and is
  signed out each time (3 revocations, no session left), user8 once; user9, not contained, signs in
  and keeps the session; each re-revocation is a finished run of the incident's keep-contained
  journal; the rulebook ends by itself when the watch is over, and a sign-in after it is left alone.

Usage: python rulebook_e2e.py EDA_VENV COLLECTION_ROOT WORK_DIR (OKTA_ORG_URL / OKTA_API_TOKEN of a
running simulator with users user1..user12 of 2 sessions each). Prints 'N passed, N failed'.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid

from simulator_api import ORG_URL, sim  # a sibling file of this target

API_TOKEN = os.environ['OKTA_API_TOKEN']
BLOCKED_IP = '203.0.113.66'
SUSPICIOUS = 'user.account.report_suspicious_activity_by_enduser'
HOOK_SECRET = 'eda-hook-' + uuid.uuid4().hex
WAIT_SECONDS = 60
RESULTS = []


def state():
    return sim('/_simulator/state')


def user_ids():
    return dict((u['login'], u['id']) for u in state()['users'])


def sessions_of(login, snapshot=None):
    return len([s for s in (snapshot or state())['sessions'] if s['login'] == login])


def revocations_of(user_id, snapshot=None):
    return [r for r in (snapshot or state())['revocations'] if r['kind'] == 'user' and r['userId'] == user_id]


def inject(login, event_type, ip='198.51.100.23', outcome='SUCCESS'):
    return sim('/_simulator/events', {'login': login, 'eventType': event_type, 'ip': ip, 'outcome': outcome})


def hook(port, method='GET', body=None, headers=None):
    request = urllib.request.Request('http://127.0.0.1:%d/okta/events' % port, data=body, method=method,
                                     headers=headers or {})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            raw = response.read()
            return response.status, json.loads(raw) if raw else None
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read()


def delivery(*events):
    return json.dumps({'eventType': 'com.okta.event_hook', 'eventTypeVersion': '1.0', 'cloudEventsVersion': '0.1',
                       'source': ORG_URL + '/api/v1/eventHooks/whoEdaTest0000000000', 'eventId': str(uuid.uuid4()),
                       'eventTime': events[0]['published'], 'contentType': 'application/json',
                       'data': {'events': list(events)}}).encode('utf-8')


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class Rulebook:
    """One ansible-rulebook process, its log, and bounded waits on it."""

    def __init__(self, venv, work, name, rulebook, variables, graceful=False):
        self.log_path = os.path.join(work, name + '.log')
        vars_path = os.path.join(work, name + '-vars.json')
        with open(vars_path, 'w') as handle:
            json.dump(variables, handle)
        env = dict(os.environ, PATH=os.path.join(venv, 'bin') + os.pathsep + os.environ['PATH'],
                   OKTA_EVENT_HOOK_AUTHORIZATION=HOOK_SECRET, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1')
        env.pop('PYTHONPATH', None)  # the virtualenv's own ansible-core, not the one ansible-test puts there
        if graceful:
            # The JVM lets ansible-rulebook handle SIGTERM itself: sources are cancelled and clean up.
            env['JAVA_TOOL_OPTIONS'] = '-Xrs'
        self.log = open(self.log_path, 'w')
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [os.path.join(venv, 'bin', 'ansible-rulebook'), '-r', rulebook, '-i', os.path.join(work, 'inventory.yml'),
             '--vars', vars_path, '-v'],
            cwd=work, env=env, stdout=self.log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)

    def text(self):
        with open(self.log_path) as handle:
            return handle.read()

    def wait_until(self, what, predicate, timeout=WAIT_SECONDS):
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if self.process.poll() is not None:
                raise AssertionError('ansible-rulebook ended (%s) while waiting until %s' % (self.process.returncode, what))
            if time.monotonic() > deadline:
                raise AssertionError('not within %d s: %s' % (timeout, what))
            time.sleep(0.25)

    def stop(self):
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(10)
            raise AssertionError('ansible-rulebook did not stop within 30 s of SIGTERM')
        finally:
            self.log.close()
        return self.process.returncode

    def kill(self):
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(10)


def check(name, func):
    started = time.monotonic()
    try:
        func()
    except Exception as exc:  # pylint: disable=broad-except
        RESULTS.append(False)
        print('FAIL %s (%.1f s): %s: %s' % (name, time.monotonic() - started, exc.__class__.__name__, exc))
        return False
    RESULTS.append(True)
    print('ok   %s (%.1f s)' % (name, time.monotonic() - started))
    return True


def seen_by_poller(cursor_file, event_uuid):
    try:
        with open(cursor_file) as handle:
            return event_uuid in json.load(handle)['seen']
    except (IOError, OSError, ValueError, KeyError):
        return False


def run(venv, root, work):
    with open(os.path.join(work, 'inventory.yml'), 'w') as handle:
        # The modules run with the rulebook's virtualenv, which has requests and jmespath.
        handle.write('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                     '      ansible_python_interpreter: %s\n' % os.path.join(venv, 'bin', 'python'))
    ids = user_ids()
    cursor_file = os.path.join(work, 'okta_system_log.cursor.json')
    port = free_port()
    variables = {'okta_blocked_ips': ['198.18.0.1', BLOCKED_IP], 'okta_hook_host': '127.0.0.1', 'okta_hook_port': port,
                 'okta_poll_interval': 2, 'okta_cursor_file': cursor_file,
                 # Run B hands over again what run A handed over within 3 s before its stop (at-least-once); run A's
                 # last event was handed over more than 6 s before it, so nothing of run A is repeated.
                 'okta_replay_window': 3}
    template = inject('user12@example.com', 'user.session.lifecycle.activate')  # a LogEvent to build hook events on

    def synthetic(login, event_type):
        """An event Okta would push but the simulator's System Log does not have: only the hook can bring it."""
        event = copy.deepcopy(template)
        event.update(uuid=str(uuid.uuid4()), eventType=event_type)
        event['actor'].update(id=ids[login], alternateId=login)
        return event

    a = Rulebook(venv, work, 'run-a', 'identity.okta.revoke_on_event', variables)
    try:
        def ready():
            a.wait_until('the hook answers', lambda: _answers(port))
            a.wait_until('the poller saved its first position', lambda: os.path.exists(cursor_file))
            loaded = re.search(r'Loading rulebook from (\S+)', a.text())
            assert loaded and os.path.realpath(loaded.group(1)) == os.path.realpath(
                os.path.join(root, 'extensions', 'eda', 'rulebooks', 'revoke_on_event.yml')), loaded and loaded.group(1)
            print('    ansible-rulebook ready in %.1f s' % (time.monotonic() - a.started))
        if not check('run A starts from the collection under test', ready):
            return

        def verification():
            status, body = hook(port, headers={'X-Okta-Verification-Challenge': 'okta-challenge-42'})
            assert (status, body) == (200, {'verification': 'okta-challenge-42'}), (status, body)
        check('hook answers the verification request', verification)

        def blocked_sign_in():
            inject('user5@example.com', 'user.session.start', ip='198.51.100.77')            # not blocked
            inject('user11@example.com', 'user.session.start', ip=BLOCKED_IP, outcome='FAILURE')  # no session made
            started = time.monotonic()
            inject('user1@example.com', 'user.session.start', ip=BLOCKED_IP)
            a.wait_until('user1 is signed out', lambda: sessions_of('user1@example.com') == 0)
            print('    user1 signed out %.1f s after the sign-in (poll interval 2 s)' % (time.monotonic() - started))
            cleared = revocations_of(ids['user1@example.com'])
            assert len(cleared) == 1 and cleared[0]['oauthTokens'] is True and cleared[0]['sessionsCleared'] == 2, cleared
        check('poller: a sign-in from a blocked address signs the user out', blocked_sign_in)

        def refused():
            body = delivery(synthetic('user3@example.com', SUSPICIOUS))
            for headers in ({}, {'Authorization': 'not-the-secret'}, {'Authorization': HOOK_SECRET + 'x'}):
                status, answer = hook(port, 'POST', body, dict(headers, **{'Content-Type': 'application/json'}))
                assert status == 401, (headers, status, answer)
        check('hook refuses deliveries without the right Authorization (401)', refused)

        def pushed():
            started = time.monotonic()
            status, answer = hook(port, 'POST', delivery(synthetic('user2@example.com', SUSPICIOUS)),
                                  {'Content-Type': 'application/json', 'Authorization': HOOK_SECRET})
            assert status == 200, (status, answer)
            a.wait_until('user2 is signed out', lambda: sessions_of('user2@example.com') == 0)
            print('    user2 signed out %.1f s after the delivery' % (time.monotonic() - started))
        check('hook: a reported suspicious activity signs the user out', pushed)

        def both_sources():
            event = inject('user4@example.com', SUSPICIOUS)
            status, answer = hook(port, 'POST', delivery(event),
                                  {'Content-Type': 'application/json', 'Authorization': HOOK_SECRET})
            assert status == 200, (status, answer)
            a.wait_until('user4 is signed out', lambda: sessions_of('user4@example.com') == 0)
            a.wait_until('the poller delivered the same event', lambda: seen_by_poller(cursor_file, event['uuid']))
            time.sleep(6)  # time for a second action, had the throttle let one through
            assert len(revocations_of(ids['user4@example.com'])) == 1, revocations_of(ids['user4@example.com'])
        check('an event from both sources signs its user out once', both_sources)

        def burst():
            # 20 reports for two people, one event a delivery, within the rulebook's 1 s batch window: one action.
            started = time.monotonic()
            for number in range(20):
                login = ('user10@example.com', 'user12@example.com')[number % 2]
                status, answer = hook(port, 'POST', delivery(synthetic(login, SUSPICIOUS)),
                                      {'Content-Type': 'application/json', 'Authorization': HOOK_SECRET})
                assert status == 200, (status, answer)
            for login in ('user10@example.com', 'user12@example.com'):
                a.wait_until('%s is signed out' % login, lambda login=login: sessions_of(login) == 0)
            print('    a burst of 20 reports for 2 people: both signed out %.1f s after the first delivery'
                  % (time.monotonic() - started))
            time.sleep(4)  # time for more actions, had the burst started more
            for login in ('user10@example.com', 'user12@example.com'):
                assert len(revocations_of(ids[login])) == 1, revocations_of(ids[login])
            assert a.text().count('PLAY RECAP') == 4, a.text().count('PLAY RECAP')
        check('hook: a burst of reports for two people starts one action that signs both out', burst)

        def nobody_else():
            snapshot = state()
            for login in ('user3@example.com', 'user5@example.com', 'user11@example.com'):
                assert sessions_of(login, snapshot) == 2, (login, sessions_of(login, snapshot))
            cleared = sorted(r['userId'] for r in snapshot['revocations'] if r['kind'] == 'user')
            assert cleared == sorted(ids[u + '@example.com'] for u in ('user1', 'user2', 'user4', 'user10', 'user12')), \
                cleared
            assert a.text().count('PLAY RECAP') == 4, a.text().count('PLAY RECAP')
        check('nobody else was signed out, and four actions ran', nobody_else)
    finally:
        status = a.stop() if a.process.poll() is None else a.process.returncode
        print('    run A stopped with SIGTERM (exit status %s); log: %s' % (status, a.log_path))

    # While nothing runs: user6 signs in from the blocked address, user1 signs in again from elsewhere.
    missed = inject('user6@example.com', 'user.session.start', ip=BLOCKED_IP)
    sim('/_simulator/sessions', {'login': 'user1@example.com', 'ip': '198.51.100.50'})
    b = Rulebook(venv, work, 'run-b', 'identity.okta.revoke_on_system_log', variables, graceful=True)
    try:
        def resumed():
            b.wait_until('user6 is signed out', lambda: sessions_of('user6@example.com') == 0)
            time.sleep(5)  # time for a repeated action on run A's events
            snapshot = state()
            assert sessions_of('user1@example.com', snapshot) == 1, 'user1 was signed out again'
            assert len(revocations_of(ids['user1@example.com'], snapshot)) == 1
            assert len(revocations_of(ids['user4@example.com'], snapshot)) == 1
            assert 'Resuming the System Log at the position saved in' in b.text()
        check('run B on the cursor file: what happened while stopped is acted on, nothing repeated', resumed)
    finally:
        status = b.stop() if b.process.poll() is None else b.process.returncode
        print('    run B stopped with SIGTERM (exit status %s, JAVA_TOOL_OPTIONS=-Xrs); log: %s' % (status, b.log_path))

    def graceful():
        stopped = re.search(r'System Log poller stopped after (\d+) events', b.text())
        assert stopped, 'the poller did not log its stop'
        # user6's sign-in and user1's new one: both match the filter; nothing from run A again
        assert stopped.group(1) == '2', stopped.group(0)
        with open(cursor_file) as handle:
            assert json.load(handle)['seen'][-2] == missed['uuid']
    check('run B shut down gracefully and saved its position', graceful)

    keep_contained(venv, work, ids)

    def no_secret():
        for path in (a.log_path, b.log_path, os.path.join(work, 'run-c.log')):
            with open(path) as handle:
                text = handle.read()
            for secret in (API_TOKEN, HOOK_SECRET):
                assert secret not in text, '%s shows a secret' % path
    check('no token or hook secret in the ansible-rulebook logs', no_secret)


def keep_contained(venv, work, ids):
    """Run C: identity.okta.keep_contained for a 30-second watch."""
    attacker, by_login, bystander = 'user7@example.com', 'user8@example.com', 'user9@example.com'
    cursor_file = os.path.join(work, 'keep_contained.cursor.json')
    journals = os.path.join(work, 'journals')
    watch = 30
    # The incident's containment: both were signed out before the watch starts.
    for login in (attacker, by_login):
        request = urllib.request.Request('%s/api/v1/users/%s/sessions?oauthTokens=true' % (ORG_URL, ids[login]),
                                         method='DELETE', headers={'Authorization': 'SSWS ' + API_TOKEN})
        with urllib.request.urlopen(request, timeout=30) as response:
            assert response.status == 204, response.status
    c = Rulebook(venv, work, 'run-c', 'identity.okta.keep_contained', {
        'incident': 'INC-E2E', 'contained_users': [ids[attacker], by_login], 'watch_until': '%ds' % watch,
        'okta_journal_dir': journals, 'okta_poll_interval': 2, 'okta_cursor_file': cursor_file})
    try:
        def reentries():
            c.wait_until('the poller saved its first position', lambda: os.path.exists(cursor_file))
            delays = []
            for attempt in range(3):
                started = time.monotonic()
                sim('/_simulator/sessions', {'login': attacker, 'ip': '203.0.113.%d' % (90 + attempt)})
                if attempt == 1:
                    sim('/_simulator/sessions', {'login': by_login})
                    sim('/_simulator/sessions', {'login': bystander})
                c.wait_until('user7 is signed out again (re-entry %d)' % (attempt + 1),
                             lambda: len(revocations_of(ids[attacker])) == attempt + 2 and sessions_of(attacker) == 0,
                             timeout=20)
                delays.append(time.monotonic() - started)
            c.wait_until('user8 (contained by login) is signed out', lambda: sessions_of(by_login) == 0, timeout=20)
            print('    user7 signed out %s s after each sign-in (poll interval 2 s)'
                  % ', '.join('%.1f' % d for d in delays))
            snapshot = state()
            cleared = revocations_of(ids[attacker], snapshot)[1:]   # after the containment
            assert len(cleared) == 3 and all(r['oauthTokens'] and r['sessionsCleared'] == 1 for r in cleared), cleared
            assert len(revocations_of(ids[by_login], snapshot)) == 2
            assert sessions_of(bystander, snapshot) == 3 and not revocations_of(ids[bystander], snapshot)
        check('run C: a contained person signing in again is signed out each time, others are left alone', reentries)

        def watch_over():
            assert c.process.wait(watch + 15) == 0, c.process.returncode
            assert 'The keep-contained watch of INC-E2E ended (30s after it started)' in c.text()
            sim('/_simulator/sessions', {'login': attacker})   # after the watch: nobody acts
            time.sleep(1)
            assert sessions_of(attacker) == 1 and len(revocations_of(ids[attacker])) == 4
            runs = []
            with open(os.path.join(journals, 'INC-E2E-keep-contained.jsonl')) as handle:
                for line in handle:
                    record = json.loads(line)
                    if record['event'] == 'run':
                        runs.append([])
                    runs[-1].append(record)
            outcomes = [(r['item'], r['result']) for run in runs for r in run if r['event'] == 'outcome']
            assert sorted(outcomes) == sorted([(ids[attacker], 'cleared')] * 3 + [(ids[by_login], 'cleared')]), outcomes
            assert all(run[-1]['event'] == 'end' for run in runs), 'a run of the journal did not end'
            assert c.text().count('PLAY RECAP') == 4, c.text().count('PLAY RECAP')
        check('run C: the watch ends the rulebook; 4 finished runs in the incident journal', watch_over)
    finally:
        if c.process.poll() is None:
            c.stop()
        else:
            c.log.close()
        print('    run C ended (exit status %s); log: %s' % (c.process.returncode, c.log_path))


def _answers(port):
    try:
        return hook(port, headers={'X-Okta-Verification-Challenge': 'ping'})[0] == 200
    except (urllib.error.URLError, ConnectionError, OSError):
        return False


def main(argv):
    venv, root, work = [os.path.abspath(a) for a in argv[1:4]]
    try:
        run(venv, root, work)
    except Exception as exc:  # pylint: disable=broad-except
        RESULTS.append(False)
        print('FAIL %s: %s' % (exc.__class__.__name__, exc))
    passed = len([r for r in RESULTS if r])
    failed = len(RESULTS) - passed
    if failed:
        for name in ('run-a.log', 'run-b.log', 'run-c.log'):
            path = os.path.join(work, name)
            if os.path.exists(path):
                with open(path) as handle:
                    print('--- last lines of %s\n%s' % (name, ''.join(handle.readlines()[-60:])))
    print('%d passed, %d failed' % (passed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
