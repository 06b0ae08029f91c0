//! Problems found while reading YAML files.

pub mod alias_limit;
pub mod duplicate_key;
pub mod syntax;

use crate::chart::{Chart, YamlDoc};
use crate::diagnostic::{RuleMeta, Sink};
use crate::yaml::{YamlIssue, YamlIssueKind};

/// Reports the reader's issues of one kind for every YAML file of a chart or manifest set.
pub(crate) fn report_issues<'a>(
    docs: impl Iterator<Item = &'a YamlDoc>,
    meta: &'static RuleMeta,
    wanted: fn(&YamlIssueKind) -> bool,
    sink: &mut Sink,
) {
    for doc in docs {
        for issue in doc.yaml.issues.iter().filter(|i| wanted(&i.kind)) {
            let YamlIssue {
                kind,
                span,
                message,
            } = issue;
            let d = sink.report(meta, &doc.file, *span, message.clone());
            if let YamlIssueKind::DuplicateKey { first } = kind {
                d.label("repeated here")
                    .related(&doc.file, *first, "first defined here");
                d.help("remove one of the two keys, or merge their contents");
                if let Some(f) = crate::fix::yaml::remove_entry(
                    &doc.file,
                    *first,
                    "Remove the earlier entry (the later one is what Helm reads)",
                ) {
                    d.fix(f);
                }
            }
        }
    }
}

pub(crate) fn chart_docs(chart: &Chart) -> impl Iterator<Item = &YamlDoc> {
    chart.yaml_docs()
}
