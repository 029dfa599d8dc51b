// Package jobs holds Deskmate's River workers (one file per job kind) and the
// River client setup shared by `deskmate serve` and `deskmate worker`. Workers
// call domain packages; they never talk HTTP.
package jobs
