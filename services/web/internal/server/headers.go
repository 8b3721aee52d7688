package server

import (
	"net/http"
	"strings"
)

// csp builds the Content-Security-Policy: scripts and styles only from this
// server (no inline code), data only from this origin or the configured API
// origin, images from here and the tile server, nothing else.
func csp(c Config) string {
	connect := []string{"'self'"}
	if c.APIOrigin != "" {
		o, _ := origin(c.APIOrigin) // validated by Config.Validate
		connect = append(connect, o)
	}
	img := []string{"'self'", "data:"}
	if c.TileURL != "" {
		o, _ := origin(c.TileURL)
		img = append(img, o)
	}
	return strings.Join([]string{
		"default-src 'none'",
		"script-src 'self'",
		"style-src 'self'",
		"img-src " + strings.Join(img, " "),
		"connect-src " + strings.Join(connect, " "),
		"font-src 'self'",
		"manifest-src 'self'",
		"base-uri 'none'",
		"form-action 'none'",
		"frame-ancestors 'none'",
	}, "; ")
}

// securityHeaders sets the same headers on every response, errors included.
func securityHeaders(policy string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("Content-Security-Policy", policy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		// Tile servers such as OpenStreetMap's require a Referer; send the
		// origin only, never the path with the user's selection.
		h.Set("Referrer-Policy", "strict-origin-when-cross-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=(), usb=()")
		h.Set("Cross-Origin-Opener-Policy", "same-origin")
		h.Set("Cross-Origin-Resource-Policy", "same-origin")
		h.Set("Strict-Transport-Security", "max-age=31536000")
		next.ServeHTTP(w, r)
	})
}
