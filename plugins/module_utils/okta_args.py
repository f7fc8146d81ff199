# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The options of the collection's event sources (extensions/eda/plugins/event_source/), checked in one place.

ansible-rulebook hands a source the ``args`` of its rulebook as they are: YAML's types, or text where a Jinja
expression made them (``"{{ okta_poll_interval | default(15) }}"`` can arrive as ``15`` or as ``"15"``). A source
describes its options in a spec - like a module's argument_spec, and as its DOCUMENTATION says - and checks the
rulebook's args against it before it does anything else: the result has every option of the spec, typed, with its
default; a value that cannot be used raises a ValueError that names the option. (Modules have AnsibleModule's
argument_spec for this; the sources run in ansible-rulebook, which has none.)

A spec maps each option name to a dict of:
  type      'str', 'int', 'float', 'bool', 'path' (text, ``~`` expanded) or 'list' (of text)
  default   the value when the option is not given, or given as null or ''
  choices   the values allowed
  minimum, maximum   inclusive bounds of a number; ``above``: an exclusive lower bound
  env       environment variables read, in order, when the option is not given
  required  True: an error when the option (and ``env``) gives nothing
  convert   a function that turns the given value (or the default) into the typed value instead of ``type``;
            its ValueError's text follows the option's name
  secret    True: an error never shows the value
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import math
import os
import re

from collections.abc import Mapping

# Ansible's spellings of booleans (ansible.module_utils.parsing.convert_bool), compared without case.
BOOLEANS_TRUE = ('yes', 'on', '1', 'true', 'y', 't')
BOOLEANS_FALSE = ('no', 'off', '0', 'false', 'n', 'f')
SPEC_KEYS = ('type', 'default', 'choices', 'minimum', 'maximum', 'above', 'env', 'required', 'convert', 'secret')

# ASCII digits only: int() and float() also take other scripts' digits ('٣'), '1_000', 'nan' and 'infinity'.
_INT_TEXT = re.compile(r'[+-]?[0-9]+')
_FLOAT_TEXT = re.compile(r'[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?')
_LIST_SEPARATORS = re.compile(r'[\s,]+')
_SHOWN_LENGTH = 60


def _shown(value):
    """A value as an error shows it: its repr, cut short."""
    text = repr(value)
    return text if len(text) <= _SHOWN_LENGTH else text[:_SHOWN_LENGTH] + '...'


def _type_name(value):
    if isinstance(value, bool):
        return 'a boolean'
    if isinstance(value, (int, float)):
        return 'a number'
    if isinstance(value, str):
        return 'text'
    if isinstance(value, Mapping):
        return 'a mapping'
    if isinstance(value, (list, tuple)):
        return 'a list'
    return 'a %s' % type(value).__name__


def _to_str(value):
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):  # YAML reads a secret or a port of digits as a number
        return str(value)
    raise ValueError('must be text, got %s' % _type_name(value))


def _to_int(value):
    if isinstance(value, bool):
        raise ValueError('must be a whole number, got a boolean')
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    if isinstance(value, str) and _INT_TEXT.fullmatch(value.strip()):
        try:
            return int(value.strip())
        except ValueError:  # more digits than Python converts
            raise ValueError('is too large a number')
    raise ValueError('must be a whole number, got %s' % _shown(value))


def _to_float(value):
    if isinstance(value, bool):
        raise ValueError('must be a number, got a boolean')
    if isinstance(value, str) and _FLOAT_TEXT.fullmatch(value.strip()):
        value = value.strip()
    elif not isinstance(value, (int, float)):
        raise ValueError('must be a number, got %s' % _shown(value))
    try:
        number = float(value)
    except OverflowError:  # an int past float's range
        raise ValueError('is too large a number')
    if not math.isfinite(number):
        raise ValueError('must be a finite number, got %s' % _shown(value))
    return number


def _to_bool(value):
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    if isinstance(value, str):
        text = value.strip().lower()
        if text in BOOLEANS_TRUE:
            return True
        if text in BOOLEANS_FALSE:
            return False
    raise ValueError('must be true or false, got %s' % _shown(value))


def _to_path(value):
    return os.path.expanduser(_to_str(value))


