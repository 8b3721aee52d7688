package naming

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/gokinjo/platform/functions/gokinjo/internal/v1alpha1"
)

func TestTags(t *testing.T) {
	o := v1alpha1.Owner{EnvironmentID: "gokinjo-abcde", Environment: "dev", Region: "ap-northeast-1"}
	got := map[string]string{}
	for k, v := range Tags(o, "network", "gokinjo-dev-vpc", map[string]string{"kubernetes.io/role/elb": "1"}) {
		got[k] = *v
	}
	want := map[string]string{
		"Project": "gokinjo", "Environment": "dev", "ManagedBy": "crossplane", "Layer": "network",
		"Name": "gokinjo-dev-vpc", "kubernetes.io/role/elb": "1",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Tags(): -want, +got:\n%s", diff)
	}
}

func TestNames(t *testing.T) {
	o := v1alpha1.Owner{Environment: "prod"}
	cases := map[string]struct{ got, want string }{
		"AWSName":    {AWSName(o, "private", "a"), "gokinjo-prod-private-a"},
		"ZoneSuffix": {ZoneSuffix("ap-northeast-1d"), "d"},
		"EmptyZone":  {ZoneSuffix(""), ""},
	}
	for name, tc := range cases {
		if tc.got != tc.want {
			t.Errorf("%s: want %q, got %q", name, tc.want, tc.got)
		}
	}
}
