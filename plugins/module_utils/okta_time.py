# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Times as Okta's System Log takes them, from what a responder types: ``now``, ``6h``, or ISO 8601."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import re

DURATION = re.compile(r'^(\d+(?:\.\d+)?)\s*([smhd])$')
UNITS = {'s': 'seconds', 'm': 'minutes', 'h': 'hours', 'd': 'days'}


def okta_time(moment):
    """ISO 8601 UTC with milliseconds, as Okta writes ``published``."""
    moment = moment.astimezone(datetime.timezone.utc)
    # Not strftime: its %Y writes year 1 as "1", and Okta times must compare as text the way they compare as times.
    return '%04d-%02d-%02dT%02d:%02d:%02d.%03dZ' % (moment.year, moment.month, moment.day, moment.hour, moment.minute,
                                                    moment.second, moment.microsecond // 1000)


def parse_time(value, now=None):
    """``now``, a duration before now (``15m``, ``6h``, ``7d``), a datetime, or an ISO 8601 time with a
    zone, as an Okta time. ValueError says what is wrong (callers add the option's name)."""
    now = now or datetime.datetime.now(datetime.timezone.utc)
    if isinstance(value, datetime.datetime):  # an unquoted YAML timestamp; YAML says UTC when no zone is given
        try:
            return okta_time(value if value.tzinfo else value.replace(tzinfo=datetime.timezone.utc))
        except (OverflowError, ValueError):
            raise ValueError('is not a time Okta can take, got %s' % value)
    text = str(value if value is not None else 'now').strip()
    if text.lower() == 'now':
        return okta_time(now)
    duration = DURATION.match(text)
    if duration:
        try:
            return okta_time(now - datetime.timedelta(**{UNITS[duration.group(2)]: float(duration.group(1))}))
        except (OverflowError, ValueError):
            raise ValueError('is a duration too long to count back from now, got %r' % text)
    try:
        moment = datetime.datetime.fromisoformat(text.replace('Z', '+00:00'))
    except ValueError:
        raise ValueError('must be "now", a duration such as 6h or an ISO 8601 time such as '
                         '2026-11-25T06:00:00Z, got %r' % text)
    if moment.tzinfo is None:
        raise ValueError('must say its time zone (for example a trailing Z for UTC), got %r' % text)
    try:
        return okta_time(moment)
    except (OverflowError, ValueError):
        raise ValueError('is not a time Okta can take, got %r' % text)
