package database

import (
	rds "github.com/upbound/provider-aws/apis/rds/v1beta1"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
)

const compParameterGroup = "parameter-group"

// dbParameter is one PostgreSQL parameter of the group.
type dbParameter struct{ name, value, apply string }

// dbParameters force TLS, log slow statements and connections, and load
// pg_stat_statements (static: it needs a reboot, hence pending-reboot).
var dbParameters = []dbParameter{
	{"rds.force_ssl", "1", "immediate"},
	{"log_min_duration_statement", "1000", "immediate"},
	{"log_connections", "1", "immediate"},
	{"log_disconnections", "1", "immediate"},
	{"shared_preload_libraries", "pg_stat_statements", "pending-reboot"},
}

// parameterGroup composes the postgres15 parameter group.
func (d *database) parameterGroup() error {
	o := d.p.Owner
	name := naming.AWSName(o, ParameterGroupFamily)
	ps := make([]rds.ParameterParameters, 0, len(dbParameters))
	for _, p := range dbParameters {
		ps = append(ps, rds.ParameterParameters{Name: mr.Str(p.name), Value: mr.Str(p.value), ApplyMethod: mr.Str(p.apply)})
	}
	pg := &rds.ParameterGroup{Spec: rds.ParameterGroupSpec{
		ResourceSpec: d.spec(),
		ForProvider: rds.ParameterGroupParameters{
			Region:      mr.Str(o.Region),
			Family:      mr.Str(ParameterGroupFamily),
			Description: mr.Str("gokinjo " + o.Environment + " PostgreSQL 15: TLS only, slow query and connection logging"),
			Parameter:   ps,
			Tags:        d.tags(name),
		},
	}}
	pg.SetAnnotations(map[string]string{meta.AnnotationKeyExternalName: name})
	return d.s.Add(compParameterGroup, pg, d.labels(compParameterGroup))
}
