package network

import "github.com/crossplane/function-sdk-go/resource/composed"

func newComposed(content map[string]any) *composed.Unstructured {
	u := composed.New()
	u.SetUnstructuredContent(content)
	return u
}
