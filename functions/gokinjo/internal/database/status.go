package database

import "github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"

// status reports the endpoints and secrets once observed.
func (d *database) status() v1alpha1.DatabaseStatus {
	st := v1alpha1.DatabaseStatus{
		Endpoint: d.s.ObservedString(compInstance, "status.atProvider.endpoint"),
		Address:  d.s.ObservedString(compInstance, "status.atProvider.address"),
		// Only once the rule exists: composing it is not the same as AWS
		// allowing the traffic.
		ClientIngress: d.s.Desired()[compIngress] != nil && d.s.ObservedReady(compIngress),
	}
	// The connection secret only once the instance is ready: the provider
	// publishes it (empty) at its first reconcile and fills in the address,
	// port, user and password once the instance exists; a reader before
	// that (provider-kubernetes' patchesFrom) fails on the missing keys.
	if d.s.ObservedReady(compInstance) {
		st.ConnectionSecret = &v1alpha1.SecretReference{Name: ConnectionSecretName(d.p.Owner), Namespace: ConnectionSecretNamespace}
	}
	var port float64
	if ok, _ := d.s.ObservedInto(compInstance, "status.atProvider.port", &port); ok {
		st.Port = int(port)
	}
	var secrets []struct {
		SecretArn string `json:"secretArn"`
	}
	if ok, _ := d.s.ObservedInto(compInstance, "status.atProvider.masterUserSecret", &secrets); ok && len(secrets) > 0 {
		st.MasterUserSecretARN = secrets[0].SecretArn
	}
	st.ReaderEndpoint = st.Endpoint
	if d.p.ReadReplica {
		st.ReaderEndpoint = d.s.ObservedString(compReplica, "status.atProvider.endpoint")
	}
	return st
}
