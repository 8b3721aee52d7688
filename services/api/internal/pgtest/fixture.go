package pgtest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
)

// AddArea inserts a town as a square of side 0.02 degrees (~2 km) centred
// on lon/lat.
func AddArea(ctx context.Context, pool *pgxpool.Pool, ward, town string, lon, lat float64) error {
	_, err := pool.Exec(ctx, `
		INSERT INTO areas (ward_code, town_code, ward_name, ward_name_ja, town_name, town_name_ja, polygon)
		VALUES ($1, $2, 'Ward '||$1, '区'||$1, 'Town '||$2, '町'||$2,
		        ST_Multi(ST_MakeEnvelope($3-0.01, $4-0.01, $3+0.01, $4+0.01, 4326)))`,
		ward, town, lon, lat)
	if err != nil {
		return fmt.Errorf("add area %s/%s: %w", ward, town, err)
	}
	return nil
}

// AddSchool inserts a school at lon/lat.
func AddSchool(ctx context.Context, pool *pgxpool.Pool, id int64, ward, town string, lon, lat float64) error {
	_, err := pool.Exec(ctx, `
		INSERT INTO schools (id, name, type, ward_code, town_code, point)
		VALUES ($1, $2, 'elementary', $3, $4, ST_SetSRID(ST_MakePoint($5, $6), 4326))`,
		id, fmt.Sprint("School ", id), ward, town, lon, lat)
	if err != nil {
		return fmt.Errorf("add school %d: %w", id, err)
	}
	return nil
}

// AddCrimeNear inserts a crime exactly meters away from lon/lat (geodesic,
// on the spheroid, via ST_Project) at the given azimuth in degrees.
func AddCrimeNear(ctx context.Context, pool *pgxpool.Pool, ward, town string, lon, lat, meters, azimuth float64, at time.Time) error {
	return AddCrimeOf(ctx, pool, ward, town, "test", lon, lat, meters, azimuth, at)
}

// AddCrimeOf is AddCrimeNear with a category.
func AddCrimeOf(ctx context.Context, pool *pgxpool.Pool, ward, town, category string, lon, lat, meters, azimuth float64, at time.Time) error {
	_, err := pool.Exec(ctx, `
		INSERT INTO crimes (ward_code, town_code, category, occurred_at, point)
		VALUES ($1, $2, $8, $3,
		        ST_Project(ST_SetSRID(ST_MakePoint($4, $5), 4326)::geography, $6, radians($7))::geometry)`,
		ward, town, at, lon, lat, meters, azimuth, category)
	if err != nil {
		return fmt.Errorf("add crime: %w", err)
	}
	return nil
}

// The area every API test builds its fixtures around: one town of Chiyoda
// ward, near Tokyo Station.
const (
	Ward = "13101"
	Town = "000101"
	Lon0 = 139.75
	Lat0 = 35.68
)

// Must fails the test on err.
func Must(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
