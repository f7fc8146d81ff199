# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The users plan (module_utils/okta_users.py) against the simulator: one target per person however often and
however named (login, ID, another case, a group), protected users and groups left out, max_targets refusing before
any change. The plan is read from UserTargets on a real OktaModule; the guardrails are driven through
okta_user_sessions' main(), whose sign-outs the simulator counts."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json

import pytest


from ansible_collections.identity.okta.plugins.module_utils.okta_module import OktaModule
from ansible_collections.identity.okta.plugins.module_utils.okta_specs import USERS_ARGUMENT_SPEC
from ansible_collections.identity.okta.plugins.module_utils.okta_users import UserTargets
from ansible_collections.identity.okta.plugins.modules import okta_user_sessions

from ansible_collections.identity.okta.tests.unit.module_args import patch_module_args

SIGN_OUT = '/sessions'  # DELETE /api/v1/users/{id}/sessions


def module_args(running, **args):
    return dict(args, org_url=running.base_url, api_token=running.api_token, _ansible_remote_tmp='/tmp',
                _ansible_keep_remote_files=False)


def planned(running, **args):
    """The plan (UserTargets, planned) of a task over users, on a real OktaModule given ``args``."""
    with patch_module_args(module_args(running, **args)):
        module = OktaModule(argument_spec=dict(USERS_ARGUMENT_SPEC), bulk=True, supports_check_mode=True)
    people = UserTargets(module)
    people.plan()
    return people


@pytest.fixture
def sign_out(capsys):
    """Runs okta_user_sessions' main() with ``args``; its result, parsed."""
    def run(running, **args):
        with patch_module_args(module_args(running, **args)):
            with pytest.raises(SystemExit):
                okta_user_sessions.main()
        return json.loads(capsys.readouterr().out)
    return run


def ids_by_login(running):
    return dict((u['login'], u['id']) for u in running.state()['users'])


def signed_out(running):
    """The user IDs signed out, one per call, in the order Okta saw them."""
    return [r['userId'] for r in running.state()['revocations'] if r['kind'] == 'user']


def deletes(running):
    return [r for r in running.requests_log() if r['method'] == 'DELETE' and r['path'].endswith(SIGN_OUT)]


def shown(targets):
    return [(t.name, t.user_id, t.via_group, t.same_user_as, (t.outcome or {}).get('result')) for t in targets]


# -- one target per person -------------------------------------------------------------------------------------

def test_a_person_named_by_login_in_another_case_by_id_and_in_a_group_is_one_target(okta_sim):
    # group-1 is users 1, 3, 5; group-2 is users 2, 4, 6 (the simulator's round robin).
    running = okta_sim(users=6, groups=2)
    ids = ids_by_login(running)
    group_1 = [g['id'] for g in running.state()['groups'] if g['name'] == 'group-1'][0]
    people = planned(running, users=['user3@example.com', 'USER3@example.com', ids['user3@example.com'], ids['user4@example.com']],
                     groups=['group-1', group_1, 'group-2'])
    assert shown(people.targets[:3]) == [
        ('user3@example.com', ids['user3@example.com'], None, None, None),
        (ids['user3@example.com'], ids['user3@example.com'], None, 'user3@example.com', None),
        (ids['user4@example.com'], ids['user4@example.com'], None, None, None)], 'in the order named, USER3 dropped'
    members = [(ids['user%d@example.com' % n], ids['user%d@example.com' % n], group, None, None)
               for n, group in ((1, 'group-1'), (5, 'group-1'), (2, 'group-2'), (6, 'group-2'))]
    assert sorted(shown(people.targets[3:])) == sorted(members), 'members named already are not added again'
    assert [t.via_group for t in people.targets[3:]] == ['group-1', 'group-1', 'group-2', 'group-2']
    assert sorted(t.user_id for t in people.to_act_on()) == sorted(ids.values())
    assert [(g['group'], g['members']) for g in people.group_results] == [('group-1', 3), (group_1, 3), ('group-2', 3)]
    assert people.summary_of_plan({'users': 1})['duplicates'] == 1


