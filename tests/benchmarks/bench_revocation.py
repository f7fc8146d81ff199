# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Revoke 1,000 sessions and clear 1,000 users, four ways each, against the Okta simulator.

Two workloads, each with N items (default 1,000) and 20 ms of simulator latency per API call:

  sessions  revoke N sessions: DELETE /api/v1/sessions/{id}
  users     clear the sessions of N users: DELETE /api/v1/users/{id}/sessions

and for each, side by side in one run:

  (a) bulk      one ansible-playbook task with all N IDs: identity.okta.okta_session (state: absent,
                session_ids) or identity.okta.okta_user_sessions (users); concurrency 8, plus 1 and 16
  (b) loop      the same module in an Ansible ``loop:``, one ID per iteration
  (c) uri loop  ansible.builtin.uri DELETE in a ``loop:`` (what users write today)
  (d) okta SDK  a Python process using Okta's SDK (okta on PyPI; asyncio, a semaphore of the same concurrency)

plus a one-task ansible.builtin.ping playbook, to measure what starting ansible-playbook costs.

For every method the script prints the wall time (median, min-max), API calls per second (the
calls the simulator counted during the run, lookups included, divided by the wall time), the peak
RSS of the largest single process of the run (ansible-playbook, its workers and the module
processes, or the SDK's python; os.wait4 gives the maximum over the process and every descendant
it reaped), and the ratios to the bulk task and to the bound N x latency / concurrency. It then
checks the issue's targets for (a): within 1.25x of the bound, and at least 50x faster than (c);
both with the raw wall time and with the ping playbook's start-up subtracted.

Every run gets a freshly started simulator (N users, one session each), and afterwards the
simulator's own counters (GET /_simulator/state?summary=1) must show N revocations, no session
left and exactly N revocation calls, so that no method can look faster by doing less. Runs that
fail the check are reported and left out of the medians, and the script exits non-zero.

Then the peak RSS of the okta_user_sessions module process itself (run directly, without Ansible)
is measured for 1,000 and 10,000 users, with a tracemalloc breakdown of where the memory goes, and
one bulk run against a tight rate limit shows how max_api_share sets the pace.

The script prints figures; it asserts nothing about time. See README.md beside it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import asyncio
import json
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

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
SIMULATOR = os.path.join(ROOT, 'tests', 'okta_simulator')
MODULE_FILE = os.path.join(ROOT, 'plugins', 'modules', 'okta_user_sessions.py')
DEFAULT_SDK_VENV = '/tmp/bench-venv'

# okta 3.4.6 merges the dict given to Client() under "client", but its validator reads the
# https check switch from the top-level "testing" section; only this environment variable
# (ConfigSetter._apply_env_config) reaches it. Needed because the simulator speaks http.
SDK_HTTP_SWITCH = 'OKTA_TESTING_TESTINGDISABLEHTTPSCHECK'

WORKLOADS = {
    'sessions': {'title': 'revoke %d sessions', 'noun': 'session', 'ids': 'session_ids',
                 'module': 'identity.okta.okta_session', 'bucket': 'DELETE /api/v1/sessions/{id}',
                 'sdk_call': 'revoke_session'},
    'users': {'title': 'clear %d users', 'noun': 'user', 'ids': 'user_ids',
              'module': 'identity.okta.okta_user_sessions', 'bucket': 'DELETE /api/v1/users/{id}/sessions',
              'sdk_call': 'revoke_user_sessions'},
}
WORKLOAD_ORDER = ('sessions', 'users')

ANSIBLE_CFG = """[defaults]
retry_files_enabled = False
localhost_warning = False
inventory_unparsed_warning = False
"""

PLAYBOOK_HEAD = """- name: {name}
  hosts: localhost
  gather_facts: false
  vars_files:
    - ids.json
  tasks:
"""

URI_TASK = """      ansible.builtin.uri:
        url: "{{{{ lookup('ansible.builtin.env', 'OKTA_ORG_URL') }}}}{path}"
        method: DELETE
        headers:
          Authorization: "SSWS {{{{ lookup('ansible.builtin.env', 'OKTA_API_TOKEN') }}}}"
          Accept: application/json
        status_code: 204
      loop: "{{{{ {ids} }}}}"
      no_log: true
"""

PLAYBOOKS = {
    'ping': """    - name: One trivial module task, to show what starting ansible-playbook and one module costs
      ansible.builtin.ping:
""",
    'sessions-bulk': """    - name: Revoke every session in one task
      identity.okta.okta_session:
        state: absent
        session_ids: "{{ session_ids }}"
        concurrency: "{{ concurrency | int }}"
""",
    'sessions-loop': """    - name: Revoke one session per loop iteration
      identity.okta.okta_session:
        state: absent
        session_id: "{{ item }}"
      loop: "{{ session_ids }}"
""",
    'sessions-uri': "    - name: DELETE /api/v1/sessions/{id}, one session per loop iteration\n"
                    + URI_TASK.format(path='/api/v1/sessions/{{ item }}', ids='session_ids'),
    'users-bulk': """    - name: Revoke the sessions of every user in one task
      identity.okta.okta_user_sessions:
        users: "{{ user_ids }}"
        concurrency: "{{ concurrency | int }}"
""",
    'users-loop': """    - name: Revoke the sessions of one user per loop iteration
      identity.okta.okta_user_sessions:
        users: ["{{ item }}"]
      loop: "{{ user_ids }}"
""",
    'users-uri': "    - name: DELETE /api/v1/users/{id}/sessions, one user per loop iteration\n"
                 + URI_TASK.format(path='/api/v1/users/{{ item }}/sessions?oauthTokens=false&forgetDevices=true',
                                   ids='user_ids'),
}


