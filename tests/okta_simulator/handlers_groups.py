# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The Groups API: the list of groups (``q``, ``search``, ``filter``) and a group's members."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from urllib.parse import quote

from .answers import not_found
from .handlers_base import ApiBase
from .handlers_users import listed_user_links


class GroupsApi(ApiBase):

    def _group_body(self, group):
        public = {k: v for k, v in group.items() if k != 'members'}
        public['_links'] = self._links('/api/v1/groups/%s' % group['id'], ['GET', 'PUT', 'DELETE'])
        public['_links']['users'] = {'href': self._base() + '/api/v1/groups/%s/users' % group['id']}
        return public

    def api_list_groups(self, params, query, body):
        """``q`` (a prefix of the name, ignoring case; not paged: at most ``limit``, 300 by default),
        ``search`` (values ignoring case) and ``filter``, paged; else every group, paged."""
        org = self.simulator.org
        with org.lock:
            groups = [self._group_body(group) for group in org.groups.values()]
        if 'q' in query:
            prefix = query['q'][0].lower()
            return self._unpaged('/api/v1/groups', [g for g in groups if g['profile']['name'].lower().startswith(prefix)],
                                 query, 300, 10000)
        groups, refused = self._searched(query, groups)
        if refused:
            return refused
        return self._page('/api/v1/groups', groups, query, 200)

    def api_list_group_users(self, params, query, body):
        org = self.simulator.org
        with org.lock:
            group = org.groups.get(params[0])
            if group is None:
                return not_found(params[0], 'Group')
            # Okta's default page of members is also its largest: 1,000 (its docs recommend 200).
            return self._page('/api/v1/groups/%s/users' % quote(params[0], safe=''),
                              [org.users[uid] for uid in group['members']], query, 1000, maximum=1000,
                              render=lambda user: dict(user, _links=listed_user_links(self._base(), user)))
