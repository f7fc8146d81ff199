#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r'''
module: okta_log_info
short_description: Query the Okta System Log and extract what to revoke
version_added: 0.1.0
description:
  - Reads System Log events (C(GET /api/v1/logs)) in a time window, with Okta's C(filter) and C(q), following
    the C(Link) pages within Okta's rate limits.
  - Select events by user, client IP address, event type or session with O(users), O(client_ips), O(event_types)
    and O(session_ids). The module writes the filter expression from them, each value quoted as Okta's filter syntax
    requires, so that a value (a login, an address) is only ever compared with, never read as part of the
    expression. Prefer them to templating values into O(filter).
  - Besides the events, returns what a responder needs next - the distinct session IDs
    (C(authenticationContext.externalSessionId)), users and client IP addresses - ready for
    M(identity.okta.okta_session) or M(identity.okta.okta_user_sessions).
author:
  - identity.okta maintainers (@identity-okta)
extends_documentation_fragment:
  - identity.okta.attributes
  - identity.okta.connection
attributes:
  check_mode:
    support: full
    details: The module only reads.
  diff_mode:
    support: none
options:
  since:
    description:
      - Start of the window, inclusive - an ISO 8601 time such as V(2026-11-25T06:00:00Z), or a duration before
        now such as V(30m), V(6h) or V(7d).
      - Okta keeps System Log events for 90 days.
    type: str
    default: 24h
  until:
    description:
      - End of the window, exclusive - an ISO 8601 time or a duration before now. Defaults to now.
      - The module always sends an end, so that the query ends (an open query is a polling query for Okta).
    type: str
  users:
    description:
      - Only events whose actor is one of these users, given by login (C(actor.alternateId)) or by Okta user ID
        (C(actor.id), such as V(00u1abcdEFGHijklm0h7)); each value is matched against both.
      - Values are compared exactly, as Okta compares them, whatever characters they hold (quotes, backslashes,
        spaces); a value with a control character (such as a newline) is refused, naming its position, before
        any API call. An empty entry, or an empty list, is refused too - leave the option out to select every user.
      - Combined with the other selections by C(and); the values of the list by C(or).
      - Not the same as RV(users), which lists the users found in the events returned.
    type: list
    elements: str
  client_ips:
    description:
      - Only events from one of these client IP addresses (C(client.ipAddress)), compared exactly (Okta's filter
        has no address ranges).
      - Checked and combined as O(users) is.
    type: list
    elements: str
  event_types:
    description:
      - Only events of one of these types (C(eventType)), such as V(user.session.start) or V(user.session.end).
      - Checked and combined as O(users) is.
    type: list
    elements: str
  session_ids:
    description:
      - Only events of one of these Okta sessions (C(authenticationContext.externalSessionId)).
      - Checked and combined as O(users) is.
      - Not the same as RV(session_ids), which lists the sessions found in the events returned.
    type: list
    elements: str
  filter:
    description:
      - An Okta System Log filter expression, for example
        V(eventType eq "user.session.start" and client.ipAddress eq "203.0.113.66"), sent as written.
      - With O(users), O(client_ips), O(event_types) or O(session_ids), it is combined with them by C(and), in
        parentheses so that an C(or) in it stays inside. RV(filter) returns the expression sent.
      - Do not template untrusted values (a login, an address from an alert) into it - a value holding a double
        quote would change the expression. Give them in O(users), O(client_ips), O(event_types) or O(session_ids).
    type: str
  q:
    description: Keywords that events must contain (Okta's C(q) parameter).
    type: str
  sort_order:
    description: Oldest first (V(ASCENDING)) or newest first (V(DESCENDING)).
    type: str
    choices: [ASCENDING, DESCENDING]
    default: ASCENDING
  page_size:
    description: Events per API call, 1 to 1000. Larger pages cost fewer calls of the System Log's rate limit.
    type: int
    default: 1000
  max_events:
    description: Stop after this many events; RV(truncated) then says so.
    type: int
    default: 10000
  query:
    description: A JMESPath expression applied to RV(events); its value is returned in RV(query_result).
    type: str
notes:
  - Needs an API token, or an access token with the C(okta.logs.read) scope.
seealso:
  - module: identity.okta.okta_session
  - name: System Log query
    description: Okta's guide to the System Log API and its filter syntax.
    link: https://developer.okta.com/docs/reference/system-log-query/
'''

EXAMPLES = r'''
- name: Sessions started from a suspicious address in the last 6 hours
  identity.okta.okta_log_info:
    since: 6h
    event_types: [user.session.start]
    client_ips: [203.0.113.66]
  register: from_ip   # from_ip.filter: eventType eq "user.session.start" and client.ipAddress eq "203.0.113.66"

- name: Revoke them
  identity.okta.okta_session:
    state: absent
    session_ids: "{{ from_ip.session_ids }}"
  when: from_ip.session_ids | length > 0

- name: Everything one user did today, newest first, only type and time
  identity.okta.okta_log_info:
    since: 24h
    users: [jane.doe@example.com]
    sort_order: DESCENDING
    query: "[].{type: eventType, at: published, ip: client.ipAddress}"
  register: activity

- name: Sign-ins of the users an alert names (the values are quoted, never read as filter syntax)
  identity.okta.okta_log_info:
    since: 7d
    users: "{{ alert.logins }}"
    event_types: [user.session.start, user.authentication.sso]
    filter: 'outcome.result eq "FAILURE"'   # ANDed: ... and (outcome.result eq "FAILURE")
  register: sign_ins
'''

RETURN = r'''
events:
  description: The events, as Okta returns them (Okta's LogEvent, keys in camelCase as in filters).
  returned: always
  type: list
  elements: dict
session_ids:
  description: Distinct non-empty C(authenticationContext.externalSessionId) of the events, in order of appearance.
  returned: always
  type: list
  elements: str
  sample: [102GALFVpuTRtSLDeRCnxfuDg]
users:
  description: Distinct users who acted (C(actor) of type C(User)), in order of appearance.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Okta user ID.
      type: str
    login:
      description: Login (C(actor.alternateId)).
      type: str
client_ips:
  description: Distinct C(client.ipAddress) of the events.
  returned: always
  type: list
  elements: str
filter:
  description:
    - The filter expression sent to Okta - O(filter) and the expression written from O(users), O(client_ips),
      O(event_types) and O(session_ids) - or V(null) when there was none.
  returned: always
  type: str
  sample: 'eventType eq "user.session.start" and (actor.id eq "jane@example.com" or actor.alternateId eq "jane@example.com")'
window:
  description: The window queried, as sent to Okta.
  returned: always
  type: dict
  sample: {since: '2026-11-25T02:00:00.000Z', until: '2026-11-25T08:00:00.000Z'}
truncated:
  description: Whether O(max_events) cut the result short.
  returned: always
  type: bool
query_result:
  description: The value of O(query) applied to RV(events).
  returned: when O(query) is set
  type: raw
retries:
  description: How many API calls were repeated after a rate limit, a 5xx answer or a connection error.
  returned: always
  type: int
'''

import datetime
import itertools

from ansible_collections.identity.okta.plugins.module_utils.okta_api import log_events
from ansible_collections.identity.okta.plugins.module_utils.okta_filter import FilterValueError, all_of, any_of, quote_value
from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_time import parse_time


def to_okta_time(module, option, value, now):
    try:
        return parse_time(value, now)
    except ValueError as exc:
        module.fail_json(msg='%s %s.' % (option, exc), field=option)


# Selection options, in the order their terms are written, and the event attributes each value is compared with.
SELECTIONS = (
    ('event_types', ('eventType',)),
    ('users', ('actor.id', 'actor.alternateId')),
    ('client_ips', ('client.ipAddress',)),
    ('session_ids', ('authenticationContext.externalSessionId',)),
)


def build_filter(module):
    """The filter expression for the task: one term per selection option (its values or-ed), and O(filter),
    and-ed. Fails naming the option and the entry for a value no filter can carry, before any request."""
    terms = []
    for option, attributes in SELECTIONS:
        values = module.params[option]
        if values is None:
            continue
        for position, value in enumerate(values):
            try:
                if not value:
                    raise FilterValueError('is empty; every entry must be a non-empty value.')
                quote_value(value)
            except FilterValueError as exc:
                module.fail_json(msg='%s[%d] %s' % (option, position, exc), field=option)
        try:
            terms.append(any_of(attributes, distinct(values)))
        except FilterValueError as exc:  # what is left: an empty list
            module.fail_json(msg='%s %s' % (option, exc), field=option)
    return all_of(*(terms + [module.params['filter']]))


def distinct(values):
    seen = set()
    return [v for v in values if v and not (v in seen or seen.add(v))]


def _member(value, key):
    """``value[key]`` when ``value`` is an object; None where Okta wrote null (or something else than an object)."""
    return value.get(key) if isinstance(value, dict) else None


def _text(value):
    return value if isinstance(value, str) else None


def summarize(events):
    """The distinct session IDs, users (actors of type User; the login last seen for each) and client IPs of
    System Log events, in order of appearance. Okta writes null where it has no value; a value of another
    type than Okta documents is left out rather than failing the task."""
    actors = [_member(e, 'actor') for e in events]
    actors = [a for a in actors if _member(a, 'type') == 'User' and _text(_member(a, 'id'))]
    logins = dict((a['id'], _text(a.get('alternateId'))) for a in actors)
    return dict(
        session_ids=distinct(_text(_member(_member(e, 'authenticationContext'), 'externalSessionId')) for e in events),
        users=[dict(id=user_id, login=logins[user_id]) for user_id in distinct(a['id'] for a in actors)],
        client_ips=distinct(_text(_member(_member(e, 'client'), 'ipAddress')) for e in events),
    )


def checked_window(module):
    """The times to read between (``since``, ``until``), the paging options checked first."""
    params = module.params
    if not 1 <= params['page_size'] <= 1000:
        module.fail_json(msg='page_size must be between 1 and 1000, got %d.' % params['page_size'], field='page_size')
    if params['max_events'] < 1:
        module.fail_json(msg='max_events must be 1 or more, got %d.' % params['max_events'], field='max_events')
    now = datetime.datetime.now(datetime.timezone.utc)
    window = dict(since=to_okta_time(module, 'since', params['since'], now),
                  until=to_okta_time(module, 'until', params['until'] or 'now', now))
    if window['since'] >= window['until']:
        module.fail_json(msg='since (%s) must be before until (%s).' % (window['since'], window['until']),
                         field='since')
    return window


def main():
    module = OktaModule(
        argument_spec=dict(
            since=dict(type='str', default='24h'),
            until=dict(type='str'),
            filter=dict(type='str'),
            users=dict(type='list', elements='str'),
            client_ips=dict(type='list', elements='str'),
            event_types=dict(type='list', elements='str'),
            session_ids=dict(type='list', elements='str'),
            q=dict(type='str'),
            sort_order=dict(type='str', default='ASCENDING', choices=['ASCENDING', 'DESCENDING']),
            page_size=dict(type='int', default=1000),
            max_events=dict(type='int', default=10000),
            query=dict(type='str'),
        ),
        default_scopes=['okta.logs.read'],
        supports_check_mode=True,
    )
    params = module.params
    window = checked_window(module)
    filter_expression = build_filter(module)

    def read():
        stream = log_events(module.client, window['since'], window['until'], filter_expression, params['q'],
                            params['sort_order'], params['page_size'])
        return list(itertools.islice(stream, params['max_events'] + 1))

    events = module.run(read)
    truncated = len(events) > params['max_events']
    events = events[:params['max_events']]
    result = dict(
        changed=False,
        events=events,
        filter=filter_expression,
        window=window,
        truncated=truncated,
    )
    result.update(summarize(events))
    if params['query']:
        result['query_result'] = module.apply_query(events)
    module.exit_json(**result)


if __name__ == '__main__':
    main()
