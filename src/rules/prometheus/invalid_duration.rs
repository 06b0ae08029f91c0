use super::{RuleSet, describe, rule_sets_check};
use crate::diagnostic::{RuleMeta, Severity, Sink};
use crate::prometheus::parse::parse_duration;
use crate::rules::Ctx;

pub static META: RuleMeta = RuleMeta {
    name: "prometheus/invalid-duration",
    severity: Severity::Error,
    summary: "`for` or `keep_firing_for` is not a Prometheus duration",
    doc: r#"## What it does
Checks `for` and `keep_firing_for` of every rule with Prometheus's duration syntax: an integer
followed by a unit (`ms`, `s`, `m`, `h`, `d`, `w`, `y`), units from largest to smallest
(`1h30m`), or `0`.

## Why it matters
Prometheus rejects the whole rule file when a duration does not parse (`not a valid duration
string`), so none of its rules are loaded. `90` (no unit), `1.5m` and `5 minutes` are common
mistakes.

## Example
```yaml
- alert: PodDown
  expr: up == 0
  for: 90
```

## Fix
Add a unit: `for: 90s`, or use whole units: `for: 1m30s`.

`plimsoll lint --fix --unsafe-fixes` adds `s` to a bare number (unsafe: it reads the number as
seconds).
"#,
};

rule_sets_check!(check);

/// A bare number is read as seconds: the likely meaning, but a guess.
pub const FIXABLE: crate::fix::Applicability = crate::fix::Applicability::Unsafe;

fn check(sets: &[RuleSet], _: &Ctx, sink: &mut Sink) {
    for set in sets {
        for rule in set.rules.iter() {
            for field in [&rule.for_, &rule.keep_firing_for].into_iter().flatten() {
                let v = &field.value.value;
                // An empty or null value means the default (no delay).
                if v.is_empty() {
                    continue;
                }
                let Err(msg) = parse_duration(v) else {
                    continue;
                };
                let d = sink.report(
                    &META,
                    &set.file,
                    field.value.span,
                    format!("`{}` of {}: {msg}", field.key, describe(rule)),
                );
                d.label("not a duration");
                let digits = !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit());
                if digits {
                    d.help(format!("a duration needs a unit: `{v}s`"));
                    let span = field.value.span;
                    let written = set.file.slice(span);
                    let at = if written == v {
                        Some(span.end as usize)
                    } else if written.len() == v.len() + 2
                        && (written.starts_with('"') || written.starts_with('\''))
                        && &written[1..written.len() - 1] == v.as_str()
                    {
                        Some(span.end as usize - 1)
                    } else {
                        None
                    };
                    if let Some(at) = at {
                        d.fix(
                            crate::fix::Fix::unsafe_(format!("Write `{v}s` (seconds)")).edit(
                                &set.file,
                                crate::source::Span::empty(at),
                                "s",
                            ),
                        );
                    }
                } else {
                    d.help("use an integer and a unit, largest unit first, e.g. `5m` or `1h30m`");
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::testing::*;
    use super::META;

    #[test]
    fn fires_on_bad_durations_only() {
        let v = "r:\n  - alert: A\n    expr: up == 0\n    for: 90\n  - alert: B\n    expr: up == 0\n    for: 5 minutes\n  - alert: C\n    expr: up == 0\n    for: 1m30s\n    keep_firing_for: 1.5m\n  - alert: D\n    expr: up == 0\n    for: 0\n";
        let d = values(&META, v);
        assert_eq!(spans(&d), ["90", "5 minutes", "1.5m"]);
        assert_eq!(d[0].help.as_deref(), Some("a duration needs a unit: `90s`"));
    }
}
