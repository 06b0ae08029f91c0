//! Which Prometheus accepts an expression: the parser accepts every construct of the newest
//! release with every feature flag; this module finds the constructs that a given version, or
//! that version without a given `--enable-feature` flag, rejects, and says which version or
//! flag would accept them. The table of changes is in `docs/prometheus-versions.md`.

use super::lex::{self, Aggr, Kind};
use super::parse::ParseError;

/// The release plimsoll assumes when `prometheus.version` is not set.
pub const CURRENT: (u32, u32) = (3, 14);

pub const EXPERIMENTAL_FUNCTIONS: &str = "promql-experimental-functions";
pub const DURATION_EXPR: &str = "promql-duration-expr";
pub const EXTENDED_RANGE_SELECTORS: &str = "promql-extended-range-selectors";
pub const BINOP_FILL_MODIFIERS: &str = "promql-binop-fill-modifiers";

/// The `--enable-feature` names that change what PromQL parses.
pub const FEATURES: &[&str] = &[
    EXPERIMENTAL_FUNCTIONS,
    DURATION_EXPR,
    EXTENDED_RANGE_SELECTORS,
    BINOP_FILL_MODIFIERS,
];

/// The Prometheus a team runs: version and enabled feature flags.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Target {
    pub version: (u32, u32),
    pub features: Vec<String>,
}

impl Default for Target {
    fn default() -> Self {
        Target {
            version: CURRENT,
            features: Vec::new(),
        }
    }
}

impl Target {
    fn has(&self, feature: &str) -> bool {
        self.features.iter().any(|f| f == feature)
    }
    fn at_least(&self, v: (u32, u32)) -> bool {
        self.version >= v
    }
    fn shown(&self) -> String {
        format!("{}.{}", self.version.0, self.version.1)
    }
}