def _to_list(value):
    """A list of text; text is split at commas and white space (as OKTA_CLIENT_SCOPES is)."""
    if isinstance(value, str):
        return [item for item in _LIST_SEPARATORS.split(value) if item]
    if isinstance(value, (list, tuple)):
        try:
            items = [_to_str(item).strip() for item in value]
        except ValueError:
            raise ValueError('must be a list of text, got a list with %s in it'
                             % _type_name([item for item in value if not isinstance(item, (str, int))
                                           or isinstance(item, bool)][0]))
        return [item for item in items if item]
    raise ValueError('must be a list of text, got %s' % _type_name(value))


CONVERTERS = {'str': _to_str, 'int': _to_int, 'float': _to_float, 'bool': _to_bool, 'path': _to_path, 'list': _to_list}


def _unset(value):
    return value is None or (isinstance(value, (str, list, tuple)) and len(value) == 0)


def _bounds(rule):
    """The allowed range of a number, in words."""
    low, high = rule.get('minimum'), rule.get('maximum')
    if rule.get('above') is not None:
        return 'above %s' % _plain(rule['above']) + (' and at most %s' % _plain(high) if high is not None else '')
    if low is not None and high is not None:
        return 'from %s to %s' % (_plain(low), _plain(high))
    return 'at least %s' % _plain(low) if low is not None else 'at most %s' % _plain(high)


def _plain(number):
    """A number as an error shows it: 3600 rather than 3600.0, and never hundreds of digits."""
    if isinstance(number, float) and number.is_integer() and abs(number) < 1e15:
        number = int(number)
    text = str(number)
    return text if len(text) <= _SHOWN_LENGTH else text[:_SHOWN_LENGTH] + '...'


def _check_one(name, value, rule):
    convert = rule.get('convert') or CONVERTERS[rule['type']]
    try:
        value = convert(value)
    except ValueError as exc:
        if rule.get('secret'):
            raise ValueError('%s must be %s' % (name, 'text' if rule['type'] in ('str', 'path') else rule['type']))
        raise ValueError('%s %s' % (name, exc))
    choices = rule.get('choices')
    if choices is not None and value not in choices:
        shown = 'another value' if rule.get('secret') else _shown(value)
        raise ValueError('%s must be one of %s, got %s' % (name, ', '.join(str(c) for c in choices), shown))
    if rule['type'] in ('int', 'float'):
        too_low = (rule.get('above') is not None and not value > rule['above']) or \
                  (rule.get('minimum') is not None and value < rule['minimum'])
        too_high = rule.get('maximum') is not None and value > rule['maximum']
        if too_low or too_high:
            raise ValueError('%s must be %s, got %s' % (name, _bounds(rule), _plain(value)))
    return value


def check_args(args, spec, environ=None):
    """The options of ``spec`` from ``args`` (the rulebook's args: a mapping, or None), typed, each with its
    default when not given. ValueError names the option at fault. Names in ``args`` that the spec does not
    have are left out (``unknown_args`` lists them)."""
    if args is None:
        args = {}
    if not isinstance(args, Mapping):
        raise ValueError('the arguments of the source must be a mapping of option names to values, got %s'
                         % _type_name(args))
    environ = os.environ if environ is None else environ
    values = {}
    for name, rule in spec.items():
        value = args.get(name)
        if _unset(value):
            value = next((environ[var] for var in rule.get('env', ()) if environ.get(var)), None)
        if _unset(value):
            if rule.get('required'):
                where = ' (or set %s)' % ' or '.join(rule['env']) if rule.get('env') else ''
                raise ValueError('%s is required%s' % (name, where))
            value = rule.get('default')
        values[name] = None if value is None else _check_one(name, value, rule)
    return values


def unknown_args(args, spec):
    """The names in ``args`` that ``spec`` does not have, sorted (for a warning: a misspelt option is ignored)."""
    if not isinstance(args, Mapping):
        return []
    return sorted(str(name) for name in args if name not in spec)


def warn_unknown_args(args, spec, source, logger):
    """Warn, through ``logger``, of each option of ``args`` that ``spec`` does not have: it is ignored."""
    unknown = unknown_args(args, spec)
    if unknown:
        logger.warning('Ignoring unknown option%s of identity.okta.%s: %s.', 's' if len(unknown) > 1 else '', source,
                       ', '.join(unknown))
