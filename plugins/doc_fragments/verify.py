# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Options of the modules that check Okta's own record of what they did (module_utils/okta_verify.py).
    DOCUMENTATION = r'''
options:
  verify:
    description:
      - After the run, read the System Log for Okta's own record of each sign-out - the C(user.session.clear) event
        whose target is the user (M(identity.okta.okta_user_sessions)), or the C(user.session.end) event of the
        session (M(identity.okta.okta_session) with O(ignore:state=absent)) - and put its C(uuid) and time in
        RV(ignore:results[].evidence). One revoked without such an event within O(verify_timeout) is listed in
        RV(ignore:unverified).
      - The System Log names a session by its Identity Engine ID (V(idx...), as M(identity.okta.okta_log_info)
        returns it). A session given by its V(102...) ID is read first (one more call) to learn its user, and its
        revocation is matched with a C(user.session.end) event of that user during the run.
      - Needs the C(okta.logs.read) scope with OAuth. Costs about one System Log call per 100 users or sessions
        every 5 seconds until all are found.
    type: bool
    default: false
  verify_timeout:
    description: Seconds to wait for the events of O(verify) to appear (Okta shows events some seconds late).
    type: int
    default: 60
'''
