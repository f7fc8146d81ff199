# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The two ways talking to Okta goes wrong: bad settings, or an error from (or on the way to) Okta."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class OktaConfigError(ValueError):
    """A connection setting is unusable; ``field`` names the option at fault."""

    def __init__(self, field, message):
        super(OktaConfigError, self).__init__(message)
        self.field = field


class TaskFailed(Exception):
    """The task fails with ``msg`` and the ``result`` fields: raised by the shared code, which never ends the process
    itself; the module glue (OktaModule.run) turns it into ``fail_json``."""

    def __init__(self, msg, **result):
        super(TaskFailed, self).__init__(msg)
        self.msg = msg
        self.result = result


class OktaApiError(Exception):
    """Okta answered with an error, or could not be reached.

    Carries the HTTP status and Okta's error body fields so that modules can
    return them as structured results.
    """

    def __init__(self, message, status=None, method=None, path=None, error_code=None,
                 error_summary=None, error_link=None, error_id=None, error_causes=None,
                 request_id=None):
        super(OktaApiError, self).__init__(message)
        self.message = message
        self.status = status
        self.method = method
        self.path = path
        self.error_code = error_code
        self.error_summary = error_summary
        self.error_link = error_link
        self.error_id = error_id
        self.error_causes = error_causes or []
        self.request_id = request_id

    @property
    def not_found(self):
        return self.status == 404

    def as_dict(self):
        """The error as plain data, for ``fail_json`` and per-item results."""
        return {
            'msg': self.message,
            'status': self.status,
            'method': self.method,
            'path': self.path,
            'error_code': self.error_code,
            'error_summary': self.error_summary,
            'error_link': self.error_link,
            'error_id': self.error_id,
            'error_causes': self.error_causes,
            'request_id': self.request_id,
        }


class OktaLinkError(OktaApiError):
    """Okta's answer carried a link this client will not follow (another origin, not a URL): following
    the same answer again fails the same way, so callers do not retry it."""
