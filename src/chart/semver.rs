//! Semantic versions and version constraints as Helm reads them (Masterminds/semver v3):
//! a strict SemVer 2 parser, the lenient parser Helm uses for chart versions (`v1.2`, `1`),
//! and the constraint syntax of `kubeVersion` and dependency `version` fields
//! (`>=1.22.0-0`, `^1.2`, `~1.2.3`, `1.2.x`, `1.2 - 1.4`, `,`, `||`).

use std::cmp::Ordering;
use std::fmt;

/// A parsed version. `minor` and `patch` default to 0 in lenient forms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Version {
    pub major: u64,
    pub minor: u64,
    pub patch: u64,
    /// Pre-release identifiers (`rc.1` → `["rc", "1"]`); empty for a release.
    pub pre: Vec<String>,
    /// Build metadata as written (ignored when comparing).
    pub build: Option<String>,
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}.{}", self.major, self.minor, self.patch)?;
        if !self.pre.is_empty() {
            write!(f, "-{}", self.pre.join("."))?;
        }
        if let Some(b) = &self.build {
            write!(f, "+{b}")?;
        }
        Ok(())
    }
}

impl Version {
    pub fn new(major: u64, minor: u64, patch: u64) -> Version {
        Version {
            major,
            minor,
            patch,
            pre: Vec::new(),
            build: None,
        }
    }

    /// SemVer 2 precedence (build metadata ignored).
    pub fn precedence(&self, other: &Version) -> Ordering {
        (self.major, self.minor, self.patch)
            .cmp(&(other.major, other.minor, other.patch))
            .then_with(|| compare_pre(&self.pre, &other.pre))
    }
}

fn compare_pre(a: &[String], b: &[String]) -> Ordering {
    match (a.is_empty(), b.is_empty()) {
        (true, true) => return Ordering::Equal,
        (true, false) => return Ordering::Greater,
        (false, true) => return Ordering::Less,
        _ => {}
    }
    for (x, y) in a.iter().zip(b) {
        let o = match (x.parse::<u64>(), y.parse::<u64>()) {
            (Ok(m), Ok(n)) => m.cmp(&n),
            (Ok(_), Err(_)) => Ordering::Less,
            (Err(_), Ok(_)) => Ordering::Greater,
            _ => x.cmp(y),
        };
        if o != Ordering::Equal {
            return o;
        }
    }
    a.len().cmp(&b.len())
}

fn is_ident(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
}

fn is_numeric(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// Splits `core[-pre][+build]`, checking the identifier syntax of pre-release and build.
/// Numeric pre-release identifiers with a leading zero are rejected (SemVer 2 and Masterminds).
fn split_suffixes(s: &str) -> Option<(&str, Vec<String>, Option<String>)> {
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => {
            if !b.split('.').all(is_ident) {
                return None;
            }
            (r, Some(b.to_string()))
        }
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => {
            let ids: Vec<&str> = p.split('.').collect();
            if !ids.iter().all(|i| is_ident(i)) {
                return None;
            }
            if ids
                .iter()
                .any(|i| is_numeric(i) && i.len() > 1 && i.starts_with('0'))
            {
                return None;
            }
            (c, ids.into_iter().map(str::to_string).collect())
        }
        None => (rest, Vec::new()),
    };
    Some((core, pre, build))
}

/// Strict SemVer 2.0.0: `MAJOR.MINOR.PATCH[-pre][+build]`, no `v`, no leading zeros.
pub fn parse_strict(s: &str) -> Option<Version> {
    let (core, pre, build) = split_suffixes(s)?;
    let parts: Vec<&str> = core.split('.').collect();
    if parts.len() != 3 {
        return None;
    }
    let mut nums = [0u64; 3];
    for (n, p) in nums.iter_mut().zip(&parts) {
        if !is_numeric(p) || (p.len() > 1 && p.starts_with('0')) {
            return None;
        }
        *n = p.parse().ok()?;
    }
    Some(Version {
        major: nums[0],
        minor: nums[1],
        patch: nums[2],
        pre,
        build,
    })
}

