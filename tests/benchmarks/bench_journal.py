# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the journal and the live progress cost (issue 12: at most 5 % of wall time at 1,000 items, and no
extra API call).

Runs okta_user_sessions on 1,000 users by ID through ansible-playbook against the simulator (flat limits,
20 ms per call), side by side: with neither (no journal option, and OKTA_PROGRESS=off, which the action
plugin honours: no temporary journal, no live lines) and with both (a journal, and the live lines read from
it). Prints the median wall time of each, the ratio and the API calls each made.

    python tests/benchmarks/bench_journal.py [--users 1000] [--repeat 3] [--latency-ms 20]
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))


def simulator(users, latency_ms):
    out = subprocess.check_output([sys.executable, os.path.join(ROOT, 'tests', 'okta_simulator'), '--background',
                                   '--profile', 'kind', '--rate-limit', '1000000', '--users', str(users),
                                   '--sessions-per-user', '1', '--latency-ms', str(latency_ms)]).decode()
    values = dict(line.split('=', 1) for line in out.split() if '=' in line)
    return values['OKTA_ORG_URL'], values['OKTA_API_TOKEN'], int(values['OKTA_SIMULATOR_PID'])


def api_calls(url):
    with urllib.request.urlopen(url + '/_simulator/state?summary=1') as answer:
        return sum(json.load(answer)['requestCounts'].values())


def run(url, token, ids, journal, progress):
    work = tempfile.mkdtemp(prefix='okta-bench-journal-')
    args = {'users': ids, 'max_targets': len(ids) + 1, 'org_url': url, 'api_token': token}
    if journal:
        args['journal'] = os.path.join(work, 'journal.jsonl')
    path = os.path.join(work, 'play.json')
    with open(path, 'w') as handle:
        json.dump([{'hosts': 'localhost', 'connection': 'local', 'gather_facts': False,
                    'tasks': [{'identity.okta.okta_user_sessions': args}]}], handle)
    env = dict(os.environ, ANSIBLE_LOCALHOST_WARNING='false', OKTA_PROGRESS='on' if progress else 'off')
    started = time.time()
    subprocess.check_call(['ansible-playbook', '-i', 'localhost,', '-e', 'ansible_python_interpreter=%s' % sys.executable,
                           path], stdout=subprocess.DEVNULL, env=env)
    return time.time() - started


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--users', type=int, default=1000)
    parser.add_argument('--repeat', type=int, default=3)
    parser.add_argument('--latency-ms', type=float, default=20)
    options = parser.parse_args()
    figures = {}
    for label, journal, progress in (('neither', False, False), ('journal + progress', True, True)):
        figures[label] = {'seconds': [], 'calls': []}
    for dummy in range(options.repeat):
        for label, journal, progress in (('neither', False, False), ('journal + progress', True, True)):
            url, token, pid = simulator(options.users, options.latency_ms)
            try:
                with urllib.request.urlopen(url + '/_simulator/state') as answer:
                    ids = [u['id'] for u in json.load(answer)['users']]
                seconds = run(url, token, ids, journal, progress)
                figures[label]['seconds'].append(seconds)
                figures[label]['calls'].append(api_calls(url))
            finally:
                os.kill(pid, 15)
    base = statistics.median(figures['neither']['seconds'])
    for label, values in figures.items():
        median = statistics.median(values['seconds'])
        print('%-20s median %.2f s (runs %s), API calls %s, ratio %.3f'
              % (label, median, ', '.join('%.2f' % s for s in values['seconds']), sorted(set(values['calls'])),
                 median / base))


if __name__ == '__main__':
    main()
