//! `.helmignore` with Helm's own semantics (helm: `pkg/ignore`), which are not gitignore's:
//!
//! - one pattern a line; surrounding white space trimmed; blank lines and lines starting with
//!   `#` skipped. A `#` later in the line is part of the pattern (no inline comments);
//! - patterns are Go `filepath.Match` globs: `*` and `?` never cross `/`, `[a-z]` / `[^a-z]`
//!   classes, `\` escapes. `**` is refused ("double-star (**) syntax is not supported") and a
//!   malformed glob (`[z-`) is a syntax error; either makes Helm refuse to load the chart;
//! - a trailing `/` matches directories only; a leading `/` anchors the pattern at the chart
//!   root; a pattern with another `/` is matched against the whole chart-relative path; a
//!   pattern without `/` is matched against the file name alone, at any depth;
//! - rules are tried in order and the first decision wins. A negated rule `!p` ends the search
//!   with "ignore" when the path does *not* match `p` (and for a `!dir/` rule, for any file),
//!   and moves on to the next rule when it matches. So `!Chart.yaml` on the first line ignores
//!   everything else;
//! - when loading a chart folder Helm adds the rule `templates/.?*` after the file's own rules
//!   (dot files directly in `templates/`). An ignored folder is skipped with everything in it.
//!   Only the top chart's `.helmignore` is read: its patterns see subchart files as
//!   `charts/<sub>/…`, and a subchart's own `.helmignore` has no effect. Packaged charts are
//!   read without `.helmignore`.

use crate::source::Span;

/// One parsed pattern.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The pattern as written (trimmed).
    pub raw: String,
    /// Where it is in `.helmignore` (empty for built-in rules).
    pub span: Span,
    negate: bool,
    must_dir: bool,
    kind: Kind,
    glob: String,
    /// Whether `glob` is well formed (checked once, not at every match).
    valid: bool,
    /// Whether `glob` holds no `*`, `?`, `[` or `\\`: it then matches only itself.
    literal: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// Leading `/`: the whole path, from the chart root.
    Anchored,
    /// Contains `/`: the whole path.
    Structural,
    /// No `/`: the last path segment.
    Basename,
}

/// A line Helm refuses, with the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatternError {
    pub span: Span,
    pub pattern: String,
    pub reason: PatternErrorKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PatternErrorKind {
    /// Contains `**`.
    DoubleStar,
    /// Go's `filepath.Match` reports `syntax error in pattern`.
    BadGlob,
}

/// The rules of one `.helmignore`, in file order.
#[derive(Debug, Clone, Default)]
pub struct HelmIgnore {
    pub patterns: Vec<Pattern>,
}

impl HelmIgnore {
    /// Parses `.helmignore` text. Lines Helm refuses are returned as errors and left out (Helm
    /// itself then refuses to load the chart; plimsoll reports them and goes on).
    pub fn parse(text: &str) -> (HelmIgnore, Vec<PatternError>) {
        let mut rules = HelmIgnore::default();
        let mut errors = Vec::new();
        let mut offset = 0usize;
        for line in text.split_inclusive('\n') {
            let start = offset;
            offset += line.len();
            let body = line.strip_suffix('\n').unwrap_or(line);
            let body = body.strip_suffix('\r').unwrap_or(body);
            let trimmed = body.trim();
            if trimmed.is_empty() || trimmed.starts_with('#') {
                continue;
            }
            let lead = body.len() - body.trim_start().len();
            let span = Span::new(start + lead, start + lead + trimmed.len());
            match Pattern::new(trimmed, span) {
                Ok(p) => rules.patterns.push(p),
                Err(reason) => errors.push(PatternError {
                    span,
                    pattern: trimmed.to_string(),
                    reason,
                }),
            }
        }
        (rules, errors)
    }

    /// Adds the rule Helm adds when loading a chart folder: `templates/.?*`.
    pub fn add_defaults(&mut self) {
        if let Ok(p) = Pattern::new("templates/.?*", Span::default()) {
            self.patterns.push(p);
        }
    }

