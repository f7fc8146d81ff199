# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Identity Engine's external session IDs: the System Log names each session by an ``idx…`` ID
(authenticationContext.externalSessionId), and the Sessions API takes it as well as the session's own
``102…`` ID (Okta's release notes: DELETE since 2025.08.4, GET and refresh since 2025.10.1). A Classic
Engine org logs the ``102…`` ID."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

import pytest
import requests

IDX = re.compile(r'^idx[A-Za-z0-9_-]{22}$')


def api(running, method, path, **kwargs):
    return requests.request(method, running.base_url + path, headers={'Authorization': 'SSWS ' + running.api_token},
                            timeout=10, **kwargs)


def events(running, event_type):
    return list(api(running, 'GET', '/api/v1/logs', params={
        'since': '2000-01-01T00:00:00Z', 'filter': 'eventType eq "%s"' % event_type}).json())


def test_each_session_has_an_idx_id_and_the_log_names_it_by_that(okta_sim):
    running = okta_sim(users=2, sessions_per_user=2, profile='developer')
    sessions = running.state()['sessions']
    assert all(IDX.match(s['externalSessionId']) for s in sessions)
    assert len(set(s['externalSessionId'] for s in sessions)) == 4
    started = events(running, 'user.session.start')
    by_user = sorted((e['actor']['id'], e['authenticationContext']['externalSessionId']) for e in started)
    assert by_user == sorted((s['userId'], s['externalSessionId']) for s in sessions)
    # As in the spec's own ListLogs example: the root session is the same idx… ID.
    assert all(e['authenticationContext']['rootSessionId'] == e['authenticationContext']['externalSessionId']
               for e in started)
    assert not any(e['authenticationContext']['externalSessionId'].startswith('102') for e in started)


def test_get_refresh_and_revoke_take_the_idx_id_and_the_body_keeps_the_102_id(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer')
    session = running.state()['sessions'][0]
    idx = session['externalSessionId']
    got = api(running, 'GET', '/api/v1/sessions/' + idx)
    assert got.status_code == 200 and got.json()['id'] == session['id'] and session['id'].startswith('102')
    assert got.json()['_links']['self']['href'].endswith('/api/v1/sessions/' + session['id'])
    refreshed = api(running, 'POST', '/api/v1/sessions/%s/lifecycle/refresh' % idx)
    assert refreshed.status_code == 200 and refreshed.json()['id'] == session['id']
    assert api(running, 'DELETE', '/api/v1/sessions/' + idx).status_code == 204
    for either in (idx, session['id']):
        gone = api(running, 'GET', '/api/v1/sessions/' + either)
        assert gone.status_code == 404 and gone.json()['errorSummary'].endswith('(AppSession)')
        assert api(running, 'DELETE', '/api/v1/sessions/' + either).status_code == 404
    [ended] = events(running, 'user.session.end')
    assert ended['authenticationContext']['externalSessionId'] == idx
    [refresh] = events(running, 'user.session.refresh')
    assert refresh['authenticationContext']['externalSessionId'] == idx


def test_revoking_by_the_102_id_logs_the_idx_id(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer')
    session = running.state()['sessions'][0]
    assert api(running, 'DELETE', '/api/v1/sessions/' + session['id']).status_code == 204
    [ended] = events(running, 'user.session.end')
    assert ended['authenticationContext']['externalSessionId'] == session['externalSessionId']
    found = api(running, 'GET', '/api/v1/logs', params={
        'since': '2000-01-01T00:00:00Z',
        'filter': 'authenticationContext.externalSessionId eq "%s"' % session['externalSessionId']}).json()
    assert [e['eventType'] for e in found] == ['user.session.start', 'user.session.end']


def test_admin_endpoints_give_the_external_id(okta_sim):
    running = okta_sim(users=1, profile='developer')
    created = running.admin('POST', 'sessions', {'login': 'user1@example.com', 'ip': '203.0.113.9'})
    assert IDX.match(created['externalSessionId']) and created['id'].startswith('102')
    assert 'externalSessionId' not in api(running, 'GET', '/api/v1/sessions/' + created['id']).json()
    user = running.admin('POST', 'users', {'login': 'new@example.com', 'sessions': 2})
    assert [running.sim.org.external_id_of(s) for s in user['sessionIds']] == user['externalSessionIds']
    # An injected event of a session, named by its 102… ID, carries the ID the log uses.
    event = running.admin('POST', 'events', {'login': 'user1@example.com', 'sessionId': created['id'],
                                             'eventType': 'user.session.context.change'})
    assert event['authenticationContext']['externalSessionId'] == created['externalSessionId']


def test_a_classic_engine_org_logs_the_102_id_and_knows_no_idx_id(okta_sim):
    running = okta_sim(users=1, sessions_per_user=1, profile='developer', engine='classic')
    session = running.state()['sessions'][0]
    assert session['externalSessionId'] == session['id']
    [started] = events(running, 'user.session.start')
    assert started['authenticationContext']['externalSessionId'] == session['id']
    assert 'rootSessionId' not in started['authenticationContext']
    assert api(running, 'GET', '/api/v1/sessions/idx3GDqJrIfQhCRJTEuNC-l9A').status_code == 404
    assert running.state()['engine'] == 'classic'


def test_an_unknown_engine_is_refused(okta_sim):
    with pytest.raises(ValueError, match='unknown engine'):
        okta_sim(engine='hybrid')


def test_the_idx_ids_do_not_change_the_ids_of_a_seed(okta_sim):
    """Users, sessions and groups of a seed keep their IDs: the idx… IDs come from a generator of their own."""
    identity = okta_sim(users=3, sessions_per_user=2, groups=2, profile='developer', seed=7)
    classic = okta_sim(users=3, sessions_per_user=2, groups=2, profile='developer', seed=7, engine='classic')
    for key in ('users', 'groups'):
        assert identity.state()[key] == classic.state()[key]
    assert sorted(s['id'] for s in identity.state()['sessions']) == sorted(s['id'] for s in classic.state()['sessions'])


def test_the_spec_check_accepts_exchanges_by_idx_id(okta_sim):
    pytest.importorskip('openapi_core')
    running = okta_sim(users=1, sessions_per_user=1, profile='production', check_spec=True)
    idx = running.state()['sessions'][0]['externalSessionId']
    assert api(running, 'GET', '/api/v1/sessions/' + idx).status_code == 200
    assert api(running, 'POST', '/api/v1/sessions/%s/lifecycle/refresh' % idx).status_code == 200
    assert api(running, 'DELETE', '/api/v1/sessions/' + idx).status_code == 204
    assert api(running, 'GET', '/api/v1/logs', params={'since': '2000-01-01T00:00:00Z'}).status_code == 200
    state = running.state()
    assert state['specChecked'] == 4 and state['specViolations'] == []
