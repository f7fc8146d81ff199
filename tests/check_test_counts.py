# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fail when a suite of tests/run_tests.sh ran no test at all.

ansible-test exits 0 when it finds nothing to run; a green run that tested
nothing would hide a broken layout, so each suite must show tests that ran.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import glob
import os
import re
import sys
import xml.etree.ElementTree as ET


def count_units(output):
    total = 0
    for path in glob.glob(os.path.join(output, 'junit', '*.xml')):
        root = ET.parse(path).getroot()
        for suite in root.iter('testsuite'):
            total += int(suite.get('tests', 0)) - int(suite.get('skipped', 0))
    return total


def count_in_log(output, suite, pattern):
    try:
        with open(os.path.join(output, 'logs', suite + '.log')) as handle:
            return len(re.findall(pattern, handle.read(), re.M))
    except IOError:
        return 0


def main(output, suites):
    counters = {
        'units': lambda: count_units(output),
        'sanity': lambda: count_in_log(output, 'sanity', r"^Running sanity test [\"']"),
        'integration': lambda: count_in_log(output, 'integration', r'^Running \S+ integration test (role|script)'),
        'lint': lambda: count_in_log(output, 'lint', r"^Running lint check '"),
        'package': lambda: count_in_log(output, 'package', r"^Running package check '"),
        'docs': lambda: count_in_log(output, 'docs', r"^Running docs check '"),
        'compat': lambda: count_in_log(output, 'compat', r'^Running \S+ integration test (role|script)'),
    }
    failed = False
    for suite in suites:
        ran = counters[suite]()
        print('%s: %d test%s ran' % (suite, ran, '' if ran == 1 else 's'))
        if ran == 0:
            print('%s: no test ran; failing the run' % suite)
            failed = True
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2:]))
