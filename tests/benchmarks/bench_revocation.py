# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""How long it takes to revoke the sessions of N users, four ways, against the Okta simulator.

Methods, each measured as the wall time of one command, side by side in one run:

  bulk      one ansible-playbook task identity.okta.okta_user_sessions with all N user IDs
            (concurrency 8, plus 1 and 16 for comparison)
  loop      the same module in an Ansible ``loop:``, one user per iteration
  uri loop  ansible.builtin.uri DELETE /api/v1/users/{id}/sessions in a ``loop:``
  okta SDK  a Python process using the okta SDK (asyncio, a semaphore of the same concurrency)

Every run gets a freshly started simulator (N users, one session each), and afterwards the
simulator's own counters must show N revocations, no sessions left and N revocation calls,
so that no method can look faster by doing less. Runs that fail the check are reported and
left out of the medians, and the script exits non-zero.

Then the peak RSS of the module process itself (run directly, without Ansible) is measured
for 1,000 and 10,000 users, with a tracemalloc breakdown of where the memory goes, and one
bulk run against a tight rate limit shows how max_api_share sets the pace.

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
REVOKE_BUCKET = 'DELETE /api/v1/users/{id}/sessions'

# okta 3.4.6 merges the dict given to Client() under "client", but its validator reads the
# https check switch from the top-level "testing" section; only this environment variable
# (ConfigSetter._apply_env_config) reaches it. Needed because the simulator speaks http.
SDK_HTTP_SWITCH = 'OKTA_TESTING_TESTINGDISABLEHTTPSCHECK'

ANSIBLE_CFG = """[defaults]
retry_files_enabled = False
localhost_warning = False
inventory_unparsed_warning = False
"""

PLAYBOOK_HEAD = """- name: {name}
  hosts: localhost
  gather_facts: false
  vars_files:
    - users.json
  tasks:
"""

PLAYBOOKS = {
    'ping': """    - name: One trivial module task, to show what starting ansible-playbook and one module costs
      ansible.builtin.ping:
""",
    'bulk': """    - name: Revoke the sessions of every user in one task
      identity.okta.okta_user_sessions:
        users: "{{ user_ids }}"
        concurrency: "{{ concurrency | int }}"
""",
    'loop': """    - name: Revoke the sessions of one user per loop iteration
      identity.okta.okta_user_sessions:
        users: ["{{ item }}"]
      loop: "{{ user_ids }}"
""",
    'uri': """    - name: DELETE /api/v1/users/{id}/sessions, one user per loop iteration
      ansible.builtin.uri:
        url: "{{ lookup('ansible.builtin.env', 'OKTA_ORG_URL') }}/api/v1/users/{{ item }}/sessions?oauthTokens=false&forgetDevices=true"
        method: DELETE
        headers:
          Authorization: "SSWS {{ lookup('ansible.builtin.env', 'OKTA_API_TOKEN') }}"
          Accept: application/json
        status_code: 204
      loop: "{{ user_ids }}"
      no_log: true
""",
}


# -- the simulator --------------------------------------------------------------------------

# Run the simulator's own command line in a process whose listen backlog is raised first:
# ThreadingHTTPServer listens with socketserver's default backlog of 5, so 8 clients connecting at
# once now and then overflow it; Linux then drops a SYN and the client retries it after 1 s.
SIMULATOR_WRAPPER = """
import sys, http.server
http.server.ThreadingHTTPServer.request_queue_size = int(sys.argv[1])
sys.path.insert(0, sys.argv[2])
from okta_simulator.cli import main
sys.exit(main(sys.argv[3:]))
"""


