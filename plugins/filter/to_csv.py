# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
name: to_csv
short_description: Turn a list of dictionaries into CSV text
version_added: 0.1.0
description:
  - Renders per-item results (for example RV(identity.okta.okta_user_sessions#module:results)) as CSV,
    one row per dictionary and one column per key in O(columns), quoted as RFC 4180 wants.
  - A missing key or a null value becomes an empty cell.
  - A text cell that starts with V(=), V(+), V(-), V(@), a tab or a carriage return is written with a leading
    single quote (V('=cmd...)), as OWASP's CSV injection guidance advises, so that a spreadsheet shows it as text
    instead of running it as a formula. Logins and group names can be chosen by an attacker.
author:
  - identity.okta maintainers (@identity-okta)
options:
  _input:
    description: The rows.
    type: list
    elements: dict
    required: true
  columns:
    description: The keys to write, in order; they are also the header row.
    type: list
    elements: str
    required: true
'''

EXAMPLES = r'''
- name: Write a revocation report
  ansible.builtin.copy:
    dest: report.csv
    content: "{{ revocation.results | identity.okta.to_csv(['user', 'user_id', 'result', 'msg']) }}"
    mode: "0640"
'''

RETURN = r'''
_value:
  description: The CSV text, header first, lines ending in CRLF.
  type: str
'''

import csv
import io

from ansible.errors import AnsibleFilterError


# Cells a spreadsheet would read as a formula (OWASP, CSV Injection).
FORMULA_STARTS = ('=', '+', '-', '@', '\t', '\r')


def csv_cell(value):
    """The text of one cell: empty for None, a leading ' before what a spreadsheet would run as a formula."""
    if value is None:
        return ''
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        value = str(value)
        if value.startswith(FORMULA_STARTS):
            return "'" + value
    return value


def to_csv(rows, columns):
    if not isinstance(columns, (list, tuple)) or not columns:
        raise AnsibleFilterError('to_csv needs a non-empty list of column names')
    buffer = io.StringIO()
    writer = csv.writer(buffer, quoting=csv.QUOTE_MINIMAL)
    writer.writerow([csv_cell(column) for column in columns])
    for row in rows or []:
        if not isinstance(row, dict):
            raise AnsibleFilterError('to_csv rows must be dictionaries, got %s' % type(row).__name__)
        writer.writerow([csv_cell(row.get(column)) for column in columns])
    return buffer.getvalue()


class FilterModule(object):
    def filters(self):
        return {'to_csv': to_csv}
