# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The test-only endpoints under ``/_simulator/`` (not Okta): the state, the requests, and what tests
set up (users, sessions, session tokens, events, faults, features, refresh tokens, statuses, factors,
OAuth service apps, an outage). README.md, "Test-only endpoints", lists them."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .answers import FEATURES
from .handlers_base import ApiBase

# (method, action) -> the method of AdminApi that answers it.
ADMIN_ROUTES = {
    ('GET', 'state'): 'admin_state',
    ('GET', 'requests'): 'admin_requests',
    ('POST', 'session-tokens'): 'admin_session_tokens',
    ('POST', 'users'): 'admin_users',
    ('POST', 'sessions'): 'admin_sessions',
    ('POST', 'faults'): 'admin_faults',
    ('POST', 'events'): 'admin_events',
    ('POST', 'log-withhold'): 'admin_log_withhold',
    ('GET', 'features'): 'admin_features',
    ('POST', 'features'): 'admin_set_features',
    ('POST', 'refresh-tokens'): 'admin_refresh_tokens',
    ('POST', 'user-status'): 'admin_user_status',
    ('POST', 'factors'): 'admin_factors',
    ('POST', 'oauth-clients'): 'admin_oauth_clients',
    ('POST', 'outage'): 'admin_outage',
}


def _who(body):
    """The user a test names: ``login`` or ``userId``."""
    return body.get('login') or body.get('userId') or ''


