# -*- coding: utf-8 -*-
# Copyright (c) identity.okta contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one HTTP client every identity.okta module talks to Okta through.

It owns authentication, TLS, timeouts, retries, rate limits, error mapping,
pagination and bounded concurrency, so that modules only state what they want.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import platform
import re
import threading
import time

try:
    from urllib.parse import quote, urlsplit
except ImportError:  # pragma: no cover - Python 2 is not supported, keeps the import sanity test calm
    from urllib import quote  # type: ignore
    from urlparse import urlsplit  # type: ignore

from ansible_collections.identity.okta.plugins.module_utils.okta_auth import HeaderAuth, PrivateKeyJwtAuth, load_private_key
from ansible_collections.identity.okta.plugins.module_utils.okta_config import PRIVATE_KEY, resolve
from ansible_collections.identity.okta.plugins.module_utils.okta_errors import OktaApiError, OktaConfigError, OktaLinkError
from ansible_collections.identity.okta.plugins.module_utils.okta_rate_limit import InFlightGate, RateLimiter, bucket_for, int_header
from ansible_collections.identity.okta.plugins.module_utils.okta_retry import RetryPolicy

try:
    import requests
    from requests.adapters import HTTPAdapter
    from urllib3.exceptions import HTTPError as TransportError
    HAS_REQUESTS = True
    REQUESTS_IMPORT_ERROR = None
except ImportError as exc:  # pragma: no cover - exercised only without requests
    HAS_REQUESTS = False
    REQUESTS_IMPORT_ERROR = exc

COLLECTION_VERSION = '0.1.0'  # galaxy.yml's version (test_okta_client checks that they agree)
_TRY_AGAIN = object()  # what _body() gives for an unreadable answer the retry policy repeats

LOOPBACK_NAMES = ('localhost',)
DEFAULT_PORTS = {'https': 443, 'http': 80}
_CONTROL = re.compile(r'[\x00-\x20\x7f]')
HOST_NAME = re.compile(r'^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?$')
MAX_TIMEOUT_SECONDS = 3600
MAX_RETRIES = 20
MAX_CONCURRENCY = 64


def validate_org_url(org_url):
    """Return the org's origin, normalised (lower-case scheme and host, no default port), or raise OktaConfigError."""
    if not org_url:
        raise OktaConfigError('org_url', 'org_url is required (or set OKTA_CLIENT_ORGURL / OKTA_ORG_URL).')
    try:
        parts = urlsplit(org_url)
    except ValueError as exc:  # an unbalanced IPv6 bracket
        raise OktaConfigError('org_url', 'org_url is not a URL (%s): %r.' % (exc, org_url))
    if parts.scheme.lower() not in ('https', 'http') or not parts.hostname:
        raise OktaConfigError('org_url', 'org_url must be an absolute https:// URL such as https://example.okta.com, got %r.' % org_url)
    if parts.username is not None or parts.password is not None:
        raise OktaConfigError('org_url', 'org_url must not contain a user name or password.')
    if not _is_host_name(parts.hostname):
        # Anything else (a backslash, %-escapes, spaces) may be read as another host by the HTTP library.
        raise OktaConfigError('org_url', 'org_url must name its host with letters, digits, "-" and "." only, or an IP '
                                         'address, got %r.' % parts.hostname)
    if parts.path not in ('', '/') or parts.query or parts.fragment:
        raise OktaConfigError('org_url', 'org_url must be the bare org address (for example https://example.okta.com), '
                                         'without a path, query or fragment.')
    try:
        port = parts.port
    except ValueError:
        raise OktaConfigError('org_url', 'org_url has a port that is not a number from 1 to 65535: %r.' % org_url)
    if port == 0:
        raise OktaConfigError('org_url', 'org_url has a port that is not a number from 1 to 65535: %r.' % org_url)
    if parts.scheme.lower() == 'http' and not is_loopback_host(parts.hostname):
        raise OktaConfigError('org_url', 'org_url must use https://; plain http:// is accepted only for loopback hosts '
                                         '(127.0.0.0/8, ::1, localhost), got host %r.' % parts.hostname)
    return origin(org_url)


