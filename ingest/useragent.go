package ingest

import "strings"

// Product names the integration behind a request from its User-Agent, without personal data: the
// first product token of the header (RFC 9110 §10.1.5: product = token ["/" product-version], before
// any comment in parentheses), with its version cut to at most its first two numeric components
// ("okta-sdk-java/8.2.1 java/17" → "okta-sdk-java/8.2", "Terraform/1.6.2 (+https://…)" →
// "Terraform/1.6", "hr-sync/2.1" → "hr-sync/2.1"). A version that does not start with a digit is
// dropped ("golang/go1.22" → "golang"). A browser (a first token of Mozilla) is "browser".
//
// What passes is a short name and at most a major.minor version: not a unique identifier. "" when the
// user agent was not logged; "(unnamed)" when its first token is not an RFC 9110 token, is longer than
// 40 bytes, or looks like an identifier (looksLikeID: a UUID, a hash, an Okta id) or a login (what
// Redact would mask).
func Product(ua string) string {
	ua = strings.TrimSpace(ua)
	if ua == "" || ua == "-" {
		return ""
	}
	end := strings.IndexAny(ua, " \t(")
	if end < 0 {
		end = len(ua)
	}
	tok := ua[:end]
	name, version, _ := strings.Cut(tok, "/")
	if name == "" || len(name) > 40 || !isToken(name) || looksLikeID(name) || Redact(name) != name {
		return "(unnamed)"
	}
	if strings.EqualFold(name, "Mozilla") {
		return "browser"
	}
	if v := numericVersion(version); v != "" {
		return name + "/" + v
	}
	return name
}

// isToken reports whether s is an RFC 9110 token: tchar = "!" / "#" / "$" / "%" / "&" / "'" / "*" /
// "+" / "-" / "." / "^" / "_" / "`" / "|" / "~" / DIGIT / ALPHA.
func isToken(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("!#$%&'*+-.^_`|~", c) >= 0) {
			return false
		}
	}
	return true
}

// looksLikeID reports whether s holds a run of 8 or more hexadecimal characters with a digit among
// them (a UUID, a hash), a run of 12 or more letters and digits with both (an Okta id such as
// 00u1abcdefghijklmnop, a token), or a run of 6 or more digits: no product is named so.
func looksLikeID(s string) bool {
	hexRun, hexDigit, alnumRun, alnumDigit, alnumLetter, digitRun := 0, false, 0, false, false, 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		isDigit := c >= '0' && c <= '9'
		isLetter := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
		if isDigit || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F' {
			hexRun++
			hexDigit = hexDigit || isDigit
		} else {
			hexRun, hexDigit = 0, false
		}
		if isDigit || isLetter {
			alnumRun++
			alnumDigit, alnumLetter = alnumDigit || isDigit, alnumLetter || isLetter
		} else {
			alnumRun, alnumDigit, alnumLetter = 0, false, false
		}
		if isDigit {
			digitRun++
		} else {
			digitRun = 0
		}
		if hexRun >= 8 && hexDigit || alnumRun >= 12 && alnumDigit && alnumLetter || digitRun >= 6 {
			return true
		}
	}
	return false
}

// numericVersion is the first one or two dot-separated numbers at the start of v, each of at most 4
// digits ("8.2.1-rc1" → "8.2", "17" → "17", "2024.10" → "2024.10", "go1.22" → "", "123456" → ""):
// a longer number is an identifier more likely than a version.
func numericVersion(v string) string {
	var kept []string
	for _, part := range strings.SplitN(v, ".", 3) {
		n := 0
		for n < len(part) && part[n] >= '0' && part[n] <= '9' {
			n++
		}
		if n == 0 || n > 4 {
			break
		}
		kept = append(kept, part[:n])
		if n < len(part) || len(kept) == 2 {
			break
		}
	}
	return strings.Join(kept, ".")
}
