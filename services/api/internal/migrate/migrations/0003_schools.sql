CREATE TABLE IF NOT EXISTS schools (
    id        bigint PRIMARY KEY,
    name      text NOT NULL,
    type      text NOT NULL,
    ward_code text NOT NULL,
    town_code text NOT NULL,
    point     geometry(Point, 4326) NOT NULL,
    FOREIGN KEY (ward_code, town_code) REFERENCES areas (ward_code, town_code)
);

CREATE INDEX IF NOT EXISTS schools_area_idx ON schools (ward_code, town_code, id);
CREATE INDEX IF NOT EXISTS schools_point_gist ON schools USING gist (point);
