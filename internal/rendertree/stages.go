package rendertree

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// A Stage of an environment's lifecycle: which nested layers are observed
// ready (everything they compose exists and is available in AWS).
type Stage struct {
	Name  string
	Ready []string
	About string
}

// Stages in lifecycle order. "initial" is the first reconcile, with nothing
// observed; "ready" is the converged environment.
var Stages = []Stage{
	{Name: "initial", About: "first reconcile: nothing exists yet"},
	{Name: "network", Ready: []string{"XNetwork"}, About: "the network layer exists and is ready"},
	{Name: "cluster", Ready: []string{"XNetwork", "XCluster"}, About: "the EKS cluster, its node groups, IRSA and ProviderConfigs exist and are ready"},
	{Name: "ready", Ready: []string{"XNetwork", "XCluster", "XDatabase", "XDataLake", "XWorkloads"}, About: "every layer exists and is ready"},
}

// StageNamed returns the stage of that name.
func StageNamed(name string) (Stage, error) {
	var names []string
	for _, s := range Stages {
		if s.Name == name {
			return s, nil
		}
		names = append(names, s.Name)
	}
	return Stage{}, fmt.Errorf("unknown stage %q: use one of %s", name, strings.Join(names, ", "))
}

// ReadySet is the stage's ready layers as a set.
func (s Stage) ReadySet() map[string]bool {
	m := map[string]bool{}
	for _, k := range s.Ready {
		m[k] = true
	}
	return m
}

// FixtureDir is where the observed fixtures of an environment at a stage live.
func FixtureDir(root, env, stage string) string { return filepath.Join(root, env, stage) }

// WriteFixtures writes one file per XR kind (<kind>.yaml, lower case).
func WriteFixtures(dir string, fx Fixtures) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for kind, objs := range fx {
		sort.Slice(objs, func(i, j int) bool { return compositionResourceName(objs[i]) < compositionResourceName(objs[j]) })
		if err := WriteYAML(filepath.Join(dir, strings.ToLower(kind)+".yaml"), objs); err != nil {
			return err
		}
	}
	return nil
}

// ReadFixtures reads the fixtures of a stage; a missing folder means nothing
// is observed.
func ReadFixtures(dir string) (Fixtures, error) {
	fx := Fixtures{}
	for kind := range Layers {
		objs, err := ReadYAML(filepath.Join(dir, strings.ToLower(kind)+".yaml"))
		if err != nil {
			return nil, err
		}
		if len(objs) > 0 {
			fx[kind] = objs
		}
	}
	return fx, nil
}
