//! Moving an object off a removed API version, where the move is mechanical: the replacement
//! serves the same fields with the same meaning, so only `apiVersion` changes.

use super::Fix;
use crate::k8s::Object;
use crate::k8s::deprecations::ApiLifecycle;
use crate::source::Span;

/// Moves whose schema is unchanged. Workloads moving to `apps/v1` qualify only when they set
/// `spec.selector` (which `apps/v1` requires); Ingress, CustomResourceDefinition, webhooks,
/// EndpointSlice, Event, CertificateSigningRequest and `autoscaling/v2beta1` changed fields and
/// are left to the author.
fn mechanical(api: &str, kind: &str, to: &str) -> bool {
    matches!(
        (api, kind, to),
        (
            "rbac.authorization.k8s.io/v1beta1" | "rbac.authorization.k8s.io/v1alpha1",
            "Role" | "ClusterRole" | "RoleBinding" | "ClusterRoleBinding",
            "rbac.authorization.k8s.io/v1"
        ) | ("batch/v1beta1", "CronJob", "batch/v1")
            | (
                "autoscaling/v2beta2",
                "HorizontalPodAutoscaler",
                "autoscaling/v2"
            )
            | ("policy/v1beta1", "PodDisruptionBudget", "policy/v1")
            | (
                "scheduling.k8s.io/v1beta1" | "scheduling.k8s.io/v1alpha1",
                "PriorityClass",
                "scheduling.k8s.io/v1"
            )
            | (
                "storage.k8s.io/v1beta1",
                "StorageClass" | "VolumeAttachment" | "CSIDriver" | "CSINode",
                "storage.k8s.io/v1"
            )
            | (
                "coordination.k8s.io/v1beta1",
                "Lease",
                "coordination.k8s.io/v1"
            )
            | (
                "networking.k8s.io/v1beta1",
                "IngressClass",
                "networking.k8s.io/v1"
            )
            | (
                "extensions/v1beta1",
                "NetworkPolicy",
                "networking.k8s.io/v1"
            )
            | ("node.k8s.io/v1beta1", "RuntimeClass", "node.k8s.io/v1")
            | (
                "extensions/v1beta1" | "apps/v1beta1" | "apps/v1beta2",
                "Deployment" | "DaemonSet" | "ReplicaSet" | "StatefulSet",
                "apps/v1"
            )
    )
}

/// The fix moving `obj` to the replacement of `api`, when the move is mechanical and the
/// `apiVersion` at `span` is written as the literal version (not built by a template).
pub fn replace(obj: &Object, api: &ApiLifecycle, span: Span) -> Option<Fix> {
    let to = api.replacement?;
    if !mechanical(api.api_version, obj.kind, to) {
        return None;
    }
    if to == "apps/v1" && obj.root.get_path(&["spec", "selector"]).is_none() {
        return None;
    }
    let written = obj.file.slice(span);
    let inner = match written.as_bytes().first() {
        Some(b'"') | Some(b'\'') if written.len() >= 2 => &written[1..written.len() - 1],
        _ => written,
    };
    if inner != api.api_version {
        return None;
    }
    let start = span.start as usize + (written.len() - inner.len()) / 2;
    Some(Fix::unsafe_(format!("Move to {to} {}", obj.kind)).edit(
        obj.file,
        Span::new(start, start + inner.len()),
        to,
    ))
}