/// The lenient form Helm accepts for chart versions (Masterminds `NewVersion`): an optional
/// `v`, one to three numeric parts, then pre-release and build.
pub fn parse_lenient(s: &str) -> Option<Version> {
    let body = s.strip_prefix('v').unwrap_or(s);
    let (core, pre, build) = split_suffixes(body)?;
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut nums = [0u64; 3];
    for (n, p) in nums.iter_mut().zip(&parts) {
        if !is_numeric(p) {
            return None;
        }
        *n = p.parse().ok()?;
    }
    Some(Version {
        major: nums[0],
        minor: nums[1],
        patch: nums[2],
        pre,
        build,
    })
}

/// A comparison operator of a constraint.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Op {
    Eq,
    Ne,
    Gt,
    Lt,
    Ge,
    Le,
    /// `~` / `~>`: patch-level changes.
    Tilde,
    /// `^`: changes that keep the left-most non-zero part.
    Caret,
}

/// A version inside a constraint: parts may be wildcards (`x`, `X`, `*`) or left out.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PartialVersion {
    /// `None` for a wildcard or a part that was left out.
    pub major: Option<u64>,
    pub minor: Option<u64>,
    pub patch: Option<u64>,
    pub pre: Vec<String>,
}

impl PartialVersion {
    fn floor(&self) -> Version {
        Version {
            major: self.major.unwrap_or(0),
            minor: self.minor.unwrap_or(0),
            patch: self.patch.unwrap_or(0),
            pre: self.pre.clone(),
            build: None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    pub op: Op,
    pub version: PartialVersion,
}

/// `a, b || c`: any of the groups, each of which needs all its comparisons.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Constraint {
    pub any_of: Vec<Vec<Comparison>>,
}

/// Why a constraint does not parse.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConstraintError {
    /// Byte offset into the constraint text where the problem starts.
    pub at: usize,
    pub len: usize,
    pub message: String,
}

fn parse_partial(s: &str) -> Option<PartialVersion> {
    let body = s.strip_prefix('v').unwrap_or(s);
    let (core, pre, _build) = split_suffixes(body)?;
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut out = [None; 3];
    let mut wildcard_seen = false;
    for (o, p) in out.iter_mut().zip(&parts) {
        match *p {
            "x" | "X" | "*" => wildcard_seen = true,
            n if is_numeric(n) => {
                if wildcard_seen {
                    // `1.x.3`: Masterminds treats parts after a wildcard as wildcards too.
                    continue;
                }
                *o = Some(n.parse().ok()?);
            }
            _ => return None,
        }
    }
    Some(PartialVersion {
        major: out[0],
        minor: out[1],
        patch: out[2],
        pre,
    })
}

fn parse_op(s: &str) -> (Op, usize) {
    for (text, op) in [
        ("!=", Op::Ne),
        (">=", Op::Ge),
        ("=>", Op::Ge),
        ("<=", Op::Le),
        ("=<", Op::Le),
        ("~>", Op::Tilde),
        (">", Op::Gt),
        ("<", Op::Lt),
        ("=", Op::Eq),
        ("~", Op::Tilde),
        ("^", Op::Caret),
    ] {
        if s.starts_with(text) {
            return (op, text.len());
        }
    }
    (Op::Eq, 0)
}

fn is_version_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '+' | '*')
}

/// Parses a constraint the way Masterminds/semver v3 `NewConstraint` does.
pub fn parse_constraint(text: &str) -> Result<Constraint, ConstraintError> {
    if text.trim().is_empty() {
        return Err(ConstraintError {
            at: 0,
            len: text.len(),
            message: "the constraint is empty".into(),
        });
    }
    let mut any_of = Vec::new();
    let mut group_start = 0;
    for group in text.split("||") {
        any_of.push(parse_group(group, group_start)?);
        group_start += group.len() + 2;
    }
    Ok(Constraint { any_of })
}