# -- the simulator --------------------------------------------------------------------------

class Simulator:
    """A fresh Okta simulator in the background (its own command line), stopped by ``stop()`` (or ``with``)."""

    def __init__(self, users, latency_ms, rate_limit, extra_args=()):
        handle, ready = tempfile.mkstemp(prefix='okta-sim-', suffix='.json')  # empty until the simulator is ready
        os.close(handle)
        # --profile kind: the flat limit per endpoint, a benchmark of the client alone (tests/okta_simulator/README.md)
        argv = [sys.executable, SIMULATOR, '--profile', 'kind', '--users', str(users), '--sessions-per-user', '1',
                '--latency-ms', str(latency_ms), '--rate-limit', str(rate_limit), '--ready-file', ready] + list(extra_args)
        with open(os.devnull, 'wb') as devnull:
            self.process = subprocess.Popen(argv, stdout=devnull, stderr=devnull, stdin=subprocess.DEVNULL,
                                            start_new_session=True)
        deadline = time.time() + 60
        while not os.path.getsize(ready):
            if self.process.poll() is not None or time.time() > deadline:
                self.stop()
                os.remove(ready)
                raise RuntimeError('the Okta simulator did not start')
            time.sleep(0.05)
        with open(ready) as handle:
            info = json.load(handle)
        os.remove(ready)
        self.url, self.token = info['orgUrl'], info['apiToken']

    def state(self, summary=True):
        with urllib.request.urlopen(self.url + '/_simulator/state?summary=%d' % summary, timeout=60) as response:
            return json.load(response)

    def ids(self):
        """{'user_ids': [...], 'session_ids': [...]}, in the simulator's order."""
        state = self.state(summary=False)
        return {'user_ids': [user['id'] for user in state['users']],
                'session_ids': [session['id'] for session in state['sessions']]}

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.stop()


def listen_overflows():
    """Linux's count of connections dropped because a listen queue was full (None elsewhere)."""
    try:
        with open('/proc/net/netstat') as handle:
            lines = [line.split() for line in handle if line.startswith('TcpExt:')]
        return int(dict(zip(lines[0], lines[1]))['ListenOverflows'])
    except (OSError, IndexError, KeyError, ValueError):
        return None


def verify(state, workload, expected, strict=True):
    """Check the simulator's counters after a run of ``workload``; return (ok, text).

    Strict: exactly ``expected`` revocations and revocation calls (no retries, no 429) and no
    session left. Otherwise the calls may include retries after a 429.
    """
    calls = state['requestCounts'].get(WORKLOADS[workload]['bucket'], 0)
    ok = state['revocationCount'] == expected and state['sessionCount'] == 0
    if strict:
        ok = ok and calls == expected and not state['rateLimited']
    text = 'revocationCount=%d/%d sessionsLeft=%d revokeCalls=%d 429s=%d' % (
        state['revocationCount'], expected, state['sessionCount'], calls, state['rateLimited'])
    others = sorted((k, v) for k, v in state['requestCounts'].items() if k != WORKLOADS[workload]['bucket'])
    if others:
        text += ' other calls: %s' % ', '.join('%s=%d' % pair for pair in others)
    return ok, text


def latency_bound(count, latency_ms, concurrency):
    """N x latency / concurrency, in seconds: no client can be faster with that many calls in flight."""
    return count * latency_ms / 1000.0 / concurrency


def limit_bound(count, limit, window):
    """N / rate limit, in seconds, for a limit of ``limit`` calls per ``window`` seconds."""
    return count * float(window) / limit


# -- the methods -------------------------------------------------------------------------------

# Runs argv in a child and writes that child's rusage ru_maxrss (KiB) to the file named first. A child's
# ru_maxrss starts at the RSS of the process that forked it (Linux records the forking process's high-water
# mark at exec): measured from this script, which holds the simulator's state of 10,000 users, every module run
# looked 62 MiB. This wrapper is a bare interpreter (about 9 MiB), below anything it measures.
RSS_WRAPPER = """
import os, sys
pid = os.fork()
if pid == 0:
    os.execv(sys.argv[2], sys.argv[2:])
status, usage = os.wait4(pid, 0)[1:]
with open(sys.argv[1], 'w') as out:
    out.write(str(usage.ru_maxrss))
sys.exit(os.waitstatus_to_exitcode(status))
"""


