# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Bulk revocations under faults: nothing lost, nothing counted twice, reruns converge.

For each fault, a fresh simulator holds N sessions; one okta_session task (state=absent,
all N IDs, run through ansible-playbook) revokes them while the simulator misbehaves, then
the same task is rerun until it reports no change. Prints a Markdown table (and writes it
with --markdown) and exits non-zero if any item is missing, duplicated or unexplained.

    .venv/bin/python tests/benchmarks/fault_runs.py --items 1000
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # tests/, for the simulator package

from okta_simulator import Simulator  # noqa: E402  pylint: disable=wrong-import-position

SCENARIOS = [
    # name, simulator options, armed faults, action during the run, module options
    ('no fault', {}, [], None, {}),
    ('429 storm: 1 in 3 calls refused, 1 s reset', dict(fault_rate=0.33, fault_kinds=['429'], rate_window_seconds=1),
     [], None, {}),
    ('5xx: 1 in 5 calls 502/503/504', dict(fault_rate=0.2, fault_kinds=['502', '503', '504']), [], None, {}),
    ('5xx burst: 40 calls in a row 503', {}, [dict(kind='503', count=40)], None, {}),
    ('dropped connections: 1 in 10', dict(fault_rate=0.1, fault_kinds=['drop']), [], None, {}),
    ('answers slower than timeout: 1 in 20 (3 s, timeout 1 s)', dict(fault_rate=0.05, fault_kinds=['slow']), [], None,
     dict(timeout=1)),
    ('truncated answers: 1 in 10', dict(fault_rate=0.1, fault_kinds=['truncated']), [], None, {}),
    ('server restart mid-run: down 3 s', {}, [], ('outage', 3), {}),
]

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  tasks:
    - identity.okta.okta_session:
        org_url: "{{ org_url }}"
        api_token: "{{ api_token }}"
        state: absent
        session_ids: "{{ session_ids }}"
        concurrency: 8
        timeout: "{{ timeout | default(30) }}"
      register: run
      ignore_errors: true
    - ansible.builtin.copy:
        dest: "{{ result_file }}"
        content: "{{ run | to_json }}"
        mode: "0600"