fn parse_group(group: &str, base: usize) -> Result<Vec<Comparison>, ConstraintError> {
    // Tokens: operators and versions with their offsets; `,` and whitespace separate.
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let bytes = group.as_bytes();
    let mut i = 0;
    while i < group.len() {
        let c = bytes[i] as char;
        if c.is_whitespace() || c == ',' {
            if c == ',' {
                tokens.push((i, ","));
            }
            i += 1;
            continue;
        }
        let start = i;
        if matches!(c, '=' | '!' | '<' | '>' | '~' | '^') {
            while i < group.len() && matches!(bytes[i] as char, '=' | '!' | '<' | '>' | '~' | '^') {
                i += 1;
            }
        } else {
            while i < group.len() && is_version_char(bytes[i] as char) {
                i += 1;
            }
            if i == start {
                // Not ASCII or an unexpected character: take the whole char.
                let ch_len = group[i..].chars().next().map(char::len_utf8).unwrap_or(1);
                return Err(ConstraintError {
                    at: base + i,
                    len: ch_len,
                    message: format!(
                        "unexpected character `{}`",
                        &group[i..(i + ch_len).min(group.len())]
                    ),
                });
            }
        }
        tokens.push((start, &group[start..i]));
    }
    if tokens.is_empty() {
        return Err(ConstraintError {
            at: base,
            len: group.len(),
            message: "an empty alternative between `||`".into(),
        });
    }
    let err = |at: usize, len: usize, message: String| ConstraintError {
        at: base + at,
        len: len.max(1),
        message,
    };
    let mut out = Vec::new();
    let mut k = 0;
    let mut need_sep = false;
    while k < tokens.len() {
        let (at, tok) = tokens[k];
        if tok == "," {
            if !need_sep {
                return Err(err(at, 1, "a `,` without a version before it".into()));
            }
            need_sep = false;
            k += 1;
            continue;
        }
        // Hyphen range: VERSION - VERSION.
        if k + 2 < tokens.len() && tokens[k + 1].1 == "-" {
            let (at2, tok2) = tokens[k + 2];
            let lo = parse_partial(tok)
                .ok_or_else(|| err(at, tok.len(), format!("`{tok}` is not a version")))?;
            let hi = parse_partial(tok2)
                .ok_or_else(|| err(at2, tok2.len(), format!("`{tok2}` is not a version")))?;
            out.push(Comparison {
                op: Op::Ge,
                version: lo,
            });
            out.push(Comparison {
                op: Op::Le,
                version: hi,
            });
            need_sep = true;
            k += 3;
            continue;
        }
        let (op, op_len) = parse_op(tok);
        let (vat, vtok) = if op_len > 0 {
            if op_len != tok.len() && !tok[op_len..].starts_with(['=', '!', '<', '>', '~', '^']) {
                (at + op_len, &tok[op_len..])
            } else if op_len != tok.len() {
                return Err(err(at, tok.len(), format!("`{tok}` is not an operator")));
            } else {
                k += 1;
                match tokens.get(k) {
                    Some((a, t)) if *t != "," => (*a, *t),
                    _ => {
                        return Err(err(
                            at,
                            tok.len(),
                            format!("`{tok}` is not followed by a version"),
                        ));
                    }
                }
            }
        } else {
            (at, tok)
        };
        if vtok.starts_with(['=', '!', '<', '>', '~', '^']) {
            return Err(err(vat, vtok.len(), format!("`{vtok}` is not a version")));
        }
        let version = parse_partial(vtok)
            .ok_or_else(|| err(vat, vtok.len(), format!("`{vtok}` is not a version")))?;
        out.push(Comparison { op, version });
        need_sep = true;
        k += 1;
    }
    if !need_sep {
        let (at, _) = tokens[tokens.len() - 1];
        return Err(err(at, 1, "a trailing `,`".into()));
    }
    Ok(out)
}

