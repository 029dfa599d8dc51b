package store

import "testing"

func TestCompareVersions(t *testing.T) {
	for _, c := range []struct {
		a, b string
		sign int
	}{{"0.8.0", "0.8.0", 0}, {"0.7.4", "0.8.0", -1}, {"0.10.1", "0.8.0", 1}, {"0.8", "0.8.0", 0}, {"1.0.0", "0.8.7", 1}} {
		got := compareVersions(c.a, c.b)
		if (got > 0) != (c.sign > 0) || (got < 0) != (c.sign < 0) {
			t.Errorf("compareVersions(%q, %q) = %d, want sign %d", c.a, c.b, got, c.sign)
		}
	}
}
