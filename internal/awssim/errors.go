package awssim

import (
	"fmt"

	"k8s.io/apimachinery/pkg/apis/meta/v1/unstructured"
)

// An AWSError is what a simulated AWS API call returns when AWS would refuse
// it: the AWS error code and message, as the provider surfaces them.
type AWSError struct {
	// Op is the API call (CreateDBInstance, DeleteVpc, ...).
	Op string
	// Code is the AWS error code (DependencyViolation, InvalidSubnet.Range, ...).
	Code    string
	Message string
	// Rule names the simulator rule that fired, for the README and test output.
	Rule string
	// AtObserve: the provider's first look (its Read, before any create)
	// fails, so it never calls Create.
	AtObserve bool
}

func (e *AWSError) Error() string {
	return fmt.Sprintf("operation error %s, api error %s: %s", e.Op, e.Code, e.Message)
}

// awsErr is shorthand for rules.
func awsErr(rule, op, code, format string, args ...any) *AWSError {
	return &AWSError{Rule: rule, Op: op, Code: code, Message: fmt.Sprintf(format, args...)}
}

// A Failure is a resource the simulated AWS (or the simulated provider)
// refused, named the way `make test` prints it.
type Failure struct {
	Kind, Name string
	// Owner is the name of the resource's controller (its XR).
	Owner string
	// Message is the message of the managed resource's condition.
	Message string
	Err     *AWSError
}

func (f Failure) String() string {
	rule := "references"
	if f.Err != nil {
		rule = f.Err.Rule
	}
	return fmt.Sprintf("%s %s [rule %s]: %s", f.Kind, f.Name, rule, f.Message)
}

// setSynced sets the conditions a provider reports when a reconcile fails
// (Synced=False, ReconcileError) and the resource is not available.
func setFailed(u *unstructured.Unstructured, msg string) {
	conds := []any{
		map[string]any{"type": "Synced", "status": "False", "reason": "ReconcileError", "message": msg, "lastTransitionTime": TransitionTime},
	}
	_ = unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
}

// createMessage is the message upjet-based providers write when the AWS
// create call fails.
func createMessage(kind, name string, e *AWSError) string {
	return fmt.Sprintf("create failed: async create failed: failed to create the resource: [{0 creating %s (%s): %s  []}]", kind, name, e.Error())
}

// observeMessage is the message upjet's no-fork provider writes when its
// Read fails (crossplane-runtime "observe failed", upjet v1.5
// external_tfpluginsdk.go Observe).
func observeMessage(kind, name string, e *AWSError) string {
	return fmt.Sprintf("observe failed: failed to observe the resource: [{0 reading %s (%s): %s  []}]", kind, name, e.Error())
}

// updateMessage is the message written when the AWS update call fails; the
// resource keeps its last state in AWS and the provider retries.
func updateMessage(kind, name string, e *AWSError) string {
	return fmt.Sprintf("update failed: async update failed: failed to update the resource: [{0 updating %s (%s): %s  []}]", kind, name, e.Error())
}

// setUpdateFailed sets the conditions of a resource whose update AWS refused:
// still Ready (it exists as it was), Synced=False with the error.
func setUpdateFailed(u *unstructured.Unstructured, msg string) {
	conds := []any{
		map[string]any{"type": "Ready", "status": "True", "reason": "Available", "lastTransitionTime": TransitionTime},
		map[string]any{"type": "Synced", "status": "False", "reason": "ReconcileError", "message": msg, "lastTransitionTime": TransitionTime},
	}
	_ = unstructured.SetNestedSlice(u.Object, conds, "status", "conditions")
}

// deleteMessage is the message written when the AWS delete call fails; the
// provider keeps the finalizer and retries.
func deleteMessage(kind, name string, e *AWSError) string {
	return fmt.Sprintf("delete failed: async delete failed: failed to delete the resource: [{0 deleting %s (%s): %s  []}]", kind, name, e.Error())
}
