//! Probes wherever they sit: container specs in manifests, and probe settings in values
//! (`livenessProbe.*`, `readinessProbe.*`, `startupProbe.*`, `probes.liveness.*` …).

use super::{Container, Object, objects};
use crate::chart::{Chart, YamlDoc};
use crate::source::{File, Span};
use crate::yaml::Node;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProbeKind {
    Liveness,
    Readiness,
    Startup,
}

impl ProbeKind {
    pub fn field(self) -> &'static str {
        match self {
            ProbeKind::Liveness => "livenessProbe",
            ProbeKind::Readiness => "readinessProbe",
            ProbeKind::Startup => "startupProbe",
        }
    }
}

#[derive(Clone, Copy)]
pub struct Probe<'a> {
    pub kind: ProbeKind,
    pub node: &'a Node,
    /// The key that introduces the probe (`livenessProbe`, `liveness`).
    pub key: Span,
}

/// Kubernetes defaults for unset probe fields.
pub fn default_of(field: &str) -> i64 {
    match field {
        "periodSeconds" => 10,
        "timeoutSeconds" | "successThreshold" => 1,
        "failureThreshold" => 3,
        _ => 0,
    }
}

impl<'a> Probe<'a> {
    pub fn field(&self, name: &str) -> Option<&'a Node> {
        self.node.get(name)
    }

    /// A timing field as a whole number, with Kubernetes' default when unset. `None` when the
    /// value is not a number (a template string, a typo): checks then stay silent.
    pub fn number(&self, name: &str) -> Option<i64> {
        match self.node.get(name) {
            None => Some(default_of(name)),
            Some(n) if n.is_null() => Some(default_of(name)),
            Some(n) => n.as_i64(),
        }
    }

    pub fn is_set(&self, name: &str) -> bool {
        self.node.get(name).is_some_and(|n| !n.is_null())
    }

    /// The probe's handler (`httpGet`, `tcpSocket`, `exec`, `grpc`) as JSON, for comparison.
    pub fn handler(&self) -> Option<serde_json::Value> {
        ["httpGet", "tcpSocket", "exec", "grpc"]
            .iter()
            .find_map(|h| {
                self.node
                    .get(h)
                    .map(|n| serde_json::json!({ *h: n.to_json() }))
            })
    }
}

/// The probes of one container (or of one values object that configures a container's probes).
pub struct ProbeGroup<'a> {
    pub file: &'a File,
    /// Who the probes belong to, for messages: `container "api" of Deployment/web` or a values path.
    pub owner: String,
    pub liveness: Option<Probe<'a>>,
    pub readiness: Option<Probe<'a>>,
    pub startup: Option<Probe<'a>>,
    /// Set for manifests: the container, for port checks.
    pub container: Option<Container<'a>>,
    pub object: Option<Object<'a>>,
}

impl<'a> ProbeGroup<'a> {
    pub fn probes(&self) -> impl Iterator<Item = &Probe<'a>> {
        self.liveness
            .iter()
            .chain(self.readiness.iter())
            .chain(self.startup.iter())
    }
}

fn probe_at<'a>(parent: &'a Node, key: &str, kind: ProbeKind) -> Option<Probe<'a>> {
    let e = parent.entry(key)?;
    e.value.as_map()?;
    Some(Probe {
        kind,
        node: &e.value,
        key: e.key.span,
    })
}

/// Probe groups of every container in a manifest set.
pub fn in_manifests(docs: &[YamlDoc]) -> Vec<ProbeGroup<'_>> {
    let mut out = Vec::new();
    for obj in objects(docs) {
        for c in obj.containers() {
            out.push(ProbeGroup {
                file: obj.file,
                owner: format!(
                    "{} container \"{}\" of {}",
                    if c.init { "init" } else { "" },
                    c.name(),
                    obj.describe()
                )
                .trim_start()
                .to_string(),
                liveness: probe_at(c.node, "livenessProbe", ProbeKind::Liveness),
                readiness: probe_at(c.node, "readinessProbe", ProbeKind::Readiness),
                startup: probe_at(c.node, "startupProbe", ProbeKind::Startup),
                container: Some(c),
                object: Some(obj),
            });
        }
    }
    out
}

/// Probe groups configured in a chart's values: a mapping holding `livenessProbe` /
/// `readinessProbe` / `startupProbe`, or a `probes` mapping holding `liveness` / `readiness` / `startup`.
pub fn in_values(chart: &Chart) -> Vec<ProbeGroup<'_>> {
    let Some(values) = &chart.values else {
        return Vec::new();
    };
    let mut out = Vec::new();
    crate::chart::values::each_node(chart, &mut |path, entry, node| {
        if node.as_map().is_none() {
            return;
        }
        let group = if entry.and_then(|e| e.key_str()) == Some("probes") {
            ProbeGroup {
                file: &values.file,
                owner: format!("values `{path}`"),
                liveness: probe_at(node, "liveness", ProbeKind::Liveness),
                readiness: probe_at(node, "readiness", ProbeKind::Readiness),
                startup: probe_at(node, "startup", ProbeKind::Startup),
                container: None,
                object: None,
            }
        } else {
            let owner = if path.is_empty() {
                "values".to_string()
            } else {
                format!("values `{path}`")
            };
            ProbeGroup {
                file: &values.file,
                owner,
                liveness: probe_at(node, "livenessProbe", ProbeKind::Liveness),
                readiness: probe_at(node, "readinessProbe", ProbeKind::Readiness),
                startup: probe_at(node, "startupProbe", ProbeKind::Startup),
                container: None,
                object: None,
            }
        };
        if group.probes().next().is_some() {
            out.push(group);
        }
    });
    out
}
