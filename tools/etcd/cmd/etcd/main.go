// Command etcd is etcd v3.6 built from go.etcd.io/etcd/server/v3/etcdmain, the
// same entry point as the upstream etcd binary. It is the envtest etcd for the
// end-to-end test's local management cluster.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
