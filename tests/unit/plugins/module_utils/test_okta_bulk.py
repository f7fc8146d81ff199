# -*- coding: utf-8 -*-
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The bulk runner against the simulator: one entry per item, the journal, resume, early stop, progress."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import socket
import threading


from ansible_collections.identity.okta.plugins.module_utils import okta_api, okta_bulk
from ansible_collections.identity.okta.plugins.module_utils.okta_bulk import Stop, run_bulk
from ansible_collections.identity.okta.plugins.module_utils.okta_client import OktaClient
from ansible_collections.identity.okta.plugins.module_utils.okta_journal import Journal


def client_for(running, **options):
    options.setdefault('backoff_base', 0.01)
    options.setdefault('concurrency', 8)
    return OktaClient(running.base_url, api_token=options.pop('api_token', running.api_token), **options)


def revoker(client, journal=None):
    def revoke(session_id):
        if journal is not None:
            journal.attempted(session_id)
        return okta_api.revoke_session(client, session_id)
    return revoke


IDENTITY = dict(kind='test', org='http://127.0.0.1', digest='d1', options={})
FINAL = ('revoked', 'absent')


def records(path):
    with open(path) as handle:
        return [json.loads(line) for line in handle]


def api_calls(running):
    return len([r for r in running.requests_log() if r['path'].startswith('/api/')])


def test_every_item_gets_one_entry_in_input_order(okta_sim):
    running = okta_sim(users=20, sessions_per_user=2)
    ids = [s['id'] for s in running.state()['sessions']] + ['102unknownSessionId000000']
    entries = run_bulk(revoker(client_for(running)), ids, 'session_id', 8)
    assert [e['session_id'] for e in entries] == ids
    assert [e['result'] for e in entries] == ['revoked'] * 40 + ['absent']
    assert all(e['time'].endswith('Z') for e in entries)


def test_the_journal_records_each_call_before_and_after_and_a_rerun_skips_what_is_done(okta_sim, tmp_path):
    running = okta_sim(users=10, sessions_per_user=1)
    ids = [s['id'] for s in running.state()['sessions']]
    path = str(tmp_path / 'incident.jsonl')
    journal = Journal(path, IDENTITY, FINAL)
    client = client_for(running)
    run_bulk(revoker(client, journal), ids[:6], 'session_id', 4, journal=journal)
    journal.close()
    written = records(path)
    for session_id in ids[:6]:
        events = [r['event'] for r in written if r.get('item') == session_id]
        assert events == ['attempted', 'outcome'], (session_id, events)
    calls_before = api_calls(running)

    again = Journal(path, IDENTITY, FINAL)
    assert sorted(again.done) == sorted(ids[:6])
    entries = run_bulk(revoker(client, again), ids, 'session_id', 4, journal=again)
    assert [e['result'] for e in entries] == ['skipped_done'] * 6 + ['revoked'] * 4
    assert entries[0]['previous_result'] == 'revoked' and entries[0]['request_id']
    # No call for what was done: only the four new revocations.
    assert api_calls(running) - calls_before == 4


def test_a_call_left_attempted_by_a_killed_run_is_done_again(okta_sim, tmp_path):
    running = okta_sim(users=2, sessions_per_user=1)
    ids = [s['id'] for s in running.state()['sessions']]
    path = tmp_path / 'killed.jsonl'
    # What kill -9 leaves: the call was sent, its answer never written, and half a line.
    path.write_text(json.dumps(dict(IDENTITY, event='run', run_id='r1')) + '\n' +
                    json.dumps({'event': 'attempted', 'item': ids[0]}) + '\n{"event": "outcome", "ite')
    path.chmod(0o600)
    journal = Journal(str(path), IDENTITY, FINAL)
    assert journal.attempted_before == {ids[0]} and journal.done == {}
    entries = run_bulk(revoker(client_for(running), journal), ids, 'session_id', 2, journal=journal)
    assert [e['result'] for e in entries] == ['revoked', 'revoked']


