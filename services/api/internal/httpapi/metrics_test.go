package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestMetricsUseRouteTemplates(t *testing.T) {
	srv := newServer(t, fixture(t))
	for _, p := range []string{"/v1/areas/13101/000101/schools", "/v1/areas/13101/000102/schools",
		"/v1/schools/1/safety-score", "/v1/areas/13199/000101/schools", "/some/random/path"} {
		get(t, srv.URL, p)
	}
	res, err := http.Get(srv.URL + "/metrics")
	must(t, err)
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	must(t, err)
	text := string(b)

	for _, want := range []string{
		`gokinjo_http_requests_total{code="200",method="GET",route="/v1/areas/{ward_code}/{town_code}/schools"} 2`,
		`gokinjo_http_requests_total{code="404",method="GET",route="/v1/areas/{ward_code}/{town_code}/schools"} 1`,
		`gokinjo_http_requests_total{code="200",method="GET",route="/v1/schools/{id}/safety-score"} 1`,
		`gokinjo_http_requests_total{code="404",method="GET",route="unmatched"} 1`,
		`gokinjo_http_request_duration_seconds_bucket{method="GET",route="/v1/schools/{id}/safety-score",le="2"} 1`,
		`gokinjo_http_request_duration_seconds_bucket{method="GET",route="/v1/schools/{id}/safety-score",le="0.005"}`,
		`gokinjo_db_pool_connections{state="in_use"}`,
		`gokinjo_db_pool_connections{state="idle"}`,
		`gokinjo_db_pool_connections{state="max"} 8`,
		`# TYPE gokinjo_db_pool_wait_count_total counter`,
		`# TYPE gokinjo_db_pool_wait_duration_seconds_total counter`,
		`go_goroutines`,
		`process_resident_memory_bytes`,
	} {
		if !strings.Contains(text, want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	for _, raw := range []string{"13101/000101", "/some/random/path", `route="/v1/schools/1/`} {
		if strings.Contains(text, raw) {
			t.Errorf("metrics contain raw path %q; labels must be route templates", raw)
		}
	}
}