/// When a function appeared, whether it needs `promql-experimental-functions` (and until which
/// version), and when it was removed.
struct FnHistory {
    name: &'static str,
    since: (u32, u32),
    /// Experimental from `since` until this version (exclusive); `None`: still experimental;
    /// `Some(since)`: never experimental.
    stable_from: Option<(u32, u32)>,
    removed: Option<((u32, u32), &'static str)>,
}

const fn h(name: &'static str, since: (u32, u32), stable_from: Option<(u32, u32)>) -> FnHistory {
    FnHistory {
        name,
        since,
        stable_from,
        removed: None,
    }
}

/// Functions whose availability depends on the version or on the experimental flag. Functions
/// not listed here exist in every supported version (2.x and later) without a flag.
static HISTORY: &[FnHistory] = &[
    h("double_exponential_smoothing", (3, 0), None),
    h("end", (3, 12), None),
    h("first_over_time", (3, 7), Some((3, 14))),
    h("histogram_avg", (2, 53), Some((2, 53))),
    h("histogram_quantiles", (3, 11), None),
    h("histogram_stddev", (2, 45), Some((2, 45))),
    h("histogram_stdvar", (2, 45), Some((2, 45))),
    h("info", (2, 55), None),
    h("mad_over_time", (2, 49), None),
    h("max_of", (3, 13), None),
    h("min_of", (3, 13), None),
    h("range", (3, 12), None),
    h("sort_by_label", (2, 49), None),
    h("sort_by_label_desc", (2, 49), None),
    h("start", (3, 12), None),
    h("start_timestamp", (3, 14), None),
    h("step", (3, 12), None),
    h("ts_of_first_over_time", (3, 7), None),
    h("ts_of_last_over_time", (3, 5), None),
    h("ts_of_max_over_time", (3, 5), None),
    h("ts_of_min_over_time", (3, 5), None),
    FnHistory {
        name: "holt_winters",
        since: (2, 0),
        stable_from: Some((2, 0)),
        removed: Some(((3, 0), "double_exponential_smoothing")),
    },
];

/// A construct that not every Prometheus accepts.
struct Need {
    pos: usize,
    /// Prometheus's message when the flag is missing (3.x and later).
    flag_message: String,
    /// What it is, for "… needs Prometheus X or later".
    what: String,
    since: (u32, u32),
    /// The feature flag, and from which version it is no longer needed.
    flag: Option<(&'static str, Option<(u32, u32)>)>,
    /// From this version on the construct is rejected, with this message.
    until: Option<((u32, u32), String)>,
}

fn need_message(n: &Need, t: &Target) -> Option<String> {
    if let Some((until, message)) = &n.until
        && t.at_least(*until)
    {
        return Some(message.clone());
    }
    if !t.at_least(n.since) {
        return Some(format!(
            "{} needs Prometheus {}.{} or later (prometheus.version is {})",
            n.what,
            n.since.0,
            n.since.1,
            t.shown()
        ));
    }
    let (flag, stable) = n.flag?;
    if stable.is_some_and(|v| t.at_least(v)) || t.has(flag) {
        return None;
    }
    let stable = stable
        .map(|v| format!(", or Prometheus {}.{} or later", v.0, v.1))
        .unwrap_or_default();
    Some(format!(
        "{} (enable it with --enable-feature={flag}, in prometheus.features{stable})",
        n.flag_message
    ))
}

/// The words of duration expressions inside `[…]` and the versions whose lexer knows them: a
/// version outside that range stops at the word with "unexpected character in duration
/// expression".
fn duration_keyword(pos: usize, word: &str, target: &Target) -> Option<Need> {
    let lower = word.to_ascii_lowercase();
    // (since, renamed in, new name)
    let (since, until, renamed) = match lower.as_str() {
        "step" => ((3, 6), None, ""),
        "range" => ((3, 10), None, ""),
        "min" => ((3, 6), Some((3, 13)), "min_of"),
        "max" => ((3, 6), Some((3, 13)), "max_of"),
        "min_of" | "max_of" => ((3, 13), None, ""),
        _ => return None,
    };
    let first = word.chars().next().unwrap_or(' ');
    let lexer = format!("unexpected character in duration expression: '{first}'");
    Some(Need {
        pos,
        flag_message: String::new(),
        what: format!("`{lower}` in a duration expression"),
        since,
        flag: None,
        until: until.map(|v| {
            (
                v,
                format!(
                    "{lexer} (Prometheus {}.{} renamed `{lower}` to `{}` in duration expressions; prometheus.version is {})",
                    v.0,
                    v.1,
                    renamed,
                    target.shown()
                ),
            )
        }),
    })
}

/// The first construct of an expression (which parses) that the target Prometheus rejects.
pub fn check(src: &str, target: &Target) -> Option<ParseError> {
    let toks = lex::lex(src).tokens;
    let text = |i: usize| toks.get(i).map_or("", |t| t.text(src));
    let kind = |i: usize| toks.get(i).map(|t| t.kind);
    let mut needs: Vec<Need> = Vec::new();
    let mut brace = false;
    // Inside `[...]`: a duration expression.
    let mut bracket = false;
    for (i, t) in toks.iter().enumerate() {
        match t.kind {
            Kind::LBrace => brace = true,
            Kind::RBrace => brace = false,
            Kind::LBracket => bracket = true,
            Kind::RBracket => bracket = false,
            _ => {}
        }
        if brace {
            // A quoted name: `{"metric.name"}` or `{"label.name"="v"}`.
            if t.kind == Kind::Str
                && matches!(kind(i.wrapping_sub(1)), Some(Kind::LBrace | Kind::Comma))
            {
                needs.push(Need {
                    pos: t.start,
                    flag_message: String::new(),
                    what: "a quoted metric or label name".into(),
                    since: (3, 0),
                    flag: None,
                    until: None,
                });
            }
            continue;
        }
        let in_duration = bracket;
        if in_duration && let Some(need) = duration_keyword(t.start, text(i), target) {
            needs.push(need);
        }
        if in_duration {
            let arithmetic = matches!(
                t.kind,
                Kind::Add
                    | Kind::Mul
                    | Kind::Div
                    | Kind::Mod
                    | Kind::Pow
                    | Kind::LParen
                    | Kind::Step
                    | Kind::Range
                    | Kind::Aggr(Aggr::Min | Aggr::Max)
            ) || (t.kind == Kind::Sub
                && kind(i.wrapping_sub(1)) != Some(Kind::LBracket));
            if arithmetic {
                needs.push(Need {
                    pos: t.start,
                    flag_message: "experimental duration expression is not enabled".into(),
                    what: "a duration expression".into(),
                    since: (3, 4),
                    flag: Some((DURATION_EXPR, Some((3, 14)))),
                    until: None,
                });
            }
            if t.kind == Kind::Number {
                needs.push(Need {
                    pos: t.start,
                    flag_message: String::new(),
                    what: "a number as a duration".into(),
                    since: (2, 54),
                    flag: None,
                    until: None,
                });
            }
        }
        match t.kind {
            // After `offset`, a (signed) literal ends the offset; anything else is a duration
            // expression.
            Kind::Offset if !matches!(kind(i + 1), Some(Kind::Eof) | None) => {
                let mut j = i + 1;
                if matches!(kind(j), Some(Kind::Add | Kind::Sub)) {
                    j += 1;
                }
                match kind(j) {
                    Some(Kind::Duration) => {}
                    Some(Kind::Number) => needs.push(Need {
                        pos: toks[j].start,
                        flag_message: String::new(),
                        what: "a number as a duration".into(),
                        since: (2, 54),
                        flag: None,
                        until: None,
                    }),
                    Some(_) => needs.push(Need {
                        pos: toks[j].start,
                        flag_message: "experimental duration expression is not enabled".into(),
                        what: "a duration expression".into(),
                        since: (3, 4),
                        flag: Some((DURATION_EXPR, Some((3, 14)))),
                        until: None,
                    }),
                    None => {}
                }
            }
            Kind::Smoothed | Kind::Anchored => needs.push(Need {
                pos: t.start,
                flag_message: format!("{} modifier is experimental and not enabled", text(i)),
                what: format!("the `{}` modifier", text(i)),
                since: (3, 7),
                flag: Some((EXTENDED_RANGE_SELECTORS, None)),
                until: None,
            }),
            Kind::Fill | Kind::FillLeft | Kind::FillRight => needs.push(Need {
                pos: t.start,
                flag_message: "binop fill modifiers are experimental and not enabled".into(),
                what: format!("the `{}` modifier", text(i)),
                since: (3, 10),
                flag: Some((BINOP_FILL_MODIFIERS, None)),
                until: None,
            }),
            Kind::Aggr(a @ (Aggr::Limitk | Aggr::LimitRatio))
                if matches!(kind(i + 1), Some(Kind::LParen | Kind::By | Kind::Without)) =>
            {
                needs.push(Need {
                    pos: t.start,
                    flag_message: format!(
                        "{}() is experimental and must be enabled with --enable-feature={EXPERIMENTAL_FUNCTIONS}",
                        a.name()
                    ),
                    what: format!("`{}`", a.name()),
                    since: (2, 54),
                    flag: Some((EXPERIMENTAL_FUNCTIONS, None)),
                    until: None,
                })
            }
            // `start()`, `end()`, `step()`, `range()` are functions only where they are not
            // `@` preprocessors or an `offset` duration.
            Kind::Ident | Kind::Start | Kind::End | Kind::Step | Kind::Range
                if kind(i + 1) == Some(Kind::LParen)
                    && !in_duration
                    && (t.kind == Kind::Ident
                        || !matches!(kind(i.wrapping_sub(1)), Some(Kind::At | Kind::Offset))) =>
            {
                let name = text(i);
                let Some(f) = HISTORY.iter().find(|f| f.name == name) else {
                    // Other experimental functions: the flag, whatever the version.
                    if super::functions::get(name).is_some_and(|f| f.experimental) {
                        needs.push(Need {
                            pos: t.start,
                            flag_message: format!("function \"{name}\" is not enabled"),
                            what: format!("function `{name}`"),
                            since: (0, 0),
                            flag: Some((EXPERIMENTAL_FUNCTIONS, None)),
                            until: None,
                        });
                    }
                    continue;
                };
                if let Some((removed, renamed)) = f.removed
                    && target.at_least(removed)
                {
                    return Some(ParseError {
                        pos: t.start,
                        message: format!(
                            "unknown function with name \"{name}\" (renamed {renamed} in Prometheus {}.{}; prometheus.version is {})",
                            removed.0,
                            removed.1,
                            target.shown()
                        ),
                    });
                }
                let flag = match f.stable_from {
                    Some(v) if v == f.since => None,
                    other => Some((EXPERIMENTAL_FUNCTIONS, other)),
                };
                needs.push(Need {
                    pos: t.start,
                    flag_message: format!("function \"{name}\" is not enabled"),
                    what: format!("function `{name}`"),
                    since: f.since,
                    flag,
                    until: None,
                });
            }
            _ => {}
        }
    }
    needs.into_iter().find_map(|n| {
        need_message(&n, target).map(|message| ParseError {
            pos: n.pos,
            message,
        })
    })
}

/// Parses an expression as the target Prometheus does: Prometheus's first error, or the first
/// construct that version (with its flags) rejects.
pub fn parse_for(src: &str, target: &Target) -> Result<super::ast::Expr, ParseError> {
    let e = super::parse::parse(src)?;
    match check(src, target) {
        Some(err) => Err(err),
        None => Ok(e),
    }
}

/// `3.5`, `v3.5`, `3.5.1` → (3, 5).
pub fn parse_version(v: &str) -> Option<(u32, u32)> {
    let v = v.trim().trim_start_matches('v');
    let mut it = v.split('.');
    let major = it.next()?.parse().ok()?;
    let minor = it.next()?.parse().ok()?;
    if let Some(patch) = it.next() {
        patch.parse::<u32>().ok()?;
    }
    if it.next().is_some() || !(2..=3).contains(&major) {
        return None;
    }
    Some((major, minor))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(v: (u32, u32), features: &[&str]) -> Target {
        Target {
            version: v,
            features: features.iter().map(|s| s.to_string()).collect(),
        }
    }

    #[test]
    fn verdicts_per_version_and_flag() {
        let current = Target::default();
        let all = target(CURRENT, FEATURES);
        let v2 = target((2, 45), &[]);
        let v3_5 = target((3, 5), &[]);
        let v3_5_dur = target((3, 5), &[DURATION_EXPR]);
        let v3_12_dur = target((3, 12), &[DURATION_EXPR]);
        // (expression, target, expected message prefix or None when accepted)
        let cases: &[(&str, &Target, Option<&str>)] = &[
            ("rate(x[5m]) > 0", &v2, None),
            ("rate(x[5m]) > 0", &current, None),
            ("x offset -5m", &v2, None),
            ("x offset 5m - y", &v3_5, None),
            ("x[5m:1m]", &v2, None),
            ("rate(x[5m+1m])", &current, None),
            ("rate(x[5m+1m])", &v3_5_dur, None),
            (
                "rate(x[5m+1m])",
                &v3_5,
                Some(
                    "experimental duration expression is not enabled (enable it with --enable-feature=promql-duration-expr, in prometheus.features, or Prometheus 3.14 or later)",
                ),
            ),
            (
                "rate(x[5m+1m])",
                &v2,
                Some(
                    "a duration expression needs Prometheus 3.4 or later (prometheus.version is 2.45)",
                ),
            ),
            (
                "x offset (1h * 2)",
                &v3_5,
                Some("experimental duration expression"),
            ),
            (
                "x[300]",
                &v2,
                Some("a number as a duration needs Prometheus 2.54 or later"),
            ),
            ("x[300]", &current, None),
            (
                "{\"foo.bar\"}",
                &v2,
                Some("a quoted metric or label name needs Prometheus 3.0 or later"),
            ),
            ("{\"foo.bar\"}", &current, None),
            (
                "histogram_avg(x)",
                &v2,
                Some("function `histogram_avg` needs Prometheus 2.53 or later"),
            ),
            ("histogram_avg(x)", &current, None),
            ("holt_winters(x[5m], 0.5, 0.5)", &v2, None),
            (
                "holt_winters(x[5m], 0.5, 0.5)",
                &current,
                Some(
                    "unknown function with name \"holt_winters\" (renamed double_exponential_smoothing in Prometheus 3.0",
                ),
            ),
            (
                "double_exponential_smoothing(x[5m], 0.5, 0.5)",
                &current,
                Some(
                    "function \"double_exponential_smoothing\" is not enabled (enable it with --enable-feature=promql-experimental-functions",
                ),
            ),
            ("double_exponential_smoothing(x[5m], 0.5, 0.5)", &all, None),
            (
                "info(x)",
                &current,
                Some("function \"info\" is not enabled"),
            ),
            ("info(x)", &all, None),
            ("first_over_time(x[5m])", &current, None),
            (
                "first_over_time(x[5m])",
                &v3_5,
                Some("function `first_over_time` needs Prometheus 3.7 or later"),
            ),
            (
                "limitk(2, x)",
                &current,
                Some(
                    "limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions",
                ),
            ),
            ("limitk(2, x)", &all, None),
            ("limitk", &current, None),
            (
                "min_of(1, 2)",
                &current,
                Some("function \"min_of\" is not enabled"),
            ),
            ("min_of(1, 2)", &all, None),
            (
                "rate(x[5m] anchored)",
                &current,
                Some("anchored modifier is experimental and not enabled"),
            ),
            ("rate(x[5m] smoothed)", &all, None),
            (
                "x + fill(0) y",
                &current,
                Some("binop fill modifiers are experimental and not enabled"),
            ),
            ("x + fill(0) y", &all, None),
            // Duration expression words per version (3.13 renamed min/max to min_of/max_of).
            ("rate(x[min(5m, 1h)])", &v3_12_dur, None),
            (
                "rate(x[min(5m, 1h)])",
                &current,
                Some(
                    "unexpected character in duration expression: 'm' (Prometheus 3.13 renamed `min` to `min_of` in duration expressions; prometheus.version is 3.14)",
                ),
            ),
            ("rate(x[max_of(5m, 1h)])", &current, None),
            (
                "rate(x[max_of(5m, 1h)])",
                &v3_12_dur,
                Some("`max_of` in a duration expression needs Prometheus 3.13 or later"),
            ),
            ("rate(x[5m:step()])", &v3_12_dur, None),
            (
                "rate(x[5m:step()])",
                &v3_5_dur,
                Some("`step` in a duration expression needs Prometheus 3.6 or later"),
            ),
            (
                "rate(x[range()])",
                &target((3, 9), &[DURATION_EXPR]),
                Some("`range` in a duration expression needs Prometheus 3.10 or later"),
            ),
            ("rate(x[range()])", &current, None),
            ("x offset step()", &target((3, 6), &[DURATION_EXPR]), None),
            // The newest experimental functions, by version.
            ("x @ start()", &current, None),
            (
                "time() - start()",
                &current,
                Some("function \"start\" is not enabled"),
            ),
            (
                "time() - start()",
                &target((3, 11), &[EXPERIMENTAL_FUNCTIONS]),
                Some("function `start` needs Prometheus 3.12 or later"),
            ),
            (
                "min_of(1, 2)",
                &target((3, 12), &[EXPERIMENTAL_FUNCTIONS]),
                Some("function `min_of` needs Prometheus 3.13 or later"),
            ),
            (
                "start_timestamp(x)",
                &target((3, 13), &[EXPERIMENTAL_FUNCTIONS]),
                Some("function `start_timestamp` needs Prometheus 3.14 or later"),
            ),
            ("start_timestamp(x)", &all, None),
        ];
        for (src, t, want) in cases {
            assert!(crate::prometheus::parse::parse(src).is_ok(), "{src} parses");
            let got = check(src, t).map(|e| e.message);
            match (want, &got) {
                (None, None) => {}
                (Some(w), Some(g)) if g.starts_with(w) => {}
                _ => panic!("{src} on {t:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn versions_parse() {
        assert_eq!(parse_version("3.5"), Some((3, 5)));
        assert_eq!(parse_version("v2.45.0"), Some((2, 45)));
        assert_eq!(parse_version("1.8"), None);
        assert_eq!(parse_version("3"), None);
        assert_eq!(parse_version("3.x"), None);
    }
}
