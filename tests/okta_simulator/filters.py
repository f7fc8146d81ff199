# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Okta's expressions: SCIM filters and searches (``search=`` and ``filter=`` on users and groups, the
System Log's ``filter``), ISO 8601 instants, and boolean query parameters as Okta reads them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

ISO_INSTANT = re.compile(r'^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$', re.I)
# One token of a filter: a parenthesis, a string literal (escapes kept, decoded later) or a word.
FILTER_TOKEN = re.compile(r'\s*(?:(?P<paren>[()])|(?P<literal>"(?:[^"\\]|\\.)*")|(?P<word>[^\s()"]+))', re.DOTALL)
# Inside a string literal, a backslash escapes a double quote or a backslash; Okta documents no other escape.
LITERAL_ESCAPES = {'"': '"', '\\': '\\'}
COMPARISONS = ('eq', 'ne', 'sw', 'ew', 'co', 'gt', 'ge', 'lt', 'le')
BARE_NUMBER = re.compile(r'^-?\d+(\.\d+)?$')


def parse_instant(text):
    """Epoch seconds of an ISO 8601 timestamp with its offset (``Z``, ``+02:00``, ``-0500``);
    ValueError for anything else (a timestamp without an offset is not an instant)."""
    found = ISO_INSTANT.match((text or '').strip())
    if not found:
        raise ValueError('not an ISO 8601 timestamp with an offset: %r' % (text,))
    year, month, day, hour, minute = (int(found.group(i)) for i in range(1, 6))
    second = int(found.group(6) or 0)
    fraction = float(found.group(7) or 0)
    zone = found.group(8).upper()
    offset = 0
    if zone != 'Z':
        digits = zone[1:].replace(':', '')
        offset = (int(digits[:2]) * 60 + int(digits[2:])) * 60 * (1 if zone[0] == '+' else -1)
    moment = datetime.datetime(year, month, day, hour, minute, second, tzinfo=datetime.timezone.utc)
    return moment.timestamp() + fraction - offset


def query_bool(query, name, default):
    """A boolean query parameter read as Okta's Java API reads it: "true" in any case is true,
    anything else false (the legacy Python SDK sends ``True``)."""
    values = query.get(name)
    if not values:
        return default
    return values[-1].strip().lower() == 'true'


def filter_literal(token):
    """The value of a string literal token such as ``"a\\"b"``; ValueError on an unknown escape."""
    chars = []
    body = iter(token[1:-1])
    for char in body:
        if char == '\\':
            escaped = next(body)
            if escaped not in LITERAL_ESCAPES:
                raise ValueError('filter: invalid escape \\%s in %s' % (escaped, token))
            char = LITERAL_ESCAPES[escaped]
        chars.append(char)
    return ''.join(chars)


def filter_tokens(expression):
    """(kind, text) tokens: kind ``paren``, ``literal`` (text decoded) or ``word``."""
    tokens = []
    position = 0
    while expression[position:].strip():
        found = FILTER_TOKEN.match(expression, position)
        if not found:
            raise ValueError('filter: unterminated string or stray character at %r' % expression[position:].strip())
        kind = found.lastgroup
        text = found.group(kind)
        tokens.append((kind, filter_literal(text) if kind == 'literal' else text))
        position = found.end()
    return tokens


def _compare(operator, actual, expected, case_insensitive):
    """One comparison as Okta makes it: ``gt``/``ge``/``lt``/``le`` compare instants when both
    sides are timestamps, numbers when both are numbers, and strings otherwise."""
    if operator in ('gt', 'ge', 'lt', 'le'):
        try:
            left, right = parse_instant(str(actual)), parse_instant(expected)
        except ValueError:
            try:
                left, right = float(actual), float(expected)
            except (TypeError, ValueError):
                left, right = str(actual), expected
        return {'gt': left > right, 'ge': left >= right, 'lt': left < right, 'le': left <= right}[operator]
    actual = str(actual).lower() if isinstance(actual, bool) else str(actual)
    if case_insensitive:
        actual, expected = actual.lower(), expected.lower()
    return {'eq': actual == expected, 'ne': actual != expected, 'sw': actual.startswith(expected),
            'ew': actual.endswith(expected), 'co': expected in actual}[operator]


