# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The System Log API: ``GET /api/v1/logs``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
from urllib.parse import urlencode

from .answers import okta_error
from .filters import ISO_INSTANT, parse_instant, parse_log_filter
from .handlers_base import ApiBase

SYSTEM_LOG_DEFAULT_SPAN_SECONDS = 7 * 24 * 3600  # since defaults to "7 days prior to until" (the spec)


def _first(query, name, default=None):
    return query.get(name, [default])[0]


def _validation_failed(name, cause):
    return 400, okta_error('E0000001', 'Api validation failed: %s' % name, [cause]), None


class LogsApi(ApiBase):

    def _log_criteria(self, query):
        """(limit, predicate, since, until) of a System Log query, or None and a 400 answer."""
        try:
            limit = max(1, min(int(_first(query, 'limit', 100)), 1000))
        except ValueError:
            return None, _validation_failed('limit', 'limit: must be an integer')
        try:
            matches = parse_log_filter(_first(query, 'filter'))
        except ValueError as exc:
            return None, _validation_failed('filter', str(exc))
        since, until = _first(query, 'since'), _first(query, 'until')
        try:
            until_at = parse_instant(until) if until else None
            since_at = parse_instant(since) if since else (until_at or self.simulator.clock()) - SYSTEM_LOG_DEFAULT_SPAN_SECONDS
        except ValueError as exc:
            which = 'until' if until and not ISO_INSTANT.match(until.strip()) else 'since'
            return None, _validation_failed(which, str(exc))
        return (limit, matches, since_at, until_at), None

    def _log_selection(self, query, matches, since_at, until_at):
        """(index, event) of every event the query selects, in the order asked for."""
        keywords = (_first(query, 'q') or '').lower().split()
        with self.simulator.org.lock:
            indexed = list(enumerate(self.simulator.org.events))
        selected = [(i, e) for i, e in indexed
                    if parse_instant(e['published']) >= since_at
                    and (until_at is None or parse_instant(e['published']) < until_at)
                    and matches(e)
                    and all(k in json.dumps(e).lower() for k in keywords)]
        if _first(query, 'sortOrder', 'ASCENDING') == 'DESCENDING':
            selected.reverse()
        return selected

    def api_list_log_events(self, params, query, body):
        """System Log: since/until instants (any ISO 8601 offset; since defaults to 7 days before
        until), SCIM filters with every operator, ``q`` keywords, sortOrder, limit and an opaque
        ``after`` cursor. Without ``until`` it is a polling query and, as in Okta, every page has a
        ``next`` link, also an empty one."""
        criteria, refused = self._log_criteria(query)
        if refused:
            return refused
        limit, matches, since_at, until_at = criteria
        selected = self._log_selection(query, matches, since_at, until_at)
        descending = _first(query, 'sortOrder', 'ASCENDING') == 'DESCENDING'
        after = int(_first(query, 'after', '-1')) if (_first(query, 'after') or '').lstrip('-').isdigit() else -1
        if descending:
            following = [(i, e) for i, e in selected if after < 0 or i < after]
        else:
            following = [(i, e) for i, e in selected if i > after]
        page = following[:limit]
        kept = dict((k, v[0]) for k, v in query.items() if k != 'after')
        links = ['<%s/api/v1/logs?%s>; rel="self"' % (self._base(), urlencode(query and dict(
            kept, **({'after': after} if after >= 0 else {})) or {}))]
        if len(following) > limit or (not _first(query, 'until') and not descending):
            cursor = page[-1][0] if page else after
            links.append('<%s/api/v1/logs?%s>; rel="next"' % (self._base(), urlencode(dict(kept, after=cursor))))
        return 200, [e for i, e in page], {'Link': links}