class AdminApi(ApiBase):

    def _admin(self, action, query, body):
        answer = ADMIN_ROUTES.get((self.command, action))
        if answer is None:
            return self.send(404, {'error': 'unknown simulator endpoint'})
        return getattr(self, answer)(query, body if isinstance(body, dict) else {})

    def admin_state(self, query, body):
        sim = self.simulator
        state = sim.org.snapshot(with_sessions=query.get('summary', ['0'])[0] != '1')
        with sim.stats_lock:
            state['requestCounts'] = dict(sim.request_counts)
            state['rateLimited'] = sim.rate_limited
            state['concurrencyLimited'] = sim.concurrency_limited
            state['expiredTokens'] = sim.expired_tokens
        state['rateLimits'] = sim.rate_limits.describe()
        with sim.in_flight.lock:
            state['inFlight'] = {'cap': sim.in_flight.cap, 'peak': sim.in_flight.peak}
        state['faultsInjected'] = sim.faults.injected
        state['oauthGrants'] = sim.oauth.grants
        state['features'] = dict(sim.features)
        if sim.spec_checker is not None:
            with sim.spec_checker.lock:
                state['specChecked'] = sim.spec_checker.checked
                state['specViolations'] = list(sim.spec_checker.violations)
                state['specToleratedNulls'] = dict(sim.spec_checker.tolerated)
        return self.send(200, state)

    def admin_requests(self, query, body):
        with self.simulator.stats_lock:
            return self.send(200, list(self.simulator.request_log))

    def admin_session_tokens(self, query, body):
        org = self.simulator.org
        user = org.find_user(_who(body))
        if user is None:
            return self.send(404, {'error': 'no such user'})
        return self.send(201, {'sessionToken': org.mint_session_token(user['id']), 'userId': user['id']})

    def admin_users(self, query, body):
        org = self.simulator.org
        user = org.add_user(body['login'], groups=body.get('groups', []))
        sessions = [org.add_session(user['id'])['id'] for dummy in range(int(body.get('sessions', 0)))]
        return self.send(201, {'id': user['id'], 'login': body['login'], 'sessionIds': sessions,
                               'externalSessionIds': [org.external_id_of(sid) for sid in sessions]})

    def admin_sessions(self, query, body):
        sim = self.simulator
        user = sim.org.find_user(_who(body))
        if user is None:
            return self.send(404, {'error': 'no such user'})
        if user['status'] != 'ACTIVE':
            return self.send(409, {'error': 'a %s user cannot sign in' % user['status']})
        lifetime = body.get('lifetimeSeconds')  # Okta seconds, scaled like every other duration
        session = sim.org.add_session(user['id'], body.get('status', 'ACTIVE'), body.get('ip'), mfa=body.get('mfa'),
                                      lifetime=None if lifetime is None else float(lifetime) / sim.time_scale)
        # The session as the API shows it, and the ID the System Log names it by (idx… on Identity Engine).
        return self.send(201, dict(session, externalSessionId=sim.org.external_id_of(session['id'])))

    def admin_faults(self, query, body):
        sim = self.simulator
        sim.faults.arm(str(body['kind']), body.get('method'), body.get('pathPrefix', ''),
                       int(body.get('count', 1)), bool(body.get('afterApply', False)))
        sim.slow_seconds = float(body.get('seconds', sim.slow_seconds))
        sim.redirect_location = body.get('location', sim.redirect_location)
        return self.send(204)

    def admin_events(self, query, body):
        org = self.simulator.org
        user = org.find_user(_who(body))
        if user is None:
            return self.send(404, {'error': 'no such user'})
        session_id = org.session_id_of(body['sessionId']) if body.get('sessionId') else None
        org.log_event(body.get('eventType', 'user.session.start'), body.get('displayMessage', 'Injected event'),
                      user['id'], session_id, body.get('ip'), outcome=body.get('outcome', 'SUCCESS'))
        return self.send(201, org.events[-1])

    def admin_log_withhold(self, query, body):
        # The next ``count`` events of ``eventType`` are not logged: for tests of what finds them.
        self.simulator.org.withhold(body['eventType'], int(body.get('count', 1)))
        return self.send(204)

    def admin_features(self, query, body):
        return self.send(200, dict(self.simulator.features))

    def admin_set_features(self, query, body):
        unknown = sorted(set(body) - set(FEATURES))
        if unknown or not all(isinstance(v, bool) for v in body.values()):
            return self.send(400, {'error': 'expected {"feature": true|false}; known features: %s'
                                            % ', '.join(sorted(FEATURES))})
        self.simulator.features.update(body)
        return self.send(200, dict(self.simulator.features))

    def admin_refresh_tokens(self, query, body):
        # Refresh tokens a user holds of one of the org's apps (by default the first seeded app).
        org = self.simulator.org
        user = org.find_user(_who(body))
        client_id = body.get('clientId') or next(iter(org.oauth_clients))
        if user is None or client_id not in org.oauth_clients:
            return self.send(404, {'error': 'no such user' if user is None else 'no such app'})
        scopes = body.get('scopes') or None
        tokens = [org.add_refresh_token(user['id'], client_id, *([scopes] if scopes else []))['id']
                  for dummy in range(int(body.get('count', 1)))]
        return self.send(201, {'userId': user['id'], 'clientId': client_id, 'tokenIds': tokens})

    def admin_user_status(self, query, body):
        # Puts a user in a status (STAGED, LOCKED_OUT, DEPROVISIONED, ...): {"login" or "userId", "status"}.
        try:
            user = self.simulator.org.set_status(_who(body), body.get('status'))
        except ValueError as exc:
            return self.send(400, {'error': str(exc)})
        if user is None:
            return self.send(404, {'error': 'no such user'})
        return self.send(200, {'id': user['id'], 'status': user['status']})

    def admin_factors(self, query, body):
        # Enrolls a user in a factor: {"login" or "userId", "factorType" (push), "provider" (OKTA)}.
        org = self.simulator.org
        user = org.find_user(_who(body))
        if user is None:
            return self.send(404, {'error': 'no such user'})
        try:
            factor = org.enroll_factor(user['id'], body.get('factorType', 'push'), body.get('provider', 'OKTA'))
        except ValueError as exc:
            return self.send(400, {'error': str(exc)})
        return self.send(201, factor)

    def admin_oauth_clients(self, query, body):
        self.simulator.oauth.register(body['clientId'], body['publicKeyPem'])
        return self.send(204)

    def admin_outage(self, query, body):
        self.send(202, {'seconds': float(body.get('seconds', 2))})
        self.simulator.outage(float(body.get('seconds', 2)))