def peak_rss_of(argv, env, cwd, stdout_path):
    """Run ``argv``; return (peak RSS in KiB, returncode, seconds).

    The rusage of a waited child covers it and every descendant it waited for, and for
    ru_maxrss that is the maximum over those processes (the largest single process, not a sum);
    in KiB on Linux. Taken by a small wrapper process (RSS_WRAPPER), not by this one.
    """
    rss_file = stdout_path + '.maxrss'
    with open(stdout_path, 'w') as out:
        start = time.perf_counter()
        process = subprocess.Popen([sys.executable, '-S', '-c', RSS_WRAPPER, rss_file] + list(argv), env=env, cwd=cwd,
                                   stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        process.wait()
        elapsed = time.perf_counter() - start
    with open(rss_file) as handle:
        rss_kib = int(handle.read())
    os.remove(rss_file)
    return rss_kib, process.returncode, elapsed


class Bench:
    """What every method needs: the temp dir, the virtualenv, the environment."""

    def __init__(self, args, workdir):
        self.args = args
        self.workdir = workdir
        self.venv = os.path.abspath(args.venv)
        self.python = os.path.join(self.venv, 'bin', 'python')
        self.ansible_playbook = os.path.join(self.venv, 'bin', 'ansible-playbook')
        self.ansible_cfg = os.path.join(workdir, 'ansible.cfg')
        with open(self.ansible_cfg, 'w') as handle:
            handle.write(ANSIBLE_CFG)
        for name, tasks in PLAYBOOKS.items():
            with open(os.path.join(workdir, name + '.yml'), 'w') as handle:
                handle.write(PLAYBOOK_HEAD.format(name=name) + tasks)
        self.log_count = 0

    def env(self, sim, **extra):
        """The environment of a child: ours without any OKTA_* variable, plus this simulator's."""
        env = dict((k, v) for k, v in os.environ.items() if not k.startswith('OKTA_'))
        env.update(OKTA_ORG_URL=sim.url, OKTA_API_TOKEN=sim.token, ANSIBLE_CONFIG=self.ansible_cfg,
                   ANSIBLE_COLLECTIONS_PATH=os.path.join(self.venv, 'collections'),
                   PATH=os.path.join(self.venv, 'bin') + os.pathsep + env.get('PATH', ''))
        env.update(extra)
        return env

    def timed(self, argv, env, label):
        """Run ``argv`` with output to a log file; return (seconds, returncode, log path, peak RSS KiB)."""
        self.log_count += 1
        log_path = os.path.join(self.workdir, '%03d-%s.log' % (self.log_count, re.sub('[^A-Za-z0-9]+', '-', label).strip('-')))
        rss_kib, returncode, elapsed = peak_rss_of(argv, env, self.workdir, log_path)
        return elapsed, returncode, log_path, rss_kib

    def write_ids(self, ids):
        with open(os.path.join(self.workdir, 'ids.json'), 'w') as handle:
            json.dump(ids, handle)

    def playbook(self, sim, name, label, concurrency=None, ids=None):
        """ansible-playbook NAME.yml with the simulator's IDs in ids.json; returns what timed() does."""
        self.write_ids(ids or sim.ids())
        argv = [self.ansible_playbook, '-i', 'localhost,', '-c', 'local',
                '-e', 'ansible_python_interpreter=%s' % self.python,
                os.path.join(self.workdir, name + '.yml')]
        if concurrency is not None:
            argv[-1:-1] = ['-e', 'concurrency=%d' % concurrency]
        return self.timed(argv, self.env(sim), label)

    def sdk(self, sim, workload, label, concurrency, ids):
        """The SDK worker in the SDK's interpreter; returns what timed() does plus the worker's own figures."""
        ids_file = os.path.join(self.workdir, 'sdk-ids.json')
        with open(ids_file, 'w') as handle:
            json.dump(ids[WORKLOADS[workload]['ids']], handle)
        result_file = os.path.join(self.workdir, 'sdk-result.json')
        argv = [self.args.sdk_python, os.path.abspath(__file__), '--sdk-worker', '--sdk-workload', workload,
                '--ids-file', ids_file, '--result-file', result_file, '--concurrency', str(concurrency)]
        elapsed, returncode, log_path, rss_kib = self.timed(argv, self.env(sim, **{SDK_HTTP_SWITCH: 'true'}), label)
        try:
            with open(result_file) as handle:
                detail = json.load(handle)
            os.remove(result_file)
        except (OSError, ValueError):
            detail = {'calls_seconds': float('nan'), 'errors': None, 'first_errors': ['the SDK process left no result']}
        return elapsed, returncode, log_path, rss_kib, detail


def sdk_version(python):
    """The okta SDK version importable by ``python``, or None."""
    if not python or not os.path.exists(python):
        return None
    probe = subprocess.run([python, '-c', 'import importlib.metadata as m, okta.client; print(m.version("okta"))'],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True, check=False)
    return probe.stdout.strip() if probe.returncode == 0 else None


def sdk_worker(args):
    """Runs in the SDK's interpreter: revoke every session (client.revoke_session) or clear every
    user (client.revoke_user_sessions) with okta.client.Client.

    One Client (one aiohttp session, so connections are reused) and ``asyncio.gather`` over all
    IDs with a semaphore of ``--concurrency``, like the module's bounded thread pool.
    """
    start = time.perf_counter()
    from okta.client import Client  # only in the benchmark virtualenv (requirements/benchmark.txt)
    import_seconds = time.perf_counter() - start

    with open(args.ids_file) as handle:
        ids = json.load(handle)
    token = os.environ['OKTA_API_TOKEN']
    # okta 3.4.6's generated operations put "Authorization: SSWS<token>" (no space: Configuration.auth_settings
    # concatenates authorization_mode and the token) over the executor's correct "SSWS <token>"; Okta's
    # format is "SSWS {token}", and the simulator answers 401. _request_auth, a documented parameter of every
    # generated operation, sets the header per call.
    request_auth = {'in': 'header', 'type': 'api_key', 'key': 'Authorization', 'value': 'SSWS ' + token}

    async def revoke_all():
        errors = []
        async with Client({'orgUrl': os.environ['OKTA_ORG_URL'], 'token': token}) as client:
            semaphore = asyncio.Semaphore(args.concurrency)

            async def revoke(item):
                async with semaphore:
                    if args.sdk_workload == 'sessions':
                        result = await client.revoke_session(item, _request_auth=request_auth)
                    else:
                        result = await client.revoke_user_sessions(item, oauth_tokens=False, forget_devices=True,
                                                                   _request_auth=request_auth)
                # (None, ApiResponse, None) on success; (response, error) when Okta answered an error.
                error = result[-1]
                if error is not None:
                    errors.append('%s: %s' % (item, getattr(error, 'message', None) or error))

            start = time.perf_counter()
            await asyncio.gather(*(revoke(item) for item in ids))
            return time.perf_counter() - start, errors

    calls_seconds, errors = asyncio.run(revoke_all())
    with open(args.result_file, 'w') as handle:
        json.dump({'import_seconds': import_seconds, 'calls_seconds': calls_seconds, 'errors': len(errors),
                   'first_errors': errors[:3]}, handle)
    return 1 if errors else 0


def module_trace_worker(args):
    """Runs the module's main() in this process under tracemalloc, for the memory breakdown.

    Records Python's traced memory (current and peak bytes) when the bulk run starts, when it
    ends, and the peak while exit_json builds and prints the result.
    """
    import tracemalloc
    tracemalloc.start()
    from ansible.module_utils import basic
    from ansible_collections.identity.okta.plugins.module_utils import okta_module
    from ansible_collections.identity.okta.plugins.modules import okta_user_sessions

    marks = {}
    run_bulk, exit_json = okta_module.OktaModule.run_bulk, basic.AnsibleModule.exit_json

    def traced_run_bulk(self, *a, **kw):
        marks['input'] = tracemalloc.get_traced_memory()  # args read and validated; peak so far
        tracemalloc.reset_peak()
        result = run_bulk(self, *a, **kw)
        marks['run_bulk'] = tracemalloc.get_traced_memory()  # results held; peak during the HTTP fan-out
        tracemalloc.reset_peak()
        return result

    def traced_exit_json(self, **kw):
        marks['before_exit'] = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        try:
            exit_json(self, **kw)
        finally:
            marks['exit_json'] = tracemalloc.get_traced_memory()  # peak while the result is sanitised and encoded

    okta_module.OktaModule.run_bulk = traced_run_bulk
    basic.AnsibleModule.exit_json = traced_exit_json
    sys.argv = [MODULE_FILE, args.ids_file]
    code = 0
    try:
        okta_user_sessions.main()
    except SystemExit as exc:
        code = exc.code
    with open(args.result_file, 'w') as handle:
        json.dump(marks, handle)
    return code


# -- the timing runs --------------------------------------------------------------------------

def methods_to_run(args, sdk_ok):
    """[(workload, label, kind, concurrency, runs)] in the order they run and print; the ping playbook last."""
    methods = []
    for workload in args.workloads:
        noun = WORKLOADS[workload]['noun']
        methods.append((workload, '(a) bulk c=%d' % args.concurrency, 'bulk', args.concurrency, args.repeats))
        for extra in args.extra_concurrency:
            if extra != args.concurrency:
                methods.append((workload, '    bulk c=%d' % extra, 'bulk', extra, args.repeats))
        if not args.skip_loops:
            methods.append((workload, '(b) loop (module, 1 %s/iteration)' % noun, 'loop', 1, args.loop_repeats))
            methods.append((workload, '(c) uri loop (1 %s/iteration)' % noun, 'uri', 1, args.loop_repeats))
        if sdk_ok:
            methods.append((workload, '(d) okta SDK c=%d (asyncio)' % args.concurrency, 'sdk', args.concurrency, args.repeats))
    methods.append((None, 'ping playbook (start-up)', 'ping', None, args.repeats))
    return methods


def run_one(bench, args, workload, label, kind, concurrency):
    """One run of one method against a fresh simulator; return (record, ok)."""
    detail = None
    with Simulator(args.count, args.latency_ms, args.rate_limit, ['--rate-window-seconds', str(args.rate_window)]) as sim:
        ids = sim.ids()
        overflows_before = listen_overflows()
        if kind == 'sdk':
            elapsed, returncode, log_path, rss_kib, detail = bench.sdk(sim, workload, label, concurrency, ids)
        elif kind == 'ping':
            elapsed, returncode, log_path, rss_kib = bench.playbook(sim, 'ping', label, ids=ids)
        else:
            elapsed, returncode, log_path, rss_kib = bench.playbook(sim, '%s-%s' % (workload, kind), label, concurrency, ids)
        overflows_after = listen_overflows()
        state = sim.state()
    calls = sum(state['requestCounts'].values())
    if kind == 'ping':
        ok, text = calls == 0, 'API calls=%d' % calls
    else:
        ok, text = verify(state, workload, args.count)
    if overflows_before is not None and overflows_after is not None:
        text += ' listenOverflows=%d' % (overflows_after - overflows_before)
    ok = ok and returncode == 0
    record = {'seconds': elapsed, 'calls': calls, 'rss': rss_kib}
    extra = ''
    if detail:
        record['split'] = (detail.get('import_seconds', float('nan')), detail['calls_seconds'])
        extra = ' (import okta.client %.2f s, calls %.2f s)' % record['split']
    print('  %-8s %-38s %7.2f s %6d calls %6.1f MiB  %s  %s%s'
          % (workload or '', label.strip(), elapsed, calls, rss_kib / 1024.0, text, 'ok' if ok else 'INVALID (rc=%d)' % returncode, extra))
    if not ok:
        with open(log_path) as handle:
            print('    last lines of %s:\n      %s' % (log_path, '\n      '.join(handle.read().splitlines()[-8:])))
        if detail:
            print('    SDK errors: %s' % detail['first_errors'])
    sys.stdout.flush()
    return record, ok


def run_timings(bench, args, methods):
    """Every method once per round, interleaved, each against a fresh simulator; a method runs in
    the first ``runs`` rounds only (the loops: --loop-repeats, the others: --repeats)."""
    records = dict(((workload, label), []) for workload, label, kind, conc, runs in methods)
    invalid = []
    rounds = max(runs for workload, label, kind, conc, runs in methods)
    for round_number in range(1, rounds + 1):
        print('round %d/%d' % (round_number, rounds))
        for workload, label, kind, concurrency, runs in methods:
            if round_number > runs:
                continue
            record, ok = run_one(bench, args, workload, label, kind, concurrency)
            if ok:
                records[(workload, label)].append(record)
            else:
                invalid.append((workload, label))
    return records, invalid


def median_of(records, key='seconds'):
    return statistics.median(record[key] for record in records) if records else None


def print_table(args, methods, records):
    """The table: one section per workload, then the ping playbook."""
    header = '%-38s %4s %8s %13s %6s %8s %8s %7s %7s %7s' % (
        'method', 'runs', 'median s', 'min-max s', 'calls', 'calls/s', 'peak RSS', 'x bulk', 'bound s', 'x bound')
    print()
    print(header)
    print(('%-38s %4s %8s %13s %6s %8s %8s' % ('', '', '', '', '/run', '', 'MiB')).rstrip())
    print('-' * len(header))
    current = 'none'
    for workload, label, kind, concurrency, runs in methods:
        if workload != current:
            current = workload
            if workload:
                spec = WORKLOADS[workload]
                print('%s (%s, %s)' % (spec['title'] % args.count, spec['module'], spec['bucket']))
            else:
                print('reference')
        rows = records[(workload, label)]
        if not rows:
            print('%-38s %4d %8s' % (label, 0, 'n/a'))
            continue
        median = median_of(rows)
        times = [row['seconds'] for row in rows]
        calls = int(median_of(rows, 'calls'))
        spread = '%6.2f-%-6.2f' % (min(times), max(times))
        rss = max(row['rss'] for row in rows) / 1024.0
        if kind == 'ping':
            print('%-38s %4d %8.2f %13s %6d %8s %8.1f %7s %7s %7s' % (label, len(rows), median, spread, calls, '-', rss, '-', '-', '-'))
            continue
        bulk = median_of(records[(workload, '(a) bulk c=%d' % args.concurrency)])
        bound = latency_bound(args.count, args.latency_ms, concurrency)
        print('%-38s %4d %8.2f %13s %6d %8.0f %8.1f %7s %7.2f %6.2fx'
              % (label, len(rows), median, spread, calls, calls / median, rss,
                 '%6.2fx' % (median / bulk) if bulk else '-', bound, median / bound))
        if 'split' in rows[0]:
            import_median = statistics.median(row['split'][0] for row in rows)
            calls_median = statistics.median(row['split'][1] for row in rows)
            print('%-38s %4s %8.2f   of which: import okta.client (median)' % ('', '', import_median))
            print('%-38s %4s %8.2f   of which: the API calls (median) = %.2fx the bound'
                  % ('', '', calls_median, calls_median / bound))


def print_targets(args, methods, records):
    """The bounds and the issue's targets for (a), raw and with the start-up subtracted."""
    concurrencies = sorted(set(conc for workload, label, kind, conc, runs in methods if kind in ('bulk', 'sdk')))
    by_latency = latency_bound(args.count, args.latency_ms, args.concurrency)
    by_limit = limit_bound(args.count, args.rate_limit, args.rate_window)
    print('\nBound N x latency / concurrency: %d x %g ms / %d = %.2f s (%s).'
          % (args.count, args.latency_ms, args.concurrency, by_latency,
             ', '.join('c=%d: %.2f s' % (conc, latency_bound(args.count, args.latency_ms, conc))
                       for conc in sorted(set(concurrencies + [1])) if conc != args.concurrency)))
    print('Bound N / rate limit: %d / (%d per %d s per endpoint) = %.2f s; %s.'
          % (args.count, args.rate_limit, args.rate_window, by_limit,
             'it binds' if by_limit > by_latency else 'lower than the concurrency bound at c=%d, so it does not bind' % args.concurrency))
    ping = median_of(records[(None, 'ping playbook (start-up)')])
    runs = dict((kind, runs) for workload, label, kind, conc, runs in methods)
    if 'loop' not in runs:
        loops = 'loops not run (--skip-loops)'
    elif args.loop_repeats == 1:
        loops = 'loops 1 each (--loop-repeats 1: a single run, so its "median" is that run and min = max)'
    else:
        loops = 'loops %d each (--loop-repeats)' % args.loop_repeats
    print('Runs per median: bulk, okta SDK and ping playbook %d each (--repeats); %s.' % (args.repeats, loops))
    if ping is None:
        print('Start-up: no valid ping playbook run, so no start-up-adjusted figures.')
    else:
        print('Start-up: the one-task ping playbook (ansible-playbook start, one trivial module process, exit), '
              'median %.2f s.' % ping)
    print('\nTargets for (a), the bulk task at c=%d: within 1.25x of the bound, and at least 50x faster than (c):' % args.concurrency)
    for workload in args.workloads:
        bulk = median_of(records[(workload, '(a) bulk c=%d' % args.concurrency)])
        if bulk is None:
            print('  %-8s no valid bulk run' % workload)
            continue
        line = '  %-8s (a) %.2f s = %.2fx the bound %.2f s: %s' % (
            workload, bulk, bulk / by_latency, by_latency, 'met' if bulk <= 1.25 * by_latency else 'NOT met')
        if ping is not None:
            module = bulk - ping
            line += '; minus start-up: %.2f s = %.2fx: %s' % (module, module / by_latency,
                                                              'met' if module <= 1.25 * by_latency else 'NOT met')
        print(line)
        uri = median_of(records.get((workload, '(c) uri loop (1 %s/iteration)' % WORKLOADS[workload]['noun']), []))
        if uri is None:
            print('  %-8s (c) not run or no valid run: the 50x target cannot be checked' % '')
        else:
            print('  %-8s (c) %.2f s = %.1fx (a): %s' % ('', uri, uri / bulk, 'met' if uri >= 50 * bulk else 'NOT met'))
        if ping is not None:
            others = ['c=%d %.2f s (%.2fx its bound)' % (conc, median_of(records[(workload, label)]) - ping,
                                                         (median_of(records[(workload, label)]) - ping)
                                                         / latency_bound(args.count, args.latency_ms, conc))
                      for wl, label, kind, conc, runs in methods
                      if wl == workload and kind == 'bulk' and records[(workload, label)]]
            print('  %-8s bulk minus start-up: %s' % ('', ', '.join(others)))


# -- memory --------------------------------------------------------------------------------------

def memory_run(bench, args, count, traced):
    """One module run for ``count`` users against a fresh simulator; return its figures."""
    with Simulator(max(args.memory_users), 0, 10 ** 9) as sim:
        tag = '%d%s' % (count, '-traced' if traced else '')
        args_path = os.path.join(bench.workdir, 'args-%s.json' % tag)
        with open(args_path, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': {'users': [user['id'] for user in sim.state()['users']][:count], 'concurrency': args.concurrency}}, handle)
        out_path = os.path.join(bench.workdir, 'module-output-%s.json' % tag)
        trace_path = os.path.join(bench.workdir, 'trace-%s.json' % tag)
        env = bench.env(sim, PYTHONPATH=os.path.join(bench.venv, 'collections'))
        if traced:
            argv = [bench.python, os.path.abspath(__file__), '--module-trace-worker', '--ids-file', args_path,
                    '--result-file', trace_path]
        else:
            argv = [bench.python, MODULE_FILE, args_path]
        rss_kib, returncode, elapsed = peak_rss_of(argv, env, bench.workdir, out_path)
        state = sim.state()
    with open(out_path) as handle:
        output = handle.read()
    try:
        cleared = json.loads(output)['summary']['cleared']
    except (ValueError, KeyError):
        cleared = None
    run = {'count': count, 'rss': rss_kib * 1024, 'seconds': elapsed, 'output': len(output),
           'ok': returncode == 0 and cleared == count and state['revocationCount'] == count,
           'check': 'revocationCount=%d/%d' % (state['revocationCount'], count)}
    if not run['ok']:
        run['check'] += ' INVALID (rc=%d): %s' % (returncode, output[-300:])
    if traced and run['ok']:
        with open(trace_path) as handle:
            run['trace'] = json.load(handle)
    return run


def run_memory(bench, args):
    """Peak RSS of the module run directly (python okta_user_sessions.py args.json), per user count,
    then where the memory goes (tracemalloc, in a second run of each count)."""
    mib = 1024.0 * 1024.0
    print('\nMemory: the module run directly (python plugins/modules/okta_user_sessions.py args.json) with Python %s,'
          % platform.python_version())
    print('simulator seeded with %d users, 0 ms latency, concurrency %d; a fresh process and simulator per run.'
          % (max(args.memory_users), args.concurrency))
    runs = [memory_run(bench, args, count, traced=False) for count in args.memory_users]
    for run in runs:
        print('  %6d users: peak RSS %6.1f MiB  %6.2f s  result JSON %7.1f KiB  %s'
              % (run['count'], run['rss'] / mib, run['seconds'], run['output'] / 1024.0, run['check']))
    ok = all(run['ok'] for run in runs)
    if ok and len(runs) >= 2:
        small, large = runs[0], runs[-1]
        extra = float(large['count'] - small['count'])
        print('  %d -> %d users: peak RSS %+.1f MiB = %.0f bytes per extra user (result JSON alone: %.0f bytes per user)'
              % (small['count'], large['count'], (large['rss'] - small['rss']) / mib,
                 (large['rss'] - small['rss']) / extra, (large['output'] - small['output']) / extra))

    print('  Where it goes (tracemalloc: Python allocations in MiB, peak of each phase; a second run per count):')
    traced = [memory_run(bench, args, count, traced=True) for count in args.memory_users]
    phases = [('input', 'args read and validated'), ('run_bulk', 'revocations (HTTP fan-out, results kept)'),
              ('exit_json', 'exit_json: result sanitised and encoded')]
    print('  %-44s %s' % ('phase', ''.join('%12s' % ('%d users' % run['count']) for run in traced)) + '   bytes/extra user')
    for key, text in phases:
        peaks = [run['trace'][key][1] if 'trace' in run else None for run in traced]
        if None in peaks:
            print('  %-44s (trace missing: %s)' % (text, '; '.join(run['check'] for run in traced)))
            ok = False
            continue
        per_user = ''
        if len(traced) >= 2:
            per_user = '%18.0f' % ((peaks[-1] - peaks[0]) / float(traced[-1]['count'] - traced[0]['count']))
        print('  %-44s %s%s' % (text, ''.join('%12.1f' % (peak / mib) for peak in peaks), per_user))
    return ok and all(run['ok'] for run in traced)


# -- rate limit -------------------------------------------------------------------------------------

def run_rate_limit_demo(bench, args):
    """One bulk okta_user_sessions run against a tight limit on its endpoint: max_api_share sets the pace."""
    limit, window, bucket = args.demo_limit, args.demo_window, WORKLOADS['users']['bucket']
    print('\nRate limit: bulk okta_user_sessions c=%d, %d users, %s limited to %d calls per %d s window, '
          'max_api_share 0.8 (default)' % (args.concurrency, args.count, bucket, limit, window))
    by_latency = latency_bound(args.count, args.latency_ms, args.concurrency)
    by_limit = limit_bound(args.count, limit, window)
    share = int(limit * 0.8)
    print('  bounds: N x latency / concurrency = %.2f s; N / rate limit = %d / (%d per %d s) = %.1f s; '
          'N / (0.8 x rate limit) = %.1f s' % (by_latency, args.count, limit, window, by_limit,
                                               limit_bound(args.count, share, window)))
    extra = ['--endpoint-rate-limit', '%s=%d' % (bucket, limit), '--rate-window-seconds', str(window)]
    with Simulator(args.count, args.latency_ms, args.rate_limit, extra) as sim:
        elapsed, returncode, log_path, rss_kib = bench.playbook(sim, 'users-bulk', 'ratelimit-demo', args.concurrency)
        state = sim.state()
    ok, text = verify(state, 'users', args.count, strict=False)  # a 429 is retried, so calls may exceed users
    ok = ok and returncode == 0
    print('  %.1f s = %.2fx N / rate limit, %.1f users/s, peak RSS %.1f MiB  %s  %s'
          % (elapsed, elapsed / by_limit, args.count / elapsed, rss_kib / 1024.0, text, 'ok' if ok else 'INVALID'))
    if not ok:
        with open(log_path) as handle:
            print('    last lines of %s:\n      %s' % (log_path, '\n      '.join(handle.read().splitlines()[-8:])))
    print('  (at most %d calls per %d s window are planned at max_api_share 0.8: a steady pace of %.1f users/s;'
          ' the first and last windows are partial)' % (share, window, share / float(window)))
    return ok


# -- main ---------------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('-n', '--count', '--users', dest='count', type=int, default=1000,
                        help='N: sessions revoked and users cleared by each run (default 1000)')
    parser.add_argument('--workloads', nargs='+', choices=WORKLOAD_ORDER, default=list(WORKLOAD_ORDER),
                        help='sessions (okta_session), users (okta_user_sessions), or both (default)')
    parser.add_argument('--repeats', type=int, default=3,
                        help='runs of bulk, the SDK and the ping playbook (default 3); medians are reported')
    parser.add_argument('--loop-repeats', type=int, default=1,
                        help='runs of the two loop methods (default 1: at N=1000 each takes minutes)')
    parser.add_argument('--latency-ms', type=float, default=20, help='simulator latency per API call (default 20)')
    parser.add_argument('--rate-limit', type=int, default=100000,
                        help='simulator limit per endpoint and window (default 100000, so it does not bind)')
    parser.add_argument('--rate-window', type=int, default=60, help='simulator rate limit window in seconds (default 60)')
    parser.add_argument('--concurrency', type=int, default=8, help='calls in flight for bulk and the SDK (default 8)')
    parser.add_argument('--extra-concurrency', type=int, nargs='*', default=[1, 16],
                        help='more bulk runs at these concurrencies (default 1 16; none: --extra-concurrency)')
    parser.add_argument('--skip-loops', action='store_true', help='leave out the two loop methods (the slow ones)')
    parser.add_argument('--venv', default=os.path.join(ROOT, '.venv'), help='virtualenv with ansible-core (default .venv)')
    parser.add_argument('--sdk-python', help='python with okta==3.4.6 (requirements/benchmark.txt); default: this '
                                             'python if it has okta, else %s/bin/python' % DEFAULT_SDK_VENV)
    parser.add_argument('--memory-users', type=int, nargs='*', default=[1000, 10000],
                        help='user counts for the memory runs (default 1000 10000; none: --memory-users)')
    parser.add_argument('--no-rate-limit-demo', dest='rate_limit_demo', action='store_false')
    parser.add_argument('--demo-limit', type=int, default=100, help='rate limit demo: calls per window (default 100)')
    parser.add_argument('--demo-window', type=int, default=5, help='rate limit demo: window in seconds (default 5)')
    parser.add_argument('--keep', action='store_true', help='keep the temp dir with playbooks and logs')
    # Internal: the SDK method re-runs this file in the SDK's interpreter.
    parser.add_argument('--sdk-worker', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--module-trace-worker', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--sdk-workload', choices=WORKLOAD_ORDER, help=argparse.SUPPRESS)
    parser.add_argument('--ids-file', help=argparse.SUPPRESS)
    parser.add_argument('--result-file', help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def tree_state():
    """The commit measured, and whether the code under test had uncommitted changes (read-only git)."""
    try:
        commit = subprocess.run(['git', '-C', ROOT, 'rev-parse', '--short', 'HEAD'], stdout=subprocess.PIPE,
                                stderr=subprocess.DEVNULL, universal_newlines=True, check=True).stdout.strip()
        changed = subprocess.run(['git', '-C', ROOT, 'status', '--porcelain', '--', 'plugins', 'tests/okta_simulator'],
                                 stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout.splitlines()
    except (OSError, subprocess.CalledProcessError):
        return 'not a git checkout'
    return 'commit %s%s' % (commit, ', plus uncommitted changes in %d files of plugins/ and tests/okta_simulator/'
                            % len(changed) if changed else ' (plugins/ and tests/okta_simulator/ as committed)')


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.sdk_worker:
        return sdk_worker(args)
    if args.module_trace_worker:
        return module_trace_worker(args)

    if args.sdk_python is None:
        args.sdk_python = sys.executable if sdk_version(sys.executable) else os.path.join(DEFAULT_SDK_VENV, 'bin', 'python')
    version = sdk_version(args.sdk_python)
    ansible_version = subprocess.run([os.path.join(args.venv, 'bin', 'python'), '-c',
                                      'from ansible.release import __version__; print(__version__)'],
                                     stdout=subprocess.PIPE, universal_newlines=True, check=True).stdout.strip()
    print('Machine: %s, %d CPUs, Python %s, ansible-core %s, okta SDK %s'
          % (platform.platform(), os.cpu_count(), platform.python_version(), ansible_version,
             version + ' (' + args.sdk_python + ')' if version else 'not found'))
    if not version:
        print('  okta SDK: not importable from %s; the SDK method is SKIPPED. Install it with:\n'
              '    python3 -m venv %s && %s/bin/pip install -r requirements/benchmark.txt'
              % (args.sdk_python, DEFAULT_SDK_VENV, DEFAULT_SDK_VENV))
    print('Collection: %s; load average before: %.2f' % (tree_state(), os.getloadavg()[0]))
    print('Simulator: %d users x 1 session, %g ms latency per call, rate limit %d per endpoint per %d s; '
          'a fresh one for every run.' % (args.count, args.latency_ms, args.rate_limit, args.rate_window))

    started = time.time()
    workdir = tempfile.mkdtemp(prefix='okta-bench-')
    ok = True
    try:
        bench = Bench(args, workdir)
        methods = methods_to_run(args, bool(version))
        print('\nTimings: N=%d per workload; bulk, SDK and ping %d runs each, loops %d; interleaved rounds.'
              % (args.count, args.repeats, args.loop_repeats))
        print('Per run: wall time, API calls the simulator counted, peak RSS of the largest single process, the '
              "simulator's check;")
        print('listenOverflows is the kernel counter for the whole machine (connections dropped by a full listen queue).')
        records, invalid = run_timings(bench, args, methods)
        print_table(args, methods, records)
        print_targets(args, methods, records)
        ok = not invalid
        if args.memory_users:
            ok = run_memory(bench, args) and ok
        if args.rate_limit_demo:
            ok = run_rate_limit_demo(bench, args) and ok
    finally:
        if args.keep:
            print('\nPlaybooks and logs kept in %s' % workdir)
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    elapsed = time.time() - started
    print('\nTotal run time: %d min %02d s. Load average after: %.2f (2 cores; above ~1 while timing means something '
          'else was running too)' % (elapsed // 60, elapsed % 60, os.getloadavg()[0]))
    if not ok:
        print('\nSOME RUNS FAILED VERIFICATION (see INVALID above); their times are not in the medians.')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
