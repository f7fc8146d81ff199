# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The task's JMESPath ``query``: compiled, and its functions checked, before any request (so that a typo costs
no API call)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

try:
    import jmespath
    import jmespath.functions
    HAS_JMESPATH = True
    JMESPATH_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without jmespath
    HAS_JMESPATH = False
    JMESPATH_IMPORT_ERROR = exc


class QueryError(ValueError):
    """The query cannot be compiled or applied; the text says why, starting with "query"."""


def compile_query(expression):
    """``expression`` compiled, its functions and their arguments checked; QueryError says what is wrong."""
    try:
        compiled = jmespath.compile(expression)
        problem = _function_problem(compiled.parsed)
    except jmespath.exceptions.JMESPathError as exc:
        raise QueryError('query is not a valid JMESPath expression: %s' % exc)
    except RecursionError:  # jmespath parses recursively
        raise QueryError('query nests too deeply to be read.')
    if problem:
        raise QueryError('query %s' % problem)
    return compiled


def apply_query(compiled, data):
    """``data`` filtered by a compiled query; QueryError says what went wrong, never quoting the data."""
    try:
        return compiled.search(data)
    except jmespath.exceptions.JMESPathTypeError as exc:
        # Its own text quotes the whole offending value (a whole log event, say): say only what and where.
        raise QueryError('query failed: %s() got a value of type %s where it takes %s.'
                         % (exc.function_name, exc.actual_type, ' or '.join(exc.expected_types or ['another type'])))
    except (jmespath.exceptions.JMESPathError, TypeError, ValueError, ArithmeticError, RecursionError) as exc:
        # ArithmeticError: ceil(to_number('1e999')) is an OverflowError from Python's math.
        raise QueryError('query failed: %s' % ' '.join(str(exc).split())[:200])


def _function_problem(node):
    """Why a parsed JMESPath expression cannot run (an unknown function, a wrong number of arguments), or None."""
    if node.get('type') == 'function_expression':
        name = node.get('value')
        known = jmespath.functions.Functions.FUNCTION_TABLE.get(name)
        if known is None:
            return 'calls %s(), which is not a JMESPath function.' % name
        signature = known['signature']
        given = len(node.get('children') or [])
        variadic = any(argument.get('variadic') for argument in signature)
        if given < len(signature) or (given > len(signature) and not variadic):
            least = 'at least ' if variadic else ''
            return 'calls %s() with %d arguments; it takes %s%d.' % (name, given, least, len(signature))
    for child in node.get('children') or []:
        if isinstance(child, dict):
            problem = _function_problem(child)
            if problem:
                return problem
    return None
