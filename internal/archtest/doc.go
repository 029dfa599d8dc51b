// Package archtest holds no code: its test checks Deskmate's package
// dependency rules (which layer may import which) on every test run.
package archtest
