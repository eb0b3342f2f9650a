package ingest

import (
	"encoding/json"
	"strconv"
	"strings"
)

// Values decoded by encoding/json (into any), as the JSON formats read them: keys found ignoring
// case, scalars rendered as strings.

// lookupFold returns m[key], or the value of the first key equal to key under Unicode case folding.
func lookupFold(m map[string]any, key string) any {
	if v, ok := m[key]; ok {
		return v
	}
	for k, v := range m {
		if strings.EqualFold(k, key) {
			return v
		}
	}
	return nil
}

// anyString renders a decoded JSON scalar as a string: strings as they are, numbers in decimal,
// booleans as "true"/"false"; "" for null, objects and arrays.
func anyString(v any) string {
	switch v := v.(type) {
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case json.Number:
		return v.String()
	case bool:
		return strconv.FormatBool(v)
	}
	return ""
}
