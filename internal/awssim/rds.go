package awssim

import (
	"strings"

	"github.com/gokinjo/platform/internal/facts"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
	"k8s.io/apimachinery/pkg/runtime/schema"
)

// The AWS simulator's RDS: instances report the endpoint, port, ARN and the
// Secrets Manager secret RDS keeps the master password in, as the provider
// does once AWS has created them.
func init() { // Registration of simulated kinds.
	rds := func(kind string) schema.GroupKind { return schema.GroupKind{Group: "rds.aws.upbound.io", Kind: kind} }
	Register(rds("Instance"), "db-", fillInstance)
	Register(rds("SubnetGroup"), "", func(u *unstructured.Unstructured, id string) {
		SetAtProvider(u, ARN("rds", region(u), "subgrp:"+id), "arn")
	})
	Register(rds("ParameterGroup"), "", func(u *unstructured.Unstructured, id string) {
		SetAtProvider(u, ARN("rds", region(u), "pg:"+id), "arn")
	})
}

// rdsPort is the PostgreSQL port the simulated instances listen on.
const rdsPort = 5432

func fillInstance(u *unstructured.Unstructured, id string) {
	r := region(u)
	ident, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "identifier")
	if ident == "" {
		ident = strings.ToLower(id)
	}
	// RDS endpoints are <identifier>.<account-and-region hash>.<region>.rds.amazonaws.com.
	address := ident + "." + Hash(AccountID + "/" + r)[:12] + "." + r + ".rds.amazonaws.com"
	SetAtProvider(u, address, "address")
	SetAtProvider(u, address+":5432", "endpoint")
	SetAtProvider(u, rdsPort, "port")
	SetAtProvider(u, ARN("rds", r, "db:"+ident), "arn")
	SetAtProvider(u, ident, "identifier")
	SetAtProvider(u, "db-"+strings.ToUpper(Hash(ident)[:26]), "resourceId")
	SetAtProvider(u, "available", "status")
	// gp3 performance as RDS sizes it (facts rds.yaml gp3): a fixed
	// baseline below the threshold, at least the higher one from it on.
	gp3 := facts.RDS.GP3
	if size, ok := forProviderNumber(u, "allocatedStorage"); ok {
		SetAtProvider(u, size, "allocatedStorage")
		iops, throughput := float64(gp3.Below.IOPS), float64(gp3.Below.ThroughputMiBs)
		if size >= float64(gp3.ThresholdGiB) {
			iops, throughput = float64(gp3.AtOrAbove.IOPS), float64(gp3.AtOrAbove.ThroughputMiBs)
			if v, ok := forProviderNumber(u, "iops"); ok {
				iops = max(iops, v)
			}
			if v, ok := forProviderNumber(u, "storageThroughput"); ok {
				throughput = max(throughput, v)
			}
		}
		SetAtProvider(u, iops, "iops")
		SetAtProvider(u, throughput, "storageThroughput")
	}
	// What runs, which provider-aws always reports: the version asked for
	// here (a replica runs its source's; RDS may also move it on by itself).
	if v, ok, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "engineVersion"); ok {
		SetAtProvider(u, v, "engineVersionActual")
	}
	if _, replica, _ := unstructured.NestedMap(u.Object, "spec", "forProvider", "replicateSourceDbSelector"); replica {
		SetAtProvider(u, strings.TrimSuffix(ident, "-replica"), "replicateSourceDb")
		return
	}
	if manage, _, _ := unstructured.NestedBool(u.Object, "spec", "forProvider", "manageMasterUserPassword"); manage {
		h := Hash("secret/" + ident)
		SetAtProvider(u, []map[string]string{{
			"secretArn":    ARN("secretsmanager", r, "secret:rds!db-"+h[:8]+"-"+h[8:12]+"-"+h[12:16]+"-"+h[16:20]+"-"+h[20:32]+"-"+h[32:38]),
			"secretStatus": "active",
			"kmsKeyId":     ARN("kms", r, "alias/aws/secretsmanager"),
		}}, "masterUserSecret")
	}
}

// region is spec.forProvider.region of a managed resource.
func region(u *unstructured.Unstructured) string {
	r, _, _ := unstructured.NestedString(u.Object, "spec", "forProvider", "region")
	return r
}
