//! Expressions written with Helm template actions (`up{job="{{ .Values.job }}"} == 0`), checked
//! where no render reaches them: each action is replaced by a placeholder of the kind its place
//! in the expression calls for (a label value inside a matcher string, a duration inside `[…]` or
//! after `offset`, a label name, a matcher, part of a name, a number or a whole sub-expression),
//! and the rest is parsed. Only an error that no substitution can explain is kept: not at or
//! right after a placeholder, and found again when every free-standing action stands for a
//! number instead of a series. Control actions (`if`, `with`, `range` … `end`) inside the
//! expression choose text: each choice is parsed (every first branch and one iteration, then
//! every second branch and no iteration, …), and an error is kept only when every choice has
//! one.

use super::parse::ParseError;
use super::version::{self, Target};
use std::ops::Range;

/// What a template action does where it stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ActionKind {
    /// Prints text (`{{ .Values.x }}`, `{{ include "x" . }}`).
    Output,
    /// Prints nothing (`{{/* comment */}}`, `{{ $x := … }}`).
    Silent,
    /// Chooses or repeats text (`if`, `else`, `end`, `range`, `with`, …), or an escape form
    /// (``{{`{{`}}``) whose text differs in length from the action.
    Control,
}

/// An action of the expression: its byte range in the expression text and its kind.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Slot {
    pub range: Range<usize>,
    pub kind: ActionKind,
    /// The action as written (`{{- if .Values.x }}`): control actions are followed by it.
    pub action: String,
}

/// The kind of an action from its full text (`{{ … }}`, trim markers included).
pub fn classify(action: &str) -> ActionKind {
    let inner = action
        .strip_prefix("{{")
        .unwrap_or(action)
        .strip_suffix("}}")
        .unwrap_or(action);
    let body = inner.trim_start_matches('-').trim_end_matches('-').trim();
    if body.starts_with("/*") {
        return ActionKind::Silent;
    }
    if matches!(body, "`{{`" | "\"{{\"" | "`}}`" | "\"}}\"") {
        return ActionKind::Control;
    }
    let word: String = body
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '$')
        .collect();
    if matches!(
        word.as_str(),
        "if" | "else" | "end" | "range" | "with" | "define" | "block" | "break" | "continue"
    ) {
        return ActionKind::Control;
    }
    // `$x := …` and `$x = …` declare or assign, printing nothing.
    if word.starts_with('$') {
        let rest = body[word.len()..].trim_start();
        if rest.starts_with(":=") || (rest.starts_with('=') && !rest.starts_with("==")) {
            return ActionKind::Silent;
        }
    }
    ActionKind::Output
}

/// Length of a `{{ … }}` action at the start of `s`, skipping `}}` inside strings and comments.
pub fn action_len(s: &str) -> Option<usize> {
    let b = s.as_bytes();
    if !s.starts_with("{{") {
        return None;
    }
    let body = s[2..].trim_start_matches('-').trim_start();
    if body.starts_with("/*") {
        let at = s.find("*/")?;
        return s[at..].find("}}").map(|e| at + e + 2);
    }
    let mut i = 2;
    let mut quote: Option<u8> = None;
    while i < b.len() {
        let c = b[i];
        match quote {
            Some(q) => {
                if c == b'\\' && q == b'"' {
                    i += 2;
                    continue;
                }
                if c == q {
                    quote = None;
                }
            }
            None => {
                if c == b'"' || c == b'`' {
                    quote = Some(c);
                } else if c == b'}' && b.get(i + 1) == Some(&b'}') {
                    return Some(i + 2);
                }
            }
        }
        i += 1;
    }
    None
}

/// The actions written in a string (a values string passed through `tpl`). An unterminated
/// action is a control slot (the text is not checked).
pub fn slots_in(text: &str) -> Vec<Slot> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(rel) = text.get(i..).and_then(|t| t.find("{{")) {
        let start = i + rel;
        match action_len(&text[start..]) {
            Some(len) => {
                let action = &text[start..start + len];
                out.push(Slot {
                    range: start..start + len,
                    kind: classify(action),
                    action: action.to_string(),
                });
                i = start + len;
            }
            None => {
                out.push(Slot {
                    range: start..text.len(),
                    kind: ActionKind::Control,
                    action: String::new(),
                });
                break;
            }
        }
    }
    out
}

/// How free-standing actions (a sub-expression or a number) are filled in.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Free {
    Series,
    Number,
}

fn is_name_byte(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b':'
}

/// Where each byte of `text` stands outside the slots: inside a string literal, inside braces,
/// inside brackets. Returned for the first byte of each slot.
struct Place {
    in_string: bool,
    in_braces: bool,
    in_brackets: bool,
}

