# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Options of modules that act on many items in one task.
    DOCUMENTATION = r'''
options:
  concurrency:
    description:
      - How many Okta API calls the task keeps in flight at once, between 1 and 64.
      - All of them share one connection pool and one view of Okta's rate limits.
    type: int
    default: 8
  max_api_share:
    description:
      - The share of each Okta endpoint's rate limit this task may use, greater than 0 and at most 1.
      - When Okta reports that only the rest is left (C(X-Rate-Limit-Remaining)), calls wait for
        the window to reset (C(X-Rate-Limit-Reset)), leaving the rest to other clients of the org
        such as the Admin Console and other automation.
      - V(1) uses the whole limit; calls then wait only when Okta answers HTTP 429.
    type: float
    default: 0.8
'''
