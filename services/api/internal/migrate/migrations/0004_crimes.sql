CREATE TABLE IF NOT EXISTS crimes (
    id          bigserial PRIMARY KEY,
    ward_code   text NOT NULL,
    town_code   text NOT NULL,
    category    text NOT NULL,
    occurred_at timestamptz NOT NULL,
    point       geometry(Point, 4326) NOT NULL,
    FOREIGN KEY (ward_code, town_code) REFERENCES areas (ward_code, town_code)
);

-- The source data has no incident id, so the natural key is what the police
-- publish: where, what and when. Loads use ON CONFLICT DO NOTHING against it,
-- which makes re-running a load idempotent. PostGIS 3 btree equality on
-- geometry is exact, so two distinct points never collide.
CREATE UNIQUE INDEX IF NOT EXISTS crimes_natural_key
    ON crimes (ward_code, town_code, category, occurred_at, point);

-- Newest-first keyset pagination per town.
CREATE INDEX IF NOT EXISTS crimes_area_time_idx
    ON crimes (ward_code, town_code, occurred_at DESC, id DESC);

CREATE INDEX IF NOT EXISTS crimes_point_gist ON crimes USING gist (point);
-- Safety scores use ST_DWithin on geography (metres on the spheroid); this
-- expression index is what lets that predicate use an index scan.
CREATE INDEX IF NOT EXISTS crimes_point_geog_gist ON crimes USING gist ((point::geography));
