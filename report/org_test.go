package report

import "testing"

func TestParseOrg(t *testing.T) {
	for _, tt := range []struct{ in, want string }{ // want "": an error
		{"https://acme.okta.com", "https://acme.okta.com"},
		{"https://Acme.Okta.com/", "https://acme.okta.com"},
		{" acme.okta.com ", "https://acme.okta.com"},
		{"acme.oktapreview.com/", "https://acme.oktapreview.com"},
		{"https://integrator-1234567.okta.com", "https://integrator-1234567.okta.com"},
		{"https://login.acme.example:8443", "https://login.acme.example:8443"},
		{"Acme Corp (EU)", "Acme Corp (EU)"},
		{"Müller & Söhne", "Müller & Söhne"},
		{"acme", "acme"},
		{"", ""},
		{"   ", ""},
		{"http://acme.okta.com", ""},
		{"ftp://acme.okta.com", ""},
		{"https://admin:pw@acme.okta.com", ""},
		{"https://acme.okta.com/api/v1/users", ""},
		{"https://acme.okta.com?token=x", ""},
		{"https://acme.okta.com#x", ""},
		{"https://acme..okta.com", ""},
		{"https://-acme.okta.com", ""},
		{"https://acme.okta.com:99999x", ""},
		{"https://", ""},
		{"<script>alert(1)</script>", ""},
		{"acme\nSubject: x", ""},
		{"a|b", ""},
		{string(make([]byte, 201)), ""},
	} {
		got, err := ParseOrg(tt.in)
		if tt.want == "" {
			if err == nil {
				t.Errorf("ParseOrg(%q) = %q, want an error", tt.in, got)
			}
			continue
		}
		if err != nil || got != tt.want {
			t.Errorf("ParseOrg(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
}
