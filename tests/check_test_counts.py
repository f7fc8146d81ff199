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


def count_units(output, suite):
    """Tests that ran (not skipped) in the JUnit reports of one units suite.

    tests/run_tests.sh moves each units suite's reports to junit/<suite>/, so that the
    units of one ansible-core version are never counted for another.
    """
    total = 0
    for path in glob.glob(os.path.join(output, 'junit', suite, '*.xml')):
        root = ET.parse(path).getroot()
        for testsuite in root.iter('testsuite'):
            total += int(testsuite.get('tests', 0)) - int(testsuite.get('skipped', 0))
    return total


def count_in_log(output, suite, pattern):
    try:
        with open(os.path.join(output, 'logs', suite + '.log'), errors='replace') as handle:
            return len(re.findall(pattern, handle.read(), re.M))
    except IOError:
        return 0


INTEGRATION = r'^Running \S+ integration test (role|script)'
IN_LOG = {
    'sanity': r"^Running sanity test [\"']",
    'lint': r"^Running lint check '",
    'package': r"^Running package check '",
    'docs': r"^Running docs check '",
    'benchmark': r"^Running benchmark check '",
}


def count(output, suite):
    """Tests that ran in one suite: units, units-2.16, integration-2.21, sanity, ..."""
    kind = suite.split('-')[0]
    if kind == 'units':
        return count_units(output, suite)
    if kind == 'integration':
        return count_in_log(output, suite, INTEGRATION)
    return count_in_log(output, suite, IN_LOG[suite])


def main(output, suites):
    failed = False
    for suite in suites:
        ran = count(output, suite)
        print('%s: %d test%s ran' % (suite, ran, '' if ran == 1 else 's'))
        if ran == 0:
            print('%s: no test ran; failing the run' % suite)
            failed = True
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1], sys.argv[2:]))
