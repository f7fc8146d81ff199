# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Okta filter and search expressions, built so that a value can never become syntax.

The System Log's ``filter``, and the Users and Groups APIs' ``search``, take SCIM filter
expressions (RFC 7644, section 3.4.2.2): ``attribute operator "value"`` terms joined by ``and``
and ``or``, with parentheses. Every string value in an expression this collection builds goes
through quote_value(): between double quotes, with ``\\`` written ``\\\\`` and ``"`` written
``\\"``. A control character has no spelling Okta documents, so it is refused, not sent.

Attribute names and operators come from the collection's code, never from a task; they are
checked against a fixed shape all the same, so that a mistake is an error and not a query.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
import unicodedata

# A dotted attribute path such as ``actor.alternateId`` or ``profile.login``.
ATTRIBUTE = re.compile(r'^[A-Za-z][A-Za-z0-9_]*(?:\.[A-Za-z][A-Za-z0-9_]*)*$')
# The binary operators of Okta's filter syntax (``ne`` is not supported by Okta, ``pr`` takes no value).
OPERATORS = ('eq', 'sw', 'co', 'gt', 'ge', 'lt', 'le')
_TERM = re.compile(r'^[A-Za-z][A-Za-z0-9_.]*\s+[A-Za-z]{2}\s+"(?:[^"\\]|\\.)*"$', re.DOTALL)
_REFUSED = {'Cc': 'control character', 'Cs': 'unpaired surrogate'}


class FilterValueError(ValueError):
    """A value that no filter expression can carry. The message says why, without naming the
    option (callers do); ``position`` is the value's index when it came in a list."""

    def __init__(self, message, position=None):
        super(FilterValueError, self).__init__(message)
        self.position = position


def quote_value(value):
    """``value`` as a string literal of an Okta filter or search expression: ``"..."`` with
    ``\\`` and ``"`` escaped by a backslash. Raises FilterValueError for a value that is not a
    string or that holds a control character (or an unpaired surrogate, which cannot be sent)."""
    if not isinstance(value, str):
        raise FilterValueError('is not a string (got %s).' % type(value).__name__)
    for offset, char in enumerate(value):
        kind = _REFUSED.get(unicodedata.category(char))
        if kind:
            raise FilterValueError('contains the %s U+%04X at offset %d, which an Okta filter cannot express.'
                                   % (kind, ord(char), offset))
    return '"%s"' % value.replace('\\', '\\\\').replace('"', '\\"')


def _check_attribute(attribute):
    if not isinstance(attribute, str) or not ATTRIBUTE.match(attribute):
        raise ValueError('not a filter attribute name: %r' % (attribute,))


def compare(attribute, operator, value):
    """One term, ``attribute operator "value"``, with the value quoted by quote_value()."""
    _check_attribute(attribute)
    if operator not in OPERATORS:
        raise ValueError('not a filter operator: %r' % (operator,))
    return '%s %s %s' % (attribute, operator, quote_value(value))


def eq(attribute, value):
    """``attribute eq "value"``: matches when the attribute is exactly ``value``."""
    return compare(attribute, 'eq', value)


def any_of(attributes, values):
    """Matches when one of ``attributes`` (a name or a list of names) equals one of ``values``:
    ``a eq "x"`` alone, or ``(a eq "x" or a eq "y" ...)`` in parentheses.

    An empty ``values`` raises FilterValueError: "any of nothing" matches nothing, and leaving the
    term out would match everything. A bad value raises FilterValueError with its ``position``.
    """
    if isinstance(attributes, str):
        attributes = [attributes]
    terms = []
    for position, value in enumerate(values):
        try:
            terms.extend(eq(attribute, value) for attribute in attributes)
        except FilterValueError as exc:
            raise FilterValueError(str(exc), position)
    if not terms:
        raise FilterValueError('is empty: give at least one value, or leave the option out.')
    return terms[0] if len(terms) == 1 else '(%s)' % ' or '.join(terms)


def _enclosed(expression):
    """Whether the whole expression is one pair of parentheses (string literals skipped)."""
    if not (expression.startswith('(') and expression.endswith(')')):
        return False
    depth, in_literal, escaped = 0, False, False
    for index, char in enumerate(expression):
        if in_literal:
            if escaped:
                escaped = False
            elif char == '\\':
                escaped = True
            elif char == '"':
                in_literal = False
        elif char == '"':
            in_literal = True
        elif char == '(':
            depth += 1
        elif char == ')':
            depth -= 1
            if depth == 0 and index < len(expression) - 1:
                return False
    return depth == 0 and not in_literal


def group(expression):
    """``expression``, in parentheses unless it is one term or already one parenthesised group,
    so that it can stand next to ``and`` or ``or``."""
    expression = expression.strip()
    if _TERM.match(expression) or _enclosed(expression):
        return expression
    return '(%s)' % expression


def all_of(*expressions):
    """The expressions joined by ``and``, each grouped so that an ``or`` inside one stays inside it.
    Empty ones (None, '') are left out; with none left, returns None (no filter)."""
    parts = [e.strip() for e in expressions if e and e.strip()]
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return ' and '.join(group(part) for part in parts)