fn places(text: &str, slots: &[Slot]) -> Vec<Place> {
    let b = text.as_bytes();
    let mut out = Vec::with_capacity(slots.len());
    let mut quote: Option<u8> = None;
    let mut braces = 0i32;
    let mut brackets = 0i32;
    let mut comment = false;
    let mut i = 0;
    let mut next = 0;
    while next < slots.len() {
        let slot = &slots[next];
        if i >= slot.range.start {
            out.push(Place {
                in_string: quote.is_some(),
                in_braces: braces > 0,
                in_brackets: brackets > 0,
            });
            i = i.max(slot.range.end);
            next += 1;
            continue;
        }
        let c = b[i];
        if comment {
            if c == b'\n' {
                comment = false;
            }
        } else if let Some(q) = quote {
            if c == b'\\' && q != b'`' {
                i += 1;
            } else if c == q {
                quote = None;
            }
        } else {
            match c {
                b'"' | b'\'' | b'`' => quote = Some(c),
                b'#' => comment = true,
                b'{' => braces += 1,
                b'}' => braces -= 1,
                b'[' => brackets += 1,
                b']' => brackets -= 1,
                _ => {}
            }
        }
        i += 1;
    }
    out
}

/// Fills `buf[range]` with `fill` at its start and spaces after it (or only `fill`'s first
/// byte repeated, when `fill` is one byte).
fn put(buf: &mut [u8], range: Range<usize>, fill: &[u8]) {
    let len = range.len();
    for (k, slot) in buf[range].iter_mut().enumerate() {
        *slot = if fill.len() == 1 {
            fill[0]
        } else if k < fill.len() && fill.len() <= len {
            fill[k]
        } else {
            b' '
        };
    }
}

/// The expression with every slot replaced, or `None` when a slot is too short for its
/// placeholder.
fn substitute(text: &str, slots: &[Slot], free: Free) -> Option<String> {
    let mut buf = text.as_bytes().to_vec();
    let b = text.as_bytes();
    let at = places(text, slots);
    for (slot, place) in slots.iter().zip(at) {
        let r = slot.range.clone();
        if slot.kind != ActionKind::Output {
            put(&mut buf, r, b" ");
            continue;
        }
        let before = b[..r.start].iter().rev().find(|c| !c.is_ascii_whitespace());
        let after = b[r.end..].iter().find(|c| !c.is_ascii_whitespace());
        let touches_before = r.start > 0 && is_name_byte(b[r.start - 1]);
        let touches_after = b.get(r.end).is_some_and(|&c| is_name_byte(c));
        let prev_word_offset = {
            let head = text[..r.start].trim_end();
            head.ends_with("offset")
                && !head[..head.len() - 6]
                    .bytes()
                    .last()
                    .is_some_and(is_name_byte)
        };
        let fill: &[u8] = if place.in_string {
            b"x"
        } else if place.in_brackets || prev_word_offset {
            // A duration (or the part of one before its unit).
            if touches_after { b"1" } else { b"5m" }
        } else if place.in_braces && matches!(after, Some(b'"' | b'\'' | b'`')) {
            // Between a label name and its value: the matching operator.
            b"= "
        } else if touches_before || touches_after {
            b"x"
        } else if place.in_braces {
            match (before, after) {
                (Some(b'=' | b'~'), _) => b"\"\"",
                (_, Some(b'=' | b'!' | b'~')) => b"x",
                _ => b"x=\"\"",
            }
        } else if matches!(before, Some(b'(' | b',')) && free == Free::Number {
            // A function or aggregation argument: `1` only where a number is plausible.
            b"1"
        } else {
            match free {
                Free::Series => b"x",
                Free::Number => b"1",
            }
        };
        if fill.len() > 1 && fill.len() > r.len() {
            return None;
        }
        put(&mut buf, r, fill);
    }
    String::from_utf8(buf).ok()
}

/// Whether an error at `pos` may come from a placeholder: inside one, or with only white space
/// between a placeholder's end and `pos`.
fn from_substitution(text: &str, pos: usize, regions: &[Range<usize>]) -> bool {
    let b = text.as_bytes();
    regions.iter().filter(|r| !r.is_empty()).any(|r| {
        (r.start <= pos && pos <= r.end)
            || (pos > r.end
                && b.get(r.end..pos.min(b.len()))
                    .is_some_and(|gap| gap.iter().all(|c| c.is_ascii_whitespace())))
    })
}

/// A control structure of the expression: its whole range and the text of each branch, in
/// the order the variants take them (`if`: then, else…, nothing; `range`: one iteration,
/// nothing or its `else`).
struct Block {
    whole: Range<usize>,
    branches: Vec<Range<usize>>,
}

/// At most this many choices of branches are parsed.
const MAX_VARIANTS: usize = 4;

