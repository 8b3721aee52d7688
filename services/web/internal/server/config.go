package server

import (
	"fmt"
	"net/url"
	"strings"
)

// DefaultTileURL is OpenStreetMap's standard raster tile server, at the URL
// its tile usage policy names (operations.osmfoundation.org/policies/tiles,
// revision of 2024-01-22, checked 2026-11-30). The policy asks for visible
// attribution, forbids bulk downloading and recommends not hardcoding the
// URL, hence TILE_URL. The page sends the origin as Referer
// (strict-origin-when-cross-origin). Production traffic should go to a tile
// service the operator runs or pays for.
const (
	DefaultTileURL         = "https://tile.openstreetmap.org/{z}/{x}/{y}.png"
	DefaultTileAttribution = `&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a> contributors`
)

// Config is the server's environment.
type Config struct {
	// Port to listen on (PORT, default 3001).
	Port string
	// APIOrigin is where the browser calls the API: empty for the same
	// origin (production: the ALB routes /v1 to the API), or an origin such
	// as http://127.0.0.1:8081 for local runs (API_ORIGIN). It is added to
	// the CSP connect-src.
	APIOrigin string
	// TileURL is a Leaflet URL template for the background map
	// (TILE_URL); "none" disables it. Its origin is added to img-src.
	TileURL string
	// TileAttribution is shown on the map (TILE_ATTRIBUTION, HTML).
	TileAttribution string
}

// ConfigFromEnv reads and validates the environment.
func ConfigFromEnv(getenv func(string) string) (Config, error) {
	c := Config{
		Port:            or(getenv("PORT"), "3001"),
		APIOrigin:       strings.TrimRight(getenv("API_ORIGIN"), "/"),
		TileURL:         or(getenv("TILE_URL"), DefaultTileURL),
		TileAttribution: or(getenv("TILE_ATTRIBUTION"), DefaultTileAttribution),
	}
	if c.TileURL == "none" {
		c.TileURL, c.TileAttribution = "", ""
	}
	return c, c.Validate()
}

// Validate checks the values that end up in the CSP and the page.
func (c Config) Validate() error {
	if c.APIOrigin != "" {
		if _, err := origin(c.APIOrigin); err != nil {
			return fmt.Errorf("API_ORIGIN: %w (want scheme://host[:port], e.g. http://127.0.0.1:8081, or empty for the same origin)", err)
		}
		if u, _ := url.Parse(c.APIOrigin); u.Path != "" || u.RawQuery != "" {
			return fmt.Errorf("API_ORIGIN %q must be an origin without a path (the app adds /v1/ itself)", c.APIOrigin)
		}
	}
	if c.TileURL != "" {
		if _, err := origin(c.TileURL); err != nil {
			return fmt.Errorf("TILE_URL: %w (want e.g. %s, or none)", err, DefaultTileURL)
		}
		for _, p := range []string{"{z}", "{x}", "{y}"} {
			if !strings.Contains(c.TileURL, p) {
				return fmt.Errorf("TILE_URL %q lacks the %s placeholder (want e.g. %s)", c.TileURL, p, DefaultTileURL)
			}
		}
	}
	return nil
}

// origin returns the CSP source for an absolute http(s) URL: scheme://host,
// with Leaflet's {s} subdomain placeholder turned into a wildcard.
func origin(raw string) (string, error) {
	u, err := url.Parse(strings.ReplaceAll(raw, "{s}", "s-placeholder"))
	if err != nil {
		return "", fmt.Errorf("%q is not a URL", raw)
	}
	if (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", fmt.Errorf("%q is not an absolute http(s) URL", raw)
	}
	host := strings.ReplaceAll(u.Host, "s-placeholder", "*")
	return u.Scheme + "://" + host, nil
}

func or(v, def string) string {
	if v == "" {
		return def
	}
	return v
}
