#!/usr/bin/env python
# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An org-wide sign-out (issue 20): the whole "Everyone" group signed out by okta_user_sessions with
``results: failures``, under Okta's production rate limits (time-scaled), against the simulator.

Prints, for a group of 1,000 and one of --users (default 100,000) members:
- peak RSS of the module process and its growth per extra member (target <= 0.5 KB), the result's size;
- the journal's bytes per person;
- the calls per bucket and the 429s the simulator counted (target 0), everyone signed out;
and then a resume: the large run killed with SIGKILL half-way, run again with the same journal - how many people
were signed out twice (at most the calls in flight at the kill, which the journal shows as attempted without an
outcome), and that everyone ends signed out.

    python tests/benchmarks/bench_org_wide.py [--users 100000] [--time-scale 120] [--venv .venv]

The module runs directly (``python plugins/modules/okta_user_sessions.py args.json``, as AnsiballZ runs it), a
fresh simulator and process per run; peak RSS is that process's ru_maxrss, taken by a small wrapper process.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import collections
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import bench_real_regime as regime  # noqa: E402  Simulator, the collections path
import bench_revocation as legacy  # noqa: E402  peak_rss_of

MODULE_FILE = regime.MODULE_FILE
MIB = 1024.0 * 1024.0


def module_args(path, journal, count):
    with open(path, 'w') as handle:
        json.dump({'ANSIBLE_MODULE_ARGS': {'groups': ['group-1'], 'results': 'failures', 'concurrency': 8,
                                           'max_api_share': 0.8, 'max_targets': count + 1, 'journal': journal}}, handle)
    return path


def env_for(sim, collections_path):
    env = dict((k, v) for k, v in os.environ.items() if not k.startswith('OKTA_'))
    env.update(OKTA_ORG_URL=sim.url, OKTA_API_TOKEN=sim.token, PYTHONPATH=collections_path)
    return env


def outcomes(journal):
    """(people with a final outcome, people attempted and never answered) in the journal's last run chain."""
    answered, attempted = set(), set()
    with open(journal, errors='replace') as handle:
        for line in handle:
            try:
                record = json.loads(line)
            except ValueError:
                continue
            if record.get('event') == 'outcome':
                answered.add(record['item'])
                attempted.discard(record['item'])
            elif record.get('event') == 'attempted':
                attempted.add(record['item'])
    return answered, attempted


def simulator(args, count, work, label):
    return regime.Simulator(args.python, 'production', args.time_scale, users=count, groups=1,
                            latency_ms=args.latency_ms, log_path=os.path.join(work, label + '-simulator.log'))


def full_run(args, count, work, collections_path):
    """One whole run: peak RSS, seconds, result size, journal bytes per person, calls, 429s, everyone signed out."""
    with simulator(args, count, work, 'full-%d' % count) as sim:
        journal = os.path.join(work, 'full-%d.jsonl' % count)
        argv = [args.python, MODULE_FILE, module_args(os.path.join(work, 'args-%d.json' % count), journal, count)]
        output = os.path.join(work, 'full-%d.out' % count)
        rss_kib, returncode, seconds = legacy.peak_rss_of(argv, env_for(sim, collections_path), work, output)
        state = sim.state()
    with open(output) as handle:
        result = json.loads(handle.read())
    return dict(count=count, rss=rss_kib * 1024, seconds=seconds, returncode=returncode,
                output=os.path.getsize(output), journal=os.path.getsize(journal),
                cleared=result.get('summary', {}).get('cleared'), revoked=state['revocationCount'],
                sessions=state['sessionCount'], rate_limited=state['rateLimited'] + state['concurrencyLimited'],
                calls=regime.calls_per_bucket(state))