/// The control structures of the expression, or `None` when they cannot be followed
/// (unbalanced, `define`, `break`, an escape, a control action whose place is unknown).
fn blocks(slots: &[Slot]) -> Option<Vec<Block>> {
    struct Open {
        start: usize,
        branches: Vec<Range<usize>>,
        body: usize,
        has_else: bool,
    }
    let mut out = Vec::new();
    let mut stack: Vec<Open> = Vec::new();
    for slot in slots.iter().filter(|s| s.kind == ActionKind::Control) {
        let r = slot.range.clone();
        if r.is_empty() {
            return None;
        }
        let body = slot
            .action
            .strip_prefix("{{")?
            .strip_suffix("}}")?
            .trim_start_matches('-')
            .trim_end_matches('-')
            .trim();
        let word = body.split_whitespace().next().unwrap_or("");
        match word {
            "if" | "with" | "range" => stack.push(Open {
                start: r.start,
                branches: Vec::new(),
                body: r.end,
                has_else: false,
            }),
            "else" => {
                let open = stack.last_mut()?;
                open.branches.push(open.body..r.start);
                open.body = r.end;
                if body == "else" {
                    open.has_else = true;
                }
            }
            "end" => {
                let mut open = stack.pop()?;
                open.branches.push(open.body..r.start);
                if !open.has_else {
                    open.branches.push(r.start..r.start);
                }
                // For `range`, the first branch is one iteration; the last, no iteration
                // (nothing, or the text of its `else`).
                out.push(Block {
                    whole: open.start..r.end,
                    branches: open.branches,
                });
            }
            _ => return None,
        }
    }
    stack.is_empty().then_some(out)
}

/// The text outside the branches variant `k` takes, blanked (line breaks kept).
fn blank_untaken(buf: &mut [u8], blocks: &[Block], k: usize) -> Vec<Range<usize>> {
    let mut blanked = Vec::new();
    for b in blocks {
        let keep = &b.branches[k.min(b.branches.len() - 1)];
        for r in [b.whole.start..keep.start, keep.end..b.whole.end] {
            for c in &mut buf[r.clone()] {
                if *c != b'\n' {
                    *c = b' ';
                }
            }
            blanked.push(r);
        }
    }
    blanked
}