def test_a_refused_token_stops_the_run_within_a_handful_of_calls(okta_sim):
    running = okta_sim(users=5, sessions_per_user=1)
    ids = ['102fakeSession%011d' % n for n in range(1000)]
    stop = Stop()
    entries = run_bulk(revoker(client_for(running, api_token='revoked-token-0000')), ids, 'session_id', 8, stop=stop)
    assert len(entries) == 1000
    assert api_calls(running) <= 10
    results = [e['result'] for e in entries]
    assert results.count('not_attempted') >= 990 and set(results) == {'failed', 'not_attempted'}
    assert 'Okta refused the credential (HTTP 401' in stop.reason and 'API token' in stop.reason
    assert entries[-1]['msg'].startswith('Not attempted: Okta refused the credential')


def test_an_org_that_cannot_be_reached_stops_the_run_after_three_calls_in_a_row(tmp_path):
    with socket.socket() as closed:
        closed.bind(('127.0.0.1', 0))
        port = closed.getsockname()[1]
    client = OktaClient('http://127.0.0.1:%d' % port, api_token='t', max_retries=1, backoff_base=0.01)
    stop = Stop()
    entries = run_bulk(revoker(client), ['102s%021d' % n for n in range(400)], 'session_id', 1, stop=stop)
    assert [e['result'] for e in entries[:3]] == ['failed'] * 3
    assert set(e['result'] for e in entries[3:]) == {'not_attempted'}
    assert client.requests + client.retries == 6  # three calls, each tried twice
    assert 'could not be reached for 3 calls in a row' in stop.reason


def test_a_stop_mid_run_finishes_the_calls_in_flight_and_records_them(okta_sim, tmp_path):
    running = okta_sim(users=60, sessions_per_user=1, latency_ms=30)
    ids = [s['id'] for s in running.state()['sessions']]
    path = str(tmp_path / 'stopped.jsonl')
    journal = Journal(path, IDENTITY, FINAL)
    stop = Stop()
    client = client_for(running)
    revoke = revoker(client, journal)

    def revoke_then_interrupt(session_id):
        if session_id == ids[20]:
            threading.Timer(0.01, stop, ('interrupted (SIGINT)',)).start()
        return revoke(session_id)

    entries = run_bulk(revoke_then_interrupt, ids, 'session_id', 4, journal=journal, stop=stop)
    journal.close()
    revoked = set(e['session_id'] for e in entries if e['result'] == 'revoked')
    assert 20 < len(revoked) < 60
    assert set(e['result'] for e in entries) == {'revoked', 'not_attempted'}
    # The journal holds exactly what Okta did: every revocation the simulator counted, and no other.
    outcomes = set(r['item'] for r in records(path) if r['event'] == 'outcome' and r['result'] == 'revoked')
    counted = set(r['sessionId'] for r in running.state()['revocations'])
    assert outcomes == revoked == counted


def test_progress_is_recorded_while_the_run_goes_with_an_eta(okta_sim, tmp_path, monkeypatch):
    monkeypatch.setattr(okta_bulk, 'PROGRESS_EVERY_SECONDS', 0.2)
    running = okta_sim(users=40, sessions_per_user=1, latency_ms=40)
    ids = [s['id'] for s in running.state()['sessions']]
    shown = []
    journal = Journal(str(tmp_path / 'progress.jsonl'), IDENTITY, FINAL)
    run_bulk(revoker(client_for(running)), ids, 'session_id', 2, journal=journal, total=len(ids),
             progress=shown.append)
    assert len(shown) >= 4
    assert [r['done'] for r in shown] == sorted(r['done'] for r in shown) and shown[-1]['done'] == 40
    assert any(0 < r['done'] < 40 and r['eta_s'] > 0 and r['total'] == 40 for r in shown)
    assert shown[-1]['counts'] == {'revoked': 40}
    assert len([r for r in records(journal.path) if r['event'] == 'progress']) == len(shown)
