package gorgias

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestTimeReadsBothFormsAndWritesOffsetWithMicroseconds(t *testing.T) {
	want := time.Date(2024, 2, 14, 21, 31, 12, 367230000, time.UTC)
	for _, in := range []string{
		`"2024-02-14T21:31:12.367230+00:00"`,
		`"2024-02-14T21:31:12.367230"`,
		`"2024-02-14T22:31:12.367230+01:00"`,
		`"2024-02-14T21:31:12.36723Z"`,
		`"2024-02-14 21:31:12.367230"`,
	} {
		var got Time
		require.NoError(t, json.Unmarshal([]byte(in), &got), in)
		require.True(t, want.Equal(got.Time), "%s read as %s", in, got)
	}

	out, err := json.Marshal(NewTime(want))
	require.NoError(t, err)
	require.Equal(t, `"2024-02-14T21:31:12.367230+00:00"`, string(out))
	whole, _ := json.Marshal(NewTime(time.Date(2019, 11, 16, 15, 59, 41, 0, time.UTC)))
	require.Equal(t, `"2019-11-16T15:59:41.000000+00:00"`, string(whole))

	var zero Time
	require.NoError(t, json.Unmarshal([]byte(`null`), &zero))
	require.True(t, zero.IsZero())
	require.NoError(t, json.Unmarshal([]byte(`""`), &zero))
	require.True(t, zero.IsZero())
	null, _ := json.Marshal(zero)
	require.Equal(t, "null", string(null))

	require.Error(t, json.Unmarshal([]byte(`"yesterday"`), &zero))
}