class Simulator:
    """A fresh Okta simulator in the background, stopped by ``stop()`` (or ``with``)."""

    def __init__(self, users, latency_ms, rate_limit, extra_args=(), backlog=128):
        self.process = None
        sim_args = ['--users', str(users), '--sessions-per-user', '1', '--latency-ms', str(latency_ms),
                    '--rate-limit', str(rate_limit)] + list(extra_args)
        if not backlog:  # exactly as documented: python tests/okta_simulator --background ...
            output = subprocess.run([sys.executable, SIMULATOR, '--background'] + sim_args, check=True,
                                    stdout=subprocess.PIPE, universal_newlines=True).stdout
            info = dict(line.split('=', 1) for line in output.splitlines() if '=' in line)
            self.url, self.token, self.pid = info['OKTA_ORG_URL'], info['OKTA_API_TOKEN'], int(info['OKTA_SIMULATOR_PID'])
            return
        handle, ready = tempfile.mkstemp(prefix='okta-sim-', suffix='.json')  # empty until the simulator is ready
        os.close(handle)
        with open(os.devnull, 'wb') as devnull:
            process = subprocess.Popen([sys.executable, '-c', SIMULATOR_WRAPPER, str(backlog), os.path.dirname(SIMULATOR)]
                                       + sim_args + ['--ready-file', ready],
                                       stdout=devnull, stderr=devnull, stdin=subprocess.DEVNULL, start_new_session=True)
        self.pid, self.process = process.pid, process
        deadline = time.time() + 60
        while not os.path.getsize(ready):
            if process.poll() is not None or time.time() > deadline:
                self.stop()
                os.remove(ready)
                raise RuntimeError('the Okta simulator did not start')
            time.sleep(0.05)
        with open(ready) as handle:
            info = json.load(handle)
        os.remove(ready)
        self.url, self.token = info['orgUrl'], info['apiToken']

    def state(self):
        with urllib.request.urlopen(self.url + '/_simulator/state?summary=1', timeout=60) as response:
            return json.load(response)

    def user_ids(self):
        return [user['id'] for user in self.state()['users']]

    def stop(self):
        try:
            os.kill(self.pid, 15)
        except OSError:
            pass
        if self.process is not None:
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


def verify(sim, expected, strict=True):
    """Check through the simulator that ``expected`` users were revoked; return (ok, text).

    Strict: exactly ``expected`` revocations and calls (no retries) and no session left.
    Otherwise the calls may include retries after a 429.
    """
    state = sim.state()
    calls = state['requestCounts'].get(REVOKE_BUCKET, 0)
    ok = state['revocationCount'] == expected and state['sessionCount'] == 0 and (calls == expected or not strict)
    text = 'revocationCount=%d/%d sessionsLeft=%d calls=%d 429s=%d' % (
        state['revocationCount'], expected, state['sessionCount'], calls, state['rateLimited'])
    return ok, text


# -- the methods -------------------------------------------------------------------------------

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
        """Run ``argv`` with output to a log file; return (seconds, returncode, log path)."""
        self.log_count += 1
        log_path = os.path.join(self.workdir, '%03d-%s.log' % (self.log_count, re.sub('[^A-Za-z0-9]+', '-', label).strip('-')))
        with open(log_path, 'w') as log:
            start = time.perf_counter()
            returncode = subprocess.call(argv, env=env, cwd=self.workdir, stdout=log, stderr=subprocess.STDOUT,
                                         stdin=subprocess.DEVNULL)
            elapsed = time.perf_counter() - start
        return elapsed, returncode, log_path

    def write_users(self, user_ids):
        with open(os.path.join(self.workdir, 'users.json'), 'w') as handle:
            json.dump({'user_ids': user_ids}, handle)

    def playbook(self, sim, name, label, concurrency=None):
        self.write_users(sim.user_ids())
        argv = [self.ansible_playbook, '-i', 'localhost,', '-c', 'local',
                '-e', 'ansible_python_interpreter=%s' % self.python,
                os.path.join(self.workdir, name + '.yml')]
        if concurrency is not None:
            argv[-1:-1] = ['-e', 'concurrency=%d' % concurrency]
        return self.timed(argv, self.env(sim), label)

    def sdk(self, sim, label, concurrency):
        ids_file = os.path.join(self.workdir, 'sdk-ids.json')
        with open(ids_file, 'w') as handle:
            json.dump(sim.user_ids(), handle)
        result_file = os.path.join(self.workdir, 'sdk-result.json')
        argv = [self.args.sdk_python, os.path.abspath(__file__), '--sdk-worker',
                '--ids-file', ids_file, '--result-file', result_file, '--concurrency', str(concurrency)]
        elapsed, returncode, log_path = self.timed(argv, self.env(sim, **{SDK_HTTP_SWITCH: 'true'}), label)
        try:
            with open(result_file) as handle:
                detail = json.load(handle)
            os.remove(result_file)
        except (OSError, ValueError):
            detail = {'calls_seconds': float('nan'), 'errors': None, 'first_errors': ['the SDK process left no result']}
        return elapsed, returncode, log_path, detail


def sdk_version(python):
    """The okta SDK version importable by ``python``, or None."""
    if not python or not os.path.exists(python):
        return None
    probe = subprocess.run([python, '-c', 'import importlib.metadata as m, okta.client; print(m.version("okta"))'],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, universal_newlines=True, check=False)
    return probe.stdout.strip() if probe.returncode == 0 else None