"""


def run_task(work, sim, ids, options, attempt):
    result_file = os.path.join(work, 'result-%d.json' % attempt)
    variables = dict(org_url=sim.base_url, api_token=sim.api_token, session_ids=ids, result_file=result_file,
                     **options)
    vars_file = os.path.join(work, 'vars.json')
    with open(vars_file, 'w') as handle:
        json.dump(variables, handle)
    started = time.time()
    completed = subprocess.run(
        ['ansible-playbook', '-i', 'localhost,', '-c', 'local', '-e', 'ansible_python_interpreter=%s' % sys.executable,
         '-e', '@' + vars_file, os.path.join(work, 'play.yml')],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, check=False, env=dict(os.environ, ANSIBLE_NOCOLOR='1'))
    elapsed = time.time() - started
    if completed.returncode != 0 or not os.path.exists(result_file):
        raise RuntimeError('ansible-playbook failed:\n%s' % completed.stdout.decode('utf-8', 'replace')[-3000:])
    with open(result_file) as handle:
        return json.load(handle), elapsed


def check_accounting(ids, result):
    """Problems with the per-item outcomes of one run, as a list of strings."""
    problems = []
    entries = result.get('results') or []
    seen = [e['session_id'] for e in entries]
    if sorted(seen) != sorted(ids):
        missing = set(ids) - set(seen)
        problems.append('%d missing, %d extra or duplicated' % (len(missing), len(seen) - len(set(seen))))
    for entry in entries:
        if entry['result'] not in ('revoked', 'absent', 'failed'):
            problems.append('%s ended as %r' % (entry['session_id'], entry['result']))
        if entry['result'] == 'failed' and not entry.get('msg'):
            problems.append('%s failed without a reason' % entry['session_id'])
    return problems


def scenario(name, sim_options, armed, action, module_options, items, work):
    # profile='kind': no rate limit that binds, the faults alone (tests/okta_simulator/README.md)
    sim = Simulator(users=items, sessions_per_user=1, seed=7, profile='kind', rate_limit=100000, **sim_options).start()
    try:
        ids = [s['id'] for s in sim.org.snapshot()['sessions']]
        for fault in armed:
            sim.faults.arm(fault['kind'], None, '/api/v1/sessions/', fault['count'])
        if action and action[0] == 'outage':
            threading.Timer(1.0, sim.outage, args=(action[1],)).start()
        first, elapsed = run_task(work, sim, ids, module_options, 1)
        problems = check_accounting(ids, first)
        outcomes = dict((k, len(first.get(k) or [])) for k in ('revoked', 'absent', 'failed_ids'))
        if outcomes['revoked'] + outcomes['absent'] + outcomes['failed_ids'] != len(ids):
            problems.append('outcome counts do not add up to %d' % len(ids))
        # What Okta holds must match what the run reported: revoked/absent sessions are gone.
        with sim.org.lock:
            still_there = set(sim.org.sessions)
        wrongly_kept = [i for i in ids if i in still_there and i not in (first.get('failed_ids') or [])]
        if wrongly_kept:
            problems.append('%d reported revoked/absent but still active' % len(wrongly_kept))
        sim.faults.rate = 0.0  # the reruns see a healthy Okta
        reruns = 0
        rerun = first
        while rerun.get('changed') or rerun.get('failed_ids'):
            reruns += 1
            if reruns > 3:
                problems.append('no convergence after 3 reruns')
                break
            rerun, dummy = run_task(work, sim, ids, module_options, reruns + 1)
            problems += check_accounting(ids, rerun)
        return dict(fault=name, items=len(ids), revoked=outcomes['revoked'], absent=outcomes['absent'],
                    failed=outcomes['failed_ids'], retries=first.get('retries', 0), seconds=elapsed,
                    reruns=reruns, injected=sim.faults.injected, problems=problems)
    finally:
        sim.stop()


def markdown(rows, items):
    lines = ['| fault | items | revoked | absent | failed (with reason) | retries | faults injected | wall time | '
             'reruns to `changed: false` | accounting |',
             '|---|---|---|---|---|---|---|---|---|---|']
    for row in rows:
        lines.append('| %s | %d | %d | %d | %d | %d | %d | %.1f s | %d | %s |' % (
            row['fault'], row['items'], row['revoked'], row['absent'], row['failed'], row['retries'],
            row['injected'], row['seconds'], row['reruns'], 'OK' if not row['problems'] else '; '.join(row['problems'])))
    return '\n'.join(lines) + '\n\n%d items per run, concurrency 8, max_retries 4 (the defaults but concurrency).\n' % items


def main():
    parser = argparse.ArgumentParser(description=__doc__.split('\n\n', maxsplit=1)[0])
    parser.add_argument('--items', type=int, default=1000)
    parser.add_argument('--markdown', help='also write the table to this file')
    parser.add_argument('--only', help='run only scenarios whose name contains this')
    args = parser.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as work:
        with open(os.path.join(work, 'play.yml'), 'w') as handle:
            handle.write(PLAYBOOK)
        for name, sim_options, armed, action, module_options in SCENARIOS:
            if args.only and args.only not in name:
                continue
            row = scenario(name, sim_options, armed, action, module_options, args.items, work)
            rows.append(row)
            print('%-58s revoked %4d absent %4d failed %3d retries %4d %6.1f s reruns %d %s' % (
                row['fault'], row['revoked'], row['absent'], row['failed'], row['retries'], row['seconds'],
                row['reruns'], 'OK' if not row['problems'] else row['problems']), flush=True)
    table = markdown(rows, args.items)
    print('\n' + table)
    if args.markdown:
        with open(args.markdown, 'w') as handle:
            handle.write(table)
    return 1 if any(row['problems'] for row in rows) else 0


if __name__ == '__main__':
    sys.exit(main())
