# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Sign-outs in the real regime: Okta's rate limits, not the client, set the pace.

Four workloads, against the Okta simulator as a developer and as a production org (Okta's
published per-minute limits, rate-limit buckets shared by groups of endpoints, windows that
start with a bucket's first call, 50 % of each bucket per API token, a cap on calls in flight;
tests/okta_simulator/README.md), with Okta's minute time-scaled (--time-scale):

  logins    1,000 users named by login      okta_user_sessions users: [logins]
  ids       1,000 users named by ID         okta_user_sessions users: [ids]
  group     a group of 5,000 members        okta_user_sessions groups: [group-1], max_targets 6000
  sessions  1,000 session IDs               okta_session state: absent, session_ids

each done three ways side by side, every run against a fresh simulator:

  module    one ansible-playbook task (concurrency 8, max_api_share 0.8, max_targets raised)
  okta SDK  okta 3.4.6 (asyncio, 8 in flight) with a pacer of this script's own that keeps to the same
            share: 80 % of what X-Rate-Limit-Limit reports (the token's share), waiting for X-Rate-Limit-Reset
  uri loop  ansible.builtin.uri in loop: as a responder writes it by hand (GET the user by login, then DELETE
            its sessions), with fewer items (--loop-items, 50), its time also scaled up to the full count

For each run it prints the wall time, the calls per rate-limit bucket and the 429s the simulator
counted (GET /_simulator/state), calls per item, and the bound: for each bucket, the calls the run
made in it / the calls allowed per window x the window's length, the largest of them; allowed =
int(int(Okta's limit x 50 %) x share), share 0.8 for the module and the SDK (max_api_share), 1.0 for
the uri loop (it has none). For the module and the SDK it also reconstructs the rate-limit windows
from the time of each call (the module's journal, the SDK's own record): how many calls each window
had and how long after a window's end the next one started.

Then: one run of the 1,000 logins through okta_limit_proxy.py (an independent reverse proxy that
enforces Okta's buckets itself) in front of a simulator that does not limit, counting its 429s; and
the peak RSS of the okta_user_sessions module process for 1,000 and 10,000 users by ID.

Targets (issue 11): 0 x 429; wall time <= 1.1 x the bound for runs whose bound is over a minute
with windows of 10 s or more; <= 1.1 calls per login-named user; peak RSS growing <= 0.5 KB per
extra item from 1,000 to 10,000. The script prints which are met. It exits non-zero if a run did
not sign everyone out, and in --quick mode (for CI, under a minute) also if any call got a 429, a
login-named user cost more than 1.1 calls or the proxy counted more calls in one of its windows than
max_api_share 0.8 allows; time targets are never asserted.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import asyncio
import datetime
import json
import math
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
SIMULATOR = os.path.join(ROOT, 'tests', 'okta_simulator')
PROXY = os.path.join(HERE, 'okta_limit_proxy.py')
MODULE_FILE = os.path.join(ROOT, 'plugins', 'modules', 'okta_user_sessions.py')
sys.path.insert(0, HERE)

import bench_revocation as legacy  # noqa: E402  the 3-second benchmark: shared helpers (stdlib only)

OKTA_MINUTE = 60.0
TOKEN_SHARE = 0.5
MODULE_SHARE = 0.8  # max_api_share: the modules' default, and what the playbooks use
PROFILE_NAMES = {'developer': 'developer org (Integrator Free Plan limits)',
                 'production': 'production org (Workforce Identity limits)'}

# Route (method, simulator path template) -> Okta bucket, for the simulator's requestCounts. Written here
# from Okta's bucket groups (tests/okta_simulator/README.md "Buckets"), checked against the simulator's
# own limits.BUCKET_OF_ROUTE at start-up so that a change there is noticed.
BUCKET_OF_ROUTE = {
    ('GET', '/api/v1/users'): 'users',
    ('DELETE', '/api/v1/users/{id}/sessions'): 'users',
    ('GET', '/api/v1/users/{id}'): 'user-get',
    ('GET', '/api/v1/groups'): 'groups',
    ('GET', '/api/v1/groups/{id}/users'): 'groups',
    ('DELETE', '/api/v1/sessions/{id}'): 'sessions',
    ('GET', '/api/v1/sessions/{id}'): 'sessions',
    ('GET', '/api/v1/logs'): 'logs',
}
BUCKET_ORDER = ('users', 'user-get', 'groups', 'sessions', 'logs')

WORKLOADS = {
    'logins': {'title': '%d users by login', 'noun': 'user', 'module': 'okta_user_sessions'},
    'ids': {'title': '%d users by ID', 'noun': 'user', 'module': 'okta_user_sessions'},
    'group': {'title': 'a group of %d members', 'noun': 'member', 'module': 'okta_user_sessions'},
    'sessions': {'title': '%d session IDs', 'noun': 'session', 'module': 'okta_session'},
}
WORKLOAD_ORDER = ('logins', 'ids', 'group', 'sessions')
GROUP_NAME = 'group-1'

PLAYBOOK_HEAD = """- name: {name}
  hosts: localhost
  gather_facts: false
  vars_files:
    - items.json
  tasks:
"""
MODULE_TASKS = {
    'logins': """    - name: Sign out users named by login
      identity.okta.okta_user_sessions:
        users: "{{ items }}"
        max_targets: "{{ max_targets | int }}"
        concurrency: 8
        max_api_share: 0.8
        journal: "{{ journal }}"
""",
    'group': """    - name: Sign out every member of a group
      identity.okta.okta_user_sessions:
        groups: "{{ items }}"
        max_targets: "{{ max_targets | int }}"
        concurrency: 8
        max_api_share: 0.8
        journal: "{{ journal }}"
""",
    'sessions': """    - name: Revoke sessions
      identity.okta.okta_session:
        state: absent
        session_ids: "{{ items }}"
        concurrency: 8
        max_api_share: 0.8
        journal: "{{ journal }}"
""",
}
MODULE_TASKS['ids'] = MODULE_TASKS['logins'].replace('named by login', 'named by ID')

URI = """      ansible.builtin.uri:
        url: "{{{{ lookup('ansible.builtin.env', 'OKTA_ORG_URL') }}}}{path}"
        method: {method}
        headers:
          Authorization: "SSWS {{{{ lookup('ansible.builtin.env', 'OKTA_API_TOKEN') }}}}"
          Accept: application/json
        status_code: {status}
"""
DELETE_USER = URI.format(path='/api/v1/users/{{ %s }}/sessions?oauthTokens=false&forgetDevices=true',
                         method='DELETE', status=204)
URI_TASKS = {
    'logins': "    - name: Look up each user by login (GET /api/v1/users/{login})\n"
              + URI.format(path='/api/v1/users/{{ item | urlencode }}', method='GET', status=200)
              + '      loop: "{{ items }}"\n      register: found\n      no_log: true\n'
              + "    - name: Clear each user's sessions (DELETE /api/v1/users/{id}/sessions)\n"
              + DELETE_USER % 'item.json.id' + '      loop: "{{ found.results }}"\n      no_log: true\n',
    'ids': "    - name: Clear each user's sessions (DELETE /api/v1/users/{id}/sessions)\n"
           + DELETE_USER % 'item' + '      loop: "{{ items }}"\n      no_log: true\n',
    'group': "    - name: Find the group by name (GET /api/v1/groups?search=...)\n"
             + URI.format(path='/api/v1/groups?search={{ search | urlencode }}', method='GET', status=200)
             + '      vars:\n        search: \'profile.name eq "{{ items[0] }}"\'\n'
             + '      register: found_group\n      no_log: true\n'
             + "    - name: Read its members, one page of 200 (GET /api/v1/groups/{id}/users)\n"
             + URI.format(path='/api/v1/groups/{{ found_group.json[0].id }}/users?limit=200', method='GET', status=200)
             + '      register: members\n      no_log: true\n'
             + "    - name: Clear each member's sessions (DELETE /api/v1/users/{id}/sessions)\n"
             + DELETE_USER % 'item.id' + '      loop: "{{ members.json }}"\n      no_log: true\n',
    'sessions': "    - name: Revoke each session (DELETE /api/v1/sessions/{id})\n"
                + URI.format(path='/api/v1/sessions/{{ item }}', method='DELETE', status=204)
                + '      loop: "{{ items }}"\n      no_log: true\n',
}


# -- the simulator and the proxy ------------------------------------------------------------------

class Background:
    """A process that writes a JSON ready file once it listens; stopped by stop() (or ``with``)."""

    def __init__(self, argv, what, log_path=os.devnull):
        handle, self.ready = tempfile.mkstemp(prefix='okta-ready-', suffix='.json')
        os.close(handle)
        os.remove(self.ready)  # the process creates it once it listens
        with open(log_path, 'ab') as log:
            self.process = subprocess.Popen(argv + ['--ready-file', self.ready], stdout=log, stderr=log,
                                            stdin=subprocess.DEVNULL, start_new_session=True)
        deadline = time.time() + 120
        while not (os.path.exists(self.ready) and os.path.getsize(self.ready)):
            if self.process.poll() is not None or time.time() > deadline:
                self.stop()
                raise RuntimeError('%s did not start (see %s)' % (what, log_path))
            time.sleep(0.05)
        time.sleep(0.05)  # the simulator writes the file in one go; the proxy renames it into place
        with open(self.ready) as handle:
            self.info = json.load(handle)
        os.remove(self.ready)
        self.url = self.info['orgUrl']

    def get(self, path):
        with urllib.request.urlopen(self.url + path, timeout=120) as response:
            return json.load(response)

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


class SimulatorDied(Exception):
    pass


class Simulator(Background):
    def __init__(self, python, profile, time_scale, users, groups=0, latency_ms=20, extra=(), log_path=os.devnull):
        argv = [python, SIMULATOR, '--profile', profile, '--users', str(users), '--sessions-per-user', '1',
                '--groups', str(groups), '--latency-ms', str(latency_ms)]
        if profile != 'kind':
            argv += ['--time-scale', str(time_scale)]
        Background.__init__(self, argv + list(extra), 'the Okta simulator', log_path)
        self.token = self.info['apiToken']
        self.log_path = log_path

    def state(self, summary=True):
        try:
            return self.get('/_simulator/state?summary=%d' % summary)
        except OSError:
            if self.process.poll() is not None:
                raise SimulatorDied('the simulator (pid %d) exited with %s during the run; its output: %s'
                                    % (self.process.pid, self.process.returncode, self.log_path))
            raise


class Proxy(Background):
    def __init__(self, python, upstream, profile, time_scale, log_path=os.devnull):
        Background.__init__(self, [python, PROXY, '--upstream', upstream, '--profile', profile,
                                   '--time-scale', str(time_scale)], 'okta_limit_proxy.py', log_path)

    def state(self):
        return self.get('/_proxy/state')


# -- figures ---------------------------------------------------------------------------------------------

def calls_per_bucket(state):
    """{bucket: calls} from the simulator's requestCounts (429s included: the simulator counts a call before
    its rate limit), and the routes the map does not know, under their own name."""
    buckets = {}
    for route, count in state['requestCounts'].items():
        method, dummy, template = route.partition(' ')
        bucket = BUCKET_OF_ROUTE.get((method, template), route)
        buckets[bucket] = buckets.get(bucket, 0) + count
    return buckets


def allowed_per_window(limit, share):
    """Calls one token may make in a window at ``share`` of its part: int(int(limit x 50 %) x share)."""
    return int(int(limit * TOKEN_SHARE) * share + 1e-9)


def bound_of(buckets, limits, window, share):
    """(seconds, binding bucket): for each bucket, calls / allowed per window x window, the largest."""
    best = (0.0, None)
    for bucket, calls in buckets.items():
        if bucket not in limits:
            continue
        seconds = calls / float(allowed_per_window(limits[bucket], share)) * window
        best = max(best, (seconds, bucket))
    return best


def windows_of(times, window):
    """Rate-limit windows reconstructed from call times (bursts: a gap over a quarter window, at least
    1 s, starts a new one). Returns the calls per window and, between windows, how long after a
    window's end the next started (lost), with the part of it that X-Rate-Limit-Reset's rounding up to
    a whole second explains (rounding).

    A client that waits for the reset loses about 1 s per window whatever it does: if it resumes c
    seconds after a reset, its windows start c past a whole second, end there too, and the reset is
    then 1 - c later; the module, whose waits are measured on Okta's Date (whole seconds too), resumes
    a whole second plus its jitter after a window's end whatever the phase."""
    if not times:
        return None
    times = sorted(times)
    gap = max(1.0, window / 4.0)
    starts, counts = [times[0]], [1]
    for previous, current in zip(times, times[1:]):
        if current - previous > gap:
            starts.append(current)
            counts.append(0)
        counts[-1] += 1
    lost, rounding = [], []
    for start, following in zip(starts, starts[1:]):
        end = start + window
        lost.append(following - end)
        rounding.append(math.ceil(end) - end)
    return {'windows': len(starts), 'counts': counts, 'lost': lost, 'rounding': rounding}


def journal_times(path):
    """Finish times (epoch seconds) of the calls that changed something, from a module's journal."""
    times = []
    try:
        with open(path) as handle:
            for line in handle:
                record = json.loads(line)
                if record.get('event') == 'outcome' and record.get('time'):
                    stamp = datetime.datetime.strptime(record['time'], '%Y-%m-%dT%H:%M:%S.%fZ')
                    times.append(stamp.replace(tzinfo=datetime.timezone.utc).timestamp())
    except OSError:
        return []
    return times


def journal_etas(path):
    """(seconds into the run, ETA the line showed) of each progress line of a module's journal, and the run's
    length (the last progress record, written when the run ends)."""
    lines = []
    try:
        with open(path) as handle:
            records = [json.loads(line) for line in handle if '"progress"' in line]
    except (OSError, ValueError):
        return [], None
    for record in records:
        if record.get('eta_s') is not None:
            lines.append((record['elapsed_s'], record['eta_s']))
    return lines, (records[-1]['elapsed_s'] if records else None)


def eta_accuracy(record):
    """How true the ETAs of the progress lines after the first window were: (lines, within +-25 % (or 1 s, the
    display's resolution), worst relative error)."""
    lines, length = record.get('etas') or ([], None)
    checked = [(eta, length - elapsed) for elapsed, eta in lines if elapsed >= record['window'] and length]
    within = [1 for eta, left in checked if abs(eta - left) <= max(0.25 * left, 1.0)]
    worst = max([abs(eta - left) / left for eta, left in checked if left >= 4.0] or [0.0])
    return len(checked), len(within), worst


# -- the bench --------------------------------------------------------------------------------------------

class Bench:

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.venv = os.path.abspath(args.venv)
        self.python = os.path.join(self.venv, 'bin', 'python')
        self.ansible_playbook = os.path.join(self.venv, 'bin', 'ansible-playbook')
        self.collections = collections_path(self.venv)
        self.ansible_cfg = os.path.join(workdir, 'ansible.cfg')
        with open(self.ansible_cfg, 'w') as handle:
            handle.write(legacy.ANSIBLE_CFG)
        self.count = 0

    def path(self, label, suffix):
        self.count += 1
        return os.path.join(self.workdir, '%03d-%s%s' % (self.count, re.sub('[^A-Za-z0-9]+', '-', label).strip('-'),
                                                         suffix))

    def env(self, url, token, **extra):
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith('OKTA_'))
        env.update(OKTA_ORG_URL=url, OKTA_API_TOKEN=token, ANSIBLE_CONFIG=self.ansible_cfg,
                   ANSIBLE_COLLECTIONS_PATH=self.collections,
                   PATH=os.path.join(self.venv, 'bin') + os.pathsep + env.get('PATH', ''))
        env.update(extra)
        return env

    def playbook(self, url, token, name, tasks, items, extra_vars, label):
        """ansible-playbook with ``items`` in items.json; returns (seconds, returncode, log path)."""
        playbook = self.path(label, '.yml')
        with open(playbook, 'w') as handle:
            handle.write(PLAYBOOK_HEAD.format(name=name) + tasks)
        with open(os.path.join(self.workdir, 'items.json'), 'w') as handle:
            json.dump({'items': items}, handle)
        argv = [self.ansible_playbook, '-i', 'localhost,', '-c', 'local',
                '-e', 'ansible_python_interpreter=%s' % self.python]
        for key, value in extra_vars.items():
            argv += ['-e', '%s=%s' % (key, value)]
        log_path = playbook[:-4] + '.log'
        dummy, returncode, seconds = legacy.peak_rss_of(argv + [playbook], self.env(url, token), self.workdir, log_path)
        return seconds, returncode, log_path


def collections_path(venv):
    """ANSIBLE_COLLECTIONS_PATH that shows this tree as identity.okta: the virtualenv's, or a symlink in /tmp."""
    path = os.path.join(venv, 'collections')
    link = os.path.join(path, 'ansible_collections', 'identity', 'okta')
    if os.path.isdir(link) and os.path.samefile(link, ROOT):
        return path
    path = os.path.join(tempfile.gettempdir(), 'benchcoll')
    link = os.path.join(path, 'ansible_collections', 'identity', 'okta')
    os.makedirs(os.path.dirname(link), exist_ok=True)
    if not (os.path.islink(link) and os.path.realpath(link) == os.path.realpath(ROOT)):
        if os.path.islink(link):
            os.remove(link)
        os.symlink(ROOT, link)
    return path


def items_of(sim, workload, count):
    """What the run is given: logins, IDs, the group's name or session IDs."""
    state = sim.state(summary=False)
    if workload == 'logins':
        return [user['login'] for user in state['users']][:count]
    if workload == 'ids':
        return [user['id'] for user in state['users']][:count]
    if workload == 'group':
        return [GROUP_NAME]
    return [session['id'] for session in state['sessions']][:count]


def simulator_for(bench, profile, scale, workload, count, label):
    return Simulator(bench.python, profile, scale, users=count, groups=1 if workload == 'group' else 0,
                     latency_ms=bench.args.latency_ms, log_path=bench.path(label, '-simulator.log'))


def check(state, workload, count):
    """Everyone signed out: (ok, text) from the simulator's counters."""
    ok = state['revocationCount'] == count and state['sessionCount'] == 0
    return ok, 'revoked %d/%d, sessions left %d' % (state['revocationCount'], count, state['sessionCount'])


def run_module(bench, profile, scale, workload, count, label):
    """One ansible-playbook task against a fresh simulator; returns a record."""
    with simulator_for(bench, profile, scale, workload, count, label) as sim:
        items = items_of(sim, workload, count)
        journal = bench.path(label, '.journal')
        load = os.getloadavg()[0]
        seconds, returncode, log_path = bench.playbook(
            sim.url, sim.token, '%s %s' % (workload, label), MODULE_TASKS[workload], items,
            {'max_targets': count + 1000, 'journal': journal}, label)
        state = sim.state()
    ok, text = check(state, workload, count)
    record = dict(method='module', seconds=seconds, ok=ok and returncode == 0, check=text, log=log_path,
                  times=[t - bench.args.latency_ms / 1000.0 for t in journal_times(journal)], load=load,
                  returncode=returncode, etas=journal_etas(journal))  # the journal has when each call ended: it reached Okta a latency earlier
    return finish_record(record, state, count)


def run_sdk(bench, profile, scale, workload, count, label):
    with simulator_for(bench, profile, scale, workload, count, label) as sim:
        items = items_of(sim, workload, count)
        items_file = bench.path(label, '-items.json')
        with open(items_file, 'w') as handle:
            json.dump(items, handle)
        result_file = bench.path(label, '-result.json')
        argv = [bench.args.sdk_python, os.path.abspath(__file__), '--sdk-worker', '--sdk-workload', workload,
                '--items-file', items_file, '--result-file', result_file]
        log_path = bench.path(label, '.log')
        load = os.getloadavg()[0]
        dummy, returncode, seconds = legacy.peak_rss_of(
            argv, bench.env(sim.url, sim.token, **{legacy.SDK_HTTP_SWITCH: 'true'}), bench.workdir, log_path)
        state = sim.state()
    try:
        with open(result_file) as handle:
            detail = json.load(handle)
    except (OSError, ValueError):
        detail = {'errors': None, 'first_errors': ['the SDK process left no result'], 'times': {}}
    ok, text = check(state, workload, count)
    ok = ok and returncode == 0 and not detail.get('errors')
    if detail.get('errors'):
        text += ', SDK errors %s: %s' % (detail['errors'], detail.get('first_errors'))
    record = dict(method='sdk', seconds=seconds, ok=ok, check=text, log=log_path, load=load, returncode=returncode,
                  detail=detail)
    record = finish_record(record, state, count)
    record['times'] = detail.get('times', {}).get(record['binding'] or '', [])
    return record


def run_uri(bench, profile, scale, workload, count, label):
    with simulator_for(bench, profile, scale, workload, count, label) as sim:
        items = items_of(sim, workload, count)
        load = os.getloadavg()[0]
        seconds, returncode, log_path = bench.playbook(sim.url, sim.token, '%s %s' % (workload, label),
                                                       URI_TASKS[workload], items, {}, label)
        state = sim.state()
    ok, text = check(state, workload, count)
    record = dict(method='uri', seconds=seconds, ok=ok and returncode == 0, check=text, log=log_path, load=load,
                  returncode=returncode, times=[])
    return finish_record(record, state, count)


def finish_record(record, state, count):
    limits = state['rateLimits']
    share = 1.0 if record['method'] == 'uri' else MODULE_SHARE
    buckets = calls_per_bucket(state)
    bound, binding = bound_of(buckets, limits['buckets'], limits['windowSeconds'], share)
    record.update(items=count, buckets=buckets, calls=sum(buckets.values()),
                  rate_limited=state['rateLimited'], concurrency_limited=state['concurrencyLimited'],
                  bound=bound, binding=binding, window=limits['windowSeconds'], share=share,
                  limits=limits['buckets'], in_flight_peak=(state.get('inFlight') or {}).get('peak'))
    return record


def print_run(workload, label, record):
    print('  %-8s %-26s %8.1f s  %s  429s=%d+%d  %s  load %.2f  %s'
          % (workload, label, record['seconds'], buckets_text(record['buckets']), record['rate_limited'],
             record['concurrency_limited'], record['check'], record['load'], 'ok' if record['ok'] else
             'INVALID (rc=%s)' % record['returncode']))
    if record.get('etas') and record['etas'][0]:
        lines, within, worst = eta_accuracy(record)
        print('  %-8s %-26s ETA of the progress lines after the first window: %d of %d within +-25 %% (or 1 s), '
              'worst %.0f %% (lines with 4 s or more left)' % ('', '', within, lines, 100 * worst))
    if not record['ok']:
        with open(record['log']) as handle:
            print('    last lines of %s:\n      %s' % (record['log'], '\n      '.join(handle.read().splitlines()[-8:])))
    sys.stdout.flush()


def buckets_text(buckets):
    names = [b for b in BUCKET_ORDER if b in buckets] + sorted(b for b in buckets if b not in BUCKET_ORDER)
    return ', '.join('%s %d' % (b, buckets[b]) for b in names)


# -- the SDK worker (runs in the SDK's interpreter) ---------------------------------------------------------

SDK_BUCKETS = {'get_user': 'user-get', 'revoke_user_sessions': 'users', 'list_groups': 'groups',
               'list_group_users': 'groups', 'revoke_session': 'sessions'}


class Pacer:
    """Keeps each bucket to ``share`` of what X-Rate-Limit-Limit reports (the token's share of Okta's limit).

    Before a call: while the window Okta reported has at most (1 - share) x limit left, sleep until its
    X-Rate-Limit-Reset (epoch seconds, this machine's clock) plus 0.1 s; otherwise take one of what is
    left. After a call: what is left is the lowest X-Rate-Limit-Remaining of the window. What a careful
    responder would write; the SDK itself only retries after a 429 (okta.rateLimit.maxRetries, 2).
    """

    def __init__(self, share):
        self.share = share
        self.state = {}
        self.lock = asyncio.Lock()
        self.sent = {}
        self.waited = 0.0

    async def acquire(self, bucket):
        for dummy in range(10000):  # each pass either returns or sleeps until a reset
            async with self.lock:
                state = self.state.get(bucket)
                now = time.time()
                if state is None or now >= state['reset']:
                    self.state.pop(bucket, None)
                    self.sent.setdefault(bucket, []).append(now)
                    return
                floor = state['limit'] - int(state['limit'] * self.share + 1e-9)
                if state['remaining'] > floor:
                    state['remaining'] -= 1
                    self.sent.setdefault(bucket, []).append(now)
                    return
                delay = state['reset'] - now + 0.1
                self.waited += delay
            await asyncio.sleep(delay)
        raise RuntimeError('the pacer waited 10000 times for %s' % bucket)

    def update(self, bucket, headers):
        try:
            limit, remaining, reset = (int(headers.get(name)) for name in
                                       ('X-Rate-Limit-Limit', 'X-Rate-Limit-Remaining', 'X-Rate-Limit-Reset'))
        except (TypeError, ValueError):
            return
        if limit <= 0:
            return
        state = self.state.get(bucket)
        if state is not None and state['reset'] == reset:
            state['remaining'] = min(state['remaining'], remaining)
        else:
            self.state[bucket] = {'limit': limit, 'remaining': remaining, 'reset': reset}


def sdk_worker(args):
    """Sign out the workload's users or sessions with okta.client.Client, 8 in flight, paced (Pacer).

    logins: get_user(login) then revoke_user_sessions(id); ids: revoke_user_sessions; group: list_groups
    (search on the name), list_group_users page by page (the after cursor of the next Link), then
    revoke_user_sessions for each member; sessions: revoke_session.
    """
    start = time.perf_counter()
    from okta.client import Client  # only in the benchmark virtualenv (requirements/benchmark.txt)
    from okta.pagination import PaginationHelper
    import_seconds = time.perf_counter() - start
    with open(args.items_file) as handle:
        items = json.load(handle)
    token = os.environ['OKTA_API_TOKEN']
    # okta 3.4.6 sends "SSWS<token>" without the space; _request_auth sets Okta's "SSWS <token>" per call
    # (see bench_revocation.py).
    auth = {'in': 'header', 'type': 'api_key', 'key': 'Authorization', 'value': 'SSWS ' + token}
    pacer = Pacer(args.share)
    errors = []

    async def call(client, operation, *params, **options):
        bucket = SDK_BUCKETS[operation]
        await pacer.acquire(bucket)
        result = await getattr(client, operation)(*params, _request_auth=auth, **options)
        # (data, ApiResponse, None) on success; (None, aiohttp response, error) or (response, error) otherwise
        response, error = (result[1], result[2]) if len(result) == 3 else (result[0], result[1])
        headers = getattr(response, 'headers', None)
        if headers is not None:
            pacer.update(bucket, headers)
        return result[0] if len(result) == 3 else None, response, error

    async def run():
        async with Client({'orgUrl': os.environ['OKTA_ORG_URL'], 'token': token}) as client:
            semaphore = asyncio.Semaphore(args.concurrency)

            async def one(item):
                async with semaphore:
                    user_id = item
                    if args.sdk_workload == 'logins':
                        user, dummy, error = await call(client, 'get_user', item)
                        if error is not None:
                            errors.append('%s: %s' % (item, error))
                            return
                        user_id = user.id
                    if args.sdk_workload == 'sessions':
                        dummy, dummy, error = await call(client, 'revoke_session', item)
                    else:
                        dummy, dummy, error = await call(client, 'revoke_user_sessions', user_id, oauth_tokens=False,
                                                         forget_devices=True)
                    if error is not None:
                        errors.append('%s: %s' % (item, getattr(error, 'message', None) or error))

            started = time.perf_counter()
            targets = items
            if args.sdk_workload == 'group':
                groups, dummy, error = await call(client, 'list_groups', search='profile.name eq "%s"' % items[0])
                if error is not None or not groups:
                    errors.append('group %s: %s' % (items[0], error or 'not found'))
                    return time.perf_counter() - started
                targets, after = [], None
                for dummy in range(100000):  # one pass per page
                    members, response, error = await call(client, 'list_group_users', groups[0].id, limit=200,
                                                          after=after)
                    if error is not None:
                        errors.append('members of %s: %s' % (items[0], error))
                        break
                    targets += [member.id for member in members]
                    # ApiResponse.headers is a dict: of Okta's two Link headers (self, next) it keeps the last.
                    after = PaginationHelper.extract_next_cursor(response.headers)
                    if not after:
                        break
            await asyncio.gather(*(one(item) for item in targets))
            return time.perf_counter() - started

    calls_seconds = asyncio.run(run())
    with open(args.result_file, 'w') as handle:
        json.dump({'import_seconds': import_seconds, 'calls_seconds': calls_seconds, 'errors': len(errors),
                   'first_errors': errors[:3], 'times': pacer.sent, 'waited': pacer.waited}, handle)
    return 1 if errors else 0


# -- the parts ------------------------------------------------------------------------------------------------

def methods_for(args):
    methods = [('module', 'module (one task)', run_module, args.repeats)]
    if args.sdk_ok:
        methods.append(('sdk', 'okta SDK (asyncio, paced)', run_sdk, args.repeats))
    if args.loop_items:
        methods.append(('uri', 'uri loop', run_uri, 1))
    return methods


def workload_count(args, workload):
    return {'logins': args.users, 'ids': args.users, 'group': args.group_size, 'sessions': args.sessions}[workload]


def run_profiles(bench, args, failures):
    """Every workload, every method, per profile; returns {(profile, workload, method): [records]}."""
    results = {}
    for profile in args.profiles:
        scale = args.time_scale[profile]
        print('\n%s, time scale %g: a rate-limit window (Okta\'s minute) lasts %.1f s'
              % (PROFILE_NAMES[profile], scale, OKTA_MINUTE / scale))
        for workload in args.workloads:
            full = workload_count(args, workload)
            for method, label, runner, repeats in methods_for(args):
                count = min(full, args.loop_items) if method == 'uri' else full
                for repeat in range(repeats):
                    run_label = '%s %s %s %d' % (profile, workload, method, repeat + 1)
                    record = run_with_retry(bench, runner, profile, scale, workload, count, run_label, failures)
                    if record is None:
                        continue
                    record['full'] = full
                    print_run(workload, '%s%s' % (label, ' #%d' % (repeat + 1) if repeats > 1 else ''), record)
                    results.setdefault((profile, workload, method), []).append(record)
    return results


def run_with_retry(bench, runner, profile, scale, workload, count, label, failures):
    """One run; once more if its simulator died under it (on a shared machine something else may end it)."""
    for attempt in (1, 2):
        try:
            return runner(bench, profile, scale, workload, count, label + ('' if attempt == 1 else ' retry'))
        except SimulatorDied as exc:
            print('  %-8s %s: %s%s' % (workload, label, exc, '; running it again' if attempt == 1 else ''))
            sys.stdout.flush()
            if attempt == 2:
                failures.append('%s: %s' % (label, exc))
    return None


def median_record(records):
    """The run with the median wall time (the lower middle one of an even count), and the median itself."""
    valid = [r for r in records if r['ok']] or records
    ordered = sorted(valid, key=lambda r: r['seconds'])
    return ordered[(len(ordered) - 1) // 2], statistics.median(r['seconds'] for r in valid)


def judged(record):
    return record['window'] >= 10 and record['bound'] >= 60


def print_table(args, results):
    header = '%-22s %-27s %6s %4s %9s  %-34s %6s %6s %8s %7s' % (
        'workload', 'method', 'items', 'runs', 'wall s', 'calls per bucket', '429s', 'calls/', 'bound s', 'x bound')
    print('\n' + header)
    print('%-22s %-27s %6s %4s %9s  %-34s %6s %6s' % ('', '', '', '', '(median)', '', '', 'item'))
    print('-' * len(header))
    for profile in args.profiles:
        scale = args.time_scale[profile]
        window = OKTA_MINUTE / scale
        limits = next((r[0]['limits'] for k, r in results.items() if k[0] == profile), {})
        print('%s, time scale %g (window %.1f s); bound = calls / int(int(limit x 50%%) x share) x window'
              % (PROFILE_NAMES[profile], scale, window))
        print('  allowed per window at share 0.8 (module, SDK) / 1.0 (uri): %s'
              % ', '.join('%s %d/%d' % (b, allowed_per_window(limits[b], MODULE_SHARE), allowed_per_window(limits[b], 1.0))
                          for b in BUCKET_ORDER if b in limits))
        for workload in args.workloads:
            for method, label, runner, repeats in methods_for(args):
                records = results.get((profile, workload, method))
                if not records:
                    continue
                record, median = median_record(records)
                title = WORKLOADS[workload]['title'] % record['full']
                calls = record['calls']
                print('%-22s %-27s %6d %4d %9.1f  %-34s %6d %6.2f %8.1f %6.2fx'
                      % (title if method == 'module' else '', label, record['items'], len(records), median,
                         buckets_text(record['buckets']), record['rate_limited'] + record['concurrency_limited'],
                         calls / float(record['items']), record['bound'], median / record['bound'] if record['bound']
                         else float('nan')))
                if method == 'uri':
                    factor = record['full'] / float(record['items'])
                    print('%-22s %-27s %6d %4s %9.1f  (x %.0f: its time per item, measured at %d items)'
                          % ('', '  scaled to %d' % record['full'], record['full'], '', median * factor, factor,
                             record['items']))
                    print_real_pace(record, median)
                elif record['times']:
                    print_windows(record)


def print_real_pace(record, seconds):
    """What the uri loop's pace, which is its own (a process per item) and does not scale, means in a real org."""
    parts = []
    for bucket in BUCKET_ORDER:
        calls = record['buckets'].get(bucket)
        if not calls or bucket not in record['limits']:
            continue
        per_minute = calls / seconds * OKTA_MINUTE
        share = int(record['limits'][bucket] * TOKEN_SHARE)
        parts.append('%s %.0f a minute against the token\'s %d%s' % (
            bucket, per_minute, share, ' (429 after about %.0f s)' % (share / per_minute * OKTA_MINUTE)
            if per_minute > share else ''))
    if parts:
        print('%-22s %-27s %s' % ('', '', 'at time scale 1 (a real org) this pace is: ' + '; '.join(parts)))


def print_windows(record):
    windows = windows_of(record['times'], record['window'])
    if not windows or windows['windows'] < 2:
        return
    allowed = allowed_per_window(record['limits'][record['binding']], record['share'])
    inner = windows['counts'][1:-1] or windows['counts']
    print('%-22s %-27s %s windows of %s: calls per window max %d (allowed %d); the next window started a median '
          '%.2f s after one ended' % ('', '', windows['windows'], record['binding'], max(inner), allowed,
                                      statistics.median(windows['lost'])))


def print_targets(args, results):
    print('\nTargets for the module (identity.okta), from issue 11:')
    ok_429 = []
    for (profile, workload, method), records in sorted(results.items()):
        if method != 'module':
            continue
        for record in records:
            ok_429.append((profile, workload, record['rate_limited'] + record['concurrency_limited']))
    bad = [(p, w, n) for p, w, n in ok_429 if n]
    print('  0 x 429: %s' % ('met (%d module runs, no 429)' % len(ok_429) if not bad
                             else 'NOT met: %s' % ', '.join('%s %s: %d' % t for t in bad)))
    for profile in args.profiles:
        for workload in args.workloads:
            records = results.get((profile, workload, 'module'))
            if not records:
                continue
            record, median = median_record(records)
            ratio = median / record['bound']
            if judged(record):
                verdict = 'met' if ratio <= 1.1 else 'NOT met'
            else:
                verdict = 'not judged (%s)' % ('window %.1f s < 10 s' % record['window'] if record['window'] < 10
                                               else 'bound %.1f s < 60 s' % record['bound'])
            print('  <= 1.1 x bound, %-10s %-9s %7.1f s / %7.1f s = %.3fx: %s'
                  % (profile, workload, median, record['bound'], ratio, verdict))
    for profile in args.profiles:
        records = results.get((profile, 'logins', 'module'))
        if records:
            record = records[0]
            per = record['calls'] / float(record['items'])
            print('  <= 1.1 calls per login-named user, %s: %d calls for %d users = %.3f: %s'
                  % (profile, record['calls'], record['items'], per, 'met' if per <= 1.1 else 'NOT met'))


# -- the proxy check --------------------------------------------------------------------------------------------

def run_proxy(bench, args, profile, scale, count, label='proxy'):
    """The logins workload through okta_limit_proxy.py (Okta's buckets, enforced by the proxy) in front of a
    simulator that does not limit (--profile kind with a huge flat limit)."""
    print('\nIndependent check: %d users by login through okta_limit_proxy.py (%s, time scale %g, window %.1f s) '
          'in front of the simulator with --profile kind --rate-limit 1000000000'
          % (count, profile, scale, OKTA_MINUTE / scale))
    sim = Simulator(bench.python, 'kind', 1, users=count, latency_ms=args.latency_ms,
                    extra=['--rate-limit', '1000000000'], log_path=bench.path(label, '-simulator.log'))
    try:
        with Proxy(bench.python, sim.url, profile, scale, bench.path(label, '-proxy.log')) as proxy:
            items = items_of(sim, 'logins', count)
            journal = bench.path(label, '.journal')
            load = os.getloadavg()[0]
            seconds, returncode, log_path = bench.playbook(
                proxy.url, sim.token, 'logins through the proxy', MODULE_TASKS['logins'], items,
                {'max_targets': count + 1000, 'journal': journal}, label)
            pstate = proxy.state()
            sstate = sim.state()
    finally:
        sim.stop()
    ok, text = check(sstate, 'logins', count)
    ok = ok and returncode == 0
    buckets = dict((b, s['calls'] + s['rateLimited']) for b, s in pstate['buckets'].items())
    limits = dict((b, s['limit']) for b, s in pstate['buckets'].items())
    bound, binding = bound_of(buckets, limits, pstate['windowSeconds'], MODULE_SHARE)
    refused = pstate['rateLimited'] + pstate['concurrencyLimited']
    per_window = [w['used'] for w in pstate['windows'] if w['bucket'] == binding]
    print('  %.1f s, bound %.1f s (%s) = %.3fx; calls %s; 429s from the proxy %d (rate %d, in flight %d), from the '
          'simulator %d; calls per login %.3f; %d windows of %s, calls per window max %d (allowed %d at 0.8, the '
          "token's share %d); in flight peak %d; %s; load %.2f  %s"
          % (seconds, bound, binding, seconds / bound, buckets_text(buckets), refused, pstate['rateLimited'],
             pstate['concurrencyLimited'], sstate['rateLimited'], sum(buckets.values()) / float(count),
             len(per_window), binding, max(per_window or [0]), allowed_per_window(limits[binding], MODULE_SHARE),
             int(limits[binding] * TOKEN_SHARE), pstate['inFlightPeak'], text, load, 'ok' if ok else 'INVALID'))
    if not ok:
        with open(log_path) as handle:
            print('    last lines of %s:\n      %s' % (log_path, '\n      '.join(handle.read().splitlines()[-8:])))
    return {'ok': ok, 'refused': refused + sstate['rateLimited'], 'calls': sum(buckets.values()), 'items': count,
            'seconds': seconds, 'bound': bound, 'most_in_a_window': max(per_window or [0]),
            'allowed': allowed_per_window(limits[binding], MODULE_SHARE)}


# -- memory ------------------------------------------------------------------------------------------------------

def run_memory(bench, args):
    """Peak RSS of the okta_user_sessions process, run directly (python okta_user_sessions.py args.json: its
    main(), as AnsiballZ runs it), for each count of users by ID; then tracemalloc per phase."""
    counts = args.memory_users
    scale = args.memory_time_scale
    mib = 1024.0 * 1024.0
    print('\nMemory: okta_user_sessions run directly (python plugins/modules/okta_user_sessions.py args.json), '
          'users by ID, production profile at time scale %g, concurrency 8, max_api_share 0.8; a fresh simulator '
          'and process per run; peak RSS = ru_maxrss of that process (os.wait4).' % scale)

    def one(count, traced, mode):
        with Simulator(bench.python, 'production', scale, users=max(counts), latency_ms=args.latency_ms,
                       log_path=bench.path('memory-%d' % count, '-simulator.log')) as sim:
            ids = [user['id'] for user in sim.state(summary=False)['users']][:count]
            tag = '%d-%s%s' % (count, mode, '-traced' if traced else '')
            args_path = bench.path('args-%s' % tag, '.json')
            with open(args_path, 'w') as handle:
                json.dump({'ANSIBLE_MODULE_ARGS': {'users': ids, 'concurrency': 8, 'max_api_share': 0.8,
                                                   'max_targets': count, 'results': mode}}, handle)
            out_path = bench.path('module-output-%s' % tag, '.json')
            trace_path = bench.path('trace-%s' % tag, '.json')
            env = bench.env(sim.url, sim.token, PYTHONPATH=bench.collections)
            if traced:
                argv = [bench.python, legacy.__file__, '--module-trace-worker', '--ids-file', args_path,
                        '--result-file', trace_path]
            else:
                argv = [bench.python, MODULE_FILE, args_path]
            rss_kib, returncode, seconds = legacy.peak_rss_of(argv, env, bench.workdir, out_path)
            state = sim.state()
        with open(out_path) as handle:
            output = handle.read()
        run = {'count': count, 'rss': rss_kib * 1024, 'seconds': seconds, 'output': len(output),
               'ok': returncode == 0 and state['revocationCount'] == count and not state['rateLimited'],
               'check': 'revoked %d/%d, 429s %d' % (state['revocationCount'], count, state['rateLimited'])}
        if traced and run['ok']:
            with open(trace_path) as handle:
                run['trace'] = json.load(handle)
        return run

    ok = True
    per_item = None
    for mode in args.memory_results:
        runs = [one(count, False, mode) for count in counts]
        for run in runs:
            print('  results=%-8s %6d users: peak RSS %6.1f MiB  %7.1f s  result JSON %7.1f KiB  %s'
                  % (mode, run['count'], run['rss'] / mib, run['seconds'], run['output'] / 1024.0, run['check']))
        ok = ok and all(run['ok'] for run in runs)
        if all(run['ok'] for run in runs) and len(runs) >= 2:
            small, large = runs[0], runs[-1]
            extra = float(large['count'] - small['count'])
            per_item = (large['rss'] - small['rss']) / extra
            print('  results=%-8s %d -> %d users: peak RSS %+.1f MiB = %.0f bytes per extra user (target <= 500 with '
                  'results=failures): %s; result JSON alone %.0f bytes per user'
                  % (mode, small['count'], large['count'], (large['rss'] - small['rss']) / mib, per_item,
                     'met' if per_item <= 500 else 'NOT met', (large['output'] - small['output']) / extra))
    if args.memory_trace:
        traced = [one(count, True, args.memory_results[-1]) for count in counts]
        print('  Where it goes (tracemalloc: Python allocations in MiB, peak of each phase; a second run per count):')
        print('  %-44s %s   bytes/extra user' % ('phase', ''.join('%12s' % ('%d users' % r['count']) for r in traced)))
        for key, text in (('input', 'args read and validated'), ('run_bulk', 'plan and sign-outs (results kept)'),
                          ('exit_json', 'exit_json: result sanitised and encoded')):
            peaks = [r['trace'][key][1] if 'trace' in r else None for r in traced]
            if None in peaks:
                print('  %-44s (trace missing: %s)' % (text, '; '.join(r['check'] for r in traced)))
                ok = False
                continue
            per = ''
            if len(traced) >= 2:
                per = '%18.0f' % ((peaks[-1] - peaks[0]) / float(traced[-1]['count'] - traced[0]['count']))
            print('  %-44s %s%s' % (text, ''.join('%12.1f' % (p / mib) for p in peaks), per))
    return ok, per_item


# -- main -------------------------------------------------------------------------------------------------------

def scales(text):
    result = {}
    for part in text.split(','):
        name, dummy, value = part.partition('=')
        if name not in PROFILE_NAMES or not value:
            raise argparse.ArgumentTypeError('PROFILE=N[,PROFILE=N], PROFILE developer or production: %r' % text)
        result[name] = float(value)
    return result


def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0],
                                     epilog='Defaults: the full run (about 95 minutes on 2 cores). --quick: the CI '
                                            'version (under a minute).')
    parser.add_argument('--quick', action='store_true',
                        help='CI: production at time scale 20 with 300 logins, 300 IDs, a group of 450, 400 sessions '
                             '(module only), and 100 logins through the proxy as a developer org; asserts 0 x 429 and '
                             '<= 1.1 calls per login, not time')
    parser.add_argument('--profiles', nargs='*', choices=sorted(PROFILE_NAMES), default=['developer', 'production'],
                        help='profiles of the four workloads (none: --profiles, for a proxy or memory run alone)')
    parser.add_argument('--time-scale', type=scales, default={'developer': 6.0, 'production': 3.0},
                        help='PROFILE=N,...: Okta\'s minute lasts 60/N s (default developer=6,production=3: windows '
                             'of 10 and 20 s, so that every module run of the full counts lasts over a minute)')
    parser.add_argument('--workloads', nargs='+', choices=WORKLOAD_ORDER, default=list(WORKLOAD_ORDER))
    parser.add_argument('--users', type=int, default=1000, help='users by login, and by ID (default 1000)')
    parser.add_argument('--group-size', type=int, default=5000, help='members of the group (default 5000)')
    parser.add_argument('--sessions', type=int, default=1000, help='session IDs (default 1000)')
    parser.add_argument('--loop-items', type=int, default=50,
                        help='items of each uri loop run (default 50; 0 leaves the uri loop out)')
    parser.add_argument('--repeats', type=int, default=1, help='runs of the module and the SDK per workload (median)')
    parser.add_argument('--latency-ms', type=float, default=20, help='simulator latency per call (default 20)')
    parser.add_argument('--skip-sdk', action='store_true')
    parser.add_argument('--sdk-python', help='python with okta==3.4.6 (default %s/bin/python)' % legacy.DEFAULT_SDK_VENV)
    parser.add_argument('--proxy-users', type=int, default=1000, help='logins through the proxy (0: no proxy run)')
    parser.add_argument('--proxy-profile', choices=sorted(PROFILE_NAMES), default='developer')
    parser.add_argument('--proxy-time-scale', type=float, default=6.0)
    parser.add_argument('--memory-users', type=int, nargs='*', default=[1000, 10000],
                        help='user counts of the memory runs (default 1000 10000; none: --memory-users)')
    parser.add_argument('--memory-time-scale', type=float, default=60.0)
    parser.add_argument('--memory-results', nargs='+', choices=['all', 'failures', 'none'], default=['all', 'failures'],
                        help="the module's results option in the memory runs, side by side (default all failures)")
    parser.add_argument('--no-memory-trace', dest='memory_trace', action='store_false',
                        help='leave out the tracemalloc breakdown (a second run per count)')
    parser.add_argument('--venv', default=os.path.join(ROOT, '.venv'), help='virtualenv with ansible-core')
    parser.add_argument('--keep', action='store_true', help='keep the temp dir with playbooks, journals and logs')
    parser.add_argument('--sdk-worker', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--sdk-workload', choices=WORKLOAD_ORDER, help=argparse.SUPPRESS)
    parser.add_argument('--items-file', help=argparse.SUPPRESS)
    parser.add_argument('--result-file', help=argparse.SUPPRESS)
    parser.add_argument('--concurrency', type=int, default=8, help=argparse.SUPPRESS)
    parser.add_argument('--share', type=float, default=MODULE_SHARE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.quick:
        args.profiles, args.time_scale = ['production'], {'production': 20.0}
        args.workloads = list(WORKLOAD_ORDER)
        args.users, args.group_size, args.sessions = 300, 450, 400
        args.loop_items, args.repeats, args.skip_sdk = 0, 1, True
        args.proxy_users, args.proxy_profile, args.proxy_time_scale = 100, 'developer', 20.0
        args.memory_users = []
    for profile in args.profiles:
        args.time_scale.setdefault(profile, {'developer': 6.0, 'production': 3.0}[profile])
    return args


def check_bucket_map(python):
    """The simulator's own route -> bucket map must agree with this script's (which prints calls per bucket)."""
    probe = subprocess.run([python, '-c', 'import json, sys; sys.path.insert(0, %r); from okta_simulator.limits '
                            'import BUCKET_OF_ROUTE; print(json.dumps([[m, t, b] for (m, t), b in '
                            'BUCKET_OF_ROUTE.items()]))' % os.path.join(ROOT, 'tests')],
                           stdout=subprocess.PIPE, universal_newlines=True, check=True)
    theirs = dict(((m, t), b) for m, t, b in json.loads(probe.stdout))
    wrong = [(k, v, theirs.get(k)) for k, v in BUCKET_OF_ROUTE.items() if theirs.get(k) != v]
    if wrong:
        raise SystemExit('bucket map differs from the simulator\'s: %s' % wrong)


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.sdk_worker:
        return sdk_worker(args)
    python = os.path.join(args.venv, 'bin', 'python')
    check_bucket_map(python)
    if args.sdk_python is None:
        args.sdk_python = os.path.join(legacy.DEFAULT_SDK_VENV, 'bin', 'python')
    version = None if args.skip_sdk else legacy.sdk_version(args.sdk_python)
    args.sdk_ok = bool(version)
    ansible_version = subprocess.run([python, '-c', 'from ansible.release import __version__; print(__version__)'],
                                     stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout.strip()
    print('Machine: %s, %d CPUs, Python %s, ansible-core %s, okta SDK %s'
          % (platform.platform(), os.cpu_count(), platform.python_version(), ansible_version,
             version + ' (' + args.sdk_python + ')' if version else 'not used' if args.skip_sdk else
             'NOT FOUND: install it with python3 -m venv %s && %s/bin/pip install -r requirements/benchmark.txt'
             % (legacy.DEFAULT_SDK_VENV, legacy.DEFAULT_SDK_VENV)))
    print('Collection: %s; load average before: %s' % (legacy.tree_state(), ' '.join('%.2f' % x for x in os.getloadavg())))
    print('Simulator: %g ms latency per call; a fresh one per run, seeded with the run\'s users (one session each).'
          % args.latency_ms)
    print('Counts: %d logins, %d IDs, a group of %d, %d sessions; uri loop %s; module and SDK %d run(s) each%s.'
          % (args.users, args.users, args.group_size, args.sessions,
             '%d items' % args.loop_items if args.loop_items else 'not run', args.repeats,
             ' (--quick)' if args.quick else ''))
    print('Per run: wall time, calls per bucket and 429s (rate limit + calls in flight) as the simulator counted them, '
          'the check that everyone was signed out, the load average at the start.')
    started = time.time()
    workdir = tempfile.mkdtemp(prefix='okta-bench-real-')
    failures = []
    try:
        bench = Bench(args, workdir)
        results = run_profiles(bench, args, failures)
        if results:
            print_table(args, results)
            print_targets(args, results)
        for key, records in results.items():
            for record in records:
                if not record['ok']:
                    failures.append('%s %s %s: %s' % (key + (record['check'],)))
                if args.quick and record['rate_limited'] + record['concurrency_limited']:
                    failures.append('%s %s %s: %d x 429' % (key + (record['rate_limited'] + record['concurrency_limited'],)))
        if args.quick:
            for (profile, workload, method), records in results.items():
                if workload == 'logins' and method == 'module':
                    per = records[0]['calls'] / float(records[0]['items'])
                    if per > 1.1:
                        failures.append('%s logins: %.3f calls per login-named user' % (profile, per))
        proxy = None
        for attempt in (1, 2) if args.proxy_users else ():
            try:
                proxy = run_proxy(bench, args, args.proxy_profile, args.proxy_time_scale, args.proxy_users,
                                  'proxy' if attempt == 1 else 'proxy retry')
                break
            except SimulatorDied as exc:
                print('  %s%s' % (exc, '; running it again' if attempt == 1 else ''))
                if attempt == 2:
                    failures.append('proxy run: %s' % exc)
        if proxy is not None:
            if not proxy['ok']:
                failures.append('proxy run: not everyone signed out')
            if proxy['refused']:
                failures.append('proxy run: %d x 429' % proxy['refused'])
            if args.quick and proxy['calls'] / float(proxy['items']) > 1.1:
                failures.append('proxy run: %.3f calls per login' % (proxy['calls'] / float(proxy['items'])))
            if args.quick and proxy['most_in_a_window'] > proxy['allowed']:
                failures.append('proxy run: %d calls in one window, more than max_api_share 0.8 allows (%d)'
                                % (proxy['most_in_a_window'], proxy['allowed']))
        if args.memory_users:
            try:
                ok, dummy = run_memory(bench, args)
            except SimulatorDied as exc:
                print('  %s' % exc)
                ok = False
            if not ok:
                failures.append('memory runs: not everyone signed out, or a simulator died')
    finally:
        if args.keep:
            print('\nPlaybooks, journals and logs kept in %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.time() - started
    print('\nTotal run time: %d min %02d s. Load average after: %s (2 cores: above ~1 means other work ran too).'
          % (elapsed // 60, elapsed % 60, ' '.join('%.2f' % x for x in os.getloadavg())))
    if failures:
        print('\nFAILED:\n  ' + '\n  '.join(failures))
        return 1
    print('\nOK' + (': no 429, every login-named user about one call, everyone signed out' if args.quick else ''))
    return 0


if __name__ == '__main__':
    sys.exit(main())
