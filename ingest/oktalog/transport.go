package oktalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strconv"
	"time"
)

// transport sends the fetcher's requests to one org: every request through the credential, every
// retry bounded, the logs bucket's requests through the governor.
type transport struct {
	client    *http.Client
	org       *url.URL // scheme and host only
	clock     Clock
	userAgent string
	cred      Credential
	rand      func() float64 // in [0, 1), for jitter
	maxTries  int
	timeout   time.Duration // per request, body included
	gov       *governor
	onWait    func(d time.Duration, why string) // told before every wait, d > 0

	requests int // requests sent (all endpoints, token requests aside)
}

// maxBody bounds a response body read into memory (a page of 1,000 events is a few MB).
const maxBody = 256 << 20

// backoff is the wait before retry number attempt (1-based) after a server or network error:
// 1 s doubling to at most 60 s, each drawn uniformly from its upper half.
func (t *transport) backoff(attempt int) time.Duration {
	d := time.Second << min(attempt-1, 6)
	d = min(d, 60*time.Second)
	return d/2 + time.Duration(t.rand()*float64(d/2))
}

// jitter is the random wait added after a 429's Reset, up to one second, so that clients throttled
// together do not return together.
func (t *transport) jitter() time.Duration { return time.Duration(t.rand() * float64(time.Second)) }

// sleep waits d, telling onWait why first.
func (t *transport) sleep(ctx context.Context, d time.Duration, why string) error {
	if d <= 0 {
		return ctx.Err()
	}
	if t.onWait != nil {
		t.onWait(d, why)
	}
	return t.clock.Sleep(ctx, d)
}

// oktaError is the body of an Okta API error.
type oktaError struct {
	Code    string `json:"errorCode"`
	Summary string `json:"errorSummary"`
}

// describe renders a refused response's status and Okta's error code and summary.
func describe(resp *http.Response, body []byte) string {
	var oe oktaError
	if json.Unmarshal(body, &oe) == nil && oe.Code != "" {
		return fmt.Sprintf("%s: %s %s", resp.Status, oe.Code, oe.Summary)
	}
	return resp.Status
}

// retryable is a failure worth another try.
type retryable struct{ msg string }

// Error returns the failure's description.
func (r retryable) Error() string { return r.msg }

// get sends GET u and returns the body of its 200 response, which check accepts (check may be
// nil). It retries, up to maxTries requests in all: a 429 after the window's Reset plus jitter;
// a 5xx, a timeout, a dropped connection, a truncated body or one check refuses after an
// exponential backoff; a DPoP nonce challenge or an expired token at once. Governed requests (the
// logs bucket) wait for the governor first. A 401 or 403 is an *AuthError.
func (t *transport) get(ctx context.Context, u *url.URL, governed bool, check func([]byte) error) ([]byte, http.Header, error) {
	var last error
	for attempt := 1; attempt <= t.maxTries; attempt++ {
		if governed {
			if d, why := t.gov.wait(); d > 0 {
				if err := t.sleep(ctx, d, why); err != nil {
					return nil, nil, err
				}
			}
		}
		body, h, wait, err := t.once(ctx, u, governed, check)
		if err == nil {
			return body, h, nil
		}
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		var r retryable
		if !errors.As(err, &r) {
			return nil, nil, err
		}
		last = err
		if attempt == t.maxTries {
			break
		}
		why := "retrying after " + r.msg
		if wait < 0 {
			wait = t.backoff(attempt)
		}
		if err := t.sleep(ctx, wait, why); err != nil {
			return nil, nil, err
		}
	}
	return nil, nil, fmt.Errorf("GET %s: gave up after %d tries: %w", u.Path, t.maxTries, last)
}

// once sends one request. A retryable error comes with the wait before the next try (-1: the
// exponential backoff).
func (t *transport) once(ctx context.Context, u *url.URL, governed bool, check func([]byte) error) ([]byte, http.Header, time.Duration, error) {
	rctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(rctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return nil, nil, 0, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", t.userAgent)
	if err := t.cred.authorize(ctx, t, req); err != nil {
		return nil, nil, 0, err
	}
	// net/http resends a GET by itself when a reused connection closes before any answer: each
	// write is a request Okta may have counted, so each extra one is accounted for here.
	writes := 0
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), &httptrace.ClientTrace{WroteRequest: func(httptrace.WroteRequestInfo) { writes++ }}))
	resp, err := t.client.Do(req)
	t.requests += max(1, writes)
	if governed {
		for range writes - 1 {
			t.gov.observe(nil)
		}
	}
	if err != nil {
		if governed {
			t.gov.observe(nil)
		}
		if errors.Is(err, errNoRedirect) {
			return nil, nil, 0, fmt.Errorf("GET %s: %w", u.Path, errNoRedirect)
		}
		return nil, nil, -1, retryable{"no answer (" + redactURLError(err) + ")"}
	}
	body, rerr := io.ReadAll(io.LimitReader(resp.Body, maxBody))
	resp.Body.Close()
	if governed {
		t.gov.observe(resp.Header)
	}
	switch {
	case resp.StatusCode == http.StatusOK:
		if rerr != nil {
			return nil, nil, -1, retryable{fmt.Sprintf("a truncated response body (%d bytes read: %s)", len(body), redactURLError(rerr))}
		}
		if check != nil {
			if err := check(body); err != nil {
				return nil, nil, -1, retryable{fmt.Sprintf("a malformed or truncated page (%d bytes: %v)", len(body), err)}
			}
		}
		return body, resp.Header, 0, nil
	case resp.StatusCode == http.StatusTooManyRequests:
		wait := t.gov.untilReset(resp.Header)
		if readRateHeaders(resp.Header).ok {
			wait += t.jitter()
		} else {
			wait = -1
		}
		return nil, nil, wait, retryable{"HTTP 429 Too Many Requests"}
	case resp.StatusCode >= 500:
		wait := time.Duration(-1)
		if s, err := strconv.Atoi(resp.Header.Get("Retry-After")); err == nil && s >= 0 {
			wait = min(time.Duration(s)*time.Second, 5*time.Minute)
		}
		return nil, nil, wait, retryable{"HTTP " + resp.Status}
	case (resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusBadRequest) && t.cred.retry(resp):
		return nil, nil, 0, retryable{"an authentication challenge (" + resp.Status + " " + resp.Header.Get("WWW-Authenticate") + ")"}
	case resp.StatusCode == http.StatusUnauthorized || resp.StatusCode == http.StatusForbidden:
		return nil, nil, 0, &AuthError{Credential: t.cred.String(), Status: resp.StatusCode, Path: u.Path, Detail: describe(resp, body), Hint: t.cred.needs(u.Path)}
	}
	return nil, nil, 0, fmt.Errorf("GET %s: %s", u.Path, describe(resp, body))
}

// redactURLError reduces a client error to its cause, without the request URL it wraps.
func redactURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return "timed out"
	}
	return err.Error()
}
