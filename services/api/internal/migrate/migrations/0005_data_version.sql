-- Expand only: everything here is additive, so the previous release keeps
-- working on this schema (it never names the new column, table or triggers).

-- A town's label point never changes between loads, so it is computed once
-- per row by PostgreSQL itself: a stored generated column is filled for the
-- existing rows by this ALTER and for every later INSERT/UPDATE of polygon by
-- any loader, including the previous release's seed.
ALTER TABLE areas ADD COLUMN IF NOT EXISTS label_point geometry(Point, 4326)
    GENERATED ALWAYS AS (ST_PointOnSurface(polygon)) STORED;

-- The data version every API cache is keyed on. One row, bumped by a
-- statement trigger on each data table, so any load (api seed, the ETL, a
-- manual fix) bumps it in its own transaction: a reader sees the new rows and
-- the new version together, or neither.
CREATE TABLE IF NOT EXISTS data_version (
    singleton  boolean PRIMARY KEY DEFAULT true CHECK (singleton),
    version    bigint NOT NULL DEFAULT 1,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO data_version DEFAULT VALUES ON CONFLICT DO NOTHING;

CREATE OR REPLACE FUNCTION bump_data_version() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    UPDATE data_version SET version = version + 1, updated_at = now();
    RETURN NULL;
END
$$;

CREATE OR REPLACE TRIGGER areas_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON areas
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE OR REPLACE TRIGGER schools_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON schools
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
CREATE OR REPLACE TRIGGER crimes_data_version
    AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON crimes
    FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version();
