package ingest

import (
	"strings"
	"testing"
)

func TestProduct(t *testing.T) {
	for _, tt := range [...]struct{ in, want string }{
		{"okta-sdk-java/8.2.1 java/17.0.2 Linux/5.15", "okta-sdk-java/8.2"},
		{"okta-sdk-java/8", "okta-sdk-java/8"},
		{"Terraform/1.6.2 (+https://www.terraform.io) Terraform-Plugin-SDK/2.10.1 terraform-provider-okta/4.6.1", "Terraform/1.6"},
		{"hr-sync/2.1", "hr-sync/2.1"},
		{"hr-sync/3.1.0 (SCIM bridge) okta-sdk-golang/2.20.0 golang/go1.22.5 linux/amd64", "hr-sync/3.1"},
		{"golang/go1.22.5", "golang"},
		{"curl/8.4.0", "curl/8.4"},
		{"python-requests/2.31.0", "python-requests/2.31"},
		{"Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/129.0.0.0 Safari/537.36", "browser"},
		{"okta-auth-js/7.5.1", "okta-auth-js/7.5"},
		{"release-tool/2024.10.3", "release-tool/2024.10"},
		{"", ""},
		{"-", ""},
		{"  ", ""},
		// Hostile agents: nothing personal or unique passes.
		{"sync-bot (jane@example.com)", "sync-bot"},
		{"jane.doe@example.com/1.0", "(unnamed)"},
		{"jane%40example.com/1.0", "(unnamed)"},
		{"client-3f2a9c1e7b/1.0", "(unnamed)"},
		{"3f2a9c1e-7b4d-4e2a-9c1e-7b4d4e2a9c1e", "(unnamed)"},
		{"00u1abcdefghijklmnop/2.0", "(unnamed)"},
		{"app/123456789", "app"},
		{"app/1.123456", "app/1"},
		{"app/8.2-build.8f3a2b1c9d", "app/8.2"},
		{"Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", "Bearer"},
		{"token=abcdef/1.0", "(unnamed)"},
		{"<script>/1.0", "(unnamed)"},
		{"(comment only)", "(unnamed)"},
		{strings.Repeat("a", 41) + "/1", "(unnamed)"},
		{"employee-12345678-laptop/1.0", "(unnamed)"},
	} {
		if got := Product(tt.in); got != tt.want {
			t.Errorf("Product(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

// FuzzProduct checks that whatever the user agent, the product is a short RFC 9110 token with at most
// a two-part numeric version, one of the fixed names, or empty; and nothing Redact would mask.
func FuzzProduct(f *testing.F) {
	for _, s := range []string{"okta-sdk-java/8.2.1 java/17", "Mozilla/5.0 (X11)", "jane@example.com", "a/1.2.3", "x/0000000", "Bearer abc"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, ua string) {
		p := Product(ua)
		switch p {
		case "", "browser", "(unnamed)":
			return
		}
		name, version, _ := strings.Cut(p, "/")
		if !isToken(name) || len(name) > 40 || looksLikeID(name) || Redact(p) != p {
			t.Fatalf("Product(%q) = %q", ua, p)
		}
		if version != "" && (strings.Count(version, ".") > 1 || strings.Trim(version, "0123456789.") != "") {
			t.Fatalf("Product(%q) = %q: version %q", ua, p, version)
		}
	})
}
