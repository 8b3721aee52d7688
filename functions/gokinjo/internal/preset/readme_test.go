package preset_test

import (
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/gokinjo/platform/functions/gokinjo/internal/environment"
	"github.com/gokinjo/platform/functions/gokinjo/internal/preset"
	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

// TestREADMETable: the README's "Environment presets" table shows what the
// presets and defaults resolve to, row by row and environment by
// environment; a row the test does not know, or a known row missing, fails.
func TestREADMETable(t *testing.T) {
	rows := readmeTable(t, "../../../../README.md")
	envs := []string{v1alpha1.EnvDev, v1alpha1.EnvStaging, v1alpha1.EnvProd}
	yesNo := func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	}
	days := func(d int) string { return fmt.Sprintf("%d d", d) }
	nodeGroup := func(ng v1alpha1.NodeGroupParams) string {
		return fmt.Sprintf("%s %d-%d, %d", ng.InstanceType, ng.MinSize, ng.MaxSize, ng.DesiredSize)
	}
	resources := func(a v1alpha1.AppParams) string {
		return fmt.Sprintf("%s, %s / %s, %s", a.CPURequest, a.MemoryRequest, a.CPULimit, a.MemoryLimit)
	}
	// cells renders each row's cell from an environment resolved with no
	// overrides, the way the README writes it.
	cells := map[string]func(r resolved) string{
		"region, zones (from `internal/facts/data/regions.yaml`)": func(r resolved) string {
			letters := make([]string, 0, len(r.Network.AvailabilityZones))
			for _, z := range r.Network.AvailabilityZones {
				letters = append(letters, strings.TrimPrefix(z, r.Owner.Region))
			}
			return r.Owner.Region + " " + strings.Join(letters, ", ")
		},
		"VPC CIDR": func(r resolved) string { return r.Network.CIDR },
		"NAT gateways": func(r resolved) string {
			return map[string]string{v1alpha1.NATSingle: "1 shared (`Single`)", v1alpha1.NATOnePerAZ: "one per AZ (`OnePerAZ`)"}[r.Network.NATGateways]
		},
		"EKS version (upgrade policy)": func(r resolved) string { return r.Cluster.Version + " (" + r.Cluster.SupportType + ")" },
		"public EKS endpoint": func(r resolved) string {
			if len(r.Cluster.PublicAccessCIDRs) == 0 {
				return "off"
			}
			return strings.Join(r.Cluster.PublicAccessCIDRs, ", ")
		},
		"general node group (min-max, initial size)":    func(r resolved) string { return nodeGroup(r.Cluster.NodeGroups[0]) },
		"compute node group (Airflow workers, tainted)": func(r resolved) string { return nodeGroup(r.Cluster.NodeGroups[1]) },
		"EKS control-plane log retention":               func(r resolved) string { return days(r.Cluster.LogRetentionDays) },
		"RDS class (current generation)":                func(r resolved) string { return r.Database.InstanceClass },
		"Multi-AZ / read replica": func(r resolved) string {
			return yesNo(r.Database.MultiAZ) + " / " + yesNo(r.Database.ReadReplica)
		},
		"storage (gp3, autoscaling limit)": func(r resolved) string {
			return fmt.Sprintf("%d (%d) GiB", r.Database.AllocatedStorage, r.Database.MaxAllocatedStorage)
		},
		"PostgreSQL (from `internal/facts/data/rds.yaml`)": func(r resolved) string { return r.Database.EngineVersion },
		"backups":                 func(r resolved) string { return fmt.Sprintf("%d days", r.Database.BackupRetentionDays) },
		"RDS deletion protection": func(r resolved) string { return yesNo(r.Database.DeletionProtection) },
		"final snapshot on delete (automated backups and KMS key kept)": func(r resolved) string {
			return yesNo(r.Database.TakesFinalSnapshot())
		},
		"RDS log retention": func(r resolved) string { return days(r.Database.LogRetentionDays) },
		"deletion policy of data": func(r resolved) string {
			switch {
			case r.DataLake.RetainOnDelete && r.Database.DeletionProtection:
				return "Orphan (DB, buckets, and the VPC + database subnets the DB sits in)"
			case !r.DataLake.RetainOnDelete && !r.Database.DeletionProtection:
				return "Delete"
			}
			return "mixed: the README has no words for it"
		},
		"S3 lifecycle": func(r resolved) string {
			s := fmt.Sprintf("Glacier at %d d", r.DataLake.GlacierAfterDays)
			if d := r.DataLake.IntelligentTieringAfterDays; d > 0 {
				s = fmt.Sprintf("Intelligent-Tiering at %d d, %s", d, s)
			}
			return s
		},
		"data-lake log retention": func(r resolved) string { return days(r.DataLake.LogRetentionDays) },
		"API replicas (HPA max)": func(r resolved) string {
			return fmt.Sprintf("%d (%d)", r.Workloads.API.Replicas, r.Workloads.API.MaxReplicas)
		},
		"API requests / limits (CPU, memory)": func(r resolved) string { return resources(r.Workloads.API) },
		"frontend replicas (HPA max)": func(r resolved) string {
			return fmt.Sprintf("%d (%d)", r.Workloads.Frontend.Replicas, r.Workloads.Frontend.MaxReplicas)
		},
		"frontend requests / limits (CPU, memory)":  func(r resolved) string { return resources(r.Workloads.Frontend) },
		"LB controller and metrics-server replicas": func(r resolved) string { return fmt.Sprint(r.Preset.Workloads.ControllerReplicas) },
		"app log level": func(r resolved) string { return r.Preset.Workloads.LogLevel },
		"Prometheus retention (volume)": func(r resolved) string {
			return fmt.Sprintf("%s (%s)", r.Preset.Workloads.MetricsRetention, r.Preset.Workloads.MetricsStorage)
		},
		"monthly budget (alerts at 80%, 100%)": func(r resolved) string { return fmt.Sprintf("%d USD", r.DataLake.Budget.MonthlyLimitUSD) },
	}
	seen := map[string]bool{}
	for _, row := range rows {
		cell, ok := cells[row[0]]
		if !ok {
			t.Errorf("README preset table: row %q is not checked against the presets: add it to TestREADMETable", row[0])
			continue
		}
		seen[row[0]] = true
		for i, env := range envs {
			if want := cell(resolve(t, env)); row[i+1] != want {
				t.Errorf("README preset table, row %q, %s: README says %q, the preset resolves to %q", row[0], env, row[i+1], want)
			}
		}
	}
	for knob := range cells {
		if !seen[knob] {
			t.Errorf("README preset table: row %q is missing", knob)
		}
	}
}

