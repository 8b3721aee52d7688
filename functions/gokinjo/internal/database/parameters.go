package database

import (
	rds "github.com/upbound/provider-aws/apis/rds/v1beta1"

	"github.com/crossplane/crossplane-runtime/pkg/meta"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/internal/facts"
)

const compParameterGroup = "parameter-group"

// dbParameter is one PostgreSQL parameter of the group.
type dbParameter struct{ name, value string }

// dbParameters force TLS, log slow statements and connections, and load
// pg_stat_statements.
var dbParameters = []dbParameter{
	{"rds.force_ssl", "1"},
	{"log_min_duration_statement", "1000"},
	{"log_connections", "1"},
	{"log_disconnections", "1"},
	{"shared_preload_libraries", "pg_stat_statements"},
}

// applyMethod of a parameter, from the RDS facts (rds.yaml
// parameterDefaults). AWS ignores the method of a parameter whose value does
// not change and reports pending-reboot for it; provider-aws v1.23.0 then
// diffs immediate against pending-reboot and calls ModifyDBParameterGroup on
// every poll (provider-upjet-aws#1286; fixed after v1.23.0). So a value equal
// to the RDS default uses pending-reboot, as does a static parameter (it
// needs a reboot anyway); the rest apply immediately. A value equal to the
// default is already in effect, so pending-reboot delays nothing. A
// parameter the facts do not know also gets pending-reboot, the method that
// never loops (TestParameterGroupApplyMethods requires facts for each).
func applyMethod(p dbParameter) string {
	d, ok := facts.RDS.Parameter(p.name)
	if !ok || d.Apply == "static" || d.Default == p.value {
		return "pending-reboot"
	}
	return "immediate"
}

// parameterGroup composes the postgres15 parameter group.
func (d *database) parameterGroup() error {
	o := d.p.Owner
	name := naming.AWSName(o, ParameterGroupFamily)
	ps := make([]rds.ParameterParameters, 0, len(dbParameters))
	for _, p := range dbParameters {
		ps = append(ps, rds.ParameterParameters{Name: mr.Str(p.name), Value: mr.Str(p.value), ApplyMethod: mr.Str(applyMethod(p))})
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