/// The first error of an expression with template actions that no value of the actions can
/// explain, as the target Prometheus reports it, with the text it was found in (the expression
/// with placeholders, as long as `text`); `None` when it parses, or when unsure.
pub fn check(text: &str, slots: &[Slot], target: &Target) -> Option<(ParseError, String)> {
    let blocks = blocks(slots)?;
    let variants = blocks
        .iter()
        .map(|b| b.branches.len())
        .max()
        .unwrap_or(1)
        .min(MAX_VARIANTS);
    let mut first: Option<(ParseError, Vec<Range<usize>>, String)> = None;
    for k in 0..variants {
        for free in [Free::Series, Free::Number] {
            let filled = substitute(text, slots, free)?;
            let mut buf = filled.into_bytes();
            let blanked = blank_untaken(&mut buf, &blocks, k);
            let src = String::from_utf8(buf).ok()?;
            let err = version::parse_for(&src, target).err()?;
            if first.is_none() {
                first = Some((err, blanked, src));
            }
        }
    }
    let (err, blanked, src) = first?;
    let mut regions: Vec<Range<usize>> = slots.iter().map(|s| s.range.clone()).collect();
    regions.extend(blanked);
    if from_substitution(text, err.pos, &regions) {
        return None;
    }
    Some((err, src))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn verdict(text: &str) -> Option<(String, String)> {
        let slots = slots_in(text);
        check(text, &slots, &Target::default()).map(|(e, _)| {
            let end = (e.pos + 3).min(text.len());
            (e.message, text[e.pos..end].to_string())
        })
    }

    #[test]
    fn classifies_actions() {
        assert_eq!(classify("{{ .Values.x }}"), ActionKind::Output);
        assert_eq!(classify("{{- if .Values.x }}"), ActionKind::Control);
        assert_eq!(classify("{{ end -}}"), ActionKind::Control);
        assert_eq!(classify("{{/* note */}}"), ActionKind::Silent);
        assert_eq!(
            classify("{{ $ns := .Release.Namespace }}"),
            ActionKind::Silent
        );
        assert_eq!(classify("{{ $ns }}"), ActionKind::Output);
        assert_eq!(classify("{{ $a == $b }}"), ActionKind::Output);
        assert_eq!(classify("{{`{{`}}"), ActionKind::Control);
    }

    #[test]
    fn valid_templated_expressions_are_silent() {
        for text in [
            r#"up{job="{{ .Values.job }}"} == 0"#,
            r#"up{job=~"{{ .Values.jobs | join "|" }}"} == 0"#,
            r#"rate(x{ns="{{ $namespace }}"}[{{ .Values.window }}]) > 0"#,
            r#"rate(x[{{ .Values.minutes }}m]) > 0"#,
            r#"x offset {{ .Values.offset }} > 0"#,
            r#"sum by ({{ .Values.groupBy }}) (rate(x[5m])) > {{ .Values.threshold }}"#,
            r#"{{ .Values.threshold }} < sum(x)"#,
            r#"histogram_quantile({{ .Values.q }}, sum by (le) (rate(x_bucket[5m]))) > 1"#,
            r#"{{ .Values.prefix }}_requests_total{code="500"} > 0"#,
            r#"up{ {{ .Values.selector }} } == 0"#,
            r#"up{job={{ .Values.job | quote }}} == 0"#,
            r#"up{ {{ .Values.label }}="a" } == 0"#,
            r#"{{ .Values.expr }}"#,
            r#"sum(x) {{ .Values.op }} 3"#,
            r#"x > 1 {{/* comment */}}"#,
            r#"avg_over_time(x[{{ .Values.w }}:{{ .Values.step }}]) > 1"#,
            r#"topk({{ .Values.k }}, x)"#,
            r#"up{namespace{{ $op }}"{{ $ns }}", job="a"} == 0"#,
        ] {
            assert_eq!(verdict(text), None, "{text}");
        }
    }

    #[test]
    fn errors_in_the_written_text_fire_where_prometheus_reports_them() {
        let (msg, at) = verdict(r#"sum(rate(x{job="{{ .Values.job }}"}[5m])) by (a) by (b) > 1"#)
            .expect("fires");
        assert!(msg.starts_with("unexpected <by>"), "{msg}");
        assert_eq!(at, "by ");
        // Whatever branch the control actions take.
        let (msg, at) = verdict(
            r#"sum(rate(x[5m])) by ({{ range .Values.l }}{{ . }},{{ end }}job) by (pod) > 1"#,
        )
        .expect("fires");
        assert!(msg.starts_with("unexpected <by>"), "{msg}");
        assert_eq!(at, "by ");
        let (msg, at) = verdict(r#"sumx(x{ns="{{ $namespace }}"}) > 1"#).expect("fires");
        assert!(msg.contains("unknown function with name \"sumx\""), "{msg}");
        assert_eq!(at, "sum");
        let (msg, _) = verdict(r#"rate(x{ns="{{ $ns }}"}) > {{ .Values.t }}"#).expect("fires");
        assert!(msg.contains("expected type range vector"), "{msg}");
        // A construct of a newer Prometheus, in the written text.
        let (msg, _) = verdict(r#"info(up{job="{{ .Values.job }}"})"#).expect("fires");
        assert!(msg.contains("is not enabled"), "{msg}");
    }

    #[test]
    fn unsure_verdicts_stay_silent() {
        for text in [
            // Control actions: the text holds several alternatives, each valid.
            r#"sum(x) {{ if .Values.a }} by (a) {{ else }} without (b) {{ end }} > 1"#,
            r#"sum(x) by ({{ range .Values.labels }}{{ . }},{{ end }}cluster, le) > 1"#,
            r#"sum(x{a="b"{{ with .Values.extra }},{{ . }}{{ end }}}) > 1"#,
            // One choice is valid.
            r#"sum(x) {{ if .Values.a }} by (a) by (b) {{ end }} > 1"#,
            // Unbalanced control actions.
            r#"sum(x) {{ if .Values.a }} by (a) > 1"#,
            // The error is right after a placeholder.
            r#"{{ .Values.agg }} by (job) (x) > 1"#,
            // Unterminated action.
            r#"up{job="{{ .Values.job "} == 0"#,
        ] {
            assert_eq!(verdict(text), None, "{text}");
        }
    }

    #[test]
    fn hostile_inputs_neither_panic_nor_report() {
        let deep = format!(
            "x{}{}",
            "{{ if .a }}+x".repeat(1000),
            "{{ end }}".repeat(1000)
        );
        for text in [
            "",
            "{{",
            "}}",
            "{{ end }}",
            "{{ else }} x",
            "{{ .a }}",
            "é{{ \"é\" }}é > 1",
            "x{{ if .a }}",
            "x[{{ .a }}",
            "{x=\"{{ .a }}",
            "offset {{ .a }}",
            "x offset{{ .a }}",
            "{{/* a */}}",
            "{{- /* unterminated",
            "`{{ .a }}",
            deep.as_str(),
        ] {
            let slots = slots_in(text);
            let _ = check(text, &slots, &Target::default());
        }
        // Deeply nested blocks: every choice is valid, so nothing is reported.
        assert_eq!(verdict(&deep), None);
    }
}
