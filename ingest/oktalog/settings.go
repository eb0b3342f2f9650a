package oktalog

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"time"
)

// Settings are the org's rate-limit settings, as Okta's Rate Limit Settings API returns them,
// saved as SettingsName beside the segments. A setting the credential may not read is listed in
// Unreadable with Okta's answer.
type Settings struct {
	Org     string    `json:"org"`
	Fetched time.Time `json:"fetched"`
	// WarningThreshold is the org's warning threshold in percent of a limit (Okta's default is
	// 60, and 90 for Workforce orgs); 0 when it could not be read.
	WarningThreshold   int             `json:"warning_threshold,omitempty"`
	AdminNotifications json.RawMessage `json:"admin_notifications,omitempty"` // GET …/admin-notifications
	PerClient          json.RawMessage `json:"per_client,omitempty"`          // GET …/per-client
	WarningResponse    json.RawMessage `json:"warning_threshold_response,omitempty"`
	Unreadable         []string        `json:"unreadable,omitempty"`
}

// ReadSettings reads dir's saved rate-limit settings; nil and no error when there are none.
func ReadSettings(dir string) (*Settings, error) {
	b, err := readOptional(dir, SettingsName)
	if b == nil || err != nil {
		return nil, err
	}
	var s Settings
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, fmt.Errorf("%s: %w", filepath.Join(dir, SettingsName), err)
	}
	return &s, nil
}

// settingsPaths are the Rate Limit Settings API's three read endpoints.
var settingsPaths = []string{
	"/api/v1/rate-limit-settings/admin-notifications",
	"/api/v1/rate-limit-settings/per-client",
	"/api/v1/rate-limit-settings/warning-threshold",
}

// settings reads the org's rate-limit settings once per directory (a resumed fetch keeps the
// saved ones) and saves them. These requests are in another bucket than the logs and are not
// governed; the API's refusal (401, 403) is recorded and saved, not an error: the fetch goes on
// without them. Any other failure (no access token, the network) is reported but not saved, so
// that the next run asks again; a failure to get an access token stops asking at once.
func (f *fetcher) settings(ctx context.Context) *Settings {
	if s, err := ReadSettings(f.opt.Dir); err == nil && s != nil {
		return s
	}
	s := &Settings{Org: f.opt.Org.String(), Fetched: f.opt.Clock.Now().UTC()}
	save := true
	for i, p := range settingsPaths {
		u := f.opt.Org.JoinPath(p)
		body, _, err := f.t.get(ctx, u, false, func(b []byte) error {
			if !json.Valid(b) {
				return errors.New("not JSON")
			}
			return nil
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			var ae *AuthError
			if errors.As(err, &ae) && ae.Path != "" {
				s.Unreadable = append(s.Unreadable, fmt.Sprintf("%s: %s", p, ae.Detail))
				continue
			}
			s.Unreadable = append(s.Unreadable, fmt.Sprintf("%s: %v", p, err))
			save = false
			if ae != nil {
				break // the token endpoint refused the app: the fetch will say so
			}
			continue
		}
		switch i {
		case 0:
			s.AdminNotifications = body
		case 1:
			s.PerClient = body
		case 2:
			s.WarningResponse = body
			var w struct {
				WarningThreshold int `json:"warningThreshold"`
			}
			if json.Unmarshal(body, &w) == nil && w.WarningThreshold > 0 && w.WarningThreshold <= 100 {
				s.WarningThreshold = w.WarningThreshold
			}
		}
	}
	if !save {
		return s
	}
	b, err := json.MarshalIndent(s, "", "  ")
	if err == nil {
		err = writeFileAtomic(filepath.Join(f.opt.Dir, SettingsName), append(b, '\n'))
	}
	if err != nil {
		s.Unreadable = append(s.Unreadable, "saving: "+err.Error())
	}
	return s
}
