-- PostGIS provides the geometry/geography types and GiST operator classes
-- every later migration relies on.
CREATE EXTENSION IF NOT EXISTS postgis;
