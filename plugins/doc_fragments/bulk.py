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
      - When Okta answers that the org has too many calls in flight (its concurrency limit, a 429 whose
        C(X-Rate-Limit-Limit) and C(X-Rate-Limit-Remaining) are 0), the task halves what it sends at once
        and grows back as calls succeed.
    type: int
    default: 8
  max_api_share:
    description:
      - The share of each Okta rate-limit bucket this task may use, greater than 0 and at most 1.
      - Okta counts calls in buckets shared by groups of endpoints (all user calls - lookups, searches and
        sign-outs - in one, all session calls in another, groups, System Log), and by default lets one API
        token or OAuth app use only a share of a bucket (50 %). C(X-Rate-Limit-Limit) reports that token's
        ceiling; O(max_api_share) is a share of it.
      - When Okta reports that only the rest is left (C(X-Rate-Limit-Remaining)), calls wait for
        the window to reset (C(X-Rate-Limit-Reset)), leaving the rest to other clients of the org
        such as the Admin Console and other automation.
      - V(1) uses the whole limit; calls then wait only when Okta answers HTTP 429.
    type: float
    default: 0.8
  journal:
    description:
      - A file (JSON lines) in which the task records every change before it is sent to Okta
        (C(attempted)) and its outcome as soon as it is known (time, item, result, HTTP status, Okta
        request ID), flushed to disk as it happens, with the run's plan and progress. Not written in
        check mode.
      - The journal resumes an interrupted run, and nothing else. When the last run in the file did not end
        (Ctrl-C, SIGTERM, C(kill -9), a refused credential) and was the same run - same module, same org, same
        options and input - this run skips what that run finished (its result is V(skipped_done)) and does the
        rest, including calls left C(attempted) by a run that was killed. Any other journal - a run that ended,
        another org, module, options or input, a file of an older version - makes this run start over in the
        same file, skipping nobody, with a warning that says why, for what a run does is decided by Okta's state
        now. V(not_found) is never skipped. Results name the run (RV(run_id)) and say whether it resumed
        (RV(journal_run)).
      - One run at a time. The file is locked for the run, and a second task given it (a second responder on
        the same incident) fails before any change, naming the other run's PID and host.
      - The file is created with mode 0600 (and a missing folder 0700). A path that is a symlink, or a file
        of another user or writable by others, is refused.
      - On SIGINT or SIGTERM (Ctrl-C) the task stops sending new calls, finishes and records the calls
        in flight, and ends; a call that waits for the next rate-limit window is not sent (V(not_attempted)).
        The journal then holds exactly what Okta was asked to do and answered.
      - Live progress of a local run is read from this file by the collection's action plugin; without
        O(journal) a temporary one is used for that.
    type: path
'''
