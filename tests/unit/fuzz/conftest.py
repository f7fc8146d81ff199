# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The fuzz suite's per-target figures: the ``tally`` fixture and, with OKTA_FUZZ_REPORT set, the report."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os

import pytest

from ansible_collections.identity.okta.tests.unit.fuzz.fuzzing import REPORT_VARIABLE, Tally, report_table


def pytest_configure(config):
    config.addinivalue_line('markers', 'fuzz_target(name): the input a fuzz test feeds, named in the figures table')


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    outcome = yield
    report = outcome.get_result()
    if report.when == 'call':
        item.fuzz_outcome = 'xfailed' if hasattr(report, 'wasxfail') else report.outcome


@pytest.fixture
def tally(request):
    """One Tally for all examples of the test; its figures are appended to $OKTA_FUZZ_REPORT at the end."""
    marker = request.node.get_closest_marker('fuzz_target')
    figures = Tally(marker.args[0] if marker else request.node.name)
    yield figures
    path = os.environ.get(REPORT_VARIABLE)
    if path:
        figures.write(path, request.node.nodeid, getattr(request.node, 'fuzz_outcome', 'unknown'))


def pytest_terminal_summary(terminalreporter):
    path = os.environ.get(REPORT_VARIABLE)
    if path and os.path.exists(path):
        terminalreporter.write_sep('=', 'fuzz figures (%s)' % path)
        terminalreporter.write_line(report_table(path))
