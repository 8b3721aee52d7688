package release

import (
	"bytes"
	"context"
	"fmt"
	"os/exec"
	"strings"

	"sigs.k8s.io/yaml"
)

// claimStatus is the part of an Environment claim the release reads.
type claimStatus struct {
	Status struct {
		DataLake struct {
			Repositories []struct {
				Name string `json:"name"`
				URL  string `json:"url"`
			} `json:"repositories"`
		} `json:"dataLake"`
	} `json:"status"`
}

// Repositories reads the app repositories (app name to repository URL) from
// an Environment claim as kubectl prints it (JSON or YAML): the claim's
// status.dataLake.repositories, each named gokinjo-<env>-<app>.
func Repositories(claim []byte) (map[string]string, error) {
	var c claimStatus
	if err := yaml.Unmarshal(claim, &c); err != nil {
		return nil, fmt.Errorf("read the claim: %w", err)
	}
	repos := map[string]string{}
	for _, r := range c.Status.DataLake.Repositories {
		for _, a := range Apps {
			if strings.HasSuffix(r.Name, "-"+a.Name) && r.URL != "" {
				repos[a.Name] = r.URL
			}
		}
	}
	if err := haveAll(repos); err != nil {
		return nil, fmt.Errorf("the claim's status.dataLake.repositories: %w: is the environment's XDataLake ready (kubectl get environment)?", err)
	}
	return repos, nil
}

// ClaimRepositories reads the repositories of the environment's claim from
// the management cluster with kubectl (current context).
func ClaimRepositories(ctx context.Context, kubectl, namespace, claim string) (map[string]string, error) {
	var out, errb bytes.Buffer
	cmd := exec.CommandContext(ctx, kubectl, "get", "environments.platform.gokinjo.io", claim, "-n", namespace, "-o", "json")
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("kubectl get environment %s -n %s: %w: %s", claim, namespace, err, strings.TrimSpace(errb.String()))
	}
	return Repositories(out.Bytes())
}
