//! Glob patterns for configuration excludes: `*` and `?` within one path segment, `**` across
//! segments. A pattern without `/` matches any single segment of the path.

pub fn matches(pattern: &str, path: &str) -> bool {
    let pattern = pattern.trim_start_matches("./").trim_end_matches('/');
    if !pattern.contains('/') {
        return path
            .split('/')
            .any(|seg| segment(pattern.as_bytes(), seg.as_bytes()));
    }
    let pat: Vec<&str> = pattern.split('/').collect();
    let segs: Vec<&str> = path.split('/').collect();
    // A folder pattern also matches everything below it.
    (0..=segs.len()).any(|n| segments(&pat, &segs[..n]))
}

fn segments(pat: &[&str], path: &[&str]) -> bool {
    match pat.split_first() {
        None => path.is_empty(),
        Some((&"**", rest)) => (0..=path.len()).any(|i| segments(rest, &path[i..])),
        Some((p, rest)) => match path.split_first() {
            Some((s, prest)) => segment(p.as_bytes(), s.as_bytes()) && segments(rest, prest),
            None => false,
        },
    }
}

/// Whether one path segment matches a pattern with `*` and `?`.
pub fn matches_segment(pattern: &str, segment_text: &str) -> bool {
    let p = pattern.as_bytes();
    // A lone `*` matches any text, without trying it at every position.
    if p == b"*" {
        return true;
    }
    segment(p, segment_text.as_bytes())
}

fn segment(p: &[u8], s: &[u8]) -> bool {
    match p.split_first() {
        None => s.is_empty(),
        Some((b'*', rest)) => (0..=s.len()).any(|i| segment(rest, &s[i..])),
        Some((b'?', rest)) => !s.is_empty() && segment(rest, &s[1..]),
        Some((c, rest)) => s.first() == Some(c) && segment(rest, &s[1..]),
    }
}

#[cfg(test)]
mod tests {
    use super::matches;

    #[test]
    fn segment_patterns() {
        use super::matches_segment as m;
        assert!(m("*", ""));
        assert!(m("*", "anything.at-all"));
        assert!(m("env", "env"));
        assert!(!m("env", "envs"));
        assert!(!m("env", ""));
        assert!(m("", ""));
        assert!(!m("", "a"));
        assert!(m("*Port", "httpPort"));
        assert!(m("a?c", "abc"));
        assert!(!m("a?c", "ac"));
    }

    #[test]
    fn globs() {
        assert!(matches("vendor", "a/vendor/x.yaml"));
        assert!(matches("*.tgz", "charts/a-1.0.tgz"));
        assert!(matches("charts/**/tests", "charts/a/b/tests/x.yaml"));
        assert!(matches("charts/a", "charts/a/values.yaml"));
        assert!(!matches("charts/a", "charts/ab/values.yaml"));
        assert!(!matches("*.tgz", "charts/a.yaml"));
        assert!(matches("**/ci/*.yaml", "x/ci/a.yaml"));
    }
}
