//! Kubernetes manifest rules: API versions, selectors, volumes, Services, images, resources.

pub mod api_deprecated;
pub mod api_removed;
pub mod duplicate_mount_path;
pub mod host_path_invalid;
pub mod image_pull_policy;
pub mod image_tag;
pub mod invalid_quantity;
pub mod memory_limit_missing;
pub mod node_port_range;
pub mod requests_exceed_limits;
pub mod requests_missing;
pub mod selector_mismatch;
pub mod selector_missing;
pub mod service_selector_unmatched;
pub mod service_target_port;
pub mod volume_field_unknown;
pub mod volume_mount_undefined;
pub mod volume_unused;

use crate::k8s::Object;
use crate::yaml::Node;

/// The `volumes` list of a pod spec.
pub(crate) fn volumes<'a>(obj: &Object<'a>) -> &'a [Node] {
    obj.pod_spec()
        .and_then(|s| s.get("volumes"))
        .and_then(Node::as_seq)
        .unwrap_or(&[])
}