def test_an_id_named_after_its_login_is_a_second_name_in_check_mode_too_and_an_unknown_id_is_not_found(okta_sim):
    running = okta_sim(users=2)
    ids = ids_by_login(running)
    named = [ids['user2@example.com'], 'User2@Example.com', '00uNoSuchUser0000000']
    people = planned(running, _ansible_check_mode=True, users=named)
    assert shown(people.targets) == [
        (ids['user2@example.com'], ids['user2@example.com'], None, None, None),
        ('User2@Example.com', ids['user2@example.com'], None, ids['user2@example.com'], None),
        ('00uNoSuchUser0000000', None, None, None, 'not_found')]
    assert people.targets[0].login == 'user2@example.com', 'in check mode an ID is looked up, to say who it is'
    plan = people.summary_of_plan({'users': 1})
    assert (plan['targets'], plan['to_act_on'], plan['duplicates'], plan['not_found']) == (3, 1, 1, 1)


def test_a_member_of_two_groups_is_one_target_and_is_signed_out_once(okta_sim, sign_out):
    running = okta_sim(users=3, groups=1, sessions_per_user=1)
    ids = ids_by_login(running)
    running.admin('POST', 'users', {'login': 'both@example.com', 'groups': ['group-1', 'group-9'], 'sessions': 1})
    both = ids_by_login(running)['both@example.com']
    people = planned(running, groups=['group-9', 'group-1'])
    assert [(t.user_id, t.via_group) for t in people.targets[:1]] == [(both, 'group-9')]
    assert sorted((t.user_id, t.via_group) for t in people.targets[1:]) == sorted(
        (ids['user%d@example.com' % n], 'group-1') for n in (1, 2, 3)), 'met in group-9 first, not again in group-1'
    result = sign_out(running, groups=['group-9', 'group-1'], users=['BOTH@example.com', both])
    assert not result.get('failed') and result['summary']['cleared'] == 4, result['msg']
    assert sorted(signed_out(running)) == sorted([both] + list(ids.values())), 'each person signed out once'
    assert [r['user'] for r in result['results'] if r.get('same_user_as')] == [both]
    assert len(deletes(running)) == 4 and running.state()['sessionCount'] == 0


# -- protected users and groups ------------------------------------------------------------------------------

def test_protected_users_are_left_out_whichever_way_either_side_names_them(okta_sim, sign_out):
    running = okta_sim(users=5, groups=1, sessions_per_user=1)
    ids = ids_by_login(running)
    # user1 protected by ID, named by login; user2 protected by login in another case, named by ID (not looked up);
    # user3 protected by login and only a member of the group named.
    result = sign_out(running, users=['user1@example.com', ids['user2@example.com']], groups=['group-1'],
                      protected_users=[ids['user1@example.com'], 'USER2@example.com', 'user3@example.com'])
    assert not result.get('failed'), result['msg']
    protected = [ids['user%d@example.com' % n] for n in (1, 2, 3)]
    assert sorted(result['skipped_protected']) == sorted(['user1@example.com', ids['user2@example.com'], ids['user3@example.com']])
    assert result['plan']['protected'] == 3 and result['summary']['skipped_protected'] == 3
    assert not set(signed_out(running)) & set(protected)
    assert sorted(signed_out(running)) == sorted([ids['user4@example.com'], ids['user5@example.com']])
    assert [r['result'] for r in result['results'] if r['user'] == ids['user3@example.com']] == ['skipped_protected']


