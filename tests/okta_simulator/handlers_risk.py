# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A user's risk (Identity Threat Protection): ``GET`` and ``PUT /api/v1/users/{userId}/risk``."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re
from urllib.parse import quote

from .answers import invalid_body, not_found, okta_error
from .handlers_base import ApiBase

RISK_LEVELS = ('HIGH', 'MEDIUM', 'LOW')
RISK_REASON = re.compile(r'^[a-zA-Z0-9\s\-,.]*$')  # UserRiskRequest.riskReason, the spec's pattern
DEFAULT_RISK_REASON = 'override.by.admin'  # "If riskReason isn't provided, the reason defaults to override.by.admin"


class RiskApi(ApiBase):

    def _risk_body(self, user_id, risk):
        path = '/api/v1/users/%s' % quote(user_id, safe='')
        return dict(risk, _links={'self': {'href': self._base() + path + '/risk', 'hints': {'allow': ['GET', 'PUT']}},
                                  'user': {'href': self._base() + path, 'hints': {'allow': ['GET']}}})

    def api_get_user_risk(self, params, query, body):
        off = self._feature_off('identity_threat_protection')
        if off:
            return off
        if params[0] not in self.simulator.org.users:
            return not_found(params[0], 'User')
        return 200, self._risk_body(params[0], self.simulator.org.risk_of(params[0])), None

    def api_put_user_risk(self, params, query, body):
        """201 the first time a user's risk is set, 200 after (the spec: "Created" / "Updated the user's
        risk"); ``reason`` is the ``riskReason`` given, else override.by.admin."""
        off = self._feature_off('identity_threat_protection')
        if off:
            return off
        if params[0] not in self.simulator.org.users:
            return not_found(params[0], 'User')
        if body is ValueError or not isinstance(body, dict):
            return invalid_body()
        level, reason = body.get('riskLevel'), body.get('riskReason', DEFAULT_RISK_REASON)
        if level not in RISK_LEVELS:
            return 400, okta_error('E0000001', 'Api validation failed: riskLevel',
                                   ['riskLevel: must be one of %s' % ', '.join(RISK_LEVELS)]), None
        if not isinstance(reason, str) or len(reason) > 500 or not RISK_REASON.match(reason):
            return 400, okta_error('E0000001', 'Api validation failed: riskReason', [
                'riskReason: at most 500 letters, digits, spaces, hyphens, commas and periods']), None
        created, risk = self.simulator.org.set_risk(params[0], level, reason or DEFAULT_RISK_REASON,
                                                    actor=self._actor())
        return (201 if created else 200), self._risk_body(params[0], risk), None
