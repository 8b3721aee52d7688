-- Towns (chō/chōme) of Tokyo's special wards. ward_code is the 5-digit JIS
-- municipality code (13101..13123), town_code the 6-digit town+chōme code.
CREATE TABLE IF NOT EXISTS areas (
    ward_code    text NOT NULL CHECK (ward_code ~ '^[0-9]{5}$'),
    town_code    text NOT NULL CHECK (town_code ~ '^[0-9]{6}$'),
    ward_name    text NOT NULL,
    ward_name_ja text NOT NULL,
    town_name    text NOT NULL,
    town_name_ja text NOT NULL,
    polygon      geometry(MultiPolygon, 4326) NOT NULL,
    PRIMARY KEY (ward_code, town_code)
);

CREATE INDEX IF NOT EXISTS areas_polygon_gist ON areas USING gist (polygon);
