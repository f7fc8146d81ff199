# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A local Okta org over real HTTP, for identity.okta's tests, demo and benchmarks.

Run it with ``python tests/okta_simulator --help``; use it in-process with
``Simulator(...).start()``.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from .server import Simulator  # noqa: F401
