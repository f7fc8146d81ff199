# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Runs identity.okta.okta_user_watch; shows its plan and progress live (plugin_utils/okta_progress)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.identity.okta.plugins.plugin_utils.okta_progress import OktaBulkAction


class ActionModule(OktaBulkAction):
    pass