    /// Whether the chart-relative path (`/`-separated, no leading `./`) is ignored.
    pub fn ignore(&self, path: &str, is_dir: bool) -> bool {
        if path.is_empty() || path == "." || path == "./" {
            return false;
        }
        // The file name, for the patterns without `/`.
        let name = base(path);
        for p in &self.patterns {
            if p.negate {
                if p.must_dir && !is_dir {
                    return true;
                }
                if !p.matches(path, name) {
                    return true;
                }
                continue;
            }
            if p.must_dir && !is_dir {
                continue;
            }
            if p.matches(path, name) {
                return true;
            }
        }
        false
    }
}

impl Pattern {
    fn new(rule: &str, span: Span) -> Result<Pattern, PatternErrorKind> {
        if rule.contains("**") {
            return Err(PatternErrorKind::DoubleStar);
        }
        if validate(rule).is_err() {
            return Err(PatternErrorKind::BadGlob);
        }
        let raw = rule.to_string();
        let mut rule = rule;
        let negate = match rule.strip_prefix('!') {
            Some(r) => {
                rule = r;
                true
            }
            None => false,
        };
        let must_dir = match rule.strip_suffix('/') {
            Some(r) => {
                rule = r;
                true
            }
            None => false,
        };
        let (kind, glob) = if let Some(r) = rule.strip_prefix('/') {
            (Kind::Anchored, r)
        } else if rule.contains('/') {
            (Kind::Structural, rule)
        } else {
            (Kind::Basename, rule)
        };
        Ok(Pattern {
            raw,
            span,
            negate,
            must_dir,
            kind,
            valid: validate(glob).is_ok(),
            literal: !glob.contains(['*', '?', '[', '\\']),
            glob: glob.to_string(),
        })
    }

    /// Whether the pattern matches `path`, whose file name is `base` (`base(path)`).
    fn matches(&self, path: &str, base: &str) -> bool {
        let name = match self.kind {
            Kind::Anchored | Kind::Structural => path,
            Kind::Basename => base,
        };
        // As `go_match(&self.glob, name).unwrap_or(false)`, validated once.
        if self.literal {
            return self.valid && self.glob == name;
        }
        self.valid && match_valid(&self.glob, name)
    }
}

/// Go's `filepath.Base` for `/`-separated paths.
fn base(path: &str) -> &str {
    let p = path.trim_end_matches('/');
    if p.is_empty() {
        return if path.is_empty() { "." } else { "/" };
    }
    match p.rfind('/') {
        Some(i) => &p[i + 1..],
        None => p,
    }
}

/// The pattern is malformed (Go's `filepath.ErrBadPattern`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BadPattern;

/// Checks the whole pattern's syntax the way Go's `filepath.Match` does.
pub fn validate(pattern: &str) -> Result<(), BadPattern> {
    let mut rest = pattern;
    while !rest.is_empty() {
        let (_, chunk, next) = scan_chunk(rest);
        match_chunk(chunk, "")?;
        rest = next;
    }
    Ok(())
}

/// Go's `filepath.Match` on a Unix system: the whole `name` must match `pattern`.
pub fn go_match(pattern: &str, name: &str) -> Result<bool, BadPattern> {
    validate(pattern)?;
    Ok(match_valid(pattern, name))
}

/// [`go_match`] for a pattern [`validate`] accepts.
fn match_valid(pattern: &str, name: &str) -> bool {
    let mut pattern = pattern;
    let mut name = name;
    'pattern: while !pattern.is_empty() {
        let (star, chunk, next) = scan_chunk(pattern);
        pattern = next;
        if star && chunk.is_empty() {
            // A trailing `*` matches the rest unless it holds a separator.
            return !name.contains('/');
        }
        if star && pattern.is_empty() && !chunk.contains(['[', '?', '\\']) {
            // A last, literal chunk after a star (`*.bak`): as trying it at every position the
            // star can reach (up to the first separator), `name` must end with it there.
            return name.ends_with(chunk)
                && name.len() - chunk.len() <= name.find('/').unwrap_or(name.len());
        }
        if let Ok(Some(t)) = match_chunk(chunk, name)
            && (t.is_empty() || !pattern.is_empty())
        {
            name = t;
            continue;
        }
        if star {
            // Try the chunk at every later position, never skipping a separator.
            for (i, c) in name.char_indices() {
                if c == '/' {
                    break;
                }
                let from = i + c.len_utf8();
                if let Ok(Some(t)) = match_chunk(chunk, &name[from..]) {
                    if pattern.is_empty() && !t.is_empty() {
                        continue;
                    }
                    name = t;
                    continue 'pattern;
                }
            }
        }
        return false;
    }
    name.is_empty()
}