// resolved is one environment resolved with no overrides, the way the
// function resolves it, and its preset.
type resolved struct {
	environment.Resolved
	Preset preset.Preset
}

func resolve(t *testing.T, env string) resolved {
	t.Helper()
	r, err := environment.Resolve("readme", v1alpha1.EnvironmentParameters{Environment: env}, "")
	if err != nil {
		t.Fatal(err)
	}
	return resolved{Resolved: r, Preset: preset.Presets[env]}
}

// readmeTable returns the rows of the table under "## Environment presets",
// each as its trimmed cells (knob, dev, staging, prod, claim field).
func readmeTable(t *testing.T, path string) [][]string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Environment presets\n")
	if !ok {
		t.Fatalf("%s has no Environment presets section", path)
	}
	var rows [][]string
	for _, line := range strings.Split(section, "\n") {
		if strings.HasPrefix(line, "## ") || strings.HasPrefix(line, "### ") {
			break
		}
		if !strings.HasPrefix(line, "|") || strings.HasPrefix(line, "|---") || strings.HasPrefix(line, "| knob |") {
			continue
		}
		var cells []string
		for _, c := range strings.Split(strings.Trim(line, "|"), " | ") {
			cells = append(cells, strings.TrimSpace(c))
		}
		if len(cells) != 5 {
			t.Fatalf("README preset table: %q has %d cells, want 5", line, len(cells))
		}
		rows = append(rows, cells)
	}
	if len(rows) == 0 {
		t.Fatalf("%s: the Environment presets section has no table", path)
	}
	return rows
}