def values_at(item, path):
    """The values at ``path``; through an array (a LogEvent's ``target``) the values of every element."""
    items = [item]
    for part in path.split('.'):
        found = []
        for each in items:
            each = each.get(part) if isinstance(each, dict) else None
            found.extend(each if isinstance(each, list) else [each])
        items = found
    return [value for value in items if value is not None]


class _FilterParser:
    """A recursive-descent parser of one expression's tokens into a predicate."""

    def __init__(self, tokens, case_insensitive, operators):
        self.tokens = tokens
        self.position = 0
        self.case_insensitive = case_insensitive
        self.operators = operators

    def peek(self):
        return self.tokens[self.position] if self.position < len(self.tokens) else (None, None)

    def take(self, expected=None, kind='word'):
        token_kind, text = self.peek()
        if token_kind != kind or (expected and text.lower() != expected):
            raise ValueError('filter: expected %s at %r' % (expected or 'more', text))
        self.position += 1
        return text

    def keyword(self):
        token_kind, text = self.peek()
        return text.lower() if token_kind in ('word', 'paren') else None

    def comparison(self):
        if self.keyword() == '(':
            self.take('(', 'paren')
            inner = self.disjunction()
            self.take(')', 'paren')
            return inner
        path, operator = self.take(), self.take().lower()
        if operator == 'pr' and operator in self.operators:
            return lambda item: bool(values_at(item, path))
        kind, text = self.peek()
        bare = kind == 'word' and (text in ('true', 'false') or BARE_NUMBER.match(text or ''))
        if operator not in self.operators or operator == 'pr' or not (kind == 'literal' or bare):
            raise ValueError('filter: cannot parse %s %s %r' % (path, operator, text))
        expected = self.take(kind=kind)
        case_insensitive = self.case_insensitive

        def test(item):
            actual = values_at(item, path)
            if not actual:
                return operator == 'ne'
            # An array matches when one of its elements does (target.id eq "00u..." finds the event of that user).
            return any(_compare(operator, value, expected, case_insensitive) for value in actual)
        return test

    def conjunction(self):
        parts = [self.comparison()]
        while self.keyword() == 'and':
            self.take('and')
            parts.append(self.comparison())
        return lambda item: all(part(item) for part in parts)

    def disjunction(self):
        parts = [self.conjunction()]
        while self.keyword() == 'or':
            self.take('or')
            parts.append(self.conjunction())
        return lambda item: any(part(item) for part in parts)

    def whole(self):
        predicate = self.disjunction()
        if self.peek()[0] is not None:
            raise ValueError('filter: unexpected %r' % (self.peek()[1],))
        return predicate


def parse_filter(expression, case_insensitive=False, operators=COMPARISONS + ('pr',)):
    """A predicate for a SCIM filter: ``attribute op "value"`` terms (op: eq, ne, sw, ew, co, gt,
    ge, lt, le) and ``attribute pr`` combined with ``and``, ``or`` and parentheses. String values
    are in double quotes, where ``\\"`` is a double quote and ``\\\\`` a backslash; ``true``,
    ``false`` and numbers may stand unquoted. ``ne`` is true for an absent attribute (SCIM).
    ``case_insensitive`` compares string values ignoring case (``search=`` on users and groups).
    Raises ValueError (``filter: ...``) on anything else."""
    if not expression:
        return lambda item: True
    return _FilterParser(filter_tokens(expression), case_insensitive, operators).whole()


def parse_log_filter(expression):
    """The System Log's ``filter``: every operator of parse_filter ("all operators except [ ]",
    Okta's spec of /api/v1/logs), string values compared as written."""
    return parse_filter(expression)
