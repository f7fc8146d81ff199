# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):

    # Options of modules that act on many users (module_utils/okta_users.py).
    DOCUMENTATION = r'''
options:
  users:
    description:
      - Users to act on, each an Okta user ID (V(00u...)) or a login (V(jane.doe@example.com)).
        A user named twice, by login and by ID for example, is acted on with one call.
      - A name that matches nobody in Okta ends as V(not_found) with a warning that names it; see O(fail_on_not_found).
      - Logins are resolved to IDs first, many per call (C(GET /api/v1/users?search=profile.login eq "..." or ...)),
        so that a user named by login costs about one call of Okta's users rate-limit bucket, like one named by ID.
        A login the search does not find is looked up on its own (C(GET /api/v1/users/{login})) before it is
        reported V(not_found).
      - At least one of O(users) and O(groups) is required; an empty list given on purpose (a users file with
        nobody in it) acts on no one.
    type: list
    elements: str
  groups:
    description:
      - Groups whose members to act on, each a group ID (V(00g...)) or an exact group name
        (found with C(GET /api/v1/groups?search=profile.name eq "...")).
      - A group that does not exist, a name that matches several groups, or a group whose members cannot
        all be read fails the task, after every other user was handled.
    type: list
    elements: str
  fail_on_not_found:
    description:
      - What to do when a user named in O(users) matches nobody in Okta (a typo, or a user already deleted).
      - V(false) handles everyone else and ends with a warning that names each such user.
      - V(true) still handles everyone else, then fails the task naming them, so a run cannot end green with a
        user missed.
    type: bool
    default: false
  protected_users:
    description:
      - Users never to act on, by login or ID - break-glass admins, the account the automation runs as.
        A target that is one of them ends as V(skipped_protected), with no call.
      - The playbooks read them, and O(protected_groups), from a vars file (see docs/incident-response.md).
    type: list
    elements: str
    default: []
  protected_groups:
    description:
      - Groups (name or ID) whose members are never acted on, as with O(protected_users).
      - Their members are read before any change; if a protected group cannot be read, nothing is changed.
    type: list
    elements: str
    default: []
  max_targets:
    description:
      - The most users one run may act on, group members counted. A run that would act on more is
        refused before any change, naming how many it would have been - so that a mistyped group
        (V(Everyone)) cannot reach the whole org.
      - Raise it on purpose for a larger incident.
    type: int
    default: 1000
  results:
    description:
      - Which per-user entries the task returns in RV(ignore:results).
      - V(all) returns one entry per user named or found in a group, and the list of the users done (such as
        RV(ignore:cleared)).
      - V(failures) returns only the entries of users who did not end done (not found, failed, protected, not
        attempted, skipped), and no list of the users done. Meant for an org-wide run (a group such as Everyone, tens of
        thousands of people), whose memory and result then grow with the failures only, not with everyone.
      - V(none) returns no entries, only the counts in RV(ignore:summary), and the lists of users not found or failed.
      - The O(journal) records every user in every mode; the playbooks write their reports from it.
      - With V(failures) or V(none), a diff (C(--diff)) shows the returned entries only.
    type: str
    choices: [all, failures, none]
    default: all
'''
