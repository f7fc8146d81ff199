#!/usr/bin/env python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Event-Driven Ansible under a burst, and across a restart: ansible-rulebook for real against the Okta simulator.

burst (identity.okta.revoke_on_event, Event Hook + poller): 200 suspicious-activity reports for 10 people pushed to
  the hook within about half a second (one event a delivery, 8 senders), and in the middle of it a sign-in of an
  11th person from a blocked address. Prints the module runs (PLAY RECAPs in the log), when all 10 were signed out,
  the hook's answer times (p50, max), and when the unrelated sign-in was acted on.
restart (identity.okta.revoke_on_system_log, poller): 10 reports for 10 more people; ansible-rulebook is stopped
  with SIGTERM as soon as the poller has handed all 10 to the rule engine, then started again on the cursor file.
  Prints how many of the 10 were signed out before the stop, after the restart, and never.

reentry (--reentry; identity.okta.keep_contained and keep_contained_hook): one contained person signs in again N
  times (20 by default; POST /_simulator/sessions, which writes user.session.start), each after the previous
  re-revocation and a random pause of up to the poll interval; prints the time from the sign-in to the revocation, p50 and max,
  and how many were missed, for the poller at its default interval (15 s), at its floor (2 s), and for the hook
  (the benchmark pushes the System Log's event to it as Okta would; the poller beside it at 15 s).

Each variant runs on a fresh simulator; --baseline REF runs the same against the collection as of git REF (copied
with git archive) side by side, and prints the ratios. Needs the ansible-rulebook virtualenv that the okta_eda
integration target installs (~/.cache/identity-okta/eda-venv-*; or --venv) and Java 17+.

  .venv/bin/python tests/benchmarks/bench_eda.py                      # this checkout: about 2 minutes
  .venv/bin/python tests/benchmarks/bench_eda.py --baseline 639ccc7   # and main before issue 20, side by side
  .venv/bin/python tests/benchmarks/bench_eda.py --reentry             # keep_contained: about 7 minutes
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import copy
import glob
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from concurrent.futures import ThreadPoolExecutor

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.abspath(os.path.join(HERE, os.pardir, os.pardir))
SUSPICIOUS = 'user.account.report_suspicious_activity_by_enduser'
BLOCKED_IP = '203.0.113.66'
SECRET = 'bench-eda-' + uuid.uuid4().hex


def free_port():
    with socket.socket() as probe:
        probe.bind(('127.0.0.1', 0))
        return probe.getsockname()[1]


class Simulator:
    def __init__(self, work, users):
        ready = os.path.join(work, 'simulator.json')
        self.log = open(os.path.join(work, 'simulator.log'), 'w')
        self.process = subprocess.Popen(
            [sys.executable, os.path.join(REPO, 'tests', 'okta_simulator'), '--host', '127.0.0.1', '--port', '0',
             '--profile', 'developer', '--time-scale', '30', '--bucket-limit', 'logs=40', '--users', str(users),
             '--sessions-per-user', '2', '--ready-file', ready], stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 30
        while not os.path.exists(ready) or not os.path.getsize(ready):
            assert time.monotonic() < deadline and self.process.poll() is None, 'the simulator did not start'
            time.sleep(0.05)
        time.sleep(0.1)
        with open(ready) as handle:
            info = json.load(handle)
        self.url = info['orgUrl']
        self.token = info['apiToken']

    def call(self, path, body=None):
        data = json.dumps(body).encode('utf-8') if body is not None else None
        request = urllib.request.Request(self.url + path, data=data, method='POST' if data is not None else 'GET',
                                         headers={'Content-Type': 'application/json'})
        with urllib.request.urlopen(request, timeout=30) as response:
            raw = response.read()
        return json.loads(raw) if raw else None

    def state(self):
        return self.call('/_simulator/state')

    def stop(self):
        self.process.terminate()
        self.process.wait(10)
        self.log.close()


class Rulebook:
    def __init__(self, venv, collections, work, name, rulebook, variables, sim):
        self.log_path = os.path.join(work, name + '.log')
        vars_path = os.path.join(work, name + '-vars.json')
        with open(vars_path, 'w') as handle:
            json.dump(variables, handle)
        with open(os.path.join(work, 'inventory.yml'), 'w') as handle:
            handle.write('all:\n  hosts:\n    localhost:\n      ansible_connection: local\n'
                         '      ansible_python_interpreter: %s\n' % os.path.join(venv, 'bin', 'python'))
        env = dict(os.environ, PATH=os.path.join(venv, 'bin') + os.pathsep + os.environ['PATH'],
                   OKTA_EVENT_HOOK_AUTHORIZATION=SECRET, ANSIBLE_LOCALHOST_WARNING='false', ANSIBLE_NOCOLOR='1',
                   ANSIBLE_COLLECTIONS_PATH=collections, OKTA_ORG_URL=sim.url, OKTA_API_TOKEN=sim.token)
        for name in ('PYTHONPATH', 'OKTA_CLIENT_ORGURL', 'OKTA_CLIENT_TOKEN'):
            env.pop(name, None)
        self.log = open(self.log_path, 'w')
        self.process = subprocess.Popen(
            [os.path.join(venv, 'bin', 'ansible-rulebook'), '-r', rulebook, '-i', os.path.join(work, 'inventory.yml'),
             '--vars', vars_path], cwd=work, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL)

    def text(self):
        with open(self.log_path) as handle:
            return handle.read()

    def stop(self):
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self.log.close()


def wait_until(predicate, timeout, step=0.1):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    return None


def post(port, body, timeout=30):
    request = urllib.request.Request('http://127.0.0.1:%d/okta/events' % port, data=body, method='POST',
                                     headers={'Content-Type': 'application/json', 'Authorization': SECRET})
    started = time.monotonic()
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            response.read()
            status = response.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    except OSError:
        status = None
    return status, time.monotonic() - started


def answers(port):
    request = urllib.request.Request('http://127.0.0.1:%d/' % port, headers={'X-Okta-Verification-Challenge': 'x'})
    try:
        with urllib.request.urlopen(request, timeout=2) as response:
            return response.status == 200
    except OSError:
        return False


def delivery(sim_url, event):
    return json.dumps({'eventType': 'com.okta.event_hook', 'eventTypeVersion': '1.0', 'cloudEventsVersion': '0.1',
                       'source': sim_url + '/api/v1/eventHooks/whoBench', 'eventId': str(uuid.uuid4()),
                       'eventTime': event['published'], 'contentType': 'application/json',
                       'data': {'events': [event]}}).encode('utf-8')


def percentile(values, share):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def burst(venv, collections, work, args):
    """The 200-event burst through the hook; the figures."""
    sim = Simulator(work, 24)
    port = free_port()
    cursor = os.path.join(work, 'burst.cursor.json')
    rulebook = Rulebook(venv, collections, work, 'burst', 'identity.okta.revoke_on_event', sim=sim, variables={
        'okta_blocked_ips': [BLOCKED_IP], 'okta_hook_host': '127.0.0.1', 'okta_hook_port': port,
        'okta_poll_interval': 2, 'okta_cursor_file': cursor})
    try:
        assert wait_until(lambda: answers(port) and os.path.exists(cursor), 60), 'ansible-rulebook did not start'
        state = sim.state()
        ids = dict((u['login'], u['id']) for u in state['users'])
        template = sim.call('/_simulator/events', {'login': 'user24@example.com', 'eventType': 'user.session.lifecycle.activate'})
        people = ['user%d@example.com' % n for n in range(1, args.people + 1)]
        other = 'user%d@example.com' % (args.people + 1)

        def event_for(login, event_type, ip='198.51.100.23'):
            event = copy.deepcopy(template)
            event.update(uuid=str(uuid.uuid4()), eventType=event_type)
            event['actor'].update(id=ids[login], alternateId=login)
            event['client']['ipAddress'] = ip
            return event
        bodies = [delivery(sim.url, event_for(people[n % len(people)], SUSPICIOUS)) for n in range(args.events)]
        unrelated = delivery(sim.url, event_for(other, 'user.session.start', BLOCKED_IP))
        times = {}
        started = time.monotonic()

        def send(index):
            if index == len(bodies) // 2:
                times['unrelated_sent'] = time.monotonic()
                status, dummy = post(port, unrelated)
                assert status == 200, status
            return post(port, bodies[index])
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(send, range(len(bodies))))
        sent_in = time.monotonic() - started
        watched = set(ids[p] for p in people) | {ids[other]}
        done = {}

        def watch():
            snapshot = sim.state()
            now = time.monotonic()
            for session_owner in watched - set(done):
                if not [s for s in snapshot['sessions'] if s['userId'] == session_owner]:
                    done[session_owner] = now
            return len(done) == len(watched)
        wait_until(watch, args.timeout, step=0.2)
        time.sleep(args.settle)
        recaps = rulebook.text().count('PLAY RECAP')
        people_done = [done[ids[p]] - started for p in people if ids[p] in done]
        return {
            'sent_in': sent_in, 'statuses': sorted(set(r[0] for r in results)),
            'answer_p50': statistics.median(r[1] for r in results), 'answer_max': max(r[1] for r in results),
            'answer_p95': percentile([r[1] for r in results], 0.95),
            'module_runs': recaps, 'signed_out': len(people_done),
            'all_signed_out': max(people_done) if len(people_done) == len(people) else None,
            'unrelated': done[ids[other]] - times['unrelated_sent'] if ids[other] in done else None,
        }
    finally:
        rulebook.stop()
        sim.stop()


def restart(venv, collections, work, args):
    """10 events handed over, ansible-rulebook stopped with SIGTERM, started again: how many were lost."""
    sim = Simulator(work, 24)
    cursor = os.path.join(work, 'restart.cursor.json')
    variables = {'okta_blocked_ips': [BLOCKED_IP], 'okta_poll_interval': 2, 'okta_cursor_file': cursor}
    first = Rulebook(venv, collections, work, 'restart-a', 'identity.okta.revoke_on_system_log', variables, sim)
    second = None
    try:
        assert wait_until(lambda: os.path.exists(cursor), 60), 'ansible-rulebook did not start'
        people = ['user%d@example.com' % n for n in range(13, 13 + args.in_flight)]
        events = [sim.call('/_simulator/events', {'login': login, 'eventType': SUSPICIOUS}) for login in people]

        def handed_over():
            try:
                with open(cursor) as handle:
                    seen = set(json.load(handle)['seen'])
            except (OSError, ValueError, KeyError):
                return False
            return all(e['uuid'] in seen for e in events)
        assert wait_until(handed_over, 60, step=0.02), 'the poller did not hand the events over'
        first.stop()
        ids = set(e['actor']['id'] for e in events)

        def signed_out():
            snapshot = sim.state()
            return set(i for i in ids if not [s for s in snapshot['sessions'] if s['userId'] == i])
        before = len(signed_out())
        second = Rulebook(venv, collections, work, 'restart-b', 'identity.okta.revoke_on_system_log', variables, sim)
        wait_until(lambda: len(signed_out()) == len(ids), args.timeout, step=0.5)
        after = len(signed_out())
        return {'in_flight': len(ids), 'before_stop': before, 'after_restart': after, 'lost': len(ids) - after}
    finally:
        first.stop()
        if second is not None:
            second.stop()
        sim.stop()


REENTRY_MODES = {
    # mode: (rulebook, poll interval)
    'poller-15s': ('identity.okta.keep_contained', 15),
    'poller-2s': ('identity.okta.keep_contained', 2),
    'hook': ('identity.okta.keep_contained_hook', 15),
}


def sign_in_event(sim, user_id, since):
    """The user.session.start event of ``user_id`` written since ``since``, read from the System Log as Okta
    would push it (the simulator does not call Event Hooks)."""
    query = urllib.parse.urlencode({'since': since, 'filter': 'eventType eq "user.session.start" and actor.id eq "%s"'
                                    % user_id})
    request = urllib.request.Request(sim.url + '/api/v1/logs?' + query, headers={'Authorization': 'SSWS ' + sim.token})
    with urllib.request.urlopen(request, timeout=30) as response:
        events = json.loads(response.read())
    assert events, 'no user.session.start of %s since %s' % (user_id, since)
    return events[-1]   # the newest: Okta answers in ascending order


def reentry(venv, collections, work, args, mode):
    """keep_contained: the time from each sign-in of a contained person to their revocation."""
    rulebook_name, interval = REENTRY_MODES[mode]
    sim = Simulator(work, 4)
    cursor = os.path.join(work, mode + '.cursor.json')
    port = free_port()
    ids = dict((u['login'], u['id']) for u in sim.state()['users'])
    attacker, bystander = ids['user1@example.com'], ids['user2@example.com']
    rulebook = Rulebook(venv, collections, work, mode, rulebook_name, sim=sim, variables={
        'incident': 'INC-BENCH', 'contained_users': [attacker], 'watch_until': '1h',
        'okta_journal_dir': os.path.join(work, 'journals'), 'okta_poll_interval': interval,
        'okta_cursor_file': cursor, 'okta_hook_host': '127.0.0.1', 'okta_hook_port': port})

    def revocations():
        return len([r for r in sim.state()['revocations'] if r['kind'] == 'user' and r['userId'] == attacker])
    try:
        assert wait_until(lambda: os.path.exists(cursor) and (mode != 'hook' or answers(port)), 60), \
            'ansible-rulebook did not start'
        delays, missed = [], 0
        for attempt in range(args.reentries):
            time.sleep(random.uniform(0, interval))   # a sign-in at any point of the poller's cycle
            before = revocations()
            since = time.strftime('%Y-%m-%dT%H:%M:%S.000Z', time.gmtime(time.time() - 1))
            started = time.monotonic()
            sim.call('/_simulator/sessions', {'login': 'user1@example.com'})
            if attempt % 5 == 0:
                sim.call('/_simulator/sessions', {'login': 'user2@example.com'})   # not contained
            if mode == 'hook':
                status, dummy = post(port, delivery(sim.url, sign_in_event(sim, attacker, since)))
                assert status == 200, status
            if wait_until(lambda: revocations() > before, interval + 30, step=0.05):
                delays.append(time.monotonic() - started)
                print('   %s re-entry %d: signed out after %s' % (mode, attempt + 1, fmt(delays[-1])), flush=True)
            else:
                missed += 1
                print('   %s re-entry %d: MISSED' % (mode, attempt + 1), flush=True)
        time.sleep(args.settle)
        snapshot = sim.state()
        return {'mode': mode, 'interval': interval, 'reentries': args.reentries, 'missed': missed,
                'p50': statistics.median(delays) if delays else None, 'max': max(delays) if delays else None,
                'revocations': len([r for r in snapshot['revocations'] if r['kind'] == 'user' and r['userId'] == attacker]),
                'sessions_left': len([s for s in snapshot['sessions'] if s['userId'] == attacker]),
                'bystander_revoked': len([r for r in snapshot['revocations'] if r.get('userId') == bystander]),
                'module_runs': rulebook.text().count('PLAY RECAP')}
    finally:
        rulebook.stop()
        sim.stop()


def collection_at(ref, work):
    """A collections directory holding identity.okta as of git ``ref``, or this checkout (ref None)."""
    root = os.path.join(work, 'collections')
    target = os.path.join(root, 'ansible_collections', 'identity', 'okta')
    os.makedirs(os.path.dirname(target))
    if ref is None:
        os.symlink(REPO, target)
    else:
        os.makedirs(target)
        archive = subprocess.Popen(['git', '-C', REPO, 'archive', ref], stdout=subprocess.PIPE)
        subprocess.check_call(['tar', '-x', '-C', target], stdin=archive.stdout)
        assert archive.wait() == 0
    return root


def fmt(value, unit='s'):
    return 'n/a' if value is None else ('%.2f %s' % (value, unit) if isinstance(value, float) else '%s' % value)


def main(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument('--venv', help='the ansible-rulebook virtualenv (default: ~/.cache/identity-okta/eda-venv-*)')
    parser.add_argument('--baseline', help='a git ref to run side by side (the collection as of that commit)')
    parser.add_argument('--events', type=int, default=200)
    parser.add_argument('--people', type=int, default=10)
    parser.add_argument('--in-flight', type=int, default=10)
    parser.add_argument('--timeout', type=float, default=90.0, help='seconds to wait for sign-outs (default 90)')
    parser.add_argument('--settle', type=float, default=5.0, help='seconds to wait for more module runs (default 5)')
    parser.add_argument('--skip-restart', action='store_true')
    parser.add_argument('--reentry', action='store_true',
                        help='measure keep_contained instead: the time from a sign-in of a contained person to the '
                             'revocation')
    parser.add_argument('--reentries', type=int, default=20)
    parser.add_argument('--modes', default=','.join(REENTRY_MODES),
                        help='with --reentry: which of %s (default: all)' % ', '.join(REENTRY_MODES))
    parser.add_argument('--keep', action='store_true')
    args = parser.parse_args(argv)
    venv = args.venv or (sorted(glob.glob(os.path.expanduser('~/.cache/identity-okta/eda-venv-*'))) or [None])[-1]
    if not venv or not os.path.exists(os.path.join(venv, 'bin', 'ansible-rulebook')):
        print('no ansible-rulebook virtualenv: run the okta_eda integration target once, or give --venv')
        return 2
    if args.reentry:
        return main_reentry(venv, args)
    variants = [('this checkout', None)] + ([('baseline %s' % args.baseline, args.baseline)] if args.baseline else [])
    results = {}
    for name, ref in variants:
        work = tempfile.mkdtemp(prefix='bench-eda-')
        try:
            collections = collection_at(ref, work)
            print('== %s: burst of %d events for %d people' % (name, args.events, args.people), flush=True)
            results[name] = {'burst': burst(venv, collections, work, args)}
            print('   %s' % json.dumps(results[name]['burst']), flush=True)
            if not args.skip_restart:
                print('== %s: restart with %d events in flight' % (name, args.in_flight), flush=True)
                results[name]['restart'] = restart(venv, collections, work, args)
                print('   %s' % json.dumps(results[name]['restart']), flush=True)
        finally:
            if args.keep:
                print('   kept %s' % work)
            else:
                shutil.rmtree(work, ignore_errors=True)
    print()
    rows = [('module runs (target <= 12)', 'module_runs', ''),
            ('all %d people signed out after (target <= 15 s)' % args.people, 'all_signed_out', 's'),
            ('hook answer p50', 'answer_p50', 's'), ('hook answer p95', 'answer_p95', 's'),
            ('hook answer max (target <= 1 s)', 'answer_max', 's'),
            ('unrelated event acted on after (target <= 5 s)', 'unrelated', 's')]
    print('%-50s' % 'burst' + ''.join('%22s' % name for name, dummy in variants))
    for label, key, unit in rows:
        print('%-50s' % label + ''.join('%22s' % fmt(results[name]['burst'][key], unit) for name, dummy in variants))
    if not args.skip_restart:
        for label, key in (('restart: in flight at SIGTERM', 'in_flight'), ('restart: acted on before the stop', 'before_stop'),
                           ('restart: lost (target 0)', 'lost')):
            print('%-50s' % label + ''.join('%22s' % results[name]['restart'][key] for name, dummy in variants))
    if args.baseline:
        new, old = results[variants[0][0]]['burst'], results[variants[1][0]]['burst']
        for label, key in (('module runs', 'module_runs'), ('all signed out', 'all_signed_out'),
                           ('hook answer p50', 'answer_p50'), ('unrelated event', 'unrelated')):
            if new[key] and old[key]:
                print('ratio baseline / this checkout, %s: %.1fx' % (label, old[key] / new[key]))
    return 0


def main_reentry(venv, args):
    rows = []
    for mode in args.modes.split(','):
        work = tempfile.mkdtemp(prefix='bench-eda-reentry-')
        try:
            print('== keep_contained, %s: %d re-entries' % (mode, args.reentries), flush=True)
            rows.append(reentry(venv, collection_at(None, work), work, args, mode))
            print('   %s' % json.dumps(rows[-1]), flush=True)
        finally:
            if args.keep:
                print('   kept %s' % work)
            else:
                shutil.rmtree(work, ignore_errors=True)
    print()
    print('%-12s %9s %9s %9s %9s %8s %12s %13s %11s' % (
        'mode', 'interval', 'p50', 'max', 'target', 'missed', 'revocations', 'sessions left', 'bystander'))
    for row in rows:
        print('%-12s %8ss %9s %9s %9s %8d %12d %13d %11d' % (
            row['mode'], row['interval'], fmt(row['p50']), fmt(row['max']),
            '<= %g s' % (row['interval'] + 3 if row['mode'] != 'hook' else 3), row['missed'], row['revocations'],
            row['sessions_left'], row['bystander_revoked']))
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
