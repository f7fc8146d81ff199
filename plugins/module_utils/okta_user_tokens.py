# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The OAuth tokens of many users, app by app: counted (okta_user_oauth_tokens_info) and revoked
(okta_user_oauth_tokens), over the same plan as every module that acts on many users."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import threading

from ansible_collections.identity.okta.plugins.module_utils.okta_api import (
    revoke_user_client_tokens, user_client_tokens, user_clients,
)
from ansible_collections.identity.okta.plugins.module_utils.okta_users import about_user, UserBulkRun


class Tokens(UserBulkRun):
    """Counts, and with state=absent revokes, each user's tokens app by app."""

    def __init__(self, module, revoke):
        super(Tokens, self).__init__(module)
        self.revoke = revoke
        self.wanted = set(module.params['clients'])
        self.done_result = 'revoked' if self.revoke else 'listed'
        self.done_words = ('Revoked the tokens of', 'Would revoke the tokens of') if self.revoke else ('Listed', 'Listed')
        self.calls_per_user = {'users': 3 if self.revoke else 2}
        self.also_final = ('none',)
        self.counted = {'before': 0, 'after': 0}  # tokens of every user, whether or not its entry is returned
        self._counting = threading.Lock()

    @property
    def final_results(self):
        return super(Tokens, self).final_results if self.revoke else ()  # a listing is read again

    def act(self, target):
        apps = [app for app in about_user(lambda: list(user_clients(self.client, target.user_id)))
                if not self.wanted or app.get('client_id') in self.wanted]
        clients = []
        for app in apps:
            entry = {'client_id': app.get('client_id'), 'client_name': app.get('client_name'),
                     'tokens_before': self._count(target.user_id, app.get('client_id'))}
            if self.revoke and entry['tokens_before'] and not self.module.check_mode:
                self.module.record_attempt(target.name, user_id=target.user_id, client_id=entry['client_id'])
                entry['request_id'] = revoke_user_client_tokens(self.client, target.user_id, entry['client_id'])
                entry['tokens_after'] = self._count(target.user_id, entry['client_id'])
            clients.append(entry)
        with self._counting:
            for client in clients:
                self.counted['before'] += client['tokens_before']
                self.counted['after'] += client.get('tokens_after', client['tokens_before'])
        outcome = {'user_id': target.user_id, 'clients': clients}
        if self.revoke and not any(c['tokens_before'] for c in clients):
            return dict(outcome, result='none')
        return dict(outcome, result=self.done_result)

    def _count(self, user_id, client_id):
        return sum(1 for dummy in user_client_tokens(self.client, user_id, client_id))

    def finish_with_counts(self, results):
        """The task's result, with the tokens counted in all, before and (revoking) after."""
        counts = {'before': self.counted['before']}
        if self.revoke and not self.module.check_mode:
            counts['after'] = self.counted['after']
        changed = self.revoke and counts['before'] > 0 and counts['before'] != counts.get('after')
        return self.finish(results, tokens=counts, changed=changed,
                           extra_msg='; tokens: %s' % ', '.join('%d %s' % (n, k) for k, n in sorted(counts.items())))
