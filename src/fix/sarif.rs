//! A finding's fix as SARIF 2.1.0 `fixes` (§3.55): one artifact change per edited file, each
//! edit a replacement of a region (1-based lines, Unicode code point columns, end exclusive, as
//! the rest of plimsoll's SARIF) by new text. For the SARIF report to attach to its results.

use super::{Applicability, Fix};
use crate::source::SourceFile;
use serde_json::{Value, json};

/// The `fixes` array of a result with this fix; `artifact` gives a file's `artifactLocation`
/// as the report writes it.
pub fn fixes(fix: &Fix, artifact: &dyn Fn(&SourceFile) -> Value) -> Value {
    let mut changes: Vec<(std::path::PathBuf, Value, Vec<Value>)> = Vec::new();
    for e in &fix.edits {
        let start = e.file.line_col(e.span.start as usize);
        let end = e.file.line_col(e.span.end as usize);
        let replacement = json!({
            "deletedRegion": {
                "startLine": start.line,
                "startColumn": start.col,
                "endLine": end.line,
                "endColumn": end.col,
            },
            "insertedContent": { "text": e.replacement },
        });
        match changes.iter_mut().find(|(p, _, _)| *p == e.file.path) {
            Some((_, _, list)) => list.push(replacement),
            None => changes.push((e.file.path.clone(), artifact(&e.file), vec![replacement])),
        }
    }
    let description = match fix.applicability {
        Applicability::Safe => fix.message.clone(),
        Applicability::Unsafe => format!("{} (unsafe fix: review it)", fix.message),
    };
    json!([{
        "description": { "text": description },
        "artifactChanges": changes
            .into_iter()
            .map(|(_, location, replacements)| json!({
                "artifactLocation": location,
                "replacements": replacements,
            }))
            .collect::<Vec<_>>(),
    }])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::{SourceFile, Span};

    #[test]
    fn a_fix_as_sarif() {
        let f = SourceFile::new("c/Chart.yaml", "name: é\nversion: 1.10\n".into());
        let at = f.text.find("1.10").unwrap();
        let fix = Fix::safe("Write `version: 1.10.0`")
            .edit(&f, Span::new(at, at + 4), "1.10.0")
            .edit(&f, Span::empty(0), "# x\n");
        let v = fixes(&fix, &|file| json!({ "uri": file.display_path() }));
        assert_eq!(v[0]["description"]["text"], "Write `version: 1.10.0`");
        let change = &v[0]["artifactChanges"][0];
        assert_eq!(change["artifactLocation"]["uri"], "c/Chart.yaml");
        assert_eq!(
            change["replacements"][0]["deletedRegion"],
            json!({"startLine": 2, "startColumn": 10, "endLine": 2, "endColumn": 14})
        );
        assert_eq!(
            change["replacements"][0]["insertedContent"]["text"],
            "1.10.0"
        );
        assert_eq!(
            change["replacements"][1]["deletedRegion"],
            json!({"startLine": 1, "startColumn": 1, "endLine": 1, "endColumn": 1})
        );
    }
}