/// Splits off the next chunk: leading stars, then everything up to the next unescaped star
/// outside a character class.
fn scan_chunk(pattern: &str) -> (bool, &str, &str) {
    let star_end = pattern.len() - pattern.trim_start_matches('*').len();
    let star = star_end > 0;
    let pattern = &pattern[star_end..];
    let bytes = pattern.as_bytes();
    let mut in_range = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if i + 1 < bytes.len() => i += 1,
            b'[' => in_range = true,
            b']' => in_range = false,
            b'*' if !in_range => break,
            _ => {}
        }
        i += 1;
    }
    (star, &pattern[..i], &pattern[i..])
}

/// Matches one star-free chunk at the start of `s`. `Ok(Some(rest))` on a match, `Ok(None)` on
/// a mismatch; the chunk's syntax is checked to its end either way.
fn match_chunk<'a>(chunk: &str, s: &'a str) -> Result<Option<&'a str>, BadPattern> {
    let mut failed = false;
    let mut s = s;
    let mut chunk = chunk;
    while let Some(c) = chunk.chars().next() {
        if !failed && s.is_empty() {
            failed = true;
        }
        match c {
            '[' => {
                let mut r = '\0';
                if !failed && let Some(ch) = s.chars().next() {
                    r = ch;
                    s = &s[ch.len_utf8()..];
                }
                chunk = &chunk[1..];
                let negated = chunk.starts_with('^');
                if negated {
                    chunk = &chunk[1..];
                }
                let mut matched = false;
                let mut nrange = 0;
                loop {
                    if chunk.starts_with(']') && nrange > 0 {
                        chunk = &chunk[1..];
                        break;
                    }
                    let (lo, rest) = get_esc(chunk)?;
                    chunk = rest;
                    let mut hi = lo;
                    if let Some(rest) = chunk.strip_prefix('-') {
                        let (h, rest) = get_esc(rest)?;
                        hi = h;
                        chunk = rest;
                    }
                    if lo <= r && r <= hi {
                        matched = true;
                    }
                    nrange += 1;
                }
                if matched == negated {
                    failed = true;
                }
            }
            '?' => {
                if !failed {
                    match s.chars().next() {
                        Some('/') | None => failed = true,
                        Some(ch) => s = &s[ch.len_utf8()..],
                    }
                }
                chunk = &chunk[1..];
            }
            '\\' => {
                chunk = &chunk[1..];
                let Some(esc) = chunk.chars().next() else {
                    return Err(BadPattern);
                };
                if !failed {
                    match s.strip_prefix(esc) {
                        Some(rest) => s = rest,
                        None => failed = true,
                    }
                }
                chunk = &chunk[esc.len_utf8()..];
            }
            _ => {
                if !failed {
                    match s.strip_prefix(c) {
                        Some(rest) => s = rest,
                        None => failed = true,
                    }
                }
                chunk = &chunk[c.len_utf8()..];
            }
        }
    }
    Ok(if failed { None } else { Some(s) })
}

