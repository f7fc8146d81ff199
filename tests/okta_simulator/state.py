# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The simulated org: users, groups, sessions, single-use session tokens, and the OAuth refresh
tokens users hold for the org's apps."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import datetime
import random
import string
import threading
import time
import uuid

# Okta's defaults, in Okta seconds: the simulator divides them by its time scale.
SESSION_LIFETIME_SECONDS = 2 * 60 * 60      # expiresAt - createdAt of the sessions in okta-sdk-python's cassettes
SESSION_TOKEN_LIFETIME_SECONDS = 5 * 60     # expiresAt of /api/v1/authn's sessionToken in the same cassettes
REFRESH_TOKEN_LIFETIME_SECONDS = 7 * 24 * 3600  # expiresAt - created of the spec's OAuth2RefreshToken example
# The OAuth apps the users of a seeded org hold refresh tokens of: (name, client_uri, logo_uri, configured for
# Universal Logout). Apps without a URI or logo show them as null, as the spec's ListUserClients example does.
SEEDED_CLIENTS = (
    ('Sim Portal', 'https://portal.example.com', 'https://portal.example.com/logo.png', True),
    ('Sim Mobile', None, None, False),
    ('Sim CLI', None, None, False),
)
REFRESH_TOKEN_SCOPES = ('openid', 'profile', 'offline_access')
# Descriptions of the standard scopes, as Okta's OAuth spec (2026.06.3) gives them.
SCOPE_DESCRIPTIONS = {
    'openid': 'Identifies the request as an OpenID Connect request',
    'profile': "Requests access to the end user's default profile claims",
    'email': 'Requests access to the `email` and `email_verified` claims',
    'offline_access': 'Requests a refresh token used to obtain more access tokens without re-prompting the user '
                      'for authentication',
}
ID_ALPHABET = string.ascii_letters + string.digits
# Identity Engine's external session IDs: "idx" and 22 URL-safe characters ("idx_opH2uUSRJSdAQRO8BbjBQ",
# "idx5mK3auf7QP6lCgay_E5fHQ" in Okta's event type catalogue; "idxBager62CSveUkTxvgRtonA" in the spec's ListLogs).
IDX_ALPHABET = ID_ALPHABET + '-_'
# The engine of the org: on Identity Engine the System Log names a session by its idx… external ID, and the
# Sessions API takes that ID too (Okta's release notes 2025.08.4 and 2025.10.1); on Classic Engine the log
# carries the session's own 102… ID.
IDENTITY_ENGINE = 'identity'
CLASSIC_ENGINE = 'classic'
ENGINES = (IDENTITY_ENGINE, CLASSIC_ENGINE)
GEOGRAPHY = {'city': 'Simulated City', 'state': 'Simulated State', 'country': 'Nowhere', 'postalCode': '00000',
             'geolocation': {'lat': 0.0, 'lon': 0.0}}
# The factors seeded users are enrolled in, by the user's number (user1 takes the first row, user4 the last, user5
# the first again): (factorType, provider) as listFactors shows them. Most users of a real org have Okta Verify
# (push, with its TOTP), some an SMS or Google Authenticator, some nothing yet (chosen).
SEEDED_FACTORS = (
    (('push', 'OKTA'), ('token:software:totp', 'OKTA')),
    (('push', 'OKTA'), ('sms', 'OKTA')),
    (('token:software:totp', 'GOOGLE'),),
    (),
)
# The prefixes of Okta's factor IDs (opf: Okta Verify push, ost: Okta Verify TOTP, uft: Google Authenticator, mbl: SMS,
# emf: email, ufs: security question), as the IDs in Okta's Factors API reference and the spec's examples begin.
FACTOR_ID_PREFIXES = {('push', 'OKTA'): 'opf', ('token:software:totp', 'OKTA'): 'ost',
                      ('token:software:totp', 'GOOGLE'): 'uft', ('sms', 'OKTA'): 'mbl', ('email', 'OKTA'): 'emf',
                      ('question', 'OKTA'): 'ufs'}
# The user statuses of Okta's User schema.
USER_STATUSES = ('ACTIVE', 'DEPROVISIONED', 'LOCKED_OUT', 'PASSWORD_EXPIRED', 'PROVISIONED', 'RECOVERY', 'STAGED',
                 'SUSPENDED')
