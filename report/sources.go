package report

import "github.com/ratecard/ratecard/classify"

// The public Okta pages the customer-facing text relies on. Every fact the report, summary.md and the
// request pack state about Okta's rules is said with the page it comes from, so the text stands on its
// own when attached to a support case.
var (
	// oktaIncreaseKB: a support case at least 15 business days ahead; each request reviewed on its own;
	// a request of 5× the default or more, or repeated temporary increases, on endpoints DynamicScale
	// or the Workforce multiplier covers may be denied and sent to the account team; administrative
	// endpoints less likely to be approved.
	oktaIncreaseKB = classify.Source{Title: "How to Request a Rate Limit Increase", URL: "https://support.okta.com/help/s/article/how-to-request-a-rate-limit-increase"}
	// oktaIncrease: DynamicScale, a purchased multiplier from 5× to 1000× of the default limits of
	// authentication and authorization endpoints, for Customer Identity; the Workforce license
	// multiplier.
	oktaIncrease = classify.Source{Title: "Increase your rate limits", URL: "https://developer.okta.com/docs/reference/rl2-increase/"}
	// oktaBurst: burst rate limits, 5× on authentication and authorization buckets; warning, burst and
	// violation events.
	oktaBurst = classify.Source{Title: "Burst rate limits", URL: "https://developer.okta.com/docs/reference/rl2-burst/"}
	// oktaTokenShare: each API token and OAuth 2.0 app may use 50 % of a bucket by default.
	oktaTokenShare = classify.Source{Title: "Token and OAuth 2.0 app rate limits", URL: "https://developer.okta.com/docs/reference/rl2-token-oauth/"}
)
