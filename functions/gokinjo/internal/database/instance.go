package database

import (
	xpv1 "github.com/crossplane/crossplane-runtime/apis/common/v1"
	rds "github.com/upbound/provider-aws/apis/rds/v1beta2"

	"github.com/gokinjo/platform/functions/gokinjo/internal/mr"
	"github.com/gokinjo/platform/functions/gokinjo/internal/naming"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// Composition resource names of the instances.
const (
	compInstance = "instance"
	compReplica  = "instance-replica"
)

// Settings shared by every environment.
const (
	// BackupWindow is 02:00-03:00 JST.
	BackupWindow = "17:00-18:00"
	// MaintenanceWindow is Monday 03:30-04:30 JST, after the backup window.
	MaintenanceWindow = "sun:18:30-sun:19:30"
	// MasterUsername and DBName of the app database.
	MasterUsername = "gokinjo"
	DBName         = "gokinjo"
	// ConnectionSecretNamespace is where connection secrets are written.
	ConnectionSecretNamespace = "crossplane-system"
)

// Identifier is the RDS instance identifier of an environment.
func (d *database) identifier() string { return naming.AWSName(d.p.Owner) }

// ConnectionSecretName is the connection secret of the primary, in the
// management cluster: unique per claim (naming.SecretName).
func ConnectionSecretName(o v1alpha1.Owner) string { return naming.SecretName(o, "db") }

// PasswordSecretName is the Secret (key password) provider-aws generates the
// master password into (autoGeneratePassword): no manual step, no password
// in any spec. The provider then publishes it as "password" in the
// connection secret, where the workloads layer reads it. An existing Secret
// with a password is kept, so an environment whose password was copied
// there by hand keeps it.
func PasswordSecretName(o v1alpha1.Owner) string { return ConnectionSecretName(o) + "-password" }

// primary composes the PostgreSQL instance.
func (d *database) primary() error {
	o := d.p.Owner
	id := d.identifier()
	if err := d.logGroups(compInstance, id); err != nil {
		return err
	}
	spec := d.spec()
	spec.WriteConnectionSecretToReference = &xpv1.SecretReference{Name: ConnectionSecretName(o), Namespace: ConnectionSecretNamespace}
	iops, throughput := d.storagePerformance(compInstance, float64(d.p.AllocatedStorage))
	fp := rds.InstanceParameters{
		Region:                             mr.Str(o.Region),
		Identifier:                         mr.Str(id),
		Engine:                             mr.Str("postgres"),
		EngineVersion:                      mr.Str(d.versions.primary),
		AvailabilityZone:                   d.zone(compInstance),
		AutoMinorVersionUpgrade:            mr.Bool(false),
		InstanceClass:                      mr.Str(d.p.InstanceClass),
		AllocatedStorage:                   mr.Float(float64(d.p.AllocatedStorage)),
		MaxAllocatedStorage:                mr.Float(float64(d.p.MaxAllocatedStorage)),
		StorageType:                        mr.Str(StorageType),
		Iops:                               iops,
		StorageThroughput:                  throughput,
		StorageEncrypted:                   mr.Bool(true),
		KMSKeyIDSelector:                   mr.Local(compKMSKey),
		MultiAz:                            mr.Bool(d.p.MultiAZ),
		DBName:                             mr.Str(DBName),
		Username:                           mr.Str(MasterUsername),
		AutoGeneratePassword:               mr.Bool(true),
		Port:                               mr.Float(PostgresPort),
		PubliclyAccessible:                 mr.Bool(false),
		DBSubnetGroupNameSelector:          mr.Local(compSubnetGroup),
		VPCSecurityGroupIDSelector:         mr.Local(compSecurityGroup),
		ParameterGroupNameSelector:         mr.Local(compParameterGroup),
		BackupRetentionPeriod:              mr.Float(float64(d.p.BackupRetentionDays)),
		BackupWindow:                       mr.Str(BackupWindow),
		MaintenanceWindow:                  mr.Str(MaintenanceWindow),
		CopyTagsToSnapshot:                 mr.Bool(true),
		PerformanceInsightsEnabled:         mr.Bool(true),
		PerformanceInsightsRetentionPeriod: mr.Float(7),
		EnabledCloudwatchLogsExports:       d.exports(compInstance),
		DeletionProtection:                 mr.Bool(d.p.DeletionProtection),
		SkipFinalSnapshot:                  mr.Bool(!d.p.TakesFinalSnapshot()),
		ApplyImmediately:                   mr.Bool(!d.p.DeletionProtection),
		Tags:                               d.tags(id),
	}
	fp.PasswordSecretRef = &xpv1.SecretKeySelector{
		SecretReference: xpv1.SecretReference{Name: PasswordSecretName(o), Namespace: ConnectionSecretNamespace},
		Key:             "password",
	}
	// The final snapshot, independent of deletion protection: with
	// protection on Crossplane never deletes the instance, so the snapshot
	// matters exactly when an owner turns protection off to tear the
	// environment down. The automated backups are kept too (the provider's
	// default deletes them with the instance), and the KMS key that
	// encrypts both is kept (keySpec). These three fields are read only by
	// DeleteDBInstance: changing them on an existing instance is a state
	// change, no AWS call.
	if d.p.TakesFinalSnapshot() {
		fp.FinalSnapshotIdentifier = mr.Str(naming.FinalSnapshotName(o, id))
		fp.DeleteAutomatedBackups = mr.Bool(false)
	}
	i := &rds.Instance{Spec: rds.InstanceSpec{ResourceSpec: spec, ForProvider: fp}}
	return d.s.Add(compInstance, i, d.labels(compInstance))
}

// zone is the availability zone AWS reports an instance in, nil before it
// exists (AWS picks it). provider-aws late-initializes the zone into the
// spec, and Terraform replaces an instance whose zone changes: after a
// Multi-AZ failover moves the primary, every update would be refused as a
// replacement. Composing what AWS reports keeps the spec on the running
// zone (facts crossplane.yaml managementPolicies.lateInitialized).
func (d *database) zone(comp string) *string {
	if z := d.s.ObservedString(comp, "status.atProvider.availabilityZone"); z != "" {
		return mr.Str(z)
	}
	return nil
}

// replica composes the read replica in the same region. It takes engine,
// storage encryption, subnet group and credentials from its source; a
// replica has no final snapshot of its own (RDS refuses
// FinalDBSnapshotIdentifier for a read replica: skipFinalSnapshot true).
// RDS refuses a replica of a source that is not available yet, so the
// replica is composed only once the primary is observed ready (and, once it
// exists, always).
func (d *database) replica() error {
	if !d.p.ReadReplica {
		return nil
	}
	if !d.s.ObservedReady(compInstance) && !d.s.ObservedExists(compReplica) {
		d.s.Wait("read replica: composed once the primary instance is ready")
		return nil
	}
	o := d.p.Owner
	id := d.identifier() + "-replica"
	if err := d.logGroups(compReplica, id); err != nil {
		return err
	}
	iops, throughput := d.storagePerformance(compReplica, 0)
	fp := rds.InstanceParameters{
		Region:                             mr.Str(o.Region),
		Identifier:                         mr.Str(id),
		ReplicateSourceDBSelector:          mr.Local(compInstance),
		EngineVersion:                      mr.Str(d.versions.replica),
		AvailabilityZone:                   d.zone(compReplica),
		InstanceClass:                      mr.Str(d.p.InstanceClass),
		MaxAllocatedStorage:                mr.Float(float64(d.p.MaxAllocatedStorage)),
		StorageType:                        mr.Str(StorageType),
		Iops:                               iops,
		StorageThroughput:                  throughput,
		StorageEncrypted:                   mr.Bool(true),
		KMSKeyIDSelector:                   mr.Local(compKMSKey),
		AutoMinorVersionUpgrade:            mr.Bool(false),
		MultiAz:                            mr.Bool(false),
		Port:                               mr.Float(PostgresPort),
		PubliclyAccessible:                 mr.Bool(false),
		VPCSecurityGroupIDSelector:         mr.Local(compSecurityGroup),
		ParameterGroupNameSelector:         mr.Local(compParameterGroup),
		MaintenanceWindow:                  mr.Str(MaintenanceWindow),
		PerformanceInsightsEnabled:         mr.Bool(true),
		PerformanceInsightsRetentionPeriod: mr.Float(7),
		EnabledCloudwatchLogsExports:       d.exports(compReplica),
		DeletionProtection:                 mr.Bool(d.p.DeletionProtection),
		SkipFinalSnapshot:                  mr.Bool(true),
		// As the primary's: a class change reaches both in the same pass
		// (PostgreSQL pauses replay on a standby whose memory-derived
		// settings, max_connections say, are below the primary's).
		ApplyImmediately: mr.Bool(!d.p.DeletionProtection),
		Tags:             d.tags(id),
	}
	i := &rds.Instance{Spec: rds.InstanceSpec{ResourceSpec: d.spec(), ForProvider: fp}}
	return d.s.Add(compReplica, i, d.labels(compReplica))
}