# Whose password Okta expires: users who sign in with one (chosen; Okta refuses a deactivated user's operations
# with E0000038, "This operation is not allowed in the user's current status").
EXPIRE_PASSWORD_STATUSES = ('ACTIVE', 'PASSWORD_EXPIRED')
# Whose factors Okta does not reset: users not activated, or deactivated (chosen, as above).
NO_FACTOR_RESET_STATUSES = ('STAGED', 'PROVISIONED', 'DEPROVISIONED')
LEGACY_EVENT_TYPES = {'user.session.start': 'core.user_auth.login_success',
                      'user.session.end': 'core.user_auth.logout_success'}


def iso(epoch):
    moment = datetime.datetime.fromtimestamp(epoch, tz=datetime.timezone.utc)
    return moment.strftime('%Y-%m-%dT%H:%M:%S.') + '%03dZ' % (moment.microsecond // 1000)


class Org:
    """All mutable state, guarded by one lock so concurrent clients see a consistent org."""

    def __init__(self, seed=0, clock=time.time, session_lifetime=SESSION_LIFETIME_SECONDS,
                 session_token_lifetime=SESSION_TOKEN_LIFETIME_SECONDS, engine=IDENTITY_ENGINE,
                 refresh_token_lifetime=REFRESH_TOKEN_LIFETIME_SECONDS):
        """Lifetimes are in the simulator's seconds (Okta's divided by the time scale)."""
        if engine not in ENGINES:
            raise ValueError('unknown engine %r (one of %s)' % (engine, ', '.join(ENGINES)))
        self.lock = threading.RLock()
        self.clock = clock
        self.engine = engine
        self.session_lifetime = session_lifetime
        self.session_token_lifetime = session_token_lifetime
        self.refresh_token_lifetime = refresh_token_lifetime
        self._random = random.Random(seed)
        # Other IDs come from their own generators, so that the users, sessions and events of a seed keep the
        # IDs they had before these existed.
        self._idx_random = random.Random('idx-%d' % seed)
        self._oauth_random = random.Random('oauth-%d' % seed)
        self.org_id = self._new_id('00o', 17)
        self.users = {}
        self.logins = {}
        self.groups = {}
        self.sessions = {}
        self.session_expiry = {}  # session id -> epoch second it ends (its expiresAt)
        self.session_tokens = {}
        self.session_ips = {}
        self.external_ids = {}      # session id -> the ID the System Log names it by (idx… on Identity Engine)
        self.sessions_by_external = {}  # idx… -> session id
        self.events = []
        self.withheld = {}
        self.revocations = []
        self.oauth_clients = {}     # client_id -> the app, in the order they were added
        self.refresh_tokens = {}    # token id -> refresh token (OAuth2RefreshToken without the links)
        self.token_revocations = []
        self.user_risk = {}         # user id -> {'riskLevel', 'reason'} once an admin set it
        self._factor_random = random.Random('factors-%d' % seed)
        self.factors = {}           # user id -> the factors the user is enrolled in (UserFactor without links)
        self.password_expirations = []  # {'userId', 'tempPassword' (or None), 'sessionsCleared'}
        self.factor_resets = []     # {'userId', 'factorsReset'}
        self.unlocks = []           # user ids unlocked by an admin
        for name, client_uri, logo_uri, universal_logout in SEEDED_CLIENTS:
            self.add_oauth_client(name, client_uri, logo_uri, universal_logout)

    def _new_id(self, prefix, length, generator=None):
        return prefix + ''.join((generator or self._random).choice(ID_ALPHABET) for dummy in range(length))

    def new_secret(self, length=40):
        with self.lock:
            return ''.join(self._random.choice(ID_ALPHABET) for dummy in range(length))

    # -- seeding ---------------------------------------------------------------

    def add_user(self, login, first_name='Sim', last_name='User', groups=()):
        with self.lock:
            now = self.clock()
            user_id = self._new_id('00u', 17)
            self.users[user_id] = {
                'id': user_id,
                'status': 'ACTIVE',
                'created': iso(now - 86400),
                'activated': iso(now - 86400),
                'statusChanged': iso(now - 86400),
                'lastLogin': None,  # set by the user's first session; Okta sends null until then
                'lastUpdated': iso(now - 86400),
                'passwordChanged': iso(now - 86400),
                'type': {'id': 'oty' + self.org_id[3:]},
                'profile': {'firstName': first_name, 'lastName': last_name, 'mobilePhone': None, 'secondEmail': None,
                            'login': login, 'email': login if '@' in login else login + '@example.com'},
                'credentials': {'provider': {'type': 'OKTA', 'name': 'OKTA'}},
            }
            self.logins[login.lower()] = user_id
            for name in groups:
                self.group_by_name(name, create=True)['members'].append(user_id)
            return self.users[user_id]

    def group_by_name(self, name, create=False):
        with self.lock:
            for group in self.groups.values():
                if group['profile']['name'] == name:
                    return group
            if not create:
                return None
            now = self.clock()
            group_id = self._new_id('00g', 17)
            self.groups[group_id] = {
                'id': group_id,
                'created': iso(now - 86400),
                'lastUpdated': iso(now - 86400),
                'lastMembershipUpdated': iso(now - 86400),
                'objectClass': ['okta:user_group'],
                'type': 'OKTA_GROUP',
                'profile': {'name': name, 'description': 'Simulated group %s' % name},
                'members': [],
            }
            return self.groups[group_id]

    def add_session(self, user_id, status='ACTIVE', ip=None, mfa=None, lifetime=None):
        """A session as Okta shows it. With MFA (the default for ACTIVE sessions) amr lists it and
        lastFactorVerification is set; a password-only session has it null, as Okta sends it."""
        with self.lock:
            now = self.clock()
            mfa = status == 'ACTIVE' if mfa is None else mfa
            lifetime = self.session_lifetime if lifetime is None else lifetime
            session_id = self._new_id('102', 22)
            user = self.users[user_id]
            self.sessions[session_id] = {
                'id': session_id,
                'userId': user_id,
                'login': user['profile']['login'],
                'createdAt': iso(now),
                'expiresAt': iso(now + lifetime),
                'status': status,
                'lastPasswordVerification': iso(now),
                'lastFactorVerification': iso(now) if mfa else None,
                'amr': ['pwd', 'mfa', 'otp'] if mfa else ['pwd'],
                'idp': {'id': self.org_id, 'type': 'OKTA'},
                'mfaActive': status == 'ACTIVE',
            }
            self.session_expiry[session_id] = now + lifetime
            external_id = session_id
            if self.engine == IDENTITY_ENGINE:
                external_id = 'idx' + ''.join(self._idx_random.choice(IDX_ALPHABET) for dummy in range(22))
                self.sessions_by_external[external_id] = session_id
            self.external_ids[session_id] = external_id
            user['lastLogin'] = iso(now)
            ip = ip or '198.51.100.%d' % (len(self.sessions) % 250 + 1)
            self.session_ips[session_id] = ip
            self.log_event('user.session.start', 'User login to Okta', user_id, session_id, ip)
            return self.sessions[session_id]

    def session_id_of(self, id_or_external_id):
        """The session's own 102… ID for either of its IDs: on Identity Engine the Sessions API also takes the
        idx… external ID the System Log shows (Okta's release notes: DELETE since 2025.08.4, GET and refresh
        since 2025.10.1)."""
        with self.lock:
            return self.sessions_by_external.get(id_or_external_id, id_or_external_id)

    def external_id_of(self, session_id):
        """The ID the System Log names a session by: its idx… ID on Identity Engine, its own ID on Classic."""
        with self.lock:
            return self.external_ids.get(session_id, session_id)

    def live_session(self, session_id):
        """The session (by either of its IDs), or None if there is none or it has expired (Okta forgets it at
        expiresAt)."""
        with self.lock:
            session_id = self.session_id_of(session_id)
            self._expire(session_id)
            return self.sessions.get(session_id)

    def _drop_session(self, session_id):
        self.sessions.pop(session_id, None)
        self.session_expiry.pop(session_id, None)
        self.sessions_by_external.pop(self.external_ids.get(session_id), None)

    def _expire(self, session_id):
        if session_id in self.sessions and self.session_expiry.get(session_id, float('inf')) <= self.clock():
            self._drop_session(session_id)

    def purge_expired(self):
        with self.lock:
            for session_id in list(self.sessions):
                self._expire(session_id)
            now = self.clock()
            for token_id in [t for t, token in self.refresh_tokens.items() if token['expires'] <= now]:
                del self.refresh_tokens[token_id]

    def withhold(self, event_type, count):
        with self.lock:
            self.withheld[event_type] = self.withheld.get(event_type, 0) + count

    def log_event(self, event_type, message, user_id, session_id=None, ip=None, actor_id=None, outcome='SUCCESS',
                  admin=None, targets=(), debug_data=None):
        """Record a System Log event in Okta's LogEvent shape. The actor is the user, unless an admin or an
        API client acted (``admin``: Okta's actor object for it). The user is the first target; ``targets``
        are more (an app, for example); ``debug_data`` goes to ``debugContext.debugData``."""
        with self.lock:
            if self.withheld.get(event_type):
                self.withheld[event_type] -= 1
                return
            user = self.users.get(user_id) or {'id': user_id, 'profile': {'login': user_id, 'firstName': '',
                                                                          'lastName': ''}}
            actor = self.users.get(actor_id) if actor_id else user
            ip = ip or (self.session_ips.get(session_id) if session_id else None) or '192.0.2.10'
            event = {
                'uuid': str(uuid.UUID(int=self._random.getrandbits(128))),
                'published': iso(self.clock()),
                'eventType': event_type,
                'version': '0',
                'severity': 'INFO',
                'legacyEventType': LEGACY_EVENT_TYPES.get(event_type),
                'displayMessage': message,
                'actor': dict(admin) if admin else {
                    'id': actor['id'] if actor else 'system', 'type': 'User',
                    'alternateId': actor['profile']['login'] if actor else 'system@okta.com',
                    'displayName': ('%s %s' % (actor['profile']['firstName'], actor['profile']['lastName'])).strip()
                    if actor else 'Okta System', 'detailEntry': None},
                'client': {'userAgent': {'rawUserAgent': 'Mozilla/5.0 (simulated)', 'os': 'Linux', 'browser': 'FIREFOX'},
                           'zone': None, 'device': 'Computer', 'id': None, 'ipAddress': ip,
                           'geographicalContext': dict(GEOGRAPHY)},
                'authenticationContext': {'authenticationProvider': None, 'credentialProvider': None,
                                          'credentialType': None, 'issuer': None, 'interface': None,
                                          'authenticationStep': 0,
                                          'externalSessionId': self.external_ids.get(session_id, session_id)
                                          if session_id else 'unknown'},
                'outcome': {'result': outcome, 'reason': None},
                'target': [{'id': user['id'], 'type': 'User', 'alternateId': user['profile']['login'],
                            'displayName': user['profile']['login'], 'detailEntry': None}] + [dict(t) for t in targets],
                'transaction': {'type': 'WEB', 'id': uuid.UUID(int=self._random.getrandbits(128)).hex[:20],
                                'detail': {}},
                'debugContext': {'debugData': dict(debug_data or {})},
                'request': {'ipChain': [{'ip': ip, 'version': 'V4', 'source': None,
                                         'geographicalContext': dict(GEOGRAPHY)}]},
                'securityContext': {'asNumber': None, 'asOrg': None, 'isp': None, 'domain': None, 'isProxy': None},
            }
            if event['legacyEventType'] is None:
                del event['legacyEventType']
            external_id = event['authenticationContext']['externalSessionId']
            if external_id.startswith('idx'):
                # Identity Engine also names the root session (the spec's ListLogs example: both the same idx… ID).
                event['authenticationContext']['rootSessionId'] = external_id
            self.events.append(event)

    def seed(self, users=0, sessions_per_user=0, groups=0, oauth_grants_per_user=0):
        """``users`` users user1@example.com.., each in one of ``groups`` groups group-1.. (round robin), with
        ``sessions_per_user`` sessions and ``oauth_grants_per_user`` refresh tokens, from the seeded apps in
        turn (3: one of each app; 5: two of the first two and one of the third)."""
        with self.lock:
            clients = list(self.oauth_clients)
            for index in range(1, users + 1):
                member_of = ['group-%d' % ((index - 1) % groups + 1)] if groups else []
                user = self.add_user('user%d@example.com' % index, 'User', str(index), member_of)
                for dummy in range(sessions_per_user):
                    self.add_session(user['id'])
                for grant in range(oauth_grants_per_user):
                    self.add_refresh_token(user['id'], clients[grant % len(clients)])
                for factor_type, provider in SEEDED_FACTORS[(index - 1) % len(SEEDED_FACTORS)]:
                    self.enroll_factor(user['id'], factor_type, provider)

    # -- OAuth apps and the refresh tokens users hold ----------------------------

    def add_oauth_client(self, name, client_uri=None, logo_uri=None, universal_logout=False):
        with self.lock:
            client_id = self._new_id('0oa', 17, self._oauth_random)
            self.oauth_clients[client_id] = {'client_id': client_id, 'client_name': name, 'client_uri': client_uri,
                                             'logo_uri': logo_uri, 'universalLogout': bool(universal_logout)}
            return self.oauth_clients[client_id]

    def add_refresh_token(self, user_id, client_id, scopes=REFRESH_TOKEN_SCOPES):
        """A refresh token of the org authorization server, as OAuth2RefreshToken shows it (without links)."""
        with self.lock:
            now = self.clock()
            token_id = self._new_id('oar', 17, self._oauth_random)
            self.refresh_tokens[token_id] = {
                'id': token_id, 'status': 'ACTIVE', 'created': iso(now), 'lastUpdated': iso(now),
                'expiresAt': iso(now + self.refresh_token_lifetime), 'clientId': client_id, 'userId': user_id,
                'scopes': list(scopes), 'expires': now + self.refresh_token_lifetime,
            }
            return self.refresh_tokens[token_id]

    def live_tokens(self, user_id, client_id=None):
        """The user's active refresh tokens (of one app), oldest first; expired ones are gone, as in Okta."""
        with self.lock:
            self.purge_expired()
            return [dict(token) for token in self.refresh_tokens.values()
                    if token['userId'] == user_id and client_id in (None, token['clientId'])]

    def user_clients(self, user_id):
        """The apps the user holds refresh tokens of, in the order the org has them."""
        with self.lock:
            holding = set(token['clientId'] for token in self.live_tokens(user_id))
            return [dict(client) for client_id, client in self.oauth_clients.items() if client_id in holding]

    def revoke_tokens(self, user_id, client_id=None, token_id=None, actor=None, via='api', log=True):
        """Revoke the user's refresh tokens (of one app, or one token); how many were revoked. A revocation
        that finds none logs nothing (nor does one with ``log`` false)."""
        with self.lock:
            doomed = [t['id'] for t in self.live_tokens(user_id, client_id) if token_id in (None, t['id'])]
            for each in doomed:
                del self.refresh_tokens[each]
            if doomed:
                self.token_revocations.append({'userId': user_id, 'clientId': client_id, 'tokenId': token_id,
                                               'count': len(doomed), 'via': via})
            if doomed and log:
                client = self.oauth_clients.get(client_id)
                targets = [{'id': client_id, 'type': 'PublicClientApp', 'alternateId': client['client_name'],
                            'displayName': client['client_name'], 'detailEntry': None}] if client else []
                # Okta's catalogue: "Tokens revoked for user." (org authorization server).
                self.log_event('app.oauth2.token.revoke.implicit.user', 'Tokens revoked for user', user_id,
                               admin=actor, targets=targets, debug_data={'TokenCount': len(doomed)})
            return len(doomed)

    # -- lookups and changes used by the API ----------------------------------

    def find_user(self, id_or_login):
        with self.lock:
            if id_or_login in self.users:
                return self.users[id_or_login]
            user_id = self.logins.get(id_or_login.lower())
            return self.users.get(user_id) if user_id else None

    def mint_session_token(self, user_id):
        with self.lock:
            token = '20111' + self.new_secret(40)
            self.session_tokens[token] = {'userId': user_id, 'expires': self.clock() + self.session_token_lifetime}
            return token

    def redeem_session_token(self, token):
        """The new session, or None if the token is unknown, used or expired (it is single-use)."""
        with self.lock:
            grant = self.session_tokens.pop(token, None)
            if grant is None or grant['expires'] < self.clock():
                return None
            if self.users[grant['userId']]['status'] != 'ACTIVE':
                return None  # "Suspended users can't sign in to Okta" (the spec, suspendUser)
            return self.add_session(grant['userId'], mfa=False)  # a password-only session, as in the cassettes

    def refresh_session(self, session_id):
        with self.lock:
            session = self.live_session(session_id)
            if session is not None:
                session_id = session['id']
                self.session_expiry[session_id] = self.clock() + self.session_lifetime
                session['expiresAt'] = iso(self.session_expiry[session_id])
                # Okta documents no event type for an API refresh; this name is the simulator's.
                self.log_event('user.session.refresh', 'Session refreshed', session['userId'], session_id)
            return session

    def revoke_session(self, session_id, actor=None):
        with self.lock:
            session = self.live_session(session_id)
            if session is not None:
                session_id = session['id']
                self._drop_session(session_id)
                self.revocations.append({'kind': 'session', 'sessionId': session_id, 'userId': session['userId']})
                self.log_event('user.session.end', 'User logout from Okta', session['userId'], session_id,
                               admin=actor)
            return session is not None

    def revoke_user_sessions(self, user_id, oauth_tokens, forget_devices, actor=None):
        with self.lock:
            if user_id not in self.users:
                return False
            self.purge_expired()
            doomed = [sid for sid, s in self.sessions.items() if s['userId'] == user_id]
            for session_id in doomed:
                self._drop_session(session_id)
            self.revocations.append({'kind': 'user', 'userId': user_id, 'sessionsCleared': len(doomed),
                                     'oauthTokens': oauth_tokens, 'forgetDevices': forget_devices})
            # Okta names the admin (or API client) that acted as the actor, and the user as the target.
            self.log_event('user.session.clear', 'Clear user session', user_id, admin=actor)
            if oauth_tokens:  # "Optionally revokes OpenID Connect and OAuth refresh and access tokens" (the spec)
                self.revoke_tokens(user_id, actor=actor, via='sessions')
            return True

    def universal_logout(self, user_id, actor=None):
        """Global Token Revocation: end every session of the user and revoke every refresh token, then log
        user.authentication.universal_logout.scheduled and, for each app of theirs configured for Universal
        Logout, user.authentication.universal_logout, tied by one trace_id. What was done, or None for an
        unknown user."""
        with self.lock:
            if user_id not in self.users:
                return None
            self.purge_expired()
            apps = [c for c in self.user_clients(user_id) if c['universalLogout']]
            doomed = [sid for sid, session in self.sessions.items() if session['userId'] == user_id]
            for session_id in doomed:
                self._drop_session(session_id)
            tokens = self.revoke_tokens(user_id, actor=actor, via='universal-logout', log=False)
            trace = {'trace_id': str(uuid.UUID(int=self._random.getrandbits(128)))}
            self.log_event('user.authentication.universal_logout.scheduled', 'Universal Logout scheduled', user_id,
                           admin=actor, debug_data=trace)
            for app in apps:
                self.log_event('user.authentication.universal_logout', 'Universal Logout', user_id, admin=actor,
                               debug_data=trace, targets=[{'id': app['client_id'], 'type': 'AppInstance',
                                                           'alternateId': app['client_name'],
                                                           'displayName': app['client_name'], 'detailEntry': None}])
            outcome = {'kind': 'universalLogout', 'userId': user_id, 'sessionsCleared': len(doomed),
                       'tokensRevoked': tokens, 'apps': [app['client_id'] for app in apps]}
            self.revocations.append(outcome)
            return dict(outcome)

    # -- lifecycle and risk ---------------------------------------------------------

    def _set_status(self, user, status):
        now = iso(self.clock())
        user['status'], user['statusChanged'], user['lastUpdated'] = status, now, now

    def suspend_user(self, id_or_login, actor=None):
        """(user, problem): problem None when suspended, 'not_active' for a user who is not ACTIVE; user None
        when there is none. "When a user is suspended, their user sessions are also cleared" (Okta's admin
        role permission okta.users.lifecycle.suspend)."""
        with self.lock:
            user = self.find_user(id_or_login)
            if user is None or user['status'] != 'ACTIVE':
                return user, user and 'not_active'
            self._set_status(user, 'SUSPENDED')
            self.purge_expired()
            doomed = [sid for sid, session in self.sessions.items() if session['userId'] == user['id']]
            for session_id in doomed:
                self._drop_session(session_id)
            self.revocations.append({'kind': 'suspend', 'userId': user['id'], 'sessionsCleared': len(doomed)})
            self.log_event('user.lifecycle.suspend', 'Suspend Okta user', user['id'], admin=actor)
            return user, None

    def unsuspend_user(self, id_or_login, actor=None):
        """(user, problem): problem None when ACTIVE again, 'not_suspended' for a user who is not SUSPENDED."""
        with self.lock:
            user = self.find_user(id_or_login)
            if user is None or user['status'] != 'SUSPENDED':
                return user, user and 'not_suspended'
            self._set_status(user, 'ACTIVE')
            self.log_event('user.lifecycle.unsuspend', 'Unsuspend Okta user', user['id'], admin=actor)
            return user, None

    def risk_of(self, user_id):
        """The user's risk: riskLevel NONE (and no reason) until one is set."""
        with self.lock:
            return dict(self.user_risk.get(user_id) or {'riskLevel': 'NONE'})

    def set_risk(self, user_id, level, reason, actor=None):
        """(created, risk): created when the user had no risk yet. A change of level logs user.risk.change."""
        with self.lock:
            prior = self.user_risk.get(user_id)
            self.user_risk[user_id] = {'riskLevel': level, 'reason': reason}
            prior_level = prior['riskLevel'] if prior else 'NONE'
            if prior_level != level:
                order = ('NONE', 'LOW', 'MEDIUM', 'HIGH')
                self.log_event('user.risk.change', 'User risk level changed', user_id, admin=actor, debug_data={
                    'riskLevel': level, 'priorRiskLevel': prior_level, 'reasonCode': reason,
                    'direction': 'increase' if order.index(level) > order.index(prior_level) else 'decrease'})
            return prior is None, dict(self.user_risk[user_id])

    # -- password, factors, lockout -----------------------------------------------

    def set_status(self, id_or_login, status):
        """Put a user in one of Okta's statuses (test-only: how an org gets staged, locked-out ... users)."""
        if status not in USER_STATUSES:
            raise ValueError('unknown user status %r (one of %s)' % (status, ', '.join(USER_STATUSES)))
        with self.lock:
            user = self.find_user(id_or_login)
            if user is not None:
                self._set_status(user, status)
                if status == 'STAGED':  # never activated: Okta's activated is null (its cassettes' staged users)
                    user['activated'] = None
            return user

    def enroll_factor(self, user_id, factor_type='push', provider='OKTA'):
        """An ACTIVE factor of the user, as listFactors shows it (without links)."""
        if (factor_type, provider) not in FACTOR_ID_PREFIXES:
            raise ValueError('unknown factor %s/%s (one of %s)' % (factor_type, provider, ', '.join(
                '%s/%s' % pair for pair in sorted(FACTOR_ID_PREFIXES))))
        with self.lock:
            user = self.users[user_id]
            login, now = user['profile']['login'], iso(self.clock() - 3600)
            profile = {
                'push': {'credentialId': login, 'deviceType': 'SmartPhone_IPhone', 'name': 'Sim Phone',
                         'platform': 'IOS', 'version': '9.0'},
                'token:software:totp': {'credentialId': login},
                'sms': {'phoneNumber': '+1555%07d' % (len(self.factors) + 1)},
                'email': {'email': user['profile']['email']},
                'question': {'question': 'favorite_art_piece', 'questionText': 'What is your favorite piece of art?'},
            }[factor_type]
            factor = {'id': self._new_id(FACTOR_ID_PREFIXES[(factor_type, provider)], 17, self._factor_random),
                      'factorType': factor_type, 'provider': provider, 'vendorName': provider, 'status': 'ACTIVE',
                      'created': now, 'lastUpdated': now, 'profile': profile}
            self.factors.setdefault(user_id, []).append(factor)
            return dict(factor)

    def factors_of(self, user_id):
        with self.lock:
            return [dict(factor) for factor in self.factors.get(user_id, [])]

    def expire_password(self, id_or_login, temp_password=False, revoke_sessions=False, actor=None):
        """(user, problem, temporary password): problem 'status' when Okta does not expire this user's password
        (EXPIRE_PASSWORD_STATUSES); user None when there is none. The user is PASSWORD_EXPIRED after; with
        ``temp_password`` the password is first replaced by a temporary one, which is returned."""
        with self.lock:
            user = self.find_user(id_or_login)
            if user is None or user['status'] not in EXPIRE_PASSWORD_STATUSES:
                return user, user and 'status', None
            temporary = None
            if temp_password:
                # Eight letters and digits, as Okta's ("6ww8uJJu" in okta-sdk-python's cassette, "HR076gb6" in its docs).
                temporary = ''.join(self._factor_random.choice(ID_ALPHABET) for dummy in range(8))
                user['passwordChanged'] = iso(self.clock())
            if user['status'] != 'PASSWORD_EXPIRED':
                self._set_status(user, 'PASSWORD_EXPIRED')
            cleared = 0
            if revoke_sessions:
                self.purge_expired()
                doomed = [sid for sid, session in self.sessions.items() if session['userId'] == user['id']]
                for session_id in doomed:
                    self._drop_session(session_id)
                cleared = len(doomed)
            self.password_expirations.append({'userId': user['id'], 'tempPassword': temporary,
                                              'sessionsCleared': cleared})
            self.log_event('user.account.expire_password', 'Expire password', user['id'], admin=actor)
            return user, None, temporary

    def reset_factors(self, id_or_login, actor=None):
        """(user, problem, how many factors were reset): problem 'status' for a user Okta does not reset
        (NO_FACTOR_RESET_STATUSES). Resetting a user without factors is 200 too (okta-sdk-python's cassette
        test_reset_factors resets a new user's), and logs nothing (chosen)."""
        with self.lock:
            user = self.find_user(id_or_login)
            if user is None or user['status'] in NO_FACTOR_RESET_STATUSES:
                return user, user and 'status', 0
            reset = len(self.factors.pop(user['id'], []))
            self.factor_resets.append({'userId': user['id'], 'factorsReset': reset})
            if reset:
                self.log_event('user.mfa.factor.reset_all', 'Reset all factors for user', user['id'], admin=actor)
            return user, None, reset

    def unlock_user(self, id_or_login, actor=None):
        """(user, problem): problem 'not_locked_out' for a user who is not LOCKED_OUT."""
        with self.lock:
            user = self.find_user(id_or_login)
            if user is None or user['status'] != 'LOCKED_OUT':
                return user, user and 'not_locked_out'
            self._set_status(user, 'ACTIVE')
            self.unlocks.append(user['id'])
            self.log_event('user.account.unlock_by_admin', 'Unlock user account by admin', user['id'], admin=actor)
            return user, None

    def snapshot(self, with_sessions=True):
        with self.lock:
            self.purge_expired()
            state = {
                'orgId': self.org_id,
                'engine': self.engine,
                'userCount': len(self.users),
                'groupCount': len(self.groups),
                'sessionCount': len(self.sessions),
                'revocationCount': len(self.revocations),
                'refreshTokenCount': len(self.refresh_tokens),
                'oauthClients': [{'clientId': c['client_id'], 'name': c['client_name'],
                                  'universalLogout': c['universalLogout']} for c in self.oauth_clients.values()],
                'eventCount': len(self.events),
                'users': [{'id': u['id'], 'login': u['profile']['login'], 'status': u['status'],
                           'riskLevel': self.user_risk.get(u['id'], {}).get('riskLevel', 'NONE')}
                          for u in self.users.values()],
                'groups': [{'id': g['id'], 'name': g['profile']['name'], 'memberCount': len(g['members'])}
                           for g in self.groups.values()],
                'factorCount': sum(len(f) for f in self.factors.values()),
            }
            if with_sessions:
                state['sessions'] = [dict(s, externalSessionId=self.external_ids.get(s['id'], s['id']))
                                     for s in self.sessions.values()]
                state['revocations'] = list(self.revocations)
                state['refreshTokens'] = [{'id': t['id'], 'userId': t['userId'], 'clientId': t['clientId']}
                                          for t in self.refresh_tokens.values()]
                state['tokenRevocations'] = list(self.token_revocations)
                state['factors'] = [{'id': f['id'], 'userId': user_id, 'factorType': f['factorType'],
                                     'provider': f['provider'], 'status': f['status']}
                                    for user_id, factors in self.factors.items() for f in factors]
                state['passwordExpirations'] = [dict(e) for e in self.password_expirations]
                state['factorResets'] = [dict(e) for e in self.factor_resets]
                state['unlocks'] = list(self.unlocks)
            return state
