package store_test

import (
	"testing"

	"github.com/gokinjo/platform/services/api/internal/pgtest"
)

func TestMain(m *testing.M) { pgtest.Main(m) }