def sdk_worker(args):
    """Runs in the SDK's interpreter: revoke every user's sessions with okta.client.Client.

    One Client (one aiohttp session, so connections are reused) and ``asyncio.gather`` over all
    users with a semaphore of ``--concurrency``, like the module's bounded thread pool.
    """
    start = time.perf_counter()
    from okta.client import Client  # only in the benchmark virtualenv (requirements/benchmark.txt)
    import_seconds = time.perf_counter() - start

    with open(args.ids_file) as handle:
        user_ids = json.load(handle)
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

            async def revoke(user_id):
                async with semaphore:
                    result = await client.revoke_user_sessions(user_id, oauth_tokens=False, forget_devices=True,
                                                               _request_auth=request_auth)
                # (None, ApiResponse, None) on success; (response, error) when Okta answered an error.
                error = result[-1]
                if error is not None:
                    errors.append('%s: %s' % (user_id, getattr(error, 'message', None) or error))

            start = time.perf_counter()
            await asyncio.gather(*(revoke(user_id) for user_id in user_ids))
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
    methods = [('bulk c=%d' % args.concurrency, 'bulk', args.concurrency)]
    for extra in args.extra_concurrency:
        if extra != args.concurrency:
            methods.append(('bulk c=%d' % extra, 'bulk', extra))
    if not args.skip_loops:
        methods.append(('loop (module, 1 user/iteration)', 'loop', 1))
        methods.append(('uri loop (1 user/iteration)', 'uri', 1))
    if sdk_ok:
        methods.append(('okta SDK c=%d (asyncio)' % args.concurrency, 'sdk', args.concurrency))
    methods.append(('ping playbook (reference)', 'ping', None))
    return methods


def run_timings(bench, args, methods):
    """Every method once per repeat, interleaved, each against a fresh simulator."""
    times = dict((label, []) for label, kind, conc in methods)
    notes = dict((label, []) for label, kind, conc in methods)
    invalid = []
    for repeat in range(1, args.repeats + 1):
        for label, kind, concurrency in methods:
            users = 0 if kind == 'ping' else args.users
            detail = None
            with Simulator(users or 1, args.latency_ms, args.rate_limit, backlog=args.sim_backlog) as sim:
                overflows_before = listen_overflows()
                if kind == 'sdk':
                    elapsed, returncode, log_path, detail = bench.sdk(sim, label, concurrency)
                else:
                    elapsed, returncode, log_path = bench.playbook(sim, kind, label, concurrency)
                overflows_after = listen_overflows()
                ok, text = (True, '') if kind == 'ping' else verify(sim, users)
            if overflows_before is not None and overflows_after is not None:
                text += ' listenOverflows=%d' % (overflows_after - overflows_before)
            status = 'ok' if ok and returncode == 0 else 'INVALID (rc=%d)' % returncode
            if detail:
                split = (detail.get('import_seconds', float('nan')), detail['calls_seconds'])
                extra = ' (import okta.client %.2f s, calls %.2f s)' % split
            else:
                extra = ''
            print('  run %d/%d  %-32s %7.2f s  %s  %s%s' % (repeat, args.repeats, label, elapsed, text, status, extra))
            sys.stdout.flush()
            if status == 'ok':
                times[label].append(elapsed)
                if detail:
                    notes[label].append(split)
            else:
                invalid.append(label)
                with open(log_path) as handle:
                    print('    last lines of %s:\n      %s' % (log_path, '\n      '.join(handle.read().splitlines()[-8:])))
                if detail:
                    print('    SDK errors: %s' % detail['first_errors'])
    return times, notes, invalid


def print_table(methods, times, notes, users):
    baseline = statistics.median(times[methods[0][0]]) if times[methods[0][0]] else None
    print()
    print('%-34s %5s %9s %17s %9s %9s' % ('method', 'runs', 'median s', 'min-max s', 'users/s', 'x bulk'))
    print('-' * 88)
    for label, kind, concurrency in methods:
        runs = times[label]
        if not runs:
            print('%-34s %5d %9s' % (label, 0, 'n/a'))
            continue
        median = statistics.median(runs)
        rate = '%9.0f' % (users / median) if kind != 'ping' else '%9s' % '-'
        ratio = '%8.2fx' % (median / baseline) if baseline else '%9s' % '-'
        print('%-34s %5d %9.2f %8.2f-%-8.2f %s %s' % (label, len(runs), median, min(runs), max(runs), rate, ratio))
        if notes[label]:
            print('%-34s %5s %9.2f   of which: import okta.client (median)' % ('', '', statistics.median(n[0] for n in notes[label])))
            print('%-34s %5s %9.2f   of which: the revocation calls (median)' % ('', '', statistics.median(n[1] for n in notes[label])))