def test_a_protected_group_named_by_id_protects_its_members_named_or_found_in_another_group(okta_sim, sign_out):
    running = okta_sim(users=4, groups=2, sessions_per_user=1)
    ids = ids_by_login(running)
    group_2 = [g['id'] for g in running.state()['groups'] if g['name'] == 'group-2'][0]
    running.admin('POST', 'users', {'login': 'admin@example.com', 'groups': ['group-1', 'group-2'], 'sessions': 1})
    admin = ids_by_login(running)['admin@example.com']
    result = sign_out(running, users=['user2@example.com'], groups=['group-1'], protected_groups=[group_2])
    assert not result.get('failed'), result['msg']
    assert sorted(signed_out(running)) == sorted([ids['user1@example.com'], ids['user3@example.com']])
    assert sorted(result['skipped_protected']) == sorted(['user2@example.com', admin])
    assert len(deletes(running)) == 2


def test_a_protected_group_that_cannot_be_read_stops_the_run_before_any_sign_out(okta_sim, sign_out):
    running = okta_sim(users=3, groups=1, sessions_per_user=1)
    result = sign_out(running, groups=['group-1'], protected_groups=['break-glass admins'])
    assert result['failed'] and result['field'] == 'protected_groups'
    assert 'break-glass admins' in result['msg'] and 'nobody was signed out' in result['msg']
    assert result['protected_groups'][0]['result'] == 'not_found'
    assert deletes(running) == [] and running.state()['sessionCount'] == 3


# -- max_targets ---------------------------------------------------------------------------------------------------

def test_max_targets_refuses_a_run_over_it_before_any_sign_out(okta_sim, sign_out):
    running = okta_sim(users=6, groups=1, sessions_per_user=1)
    result = sign_out(running, groups=['group-1'], users=['user7@example.com'], max_targets=5)
    assert result['failed'] and result['field'] == 'max_targets' and 'would act on 6 users, more than max_targets (5)' in result['msg']
    assert result['plan']['to_act_on'] == 6 and result['plan']['not_found'] == 1 and result['groups'][0]['members'] == 6
    assert deletes(running) == [] and running.state()['sessionCount'] == 6
    checked = sign_out(running, _ansible_check_mode=True, groups=['group-1'], max_targets=5)
    assert checked['failed'] and checked['field'] == 'max_targets', 'check mode says the run would be refused'
    assert deletes(running) == []


def test_second_names_protected_and_unknown_users_do_not_count_against_max_targets(okta_sim, sign_out):
    running = okta_sim(users=4, groups=1, sessions_per_user=1)
    ids = ids_by_login(running)
    result = sign_out(running, users=['user1@example.com', ids['user1@example.com'], 'gone@example.com'], groups=['group-1'],
                      protected_users=['user4@example.com'], max_targets=3)
    assert not result.get('failed'), result['msg']
    assert (result['plan']['to_act_on'], result['plan']['duplicates'], result['plan']['protected'], result['plan']['not_found']) == (3, 1, 1, 1)
    assert sorted(signed_out(running)) == sorted(ids['user%d@example.com' % n] for n in (1, 2, 3))


def test_max_targets_below_one_is_refused_before_any_call(okta_sim, sign_out):
    running = okta_sim(users=1, sessions_per_user=1)
    result = sign_out(running, users=['user1@example.com'], max_targets=0)
    assert result['failed'] and result['field'] == 'max_targets' and result['msg'] == 'max_targets must be 1 or more, got 0.'
    assert running.requests_log() == []


def test_by_default_a_group_of_more_than_1000_is_refused_after_reading_every_page_of_it(okta_sim, sign_out):
    running = okta_sim(users=1001, groups=1)
    people = planned(running, groups=['group-1'], users=['user1001@example.com'])
    assert len(people.targets) == 1001 and len(set(t.user_id for t in people.targets)) == 1001
    pages = [r['query'] for r in running.requests_log() if r['path'].startswith('/api/v1/groups/') and r['path'].endswith('/users')]
    assert ['after=' in query for query in pages] == [False, True], 'two pages of at most 1,000 members'
    result = sign_out(running, groups=['group-1'])
    assert result['failed'] and result['field'] == 'max_targets' and 'would act on 1001 users, more than max_targets (1000)' in result['msg']
    assert deletes(running) == []
