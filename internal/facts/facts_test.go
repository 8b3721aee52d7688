package facts

import (
	"io/fs"
	"regexp"
	"testing"
)

// TestDataFilesAreUsed: every area's package-level
// variable is loaded at init, so merely running this package's tests loads all.
func TestDataFilesAreUsed(t *testing.T) {
	entries, err := fs.ReadDir(data, "data")
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) == 0 {
		t.Fatal("no fact files embedded")
	}
}

var checkedDate = regexp.MustCompile(`^20\d\d-\d\d-\d\d$`)

// checkSource is shared by the per-area tests: every fact carries a source and
// a check date.
func checkSource(t *testing.T, what string, s Source) {
	t.Helper()
	if s.URL == "" || !checkedDate.MatchString(s.Checked) {
		t.Errorf("%s: source must name a URL and a checked date YYYY-MM-DD, got %+v", what, s)
	}
}