# -- memory --------------------------------------------------------------------------------------

def peak_rss_of(argv, env, cwd, stdout_path):
    """Run ``argv`` and return (peak RSS in KiB, returncode, seconds) of that one process.

    os.wait4 returns the rusage of exactly this child; ru_maxrss is in KiB on Linux.
    """
    with open(stdout_path, 'w') as out:
        start = time.perf_counter()
        process = subprocess.Popen(argv, env=env, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        dummy, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    return usage.ru_maxrss, process.returncode, elapsed


def memory_run(bench, args, count, traced):
    """One module run for ``count`` users against a fresh simulator; return its figures."""
    with Simulator(max(args.memory_users), 0, 10 ** 9, backlog=args.sim_backlog) as sim:
        tag = '%d%s' % (count, '-traced' if traced else '')
        args_path = os.path.join(bench.workdir, 'args-%s.json' % tag)
        with open(args_path, 'w') as handle:
            json.dump({'ANSIBLE_MODULE_ARGS': {'users': sim.user_ids()[:count], 'concurrency': args.concurrency}}, handle)
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
    """One bulk run against a tight limit on the revocation endpoint: max_api_share sets the pace."""
    limit, window = args.demo_limit, args.demo_window
    print('\nRate limit: bulk c=%d, %d users, %s limited to %d calls per %d s window, max_api_share 0.8 (default)'
          % (args.concurrency, args.users, REVOKE_BUCKET, limit, window))
    extra = ['--endpoint-rate-limit', '%s=%d' % (REVOKE_BUCKET, limit), '--rate-window-seconds', str(window)]
    with Simulator(args.users, args.latency_ms, args.rate_limit, extra, backlog=args.sim_backlog) as sim:
        elapsed, returncode, log_path = bench.playbook(sim, 'bulk', 'ratelimit-demo', args.concurrency)
        ok, text = verify(sim, args.users, strict=False)  # a 429 is retried, so calls may exceed users
    share = int(limit * 0.8)
    print('  %.1f s = %.1f users/s  %s  %s' % (elapsed, args.users / elapsed, text, 'ok' if ok and returncode == 0 else 'INVALID'))
    print('  (at most %d calls per %d s window are planned at max_api_share 0.8: a steady pace of %.1f users/s;'
          ' the first and last windows are partial)' % (share, window, share / float(window)))
    return ok and returncode == 0


# -- main ---------------------------------------------------------------------------------------------

def parse_args(argv):
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', 1)[0])
    parser.add_argument('--users', type=int, default=300, help='users whose sessions each run revokes (default 300)')
    parser.add_argument('--repeats', type=int, default=3, help='runs of each method (default 3); medians are reported')
    parser.add_argument('--latency-ms', type=float, default=20, help='simulator latency per API call (default 20)')
    parser.add_argument('--rate-limit', type=int, default=100000, help='simulator limit per endpoint and minute (default 100000)')
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
    parser.add_argument('--sim-backlog', type=int, default=128,
                        help="simulator's listen backlog (default 128; 0: start it as documented, Python's default of 5)")
    parser.add_argument('--keep', action='store_true', help='keep the temp dir with playbooks and logs')
    # Internal: the SDK method re-runs this file in the SDK's interpreter.
    parser.add_argument('--sdk-worker', action='store_true', help=argparse.SUPPRESS)
    parser.add_argument('--module-trace-worker', action='store_true', help=argparse.SUPPRESS)
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
    print('Simulator: %d users x 1 session, %g ms latency per call, rate limit %d per endpoint per minute, '
          'listen backlog %s; a fresh one for every run.'
          % (args.users, args.latency_ms, args.rate_limit, args.sim_backlog or 'default (5)'))

    workdir = tempfile.mkdtemp(prefix='okta-bench-')
    ok = True
    try:
        bench = Bench(args, workdir)
        methods = methods_to_run(args, bool(version))
        print('\nTimings (%d users, %d repeats, interleaved). listenOverflows is the kernel counter for the whole machine:'
              % (args.users, args.repeats))
        print('connections dropped by a full listen queue during the run, whichever process owned the queue.')
        times, notes, invalid = run_timings(bench, args, methods)
        print_table(methods, times, notes, args.users)
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
    print('\nLoad average after: %.2f (2 cores; above ~1 while timing means something else was running too)'
          % os.getloadavg()[0])
    if not ok:
        print('\nSOME RUNS FAILED VERIFICATION (see INVALID above); their times are not in the medians.')
    return 0 if ok else 1


if __name__ == '__main__':
    sys.exit(main())