def _is_host_name(host):
    try:
        ipaddress.ip_address(host)
        return True
    except ValueError:
        return bool(HOST_NAME.match(host))


def origin(url):
    """``scheme://host[:port]`` of ``url`` as a browser compares origins: lower case, the default port left out."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    host = (parts.hostname or '').lower()
    if ':' in host:
        host = '[%s]' % host
    port = parts.port
    if port is not None and port != DEFAULT_PORTS.get(scheme):
        host = '%s:%d' % (host, port)
    return '%s://%s' % (scheme, host)


def is_loopback_host(host):
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def api_path(template, *params):
    """Fill a path template with URL-encoded parameters.

    Every parameter is encoded with no safe characters, so an id such as
    ``../users/x`` stays one path segment and cannot reach another endpoint.
    """
    return template.format(*[_path_segment(p) for p in params])


def _path_segment(value):
    value = str(value)
    # No Okta id or login is '.' or '..', and URL normalisation would resolve them to another endpoint.
    if value in ('.', '..'):
        raise OktaApiError('%r is not a valid Okta id or login.' % value)
    return quote(value, safe='')


def user_agent(ansible_version=None):
    parts = ['identity.okta/%s' % COLLECTION_VERSION]
    if ansible_version:
        parts.append('ansible-core/%s' % ansible_version)
    parts.append('python/%s' % platform.python_version())
    return ' '.join(parts)


def _certificate_refused(exc):
    """Whether the TLS certificate failed verification: that fails again, so it is never retried."""
    return isinstance(exc, requests.exceptions.SSLError) and 'certificate verify failed' in str(exc).lower()


class OktaClient:
    """A connection to one Okta org, shared by all threads of one module run."""

    def __init__(self, org_url, api_token=None, access_token=None, private_key_jwt=None, validate_certs=True,
                 ca_path=None, timeout=30, max_retries=4, max_api_share=1.0, concurrency=1, ansible_version=None,
                 backoff_base=0.5, sleep=time.sleep):
        """``private_key_jwt``: dict(client_id, private_key (a loaded RSA key), scopes, key_id)."""
        if not HAS_REQUESTS:
            raise OktaConfigError('requests', 'The Python library requests is required: %s' % REQUESTS_IMPORT_ERROR)
        self.base_url = validate_org_url(org_url)
        credentials = len([c for c in (api_token, access_token, private_key_jwt) if c])
        if credentials != 1:
            raise OktaConfigError('api_token', 'Exactly one credential is required: set api_token, access_token or '
                                               'client_id with private_key, not %s.' % ('several' if credentials else 'none'))
        if not 0 <= max_retries <= MAX_RETRIES:
            raise OktaConfigError('max_retries', 'max_retries must be from 0 to %d, got %s.' % (MAX_RETRIES, max_retries))
        if not 0 < timeout <= MAX_TIMEOUT_SECONDS:  # also refuses NaN and infinity
            raise OktaConfigError('timeout', 'timeout must be a number of seconds above 0 and at most %d, got %s.'
                                  % (MAX_TIMEOUT_SECONDS, timeout))
        if not 0 < max_api_share <= 1:
            raise OktaConfigError('max_api_share', 'max_api_share must be greater than 0 and at most 1, got %s.'
                                  % max_api_share)
        if not 1 <= concurrency <= MAX_CONCURRENCY:
            raise OktaConfigError('concurrency', 'concurrency must be between 1 and %d, got %s.'
                                  % (MAX_CONCURRENCY, concurrency))
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff_base = backoff_base
        self._sleep = sleep
        self.rate_limiter = RateLimiter(max_share=max_api_share, sleep=sleep)
        self.in_flight = InFlightGate(concurrency)
        self._stats_lock = threading.Lock()
        self.retries = 0
        self.requests = 0
        self.call_seconds = None  # the latency of a call, a moving average

        self.session = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=max(10, concurrency), max_retries=0)
        self.session.mount('https://', adapter)
        self.session.mount('http://', adapter)
        # Passed with every request, never only set on the session: requests lets REQUESTS_CA_BUNDLE and
        # CURL_CA_BUNDLE override a session's verify, and the task's ca_path / validate_certs must win.
        self.verify = (ca_path or True) if validate_certs else False
        self.session.verify = self.verify
        self.session.headers.update({'Accept': 'application/json', 'User-Agent': user_agent(ansible_version)})
        if private_key_jwt:
            self.session.auth = PrivateKeyJwtAuth(self, **private_key_jwt)
        else:
            self.session.auth = HeaderAuth(('SSWS %s' % api_token) if api_token else ('Bearer %s' % access_token))

    def close(self):
        self.session.close()

    def _count(self, retried=False):
        with self._stats_lock:
            if retried:
                self.retries += 1
            else:
                self.requests += 1

    def _time_call(self, seconds):
        with self._stats_lock:
            self.call_seconds = seconds if self.call_seconds is None else 0.9 * self.call_seconds + 0.1 * seconds

    def estimate_seconds(self, needed):
        """How long the calls ``needed`` ({bucket: calls}) take within Okta's rate limits (RateLimiter), with the
        calls in flight this run may have and their latency; None before any answer told a limit."""
        if not self.call_seconds:
            return None
        return self.rate_limiter.estimate_seconds(needed, self.in_flight.limit / max(self.call_seconds, 0.001))

    def _url(self, path_or_url):
        if path_or_url.startswith('/'):
            return self.base_url + path_or_url
        # Pagination links are absolute; never send our credential to another origin.
        try:
            parts = urlsplit(path_or_url)
            same = origin(path_or_url) == self.base_url
        except ValueError:
            raise OktaLinkError('Okta returned a link that is not a URL (%r); refusing to follow it.' % path_or_url[:200])
        # A user name, a backslash or a control character can make the HTTP library read another host
        # than urlsplit does: only a plain link to the org itself is followed.
        if not same or parts.username is not None or '\\' in path_or_url or _CONTROL.search(path_or_url):
            raise OktaLinkError('Okta returned a link to another origin (%s); refusing to follow it.'
                                % parts.netloc[:200])
        return path_or_url

    def request(self, method, path, bucket=None, params=None, json=None, idempotent=True, form=None, **send):
        """Send one API call; return ``(response, body)`` of a 2xx answer, body parsed from JSON.

        ``bucket`` is Okta's rate-limit bucket (okta_rate_limit.bucket_for, from the path
        template). What is retried, and after how long, is okta_retry.RetryPolicy's: a 429 always
        (Okta did nothing), 5xx and connection errors only when ``idempotent`` (a session creation
        is not: its single-use token may already be spent). ``form`` gives the form body of each
        attempt (a client assertion must be new every time). A 401 to an OAuth access token this
        client obtained renews the token once.
        """
        url = self._url(path)
        shown_path = urlsplit(url).path
        bucket = bucket or bucket_for(method, shown_path)
        policy = RetryPolicy(self.max_retries, self.backoff_base, idempotent)
        renewed = retrying = False
        while True:
            self.rate_limiter.acquire(bucket)
            self._count(retried=retrying)
            retrying = True
            response = self._attempt(method, url, shown_path, policy, idempotent, (params, json, form, send))
            if response is None:
                continue  # a connection error, waited out
            if response.status_code == 401 and not renewed and 'auth' not in send and getattr(self.session.auth, 'renew', None):
                # An access token can expire or be revoked mid-run: get a new one, once per call.
                renewed = True
                self.session.auth.renew(response.request.headers.get('Authorization'))
                continue
            retry = self._retry_after_answer(policy, response, bucket)
            if retry is not None:
                self._wait(retry)
                continue
            if response.status_code >= 300:
                raise self._error_from(method, shown_path, response)
            self.in_flight.succeeded()
            body = self._body(method, shown_path, response, policy)
            if body is not _TRY_AGAIN:
                return response, body

    def _attempt(self, method, url, shown_path, policy, idempotent, request):
        """The answer to one attempt, or None when it met a connection error that the policy retries (after the
        wait); OktaApiError when it does not."""
        try:
            return self._send(method, url, *request)
        except (requests.exceptions.RequestException, TransportError) as exc:
            # urllib3's own errors: requests lets some through unwrapped (a 3xx body cut short, say).
            retry = policy.after_connection_error(not isinstance(exc, requests.exceptions.ConnectTimeout),
                                                  _certificate_refused(exc))
            if retry is None:
                raise OktaApiError(self._connection_message(method, shown_path, exc, idempotent),
                                   method=method, path=shown_path)
            self._wait(retry)
            return None
        except (UnicodeDecodeError, ValueError) as exc:  # after RequestException, some of which are ValueErrors
            # requests reads a 3xx answer's Location even when it does not follow it.
            raise OktaApiError('Okta answered %s %s with a redirect whose Location cannot be read (%s); not followed.'
                               % (method, shown_path, exc.__class__.__name__), method=method, path=shown_path)

    def _body(self, method, shown_path, response, policy):
        """The 2xx answer's body parsed from JSON (None when empty), or _TRY_AGAIN when it cannot be read and the
        policy repeats the call (after the wait)."""
        try:
            return response.json() if response.content else None
        except (ValueError, RecursionError):
            # A body cut short by a proxy or a dropped connection: the call may be repeated if safe.
            retry = policy.after_unreadable_body()
            if retry is None:
                raise OktaApiError('Okta answered %s %s with HTTP %s but a body that is not valid JSON (%d bytes).'
                                   % (method, shown_path, response.status_code, len(response.content)),
                                   status=response.status_code, method=method, path=shown_path,
                                   request_id=response.headers.get('X-Okta-Request-Id'))
            self._wait(retry)
            return _TRY_AGAIN

    def _send(self, method, url, params, json, form, send):
        with self.in_flight:
            sent = time.time()
            response = self.session.request(method, url, params=params, json=json, timeout=self.timeout,
                                            allow_redirects=False, verify=self.verify,
                                            data=form() if form else None, **send)
            self._time_call(time.time() - sent)
            return response

    def _retry_after_answer(self, policy, response, bucket):
        """Whether (and after how long) to send the call again after Okta's answer; None to take the answer."""
        if response.status_code == 429 and self._over_concurrency(response.headers):
            # Too many calls in flight for the org, not too many in the window: send fewer at once.
            self.in_flight.too_many()
            retry = policy.after_too_many_in_flight()
            if retry is not None:
                return retry
        self.rate_limiter.update(bucket, response.headers)
        if response.status_code == 429:
            return policy.after_rate_limited(self.rate_limiter.seconds_until_reset(response.headers), bucket)
        return policy.after_status(response.status_code)

    def _wait(self, retry):
        if retry.bucket is not None:
            self.rate_limiter.wait(retry.bucket, retry.seconds)  # shown in the progress lines as a rate-limit wait
        else:
            self._sleep(retry.seconds)

    @staticmethod
    def _over_concurrency(headers):
        """Whether a 429 is Okta's cap on calls in flight rather than the bucket's rate limit: for those,
        "the first two header values are always 0" (Okta, "Rate limit best practices")."""
        return int_header(headers, 'X-Rate-Limit-Limit') == 0 and int_header(headers, 'X-Rate-Limit-Remaining') == 0

    @staticmethod
    def _connection_message(method, path, exc, idempotent):
        message = 'Could not reach Okta for %s %s: %s' % (method, path, exc.__class__.__name__)
        # requests wraps urllib3's error, whose text starts with a misleading "Max retries exceeded".
        cause = exc.args[0] if exc.args else None
        detail = str(getattr(cause, 'reason', None) or cause or '')
        if detail:
            message += ' (%s)' % detail
        if _certificate_refused(exc):
            message += ('. The certificate of org_url is not trusted: check org_url, or give the CA that signed '
                        'it with ca_path')
        elif not idempotent:
            message += '. The request may or may not have been processed and was not retried.'
        return message

    @staticmethod
    def _error_from(method, path, response):
        request_id = response.headers.get('X-Okta-Request-Id')
        try:
            body = response.json()
        except (ValueError, RecursionError):
            body = None
        if isinstance(body, dict) and 'error' in body and 'errorCode' not in body:
            # The OAuth endpoints answer with RFC 6749 errors.
            body = {'errorCode': body.get('error'), 'errorSummary': body.get('error_description') or body.get('error')}
        if not isinstance(body, dict) or 'errorCode' not in body:
            snippet = ' '.join((response.text or '').split())[:200]
            message = 'Okta returned HTTP %s for %s %s with a non-JSON body' % (response.status_code, method, path)
            message += (': %s' % snippet) if snippet else ' (empty body)'
            if 300 <= response.status_code < 400:
                message = 'Okta answered %s %s with an unexpected redirect (HTTP %s) to %s; not followed.' % (
                    method, path, response.status_code, response.headers.get('Location'))
            return OktaApiError(message, status=response.status_code, method=method, path=path,
                                request_id=request_id)
        causes = body.get('errorCauses')
        causes = [c.get('errorSummary') for c in causes if isinstance(c, dict)] if isinstance(causes, list) else []
        message = 'Okta returned HTTP %s for %s %s: %s (%s)' % (
            response.status_code, method, path, body.get('errorSummary'), body.get('errorCode'))
        if causes:
            message += ': ' + '; '.join(str(c) for c in causes)
        return OktaApiError(message, status=response.status_code, method=method, path=path,
                            error_code=body.get('errorCode'), error_summary=body.get('errorSummary'),
                            error_link=body.get('errorLink'), error_id=body.get('errorId'),
                            error_causes=causes, request_id=request_id)

    def get(self, template, *path_params, **kwargs):
        return self.request('GET', api_path(template, *path_params), bucket=bucket_for('GET', template), **kwargs)[1]

    def post(self, template, *path_params, **kwargs):
        return self.request('POST', api_path(template, *path_params), bucket=bucket_for('POST', template), **kwargs)[1]

    def put(self, template, *path_params, **kwargs):
        return self.request('PUT', api_path(template, *path_params), bucket=bucket_for('PUT', template), **kwargs)[1]

    def delete(self, template, *path_params, **kwargs):
        """Delete; return Okta's request id of the answer, for the incident record."""
        response = self.request('DELETE', api_path(template, *path_params), bucket=bucket_for('DELETE', template),
                                **kwargs)[0]
        return response.headers.get('X-Okta-Request-Id')

    def paginate(self, template, *path_params, **kwargs):
        """Yield every item of a list endpoint, following ``Link: rel="next"``."""
        bucket = bucket_for('GET', template)
        url = api_path(template, *path_params)
        params = kwargs.pop('params', None)
        while url:
            response, page = self.request('GET', url, bucket=bucket, params=params, **kwargs)
            if not isinstance(page, list) or not all(isinstance(item, dict) for item in page):
                raise OktaApiError('Okta answered GET %s with a page that is not a JSON array of objects.'
                                   % urlsplit(url).path, status=response.status_code, method='GET',
                                   path=urlsplit(url).path, request_id=response.headers.get('X-Okta-Request-Id'))
            yield from page
            url = response.links.get('next', {}).get('url')
            params = None  # the next link carries the query
            response = page = None  # one page in memory at a time: not this one while the next is read


def client_from_settings(settings, default_scopes=(), **options):
    """Resolve connection settings as Okta's SDKs do (okta_config.resolve) and open a client on them.

    Returns ``(client, resolved)``, ``resolved`` the okta_config.Settings; ``options`` go to OktaClient. Errors name each setting's source.
    """
    resolved = resolve(settings, default_scopes=default_scopes)
    private_key_jwt = None
    if resolved.authorization_mode == PRIVATE_KEY:
        try:
            key = load_private_key(resolved.private_key)
        except ValueError as exc:
            raise OktaConfigError('private_key', '%s %s.' % (resolved.where('private_key'), exc))
        private_key_jwt = dict(client_id=resolved.client_id, key=key, scopes=resolved.scopes,
                               key_id=resolved.key_id)
    try:
        client = OktaClient(resolved.org_url, api_token=resolved.api_token, access_token=resolved.access_token,
                            private_key_jwt=private_key_jwt, **options)
    except OktaConfigError as exc:
        if exc.field == 'org_url' and resolved.org_url:
            raise OktaConfigError('org_url', str(exc).replace('org_url', resolved.where('org_url'), 1))
        raise
    return client, resolved