def killed_and_resumed(args, count, work, collections_path):
    """The run killed with SIGKILL once half the people are done, then the same command again."""
    with simulator(args, count, work, 'resume-%d' % count) as sim:
        journal = os.path.join(work, 'resume-%d.jsonl' % count)
        args_path = module_args(os.path.join(work, 'args-resume-%d.json' % count), journal, count)
        env = env_for(sim, collections_path)
        with open(os.path.join(work, 'killed.out'), 'w') as out:
            process = subprocess.Popen([args.python, MODULE_FILE, args_path], env=env, cwd=work, stdout=out,
                                       stderr=subprocess.STDOUT, start_new_session=True)
            while process.poll() is None:
                time.sleep(0.5)
                if os.path.exists(journal) and len(outcomes(journal)[0]) >= count // 2:
                    os.killpg(process.pid, signal.SIGKILL)
                    process.wait()
                    break
        done_before, in_flight = outcomes(journal)
        seconds = time.time()
        resumed = subprocess.run([args.python, MODULE_FILE, args_path], env=env, cwd=work, stdout=subprocess.PIPE,
                                 stderr=subprocess.STDOUT, universal_newlines=True, check=False)
        seconds = time.time() - seconds
        state = sim.state(summary=False)
    result = json.loads(resumed.stdout)
    per_user = collections.Counter(r['userId'] for r in state['revocations'] if r.get('kind') == 'user')
    twice = sorted(user for user, n in per_user.items() if n > 1)
    return dict(done_before=len(done_before), in_flight=len(in_flight), twice=len(twice),
                signed_out=len(per_user), sessions=state['sessionCount'], returncode=resumed.returncode,
                journal_run=result.get('journal_run'), skipped=result.get('summary', {}).get('skipped_done'),
                seconds=seconds, rate_limited=state['rateLimited'] + state['concurrencyLimited'])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument('--users', type=int, default=100000, help='members of the large group (default 100000)')
    parser.add_argument('--small', type=int, default=1000, help='members of the small group (default 1000)')
    parser.add_argument('--time-scale', type=float, default=120.0, help="Okta's minute run this many times faster")
    parser.add_argument('--latency-ms', type=float, default=5)
    parser.add_argument('--venv', default=os.path.join(regime.ROOT, '.venv'))
    parser.add_argument('--no-resume', dest='resume', action='store_false')
    parser.add_argument('--keep', action='store_true')
    args = parser.parse_args()
    args.python = os.path.join(os.path.abspath(args.venv), 'bin', 'python')
    collections_path = regime.collections_path(os.path.abspath(args.venv))
    work = tempfile.mkdtemp(prefix='okta-bench-org-wide-')
    print('Org-wide sign-out: okta_user_sessions, groups: [group-1] (every user), results: failures, concurrency 8, '
          'max_api_share 0.8; production profile at time scale %g, %g ms per call; a fresh simulator and module '
          'process per run.' % (args.time_scale, args.latency_ms))
    failures = []
    try:
        runs = [full_run(args, count, work, collections_path) for count in (args.small, args.users)]
        for run in runs:
            print('  %7d members: peak RSS %6.1f MiB  %7.1f s  result %7.1f KiB  journal %5.0f bytes/person  '
                  'calls %s  429s %d  signed out %d/%d, sessions left %d  rc %d'
                  % (run['count'], run['rss'] / MIB, run['seconds'], run['output'] / 1024.0,
                     run['journal'] / float(run['count']), regime.buckets_text(run['calls']), run['rate_limited'],
                     run['revoked'], run['count'], run['sessions'], run['returncode']))
            if run['returncode'] or run['revoked'] != run['count'] or run['sessions'] or run['rate_limited']:
                failures.append('%d members: not everyone signed out, or 429s, or rc %d' % (run['count'], run['returncode']))
        small, large = runs
        per_extra = (large['rss'] - small['rss']) / float(large['count'] - small['count'])
        print('  %d -> %d members: peak RSS %+.1f MiB = %.0f bytes per extra member (target <= 500): %s'
              % (small['count'], large['count'], (large['rss'] - small['rss']) / MIB, per_extra,
                 'met' if per_extra <= 500 else 'NOT met'))
        if args.resume:
            resume = killed_and_resumed(args, args.users, work, collections_path)
            print('  kill -9 half-way: %d people done and journaled, %d calls attempted without an answer; the same '
                  'command again: resumed %s, %d skipped as done, %.1f s; %d people signed out twice (allowed: the '
                  '%d in flight), %d signed out in all, sessions left %d, 429s %d, rc %d'
                  % (resume['done_before'], resume['in_flight'], (resume['journal_run'] or {}).get('resumed'),
                     resume['skipped'] or 0, resume['seconds'], resume['twice'], resume['in_flight'],
                     resume['signed_out'], resume['sessions'], resume['rate_limited'], resume['returncode']))
            if resume['twice'] > resume['in_flight'] or resume['sessions'] or resume['returncode']:
                failures.append('resume: signed out twice more than the calls in flight, or someone left signed in')
    finally:
        if args.keep:
            print('kept: %s' % work)
        else:
            shutil.rmtree(work, ignore_errors=True)
    for failure in failures:
        print('FAILED: %s' % failure)
    print('OK' if not failures else 'FAILED')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