impl Constraint {
    /// Whether a version satisfies the constraint, with Masterminds' rule that a pre-release
    /// version only matches comparisons that themselves name a pre-release.
    pub fn matches(&self, v: &Version) -> bool {
        self.any_of
            .iter()
            .any(|group| group.iter().all(|c| c.matches(v)))
    }
}

impl Comparison {
    pub fn matches(&self, v: &Version) -> bool {
        if !v.pre.is_empty() && self.version.pre.is_empty() {
            return false;
        }
        let pv = &self.version;
        let floor = pv.floor();
        let cmp = v.precedence(&floor);
        // Upper bound (exclusive) for wildcard or partial versions.
        let wildcard_ceiling = || -> Option<Version> {
            match (pv.major, pv.minor, pv.patch) {
                (None, _, _) => None,
                (Some(m), None, _) => Some(Version::new(m + 1, 0, 0)),
                (Some(m), Some(n), None) => Some(Version::new(m, n + 1, 0)),
                _ => None,
            }
        };
        let below = |ceil: Option<Version>| match ceil {
            None => true,
            Some(c) => v.precedence(&c) == Ordering::Less,
        };
        match self.op {
            Op::Eq => {
                if pv.patch.is_some() {
                    cmp == Ordering::Equal
                } else {
                    cmp != Ordering::Less && below(wildcard_ceiling())
                }
            }
            Op::Ne => {
                if pv.patch.is_some() {
                    cmp != Ordering::Equal
                } else {
                    cmp == Ordering::Less || !below(wildcard_ceiling())
                }
            }
            Op::Gt => {
                if pv.patch.is_some() || pv.major.is_none() {
                    cmp == Ordering::Greater
                } else {
                    !below(wildcard_ceiling())
                }
            }
            Op::Ge => cmp != Ordering::Less,
            Op::Lt => cmp == Ordering::Less,
            Op::Le => {
                if pv.patch.is_some() || pv.major.is_none() {
                    cmp != Ordering::Greater
                } else {
                    below(wildcard_ceiling())
                }
            }
            Op::Tilde => {
                let ceil = match (pv.major, pv.minor) {
                    (None, _) => None,
                    (Some(m), None) => Some(Version::new(m + 1, 0, 0)),
                    (Some(m), Some(n)) => Some(Version::new(m, n + 1, 0)),
                };
                cmp != Ordering::Less && below(ceil)
            }
            Op::Caret => {
                let ceil = match (pv.major, pv.minor, pv.patch) {
                    (None, _, _) => None,
                    (Some(0), None, _) => Some(Version::new(1, 0, 0)),
                    (Some(0), Some(0), None) => Some(Version::new(0, 1, 0)),
                    (Some(0), Some(0), Some(p)) => Some(Version::new(0, 0, p + 1)),
                    (Some(0), Some(n), _) => Some(Version::new(0, n + 1, 0)),
                    (Some(m), _, _) => Some(Version::new(m + 1, 0, 0)),
                };
                cmp != Ordering::Less && below(ceil)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strict_semver() {
        let v = parse_strict("1.2.3-rc.1+build.5").unwrap();
        assert_eq!((v.major, v.minor, v.patch), (1, 2, 3));
        assert_eq!(v.pre, vec!["rc", "1"]);
        assert_eq!(v.build.as_deref(), Some("build.5"));
        assert_eq!(v.to_string(), "1.2.3-rc.1+build.5");
        for bad in [
            "v1.2.3",
            "1.2",
            "1",
            "01.2.3",
            "1.02.3",
            "1.2.3-",
            "1.2.3-01",
            "1.2.3+",
            "1.2.3.4",
            "1.2.3-a..b",
            "",
            "1.2.x",
        ] {
            assert!(parse_strict(bad).is_none(), "{bad}");
        }
        assert!(parse_strict("0.0.0").is_some());
        assert!(parse_strict("1.0.0-0A.is.legal").is_some());
    }

    #[test]
    fn lenient_semver_like_helm() {
        assert_eq!(parse_lenient("v1.2").unwrap(), Version::new(1, 2, 0));
        assert_eq!(parse_lenient("1").unwrap(), Version::new(1, 0, 0));
        assert!(parse_lenient("1.2.3-beta.1").is_some());
        for bad in ["1.2.3.4", "latest", "1.2.3-01", "", "v", "1..2", "1.2.3 "] {
            assert!(parse_lenient(bad).is_none(), "{bad}");
        }
    }

    #[test]
    fn precedence_follows_semver() {
        let order = [
            "1.0.0-alpha",
            "1.0.0-alpha.1",
            "1.0.0-alpha.beta",
            "1.0.0-beta",
            "1.0.0-beta.2",
            "1.0.0-beta.11",
            "1.0.0-rc.1",
            "1.0.0",
        ];
        for w in order.windows(2) {
            let a = parse_strict(w[0]).unwrap();
            let b = parse_strict(w[1]).unwrap();
            assert_eq!(a.precedence(&b), Ordering::Less, "{} < {}", w[0], w[1]);
        }
    }

    #[test]
    fn constraints_parse() {
        for ok in [
            ">=1.22.0-0",
            "^1.2",
            "~1.2.3",
            "1.2.x",
            "*",
            ">= 1.19.0, < 1.30.0",
            ">=1.19.0 <1.30.0",
            "1.2 - 1.4.5",
            "~1.2 || ^3",
            "=1.0.0",
            "!=1.2.3",
            "~>2.0",
            "v1.2.3",
            "> 1.20.0-0",
            "=<1.2",
        ] {
            assert!(
                parse_constraint(ok).is_ok(),
                "{ok}: {:?}",
                parse_constraint(ok)
            );
        }
    }

    #[test]
    fn constraint_errors_have_positions() {
        let e = parse_constraint(">=1.22.0 || ").unwrap_err();
        assert_eq!(e.at, 11);
        let e = parse_constraint(">= 1.x.y").unwrap_err();
        assert_eq!((e.at, e.len), (3, 5));
        assert!(parse_constraint("").is_err());
        assert!(parse_constraint(">=").is_err());
        assert!(parse_constraint("1.2.3,").is_err());
        assert!(parse_constraint(", 1.2.3").is_err());
        assert!(parse_constraint(">>1.2").is_err());
        assert!(parse_constraint("latest").is_err());
        assert!(parse_constraint("1.2.3 ; 2").is_err());
    }

    #[test]
    fn constraints_match_like_masterminds() {
        let m = |c: &str, v: &str| {
            parse_constraint(c)
                .unwrap()
                .matches(&parse_lenient(v).unwrap())
        };
        assert!(m(">=1.22.0-0", "1.25.3-eks-1"));
        assert!(!m(">=1.22.0", "1.25.3-eks-1"));
        assert!(m(">=1.22.0", "1.25.3"));
        assert!(m("^1.2", "1.9.0"));
        assert!(!m("^1.2", "2.0.0"));
        assert!(m("^0.2.3", "0.2.9"));
        assert!(!m("^0.2.3", "0.3.0"));
        assert!(m("~1.2.3", "1.2.9"));
        assert!(!m("~1.2.3", "1.3.0"));
        assert!(m("1.2.x", "1.2.7"));
        assert!(!m("1.2.x", "1.3.0"));
        assert!(m("1.2 - 1.4.5", "1.4.5"));
        assert!(!m("1.2 - 1.4.5", "1.4.6"));
        assert!(m("<1.0 || >=3", "3.1.0"));
        // Helm's `>0.0.0-0` check: 0.0.0 is a release and so above 0.0.0-0.
        assert!(m(">0.0.0-0", "0.0.0"));
        assert!(!m(">0.0.0-0", "0.0.0-0"));
        assert!(m(">0.0.0-0", "0.0.1"));
        assert!(m("*", "4.5.6"));
    }
}
