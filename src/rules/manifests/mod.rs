//! Kubernetes manifest rules: API versions, selectors, volumes, Services, images, resources.

pub mod api_deprecated;
pub mod api_removed;
pub mod container_name_duplicate;
pub mod duplicate_mount_path;
pub mod duplicate_object;
pub mod env_duplicate;
pub mod host_path_invalid;
pub mod image_invalid;
pub mod image_pull_policy;
pub mod image_tag;
pub mod invalid_quantity;
pub mod label_invalid;
pub mod memory_limit_missing;
pub mod missing_kind;
pub mod name_invalid;
pub mod node_port_range;
pub mod port_name_duplicate;
pub mod requests_exceed_limits;
pub mod requests_missing;
pub mod schema_duplicate_key;
pub mod schema_enum;
pub mod schema_missing;
pub mod schema_required;
pub mod schema_type;
pub mod schema_unknown_field;
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

/// Objects whose apiVersion and kind are in the deprecation table, with the table entry and
/// the span of `apiVersion`.
pub(crate) fn lifecycle_objects<'a>(
    docs: &'a [crate::chart::YamlDoc],
) -> impl Iterator<
    Item = (
        Object<'a>,
        &'static crate::k8s::deprecations::ApiLifecycle,
        crate::source::Span,
    ),
> {
    crate::k8s::objects(docs).into_iter().filter_map(|obj| {
        let api = crate::k8s::deprecations::lookup(obj.api_version, obj.kind)?;
        let span = obj
            .root
            .get("apiVersion")
            .map(|n| n.span)
            .unwrap_or(obj.root.span);
        Some((obj, api, span))
    })
}

/// Resource blocks of the regular (not init) containers of a manifest set, with the span a
/// finding about them points at: the `resources` key, or the container's name.
pub(crate) fn container_resources(
    docs: &[crate::chart::YamlDoc],
) -> impl Iterator<Item = (crate::k8s::resources::Resources<'_>, crate::source::Span)> {
    crate::k8s::resources::in_manifests(docs)
        .into_iter()
        .filter_map(|r| {
            let c = r.container.filter(|c| !c.init)?;
            let span = r
                .key
                .or_else(|| c.node.get("name").map(|n| n.span))
                .unwrap_or(c.node.span);
            Some((r, span))
        })
}

/// In a chart's rendered output, a container without resources is the chart leaving them to
/// its users (`resources: {}` in values.yaml): one finding per chart, at its first such
/// container, with the next few as related labels, at `info`. Groups findings by the chart
/// folder of the rendered file (the part of its path before `templates/`).
pub(crate) fn report_once_per_chart(
    meta: &'static crate::diagnostic::RuleMeta,
    found: Vec<(crate::k8s::resources::Resources<'_>, crate::source::Span)>,
    what: &str,
    help: &str,
    sink: &mut crate::diagnostic::Sink,
) {
    let mut groups: Vec<(
        String,
        Vec<(crate::k8s::resources::Resources<'_>, crate::source::Span)>,
    )> = Vec::new();
    for (r, span) in found {
        let path = r.file.path.to_string_lossy().replace('\\', "/");
        let chart = match path.rfind("/templates/") {
            Some(i) => path[..i].to_string(),
            None if path.starts_with("templates/") => String::new(),
            None => path.clone(),
        };
        match groups.iter_mut().find(|(c, _)| *c == chart) {
            Some((_, list)) => list.push((r, span)),
            None => groups.push((chart, vec![(r, span)])),
        }
    }
    for (_, list) in groups {
        let (first, span) = &list[0];
        let n = list.len();
        // The message names only the first container, so that the scenarios of a chart (whose
        // containers may differ) report the same finding once; the count goes to the help.
        let msg = format!(
            "{} has {what} with the chart's values",
            memory_limit_missing::capitalise(&first.owner)
        );
        let d = sink.report(meta, first.file, *span, msg);
        d.severity = crate::diagnostic::Severity::Info;
        d.label(what);
        for (r, s) in list.iter().skip(1).take(3) {
            d.related(r.file, *s, format!("also {what}: {}", r.owner));
        }
        d.help(if n > 1 {
            format!("{n} containers of this chart have {what}; {help}")
        } else {
            help.to_string()
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::chart::YamlDoc;
    use crate::diagnostic::Severity;
    use crate::rules::ManifestCheck;
    use crate::source::SourceFile;

    const TWO_DEPLOYMENTS: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  template:\n    spec:\n      containers:\n        - name: a\n          image: a:1\n          resources: {}\n        - name: b\n          image: b:1\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata: {name: c}\nspec:\n  template:\n    spec:\n      containers:\n        - name: c\n          image: c:1\n";

    fn run(check: ManifestCheck, rendered: bool) -> Vec<(Severity, String, usize, String)> {
        let docs = [
            YamlDoc::parse(SourceFile::new(
                "web/templates/deployment.yaml",
                TWO_DEPLOYMENTS.to_string(),
            )),
            YamlDoc::parse(SourceFile::new(
                "web/charts/db/templates/deployment.yaml",
                TWO_DEPLOYMENTS.to_string(),
            )),
        ];
        crate::rules::run_manifest_check(check, &docs, rendered)
            .into_iter()
            .map(|d| {
                let help = d.help.clone().unwrap_or_default();
                (d.severity, d.message, d.labels.len(), help)
            })
            .collect()
    }

    #[test]
    fn resources_once_per_rendered_chart_as_info() {
        for check in [
            super::memory_limit_missing::MANIFESTS,
            super::requests_missing::MANIFESTS,
        ] {
            let check = check.expect("manifest check");
            // Plain manifests: one finding per container.
            assert_eq!(run(check, false).len(), 6);
            // Rendered: one per chart (the chart and its subchart), at info, the other
            // containers as related labels.
            let found = run(check, true);
            assert_eq!(found.len(), 2, "{found:?}");
            for (severity, message, related, help) in found {
                assert_eq!(severity, Severity::Info);
                assert!(
                    message.starts_with("Container \"a\" of Deployment/a has no"),
                    "{message}"
                );
                assert_eq!(related, 2);
                assert!(help.starts_with("3 containers of this chart"), "{help}");
            }
        }
    }
}
