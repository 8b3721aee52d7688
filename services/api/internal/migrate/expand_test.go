package migrate_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/gokinjo/platform/services/api/internal/migrate"
	"github.com/gokinjo/platform/services/api/internal/pgtest"
)

// schemaObjects lists what a running release's queries can depend on: every
// table and view column with its type, and every function signature, in
// the public schema.
func schemaObjects(ctx context.Context, t *testing.T, pool *pgxpool.Pool) map[string]bool {
	t.Helper()
	rows, err := pool.Query(ctx, `
		SELECT 'column ' || table_name || '.' || column_name || ' ' || data_type
		  FROM information_schema.columns WHERE table_schema = 'public'
		UNION ALL
		SELECT 'function ' || p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
		  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
		 WHERE n.nspname = 'public'
		   AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')`)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]bool{}
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out[s] = true
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// TestMigrationsExpandOnly enforces the release rule of docs/operations.md
// ("expand, then contract"): while a migration Job runs, and after a
// rollback (a revert of the claim's version), the previous release's API
// runs against the new schema, so a migration must keep every column (name
// and type) and function the schema before it had. Removing something is a
// contract migration: a file named *_contract.sql, shipped in a release
// after the one whose code stopped using it.
func TestMigrationsExpandOnly(t *testing.T) {
	ctx := context.Background()
	ms, err := migrate.All()
	if err != nil {
		t.Fatal(err)
	}
	pool := pgtest.Pool(t, pgtest.EmptyDB(t, pgtest.Shared(t)))
	before := schemaObjects(ctx, t, pool)
	for _, m := range ms {
		if _, err := pool.Exec(ctx, m.SQL); err != nil {
			t.Fatalf("apply %s: %v", m.Version, err)
		}
		after := schemaObjects(ctx, t, pool)
		var gone []string
		for o := range before {
			if !after[o] {
				gone = append(gone, o)
			}
		}
		if len(gone) > 0 && !strings.HasSuffix(m.Version, "_contract") {
			t.Errorf("%s removes or changes what the previous release may query: %s\n"+
				"expand first (add the new alongside the old), contract in a later release with a *_contract.sql file",
				m.Version, strings.Join(gone, ", "))
		}
		before = after
	}
	if len(before) == 0 {
		t.Fatal("the migrations created nothing: the check saw no schema")
	}
	t.Logf("%d migrations, %s", len(ms), fmt.Sprintf("%d columns and functions at the end", len(before)))
}

// TestExpandCheckCatches proves the check above fails on a contracting
// migration: dropping a column the previous release reads.
func TestExpandCheckCatches(t *testing.T) {
	ctx := context.Background()
	pool := pgtest.Pool(t, pgtest.EmptyDB(t, pgtest.Shared(t)))
	if _, err := pool.Exec(ctx, `CREATE TABLE releases (id int, reported_at timestamptz)`); err != nil {
		t.Fatal(err)
	}
	before := schemaObjects(ctx, t, pool)
	if _, err := pool.Exec(ctx, `ALTER TABLE releases DROP COLUMN reported_at`); err != nil {
		t.Fatal(err)
	}
	after := schemaObjects(ctx, t, pool)
	if !before["column releases.reported_at timestamp with time zone"] || after["column releases.reported_at timestamp with time zone"] {
		t.Errorf("the schema listing does not see the dropped column: before %v, after %v", before, after)
	}
}
