// Command webdev runs the app locally in one command (after make
// web-assets; `make web-dev` does both):
//
//	go run ./services/web/cmd/webdev [-addr 127.0.0.1:3001] [-database-url postgres://...]
//
// Without -database-url it starts a throwaway PostgreSQL + PostGIS seeded by
// the API's seed (Debian postgresql-15 + postgresql-15-postgis-3 needed),
// then the API and the web server behind one origin, like the ALB does.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/gokinjo/platform/services/web/internal/devstack"
)

func main() {
	var o devstack.Options
	flag.StringVar(&o.Addr, "addr", "127.0.0.1:3001", "listen address of the app (web + /v1 routed to the API)")
	flag.StringVar(&o.DatabaseURL, "database-url", "", "serve this migrated and seeded database instead of a throwaway one")
	flag.StringVar(&o.TileURL, "tile-url", "", "background map tile URL template (default OpenStreetMap; none disables)")
	flag.IntVar(&o.Seed.Wards, "wards", 23, "wards to seed")
	flag.IntVar(&o.Seed.Areas, "areas", 3000, "areas to seed")
	flag.IntVar(&o.Seed.Schools, "schools", 1500, "schools to seed")
	flag.IntVar(&o.Seed.Crimes, "crimes", 200000, "crimes to seed")
	verbose := flag.Bool("v", false, "show the API's and the database tool's logs")
	flag.Parse()
	if *verbose {
		o.Log = os.Stderr
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fmt.Fprintln(os.Stderr, "webdev: building the API, starting and seeding PostgreSQL (about 20 s)...")
	s, err := devstack.Start(ctx, o)
	if err != nil {
		fmt.Fprintln(os.Stderr, "webdev:", err)
		os.Exit(1)
	}
	defer s.Close()
	fmt.Printf("webdev: open %s/ (API %s, DATABASE_URL=%s); Ctrl-C stops everything\n", s.URL, s.APIURL, s.DatabaseURL)
	<-ctx.Done()
}