/// One possibly escaped character of a character class.
fn get_esc(chunk: &str) -> Result<(char, &str), BadPattern> {
    let mut chunk = chunk;
    match chunk.chars().next() {
        None | Some('-') | Some(']') => return Err(BadPattern),
        Some('\\') => {
            chunk = &chunk[1..];
            if chunk.is_empty() {
                return Err(BadPattern);
            }
        }
        Some(_) => {}
    }
    let Some(c) = chunk.chars().next() else {
        return Err(BadPattern);
    };
    let rest = &chunk[c.len_utf8()..];
    if rest.is_empty() {
        return Err(BadPattern);
    }
    Ok((c, rest))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rules(text: &str) -> HelmIgnore {
        let (r, errors) = HelmIgnore::parse(text);
        assert!(errors.is_empty(), "{errors:?}");
        r
    }

    #[test]
    fn go_match_follows_filepath_match() {
        let cases: &[(&str, &str, bool)] = &[
            ("abc", "abc", true),
            // A literal last chunk after a star: the star never crosses a separator.
            ("*.bak", "a.bak", true),
            ("*.bak", ".bak", true),
            ("*.bak", "bak", false),
            ("*.bak", "a/b.bak", false),
            ("a/*.txt", "a/b.txt", true),
            ("a/*.txt", "a/b/c.txt", false),
            ("*/", "a/", true),
            ("*/", "/", true),
            ("*/", "a/b/", false),
            ("*/b", "a/b", true),
            ("*é", "aé", true),
            ("*", "abc", true),
            ("*c", "abc", true),
            ("a*", "a", true),
            ("a*", "abc", true),
            ("a*", "ab/c", false),
            ("a*/b", "abc/b", true),
            ("a*/b", "a/c/b", false),
            ("a*b*c*d*e*/f", "axbxcxdxe/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxexxx/f", true),
            ("a*b*c*d*e*/f", "axbxcxdxe/xxx/f", false),
            ("a*b?c*x", "abxbbxdbxebxczzx", true),
            ("a*b?c*x", "abxbbxdbxebxczzy", false),
            ("ab[c]", "abc", true),
            ("ab[b-d]", "abc", true),
            ("ab[e-g]", "abc", false),
            ("ab[^c]", "abc", false),
            ("ab[^b-d]", "abc", false),
            ("ab[^e-g]", "abc", true),
            ("a\\*b", "a*b", true),
            ("a\\*b", "ab", false),
            ("a?b", "a☺b", true),
            ("a[^a]b", "a☺b", true),
            ("a???b", "a☺b", false),
            ("[a-ζ]*", "α", true),
            ("*[a-ζ]", "A", false),
            ("a?b", "a/b", false),
            ("a*b", "a/b", false),
            ("[\\]a]", "]", true),
            ("[\\-]", "-", true),
            ("[x\\-]", "z", false),
            ("*x", "xxx", true),
            ("helm.*", "helm.txt", true),
            ("ru[c-e]?er.txt", "rudder.txt", true),
        ];
        for (p, s, want) in cases {
            assert_eq!(go_match(p, s), Ok(*want), "{p} vs {s}");
        }
    }

    #[test]
    fn malformed_globs_are_errors_even_without_a_match() {
        for p in [
            "[", "[^", "[^bc", "a[", "[]a]", "[-]", "[x-]", "[-x]", "\\", "a\\", "[a-b-c]", "[z-",
            "*x[",
        ] {
            assert_eq!(validate(p), Err(BadPattern), "{p}");
            assert_eq!(go_match(p, "zzz"), Err(BadPattern), "{p}");
        }
        for p in ["[a-b]", "a*", "\\*", "[\\]]", "[^a]"] {
            assert_eq!(validate(p), Ok(()), "{p}");
        }
    }

    // The table of helm's `pkg/ignore/rules_test.go` (`TestIgnore`).
    #[test]
    fn ignore_matches_helm_rules() {
        let cases: &[(&str, &str, bool, bool)] = &[
            ("helm.txt", "helm.txt", false, true),
            ("helm.*", "helm.txt", false, true),
            ("helm.*", "rudder.txt", false, false),
            ("*.txt", "tiller.txt", false, true),
            ("*.txt", "cargo/a.txt", false, true),
            ("cargo/*.txt", "cargo/a.txt", false, true),
            ("cargo/*.*", "cargo/a.txt", false, true),
            ("cargo/*.txt", "mast/a.txt", false, false),
            ("ru[c-e]?er.txt", "rudder.txt", false, true),
            ("templates/.?*", "templates/.dotfile", false, true),
            (".*", ".", true, false),
            (".*", "./", true, false),
            (".*", ".joonix", false, true),
            (".*", "helm.txt", false, false),
            (".*", "", false, false),
            ("cargo/", "cargo", true, true),
            ("cargo/", "cargo/", true, true),
            ("cargo/", "mast/", true, false),
            ("helm.txt/", "helm.txt", false, false),
            ("!helm.txt", "helm.txt", false, false),
            ("!helm.txt", "tiller.txt", false, true),
            ("!*.txt", "cargo", true, true),
            ("!cargo/", "mast/", true, true),
            ("/a.txt", "a.txt", false, true),
            ("/a.txt", "cargo/a.txt", false, false),
            ("/cargo/a.txt", "cargo/a.txt", false, true),
        ];
        for (pattern, path, is_dir, want) in cases {
            assert_eq!(
                rules(pattern).ignore(path, *is_dir),
                *want,
                "{pattern} on {path}"
            );
        }
    }

    #[test]
    fn first_decision_wins_and_negation_ignores_non_matches() {
        let r = rules("!Chart.yaml\n*\n");
        assert!(r.ignore("Chart.yaml", false));
        // `!Chart.yaml` does not match values.yaml: Helm ignores it right there.
        assert!(r.ignore("values.yaml", false));
        assert!(r.ignore("templates", true));

        // Helm's own doc example: every path fails one of the two negated rules, so even
        // Chart.yaml is ignored.
        let r = rules("!Chart.yaml\n!values.yaml\n*\n");
        assert!(r.ignore("Chart.yaml", false));
        assert!(r.ignore("values.yaml", false));

        let r = rules("!Chart.yaml\n");
        assert!(!r.ignore("Chart.yaml", false));
        assert!(r.ignore("values.yaml", false));

        let r = rules("*.bak\n!keep.bak\n");
        assert!(r.ignore("x.bak", false));
        // `keep.bak` matches `*.bak` first.
        assert!(r.ignore("keep.bak", false));
        // A file matching neither reaches the negated rule and is ignored.
        assert!(r.ignore("values.yaml", false));
    }

    #[test]
    fn dir_only_and_anchoring() {
        let r = rules("tmp/\n/secrets.yaml\nci/*.yaml\n");
        assert!(r.ignore("tmp", true));
        assert!(r.ignore("charts/sub/tmp", true));
        assert!(!r.ignore("tmp", false));
        assert!(r.ignore("secrets.yaml", false));
        assert!(!r.ignore("templates/secrets.yaml", false));
        assert!(r.ignore("ci/test.yaml", false));
        assert!(!r.ignore("ci/deep/test.yaml", false));
        assert!(!r.ignore("x/ci/test.yaml", false));
    }

    #[test]
    fn comments_blank_lines_and_inline_hash() {
        let text = "# comment\n\n   \n  *.tmp  \r\nfoo # not a comment\n";
        let r = rules(text);
        assert_eq!(r.patterns.len(), 2);
        assert_eq!(r.patterns[0].raw, "*.tmp");
        assert_eq!(&text[r.patterns[0].span.range()], "*.tmp");
        assert_eq!(r.patterns[1].raw, "foo # not a comment");
        assert!(r.ignore("foo # not a comment", false));
        assert!(!r.ignore("foo", false));
    }

    #[test]
    fn double_star_and_bad_globs_are_reported_with_spans() {
        let text = "ok.txt\n  **/*.bak\n[z-\nlast\n";
        let (r, errors) = HelmIgnore::parse(text);
        assert_eq!(r.patterns.len(), 2);
        assert_eq!(errors.len(), 2);
        assert_eq!(errors[0].reason, PatternErrorKind::DoubleStar);
        assert_eq!(&text[errors[0].span.range()], "**/*.bak");
        assert_eq!(errors[1].reason, PatternErrorKind::BadGlob);
        assert_eq!(&text[errors[1].span.range()], "[z-");
    }

    #[test]
    fn defaults_ignore_dot_files_in_templates_only() {
        let mut r = HelmIgnore::default();
        r.add_defaults();
        assert!(r.ignore("templates/.swp", false));
        assert!(r.ignore("templates/.hidden", true));
        assert!(!r.ignore("templates/a.yaml", false));
        assert!(!r.ignore("templates/sub/.swp", false));
        assert!(!r.ignore(".helmignore", false));
        assert!(!r.ignore("charts/sub/templates/.x", false));
    }
}
