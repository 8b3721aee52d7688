package workloads

import (
	corev1 "k8s.io/api/core/v1"
	"k8s.io/apimachinery/pkg/api/resource"
)

// nonRootUID runs every container the layer defines (distroless nonroot).
const nonRootUID = 65532

// podSecurity is the pod security context of every pod the layer defines:
// the restricted Pod Security Standard.
func podSecurity() *corev1.PodSecurityContext {
	return &corev1.PodSecurityContext{
		RunAsNonRoot:   ptr(true),
		RunAsUser:      ptr(int64(nonRootUID)),
		RunAsGroup:     ptr(int64(nonRootUID)),
		FSGroup:        ptr(int64(nonRootUID)),
		SeccompProfile: &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// containerSecurity is the security context of every container the layer
// defines: no privilege escalation, read-only root file system, no
// capabilities.
func containerSecurity() *corev1.SecurityContext {
	return &corev1.SecurityContext{
		RunAsNonRoot:             ptr(true),
		AllowPrivilegeEscalation: ptr(false),
		ReadOnlyRootFilesystem:   ptr(true),
		Capabilities:             &corev1.Capabilities{Drop: []corev1.Capability{"ALL"}},
		SeccompProfile:           &corev1.SeccompProfile{Type: corev1.SeccompProfileTypeRuntimeDefault},
	}
}

// resources are requests and limits of a container.
func resources(cpuReq, memReq, cpuLim, memLim string) corev1.ResourceRequirements {
	return corev1.ResourceRequirements{
		Requests: corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpuReq), corev1.ResourceMemory: resource.MustParse(memReq)},
		Limits:   corev1.ResourceList{corev1.ResourceCPU: resource.MustParse(cpuLim), corev1.ResourceMemory: resource.MustParse(memLim)},
	}
}

// tmpVolume is a writable /tmp for containers with a read-only root.
func tmpVolume() (corev1.Volume, corev1.VolumeMount) {
	return corev1.Volume{Name: "tmp", VolumeSource: corev1.VolumeSource{EmptyDir: &corev1.EmptyDirVolumeSource{SizeLimit: ptr(resource.MustParse("64Mi"))}}},
		corev1.VolumeMount{Name: "tmp", MountPath: "/tmp"}
}

// helmPodSecurity and helmContainerSecurity are the same settings as Helm
// values (charts take them as plain maps).
func helmPodSecurity() map[string]any {
	return map[string]any{
		"runAsNonRoot": true, "runAsUser": nonRootUID, "runAsGroup": nonRootUID, "fsGroup": nonRootUID,
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
}

func helmContainerSecurity() map[string]any {
	return map[string]any{
		"runAsNonRoot": true, "allowPrivilegeEscalation": false, "readOnlyRootFilesystem": true,
		"capabilities":   map[string]any{"drop": []any{"ALL"}},
		"seccompProfile": map[string]any{"type": "RuntimeDefault"},
	}
}

// helmResources are requests and limits as Helm values.
func helmResources(cpuReq, memReq, cpuLim, memLim string) map[string]any {
	return map[string]any{
		"requests": map[string]any{"cpu": cpuReq, "memory": memReq},
		"limits":   map[string]any{"cpu": cpuLim, "memory": memLim},
	}
}
