//! Suppression comments: `# plimsoll-ignore: rule-a, rule-b` on the finding's line or the line
//! above, `# plimsoll-ignore-file: rule` for the whole file. In templates the same text may sit
//! inside `{{/* … */}}`.

use crate::diagnostic::Diagnostic;
use crate::source::{File, Span};
use regex::Regex;
use std::sync::OnceLock;

#[derive(Debug)]
pub struct Suppression {
    /// 0-based line of the comment.
    pub line: usize,
    pub file_wide: bool,
    /// Rule names with their spans.
    pub rules: Vec<(String, Span)>,
    pub used: Vec<bool>,
}

const MARKER: &str = "plimsoll-ignore";

fn pattern() -> &'static Regex {
    static RE: OnceLock<Regex> = OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"(?:#|/\*|//)\s*plimsoll-ignore(-file)?\s*:\s*([A-Za-z0-9_./, \t-]*[A-Za-z0-9_-])",
        )
        .expect("valid regex")
    })
}

/// Finds the suppression comments of one file.
pub fn scan(file: &File) -> Vec<Suppression> {
    if !file.text.contains(MARKER) {
        return Vec::new();
    }
    let mut out = Vec::new();
    for caps in pattern().captures_iter(&file.text) {
        let (Some(whole), Some(list)) = (caps.get(0), caps.get(2)) else {
            continue;
        };
        let mut rules = Vec::new();
        let mut offset = list.start();
        for part in list.as_str().split(',') {
            let trimmed = part.trim();
            if !trimmed.is_empty() {
                let start = offset + (part.len() - part.trim_start().len());
                rules.push((trimmed.to_string(), Span::new(start, start + trimmed.len())));
            }
            offset += part.len() + 1;
        }
        let used = vec![false; rules.len()];
        out.push(Suppression {
            line: file.line_index(whole.start()),
            file_wide: caps.get(1).is_some(),
            rules,
            used,
        });
    }
    out
}

impl Suppression {
    /// Whether this comment suppresses the diagnostic (marking the rule as used).
    pub fn applies(&mut self, d: &Diagnostic) -> bool {
        let line = d.span.map(|s| d.file.line_index(s.start as usize));
        let covers = self.file_wide || line.is_some_and(|l| l == self.line || l == self.line + 1);
        if !covers {
            return false;
        }
        for (i, (name, _)) in self.rules.iter().enumerate() {
            if name == "all" || name == d.rule.name {
                self.used[i] = true;
                return true;
            }
        }
        false
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::SourceFile;

    #[test]
    fn finds_line_and_file_comments() {
        let f = SourceFile::new("v.yaml", "# plimsoll-ignore-file: yaml/syntax\na: 1 # plimsoll-ignore: x/y, z/w\n{{/* plimsoll-ignore: t/u */}}\n".into());
        let s = scan(&f);
        assert_eq!(s.len(), 3);
        assert!(s[0].file_wide);
        assert_eq!(s[1].line, 1);
        let names: Vec<_> = s[1]
            .rules
            .iter()
            .map(|(n, sp)| (n.as_str(), &f.text[sp.range()]))
            .collect();
        assert_eq!(names, vec![("x/y", "x/y"), ("z/w", "z/w")]);
        assert_eq!(s[2].rules[0].0, "t/u");
    }
}
