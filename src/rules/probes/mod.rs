//! Probe rules: the same timing checks run on container specs in manifests and on probe
//! settings in values.

pub mod identical;
pub mod invalid_value;
pub mod liveness_before_readiness;
pub mod liveness_delay_without_startup;
pub mod liveness_missing;
pub mod port_undeclared;
pub mod readiness_missing;
pub mod success_threshold;
pub mod timeout_equals_period;
pub mod timeout_exceeds_period;

use crate::k8s::probes::{Probe, ProbeGroup, ProbeKind};

/// The `CHART` and `MANIFESTS` checks of a rule that judges each probe group on its own
/// (`fn check(&ProbeGroup, &mut Sink)`): probes in values, and probes in manifests.
macro_rules! each_probe_group {
    ($check:ident) => {
        pub const CHART: Option<crate::rules::ChartCheck> =
            Some(|chart, ctx, sink| ctx.value_probes(chart).iter().for_each(|g| $check(g, sink)));
        pub const MANIFESTS: Option<crate::rules::ManifestCheck> = Some(|docs, _, sink| {
            crate::k8s::probes::in_manifests(docs)
                .iter()
                .for_each(|g| $check(g, sink))
        });
    };
}
pub(crate) use each_probe_group;

/// "liveness probe of container "api" of Deployment/web".
pub(crate) fn describe(group: &ProbeGroup, probe: &Probe) -> String {
    let kind = match probe.kind {
        ProbeKind::Liveness => "liveness",
        ProbeKind::Readiness => "readiness",
        ProbeKind::Startup => "startup",
    };
    format!("{kind} probe of {}", group.owner)
}

/// The span of a field's value, or of the probe's key when the field is unset (a default).
pub(crate) fn field_span(probe: &Probe, name: &str) -> crate::source::Span {
    probe.field(name).map(|n| n.span).unwrap_or(probe.key)
}
