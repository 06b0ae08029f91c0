//! Executor tests. Expected outputs and messages are Helm v3.17.1's (checked with the real
//! binary on one-file charts named `c`).

use crate::render::engine::{Engine, Limits, TemplateFile};
use crate::render::funcs::{CallError, Func, FuncCtx};
use crate::render::value::{Elem, Kind, Map, MapType, Value};
use crate::source::SourceFile;
use std::collections::BTreeMap;
use std::sync::Arc;

/// A JSON document as Helm's values: numbers are float64, the top map is `chartutil.Values`.
pub(crate) fn values(j: serde_json::Value) -> Value {
    fn conv(j: &serde_json::Value) -> Value {
        match j {
            serde_json::Value::Null => Value::nil(),
            serde_json::Value::Bool(b) => Value::bool(*b),
            serde_json::Value::Number(n) => Value::float(n.as_f64().unwrap_or(0.0)),
            serde_json::Value::String(s) => Value::str(s.as_str()),
            serde_json::Value::Array(a) => Value::list(a.iter().map(conv).collect()),
            serde_json::Value::Object(o) => {
                Value::map(o.iter().map(|(k, v)| (k.clone(), conv(v))).collect())
            }
        }
    }
    chart_values(conv(&j))
}

fn chart_values(v: Value) -> Value {
    match v.kind {
        Kind::Map(m) => Value::new(Kind::Map(Arc::new(Map::new(
            Elem::Any,
            MapType::ChartValues,
            m.entries.clone(),
        )))),
        _ => v,
    }
}

/// The context Helm gives a file: `.Values` (chartutil.Values) and a few others.
fn ctx(vals: serde_json::Value) -> Value {
    let mut top = BTreeMap::new();
    top.insert("Values".to_string(), values(vals));
    top.insert(
        "Release".to_string(),
        values(serde_json::json!({"Name": "release-name"})),
    );
    chart_values(Value::map(top))
}

fn stub_print(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, CallError> {
    // fmt.Sprint: spaces between operands when neither is a string.
    let mut s = String::new();
    for (i, a) in args.iter().enumerate() {
        if i > 0 && a.as_str().is_none() && args[i - 1].as_str().is_none() {
            s.push(' ');
        }
        s.push_str(&crate::render::gofmt::sprint_value(a));
    }
    Ok(Value::str(s))
}

fn stub_list(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, CallError> {
    Ok(Value::list(args))
}

fn stub_nindent(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, CallError> {
    let (Some(Kind::Int(n)), Some(s)) = (args.first().map(|a| &a.kind), args.get(1)) else {
        return Err(CallError::ArgType("wrong type".into()));
    };
    let pad = " ".repeat(*n as usize);
    let s = s.as_str().unwrap_or("");
    Ok(Value::str(format!(
        "\n{pad}{}",
        s.replace('\n', &format!("\n{pad}"))
    )))
}

fn stub_required(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, CallError> {
    match args.get(1).map(|a| &a.kind) {
        Some(Kind::Nil | Kind::Invalid) => Err(CallError::Failed(format!(
            "HELM_ERR_START{}HELM_ERR_END",
            args[0].as_str().unwrap_or("")
        ))),
        Some(Kind::Str(s)) if s.is_empty() => Err(CallError::Failed(format!(
            "HELM_ERR_START{}HELM_ERR_END",
            args[0].as_str().unwrap_or("")
        ))),
        _ => Ok(args[1].clone()),
    }
}

fn stub_fail(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, CallError> {
    Err(CallError::Failed(
        args[0].as_str().unwrap_or("").to_string(),
    ))
}

fn stub_not(_: &mut FuncCtx, args: Vec<Value>) -> Result<Value, CallError> {
    if args.len() != 1 {
        return Err(CallError::Arity(format!(
            "wrong number of args for not: want 1 got {}",
            args.len()
        )));
    }
    Ok(Value::bool(!args[0].truthy()))
}

pub(crate) fn stubs(name: &str) -> Option<Func> {
    Some(match name {
        "print" => stub_print,
        "list" => stub_list,
        "nindent" => stub_nindent,
        "required" => stub_required,
        "fail" => stub_fail,
        "not" => stub_not,
        _ => return crate::render::funcs::lookup(name),
    })
}

fn engine(files: &[(&str, &str)]) -> Engine {
    let files = files
        .iter()
        .enumerate()
        .map(|(i, (n, t))| TemplateFile {
            name: n.to_string(),
            source: SourceFile::new(*n, t.to_string()),
            file_id: i as u32,
        })
        .collect();
    let mut e = Engine::new(files, Limits::default()).expect("parses");
    e.set_function_lookup(stubs);
    e
}

fn run(tpl: &str, vals: serde_json::Value) -> Result<String, String> {
    run_with(tpl, "", vals)
}

fn run_with(tpl: &str, helpers: &str, vals: serde_json::Value) -> Result<String, String> {
    let e = engine(&[("c/templates/t.yaml", tpl), ("c/templates/_h.tpl", helpers)]);
    e.render_file("c/templates/t.yaml", ctx(vals))
        .map(|o| {
            check_segments(&o);
            o.text
        })
        .map_err(|e| e.message)
}

fn check_segments(o: &crate::render::engine::Output) {
    let mut pos = 0;
    for s in &o.segments {
        assert_eq!(s.out.start, pos, "segments contiguous: {:?}", o.segments);
        // Only an action that printed nothing has an empty segment.
        assert!(s.out.end > s.out.start || !s.text, "{s:?}");
        pos = s.out.end;
    }
    assert_eq!(pos as usize, o.text.len());
}

use serde_json::json;

#[test]
fn text_fields_and_missing_values() {
    assert_eq!(
        run(
            "a: {{ .Values.a }} b: {{ .Values.nope }}.",
            json!({"a": 8080})
        )
        .unwrap(),
        "a: 8080 b: ."
    );
    assert_eq!(
        run(
            "{{ .Values.m.k }} {{ .Release.Name }}",
            json!({"m": {"k": "v"}})
        )
        .unwrap(),
        "v release-name"
    );
    assert_eq!(
        run("{{ .Values.a.b }}", json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:10: executing \"c/templates/t.yaml\" at <.Values.a.b>: nil pointer evaluating interface {}.b"
    );
    assert_eq!(
        run("x\n  {{ .Values.s.y }}", json!({"s": "str"})).unwrap_err(),
        "template: c/templates/t.yaml:2:12: executing \"c/templates/t.yaml\" at <.Values.s.y>: can't evaluate field y in type interface {}"
    );
    // A pipeline's nil is "no value": a field of it is quietly no value.
    assert_eq!(
        run("{{ $x := .Values.a }}[{{ $x.b }}]", json!({})).unwrap(),
        "[]"
    );
    // Literal text is stripped too.
    assert_eq!(run("x<no value>y", json!({})).unwrap(), "xy");
}

#[test]
fn printing_of_values() {
    assert_eq!(
        run(
            "{{ .Values.l }} {{ .Values.m }} {{ .Values.t }} {{ 3.0 }} {{ 0x10 }} {{ 'a' }}",
            json!({"l": [1, "a", true, null], "m": {"b": 1, "a": "x"}, "t": true})
        )
        .unwrap(),
        "[1 a true <nil>] map[a:x b:1] true 3 16 97"
    );
}

#[test]
fn truthiness_and_conditionals() {
    let t = "{{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}";
    assert_eq!(run(t, json!({"a": "0"})).unwrap(), "A");
    assert_eq!(run(t, json!({"a": 0, "b": [1]})).unwrap(), "B");
    assert_eq!(run(t, json!({"a": {}, "b": []})).unwrap(), "C");
    let w =
        "{{ with .Values.a }}a={{ . }}{{ else with .Values.b }}b={{ . }}{{ else }}none{{ end }}";
    assert_eq!(run(w, json!({"a": "x"})).unwrap(), "a=x");
    assert_eq!(run(w, json!({"b": 2})).unwrap(), "b=2");
    assert_eq!(run(w, json!({})).unwrap(), "none");
}

#[test]
fn and_or_return_operands_and_short_circuit() {
    assert_eq!(
        run(
            "{{ and 1 0 2 }} {{ or 0 \"\" \"x\" }} {{ and 1 2 }}",
            json!({})
        )
        .unwrap(),
        "0 x 2"
    );
    // `fail` is never called.
    assert_eq!(run("{{ and 0 (fail \"x\") }}", json!({})).unwrap(), "0");
    assert_eq!(
        run("{{ and }}", json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <and>: wrong number of args for and: want at least 1 got 0"
    );
}

#[test]
fn range_over_lists_maps_and_errors() {
    assert_eq!(
        run(
            "{{ range $i, $v := .Values.l }}{{ $i }}={{ $v }};{{ end }}",
            json!({"l": ["a", "b"]})
        )
        .unwrap(),
        "0=a;1=b;"
    );
    assert_eq!(
        run(
            "{{ range $k, $v := .Values.m }}{{ $k }}={{ $v }};{{ end }}",
            json!({"m": {"b": 1, "a": 2, "10": 3, "9": 4}})
        )
        .unwrap(),
        "10=3;9=4;a=2;b=1;"
    );
    assert_eq!(
        run("{{ range .Values.l }}x{{ else }}empty{{ end }}{{ range .Values.nope }}x{{ else }}nil{{ end }}", json!({"l": []})).unwrap(),
        "emptynil"
    );
    assert_eq!(
        run(
            "{{ range .Values.l }}{{ if not . }}{{ continue }}{{ end }}{{ . }}{{ end }}",
            json!({"l": [1, 0, 2]})
        )
        .unwrap(),
        "12"
    );
    assert_eq!(
        run(
            "{{ range $i, $v := .Values.l }}{{ if $i }}{{ break }}{{ end }}{{ $v }}{{ end }}",
            json!({"l": [1, 2, 3]})
        )
        .unwrap(),
        "1"
    );
    assert_eq!(
        run("{{ range 3 }}{{ . }}{{ end }}", json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:9: executing \"c/templates/t.yaml\" at <3>: range can't iterate over 3"
    );
}

#[test]
fn variables_shadow_in_blocks_and_assign_to_the_nearest() {
    assert_eq!(
        run(
            "{{ $y := 1 }}{{ if true }}{{ $y := 2 }}{{ $y }}{{ end }}{{ $y }}",
            json!({})
        )
        .unwrap(),
        "21"
    );
    assert_eq!(
        run("{{ $y := 1 }}{{ if true }}{{ $y = 2 }}{{ end }}{{ $y }}{{ range .Values.l }}{{ $y = . }}{{ end }}{{ $y }}", json!({"l": ["a", "b"]})).unwrap(),
        "2b"
    );
    assert_eq!(
        run(
            "{{ range .Values.l }}{{ $.Values.n }}{{ end }}",
            json!({"l": [1, 2], "n": "n"})
        )
        .unwrap(),
        "nn"
    );
}

#[test]
fn define_template_block_and_include() {
    let helpers = r#"{{ define "h" }}[{{ . }}]{{ end }}{{ define "v" }}{{ $x := 1 }}{{ .Values.a }}{{ end }}"#;
    assert_eq!(
        run_with(
            r#"{{ template "h" "x" }}{{ template "h" }}{{ include "h" 5 }}{{ include "v" $ }}"#,
            helpers,
            json!({"a": "A"})
        )
        .unwrap(),
        "[x][][5]A"
    );
    assert_eq!(
        run_with(r#"{{ block "b" . }}default{{ end }}"#, "", json!({})).unwrap(),
        "default"
    );
    assert_eq!(
        run_with(r#"{{ template "nope" . }}"#, "", json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:12: executing \"c/templates/t.yaml\" at <{{template \"nope\" .}}>: template \"nope\" not defined"
    );
    assert_eq!(
        run_with(r#"a: {{ include "nope" . }}"#, "", json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <include \"nope\" .>: error calling include: template: no template \"nope\" associated with template \"gotpl\""
    );
    // Errors inside a define name the define and the file it was parsed in.
    assert_eq!(
        run_with(
            r#"x: {{ include "e" . }}"#,
            "\n{{ define \"e\" }}{{ .Values.a.b }}{{ end }}",
            json!({})
        )
        .unwrap_err(),
        "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <include \"e\" .>: error calling include: template: c/templates/_h.tpl:2:26: executing \"e\" at <.Values.a.b>: nil pointer evaluating interface {}.b"
    );
}

#[test]
fn include_recursion_stops_as_helm_does() {
    let helpers = r#"{{ define "r" }}{{ include "r" . }}{{ end }}"#;
    let err = run_with(r#"{{ include "r" . }}"#, helpers, json!({})).unwrap_err();
    assert!(
        err.ends_with("error calling include: rendering template has a nested reference name: r: unable to execute template"),
        "{err}"
    );
    let helpers = r#"{{ define "t" }}{{ template "t" . }}{{ end }}"#;
    let err = run_with(r#"{{ template "t" . }}"#, helpers, json!({})).unwrap_err();
    assert!(
        err.ends_with("exceeded maximum template depth (100000)"),
        "{err}"
    );
}

#[test]
fn tpl_parses_at_run_time_with_the_callers_defines() {
    let helpers = r#"{{ define "h" }}H{{ end }}"#;
    assert_eq!(
        run_with(r#"{{ tpl .Values.t . }}|{{ tpl "{{ define \"in\" }}I{{ end }}{{ include \"in\" . }}" . }}"#, helpers, json!({"t": "{{ .Values.x }}-{{ include \"h\" . }}-{{ .Values.nope }}", "x": "X"})).unwrap(),
        "X-H-|I"
    );
    assert_eq!(
        run(r#"{{ tpl "{{ .Values.a.b }}" . }}"#, json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <tpl \"{{ .Values.a.b }}\" .>: error calling tpl: error during tpl function execution for \"{{ .Values.a.b }}\": template: gotpl:1:10: executing \"gotpl\" at <.Values.a.b>: nil pointer evaluating interface {}.b"
    );
    assert_eq!(
        run(r#"{{ tpl "{{ .x" . }}"#, json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:3: executing \"c/templates/t.yaml\" at <tpl \"{{ .x\" .>: error calling tpl: cannot parse template \"{{ .x\": template: gotpl:1: unclosed action"
    );
    assert_eq!(
        run(r#"{{ tpl 5 . }}"#, json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:7: executing \"c/templates/t.yaml\" at <5>: expected string; found 5"
    );
}

#[test]
fn required_and_fail_read_as_execution_errors_at_the_outermost_call() {
    assert_eq!(
        run("a: {{ required \"need x\" .Values.x }}", json!({})).unwrap_err(),
        "execution error at (c/templates/t.yaml:1:6): need x"
    );
    assert_eq!(
        run_with(
            r#"a: 1
b: {{ include "f" . }}"#,
            r#"{{ define "f" }}{{ fail "boom" }}{{ end }}"#,
            json!({})
        )
        .unwrap_err(),
        "execution error at (c/templates/t.yaml:2:6): boom"
    );
}

#[test]
fn chart_values_methods_shadow_keys() {
    assert_eq!(
        run(
            "{{ (.Values.Table \"a\").b }} {{ .Values.PathValue \"a.b\" }} {{ .Values.a.YAML }}",
            json!({"a": {"b": 1, "YAML": "y"}})
        )
        .unwrap(),
        "1 1 y"
    );
    assert_eq!(
        run("{{ .Values.Table \"x\" }}", json!({})).unwrap_err(),
        "template: c/templates/t.yaml:1:10: executing \"c/templates/t.yaml\" at <.Values.Table>: error calling Table: \"x\" is not a table"
    );
}

#[test]
fn limits_end_runaway_work() {
    let files = [(
        "c/templates/t.yaml",
        "{{ range .Values.l }}{{ range $.Values.l }}{{ range $.Values.l }}xxxxxxxxxx{{ end }}{{ end }}{{ end }}",
    )];
    let files: Vec<TemplateFile> = files
        .iter()
        .map(|(n, t)| TemplateFile {
            name: n.to_string(),
            source: SourceFile::new(*n, t.to_string()),
            file_id: 0,
        })
        .collect();
    let limits = Limits {
        max_output: 10_000,
        ..Limits::default()
    };
    let e = Engine::new(files.clone(), limits).unwrap();
    let l: Vec<serde_json::Value> = (0..100).map(|i| json!(i)).collect();
    let err = e
        .render_file("c/templates/t.yaml", ctx(json!({ "l": l })))
        .unwrap_err();
    assert!(
        err.message.contains("output exceeds 10000 bytes"),
        "{}",
        err.message
    );
    let limits = Limits {
        max_steps: 1000,
        ..Limits::default()
    };
    let e = Engine::new(files, limits).unwrap();
    let err = e
        .render_file("c/templates/t.yaml", ctx(json!({ "l": l })))
        .unwrap_err();
    assert!(
        err.message.contains("evaluation stopped after 1000 steps"),
        "{}",
        err.message
    );
}

#[test]
fn segments_point_at_text_actions_values_and_included_text() {
    let e = engine(&[
        (
            "c/templates/t.yaml",
            "a: {{ .Values.a }}\nb:{{ include \"h\" . | nindent 2 }}\n",
        ),
        (
            "c/templates/_h.tpl",
            "{{ define \"h\" }}x: 1\ny: {{ .Values.a }}{{ end }}",
        ),
    ]);
    let mut vals = values(json!({"a": "A"}));
    // Give the value an origin as a values file would.
    if let Kind::Map(m) = &vals.kind {
        let mut m = (**m).clone();
        let a =
            m.entries
                .get("a")
                .unwrap()
                .clone()
                .with_origin(Some(crate::render::value::Origin {
                    file: 9,
                    span: crate::source::Span::new(3, 4),
                }));
        m.entries.insert("a".into(), a);
        vals = Value::new(Kind::Map(Arc::new(m)));
    }
    let mut top = BTreeMap::new();
    top.insert("Values".to_string(), vals);
    let o = e
        .render_file("c/templates/t.yaml", Value::map(top))
        .unwrap();
    assert_eq!(o.text, "a: A\nb:\n  x: 1\n  y: A\n");
    check_segments(&o);
    let at = |text: &str| {
        let p = o.text.find(text).unwrap() as u32;
        o.segments
            .iter()
            .find(|s| s.out.start <= p && p < s.out.end)
            .unwrap()
            .clone()
    };
    assert_eq!((at("a: ").file, at("a: ").span.start), (0, 0));
    let a = at("A\n");
    assert_eq!((a.file, a.value.map(|v| v.file)), (0, Some(9)));
    let x = at("x: 1");
    assert_eq!(x.file, 1, "included text keeps its file");
    let inner_a = o.text.rfind('A').unwrap() as u32;
    let s = o
        .segments
        .iter()
        .find(|s| s.out.start <= inner_a && inner_a < s.out.end)
        .unwrap();
    assert_eq!((s.file, s.value.map(|v| v.file)), (1, Some(9)));
}

/// `{c: {c: … {c: null}}}` with `depth` maps.
fn nested(depth: usize) -> Value {
    let mut v = Value::nil();
    for _ in 0..depth {
        v = Value::map([("c".to_string(), v)].into_iter().collect());
    }
    v
}

#[test]
fn include_allows_1001_nested_calls_of_one_name_as_helm_does() {
    // Checked with helm v3.17.1: 1001 nested includes render, 1002 fail.
    let e = engine(&[
        ("c/templates/t.yaml", "{{ include \"n\" .v }}"),
        (
            "c/templates/_h.tpl",
            "{{ define \"n\" }}{{ with .c }}{{ include \"n\" . }}{{ end }}x{{ end }}",
        ),
    ]);
    let data = |d| {
        chart_values(Value::map(
            [("v".to_string(), nested(d))].into_iter().collect(),
        ))
    };
    let out = e.render_file("c/templates/t.yaml", data(1001)).unwrap();
    assert_eq!(out.text, "x".repeat(1001));
    let err = e.render_file("c/templates/t.yaml", data(1002)).unwrap_err();
    assert!(
        err.message
            .ends_with("error calling include: rendering template has a nested reference name: n: unable to execute template"),
        "{}",
        err.message
    );
}

#[test]
fn maps_changed_in_place_are_seen_through_every_reference() {
    // Checked with helm v3.17.1 (the idiom of fluent-bit's joinListWithComma).
    let helpers = r#"{{- define "join" -}}
{{- $local := dict "first" true -}}
{{- range $k, $v := . -}}{{- if not $local.first -}},{{- end -}}{{- $v -}}{{- $_ := set $local "first" false -}}{{- end -}}
{{- end -}}
{{- define "mark" }}{{ $_ := set .Values "marked" "yes" }}{{ $_ := set .Values.m "k" "v" }}{{ end -}}"#;
    assert_eq!(
        run_with(
            r#"{{ include "join" .Values.l }} {{ include "mark" . }}{{ .Values.marked }} {{ .Values.m.k }} {{ .Values.m }} {{ $d := dict "a" (dict "b" 1) }}{{ $_ := merge $d (dict "a" (dict "c" 2)) }}{{ $d }} {{ $e := dict }}{{ if $e }}full{{ else }}empty{{ end }}{{ $_ := set $e "x" 1 }}{{ if $e }}full{{ end }}{{ range $k, $v := $e }}{{ $k }}{{ end }}"#,
            helpers,
            json!({"l": ["a", "b", "c"], "m": {}})
        )
        .unwrap(),
        "a,b,c yes v map[k:v] map[a:map[b:1 c:2]] emptyfullx"
    );
}

#[test]
fn runaway_tpl_recursion_ends_quickly_with_an_error() {
    // Helm crashes with a Go stack overflow here; plimsoll stops at its nesting limit.
    let text = format!("{{{{ tpl .Values.x . }}}}{}", "x".repeat(2_000));
    let start = std::time::Instant::now();
    let err = run("{{ tpl .Values.x . }}", json!({ "x": text })).unwrap_err();
    assert!(err.contains("tpl nesting exceeds 2000 levels"));
    assert!(err.len() < 1 << 20, "{}", err.len());
    assert!(start.elapsed() < std::time::Duration::from_secs(60));
}

#[test]
fn random_values_differ_between_files_and_repeat_between_runs() {
    let e = engine(&[
        ("c/templates/a.yaml", "{{ randAlphaNum 12 }}"),
        ("c/templates/b.yaml", "{{ randAlphaNum 12 }}"),
    ]);
    let r = |n| e.render_file(n, ctx(json!({}))).unwrap().text;
    let (a, b) = (r("c/templates/a.yaml"), r("c/templates/b.yaml"));
    assert_eq!(a.len(), 12);
    assert_ne!(a, b);
    assert_eq!(a, r("c/templates/a.yaml"));
}

#[test]
fn nested_loops_with_empty_bodies_meet_the_step_limit() {
    let files = vec![TemplateFile {
        name: "c/templates/t.yaml".into(),
        source: SourceFile::new(
            "c/templates/t.yaml",
            "{{ range until 1000 }}{{ range until 1000 }}{{ range until 1000 }}{{ end }}{{ end }}{{ end }}".into(),
        ),
        file_id: 0,
    }];
    let limits = Limits {
        max_steps: 100_000,
        ..Limits::default()
    };
    let e = Engine::new(files, limits).unwrap();
    let err = e
        .render_file("c/templates/t.yaml", ctx(json!({})))
        .unwrap_err();
    assert!(
        err.message
            .contains("evaluation stopped after 100000 steps"),
        "{}",
        err.message
    );
}

// ---- kept `include` results (`memo`) ----

#[test]
fn an_include_repeated_after_its_argument_changed_runs_again() {
    let helpers = r#"{{- define "t" }}{{ .a }}{{ end -}}{{- define "u" }}{{ .v.x }}{{ end -}}"#;
    // The argument itself changed in place.
    let tpl =
        r#"{{ $d := dict "a" 1 }}{{ include "t" $d }}{{ $_ := set $d "a" 2 }}{{ include "t" $d }}"#;
    assert_eq!(run_with(tpl, helpers, json!({})).unwrap(), "12");
    // A map inside a new argument with the same items changed in place.
    let tpl = r#"{{ $v := dict "x" 1 }}{{ include "u" (dict "v" $v) }}{{ $_ := set $v "x" 2 }}{{ include "u" (dict "v" $v) }}"#;
    assert_eq!(run_with(tpl, helpers, json!({})).unwrap(), "12");
    // `.Values` changed by `merge` between two calls with the top-level context.
    let helpers = r#"{{- define "n" }}{{ .Values.n }}{{ end -}}"#;
    let tpl = r#"{{ include "n" . }}{{ $_ := merge .Values (dict "m" 1) }}{{ $_ := set .Values "n" 2 }}{{ include "n" . }}"#;
    assert_eq!(run_with(tpl, helpers, json!({"n": 1})).unwrap(), "12");
}

#[test]
fn an_include_that_changes_its_argument_runs_each_time() {
    let helpers = r#"{{- define "count" }}{{ $_ := set . "n" (add1 .n) }}{{ .n }}{{ end -}}"#;
    let tpl = r#"{{ $c := dict "n" 0 }}{{ include "count" $c }}{{ include "count" $c }}{{ include "count" $c }}"#;
    assert_eq!(run_with(tpl, helpers, json!({})).unwrap(), "123");
}

#[test]
fn an_include_that_changes_only_its_own_maps_repeats_its_result() {
    let helpers =
        r#"{{- define "own" }}{{ $m := dict }}{{ $_ := set $m "k" .x }}{{ $m.k }}{{ end -}}"#;
    let tpl = r#"{{ include "own" (dict "x" 1) }}{{ include "own" (dict "x" 1) }}{{ include "own" (dict "x" 2) }}"#;
    assert_eq!(run_with(tpl, helpers, json!({})).unwrap(), "112");
}

#[test]
fn an_include_that_draws_random_numbers_runs_each_time() {
    let helpers = r#"{{- define "r" }}{{ randAlphaNum 12 }}{{ end -}}"#;
    let tpl = r#"{{ include "r" . }} {{ include "r" . }}"#;
    let out = run_with(tpl, helpers, json!({})).unwrap();
    let (a, b) = out.split_once(' ').unwrap();
    assert_eq!(a.len(), 12);
    assert_ne!(a, b);
}

#[test]
fn an_include_inside_tpl_sees_the_templates_tpl_defines() {
    // Helm adds the `define`s of a `tpl` text to a copy of the set for that call only.
    let helpers =
        r#"{{- define "inner" }}A{{ end -}}{{- define "outer" }}{{ include "inner" . }}{{ end -}}"#;
    let tpl = r#"{{ include "outer" . }}{{ tpl "{{ define \"inner\" }}B{{ end }}{{ include \"outer\" . }}" . }}{{ include "outer" . }}"#;
    assert_eq!(run_with(tpl, helpers, json!({})).unwrap(), "ABA");
}

#[test]
fn a_repeated_include_keeps_the_origin_of_the_values_it_prints() {
    // The segments of a result given again point at the values they came from.
    let e = engine(&[
        (
            "c/templates/t.yaml",
            "a: {{ include \"v\" . }}\nb: {{ include \"v\" . }}\n",
        ),
        (
            "c/templates/_h.tpl",
            "{{- define \"v\" }}{{ .Values.x }}{{ end -}}",
        ),
    ]);
    let mut x = Value::str("y");
    x.origin = Some(crate::render::value::Origin {
        file: 7,
        span: crate::source::Span { start: 3, end: 4 },
    });
    let mut top = BTreeMap::new();
    top.insert(
        "Values".to_string(),
        chart_values(Value::map(BTreeMap::from([("x".to_string(), x)]))),
    );
    let out = e
        .render_file("c/templates/t.yaml", chart_values(Value::map(top)))
        .unwrap();
    check_segments(&out);
    assert_eq!(out.text, "a: y\nb: y\n");
    let with_value = |at: usize| {
        out.segments.iter().any(|s| {
            (s.out.start as usize..s.out.end as usize).contains(&at)
                && s.value.is_some_and(|o| o.file == 7)
        })
    };
    assert!(with_value(3) && with_value(8), "{:?}", out.segments);
}

/// Renders `a.yaml` then `b.yaml` (both `tpl`) with contexts that differ only in `.Template`,
/// as a chart's files do.
fn two_files(tpl: &str, helpers: &str) -> (String, String) {
    let e = engine(&[
        ("c/templates/a.yaml", tpl),
        ("c/templates/b.yaml", tpl),
        ("c/templates/_h.tpl", helpers),
    ]);
    let base = match ctx(json!({"x": 1})).kind {
        Kind::Map(m) => m.entries.clone(),
        _ => unreachable!(),
    };
    let render = |name: &str| {
        let mut top = base.clone();
        let mut t = BTreeMap::new();
        t.insert("Name".to_string(), Value::str(name));
        t.insert("BasePath".to_string(), Value::str("c/templates"));
        top.insert("Template".to_string(), chart_values(Value::map(t)));
        e.render_file(name, chart_values(Value::map(top)))
            .map(|o| o.text)
            .unwrap_or_else(|e| e.message)
    };
    (render("c/templates/a.yaml"), render("c/templates/b.yaml"))
}

#[test]
fn a_helper_that_reads_the_template_name_runs_for_each_file() {
    let helpers = r#"{{- define "field" }}{{ .Template.Name }}{{ end -}}
{{- define "nested" }}{{ .context.Template.Name }}{{ end -}}
{{- define "index" }}{{ (index .context "Template").Name }}{{ end -}}
{{- define "held" }}{{ $d := dict }}{{ $_ := set $d "c" (list .context) }}{{ (first $d.c).Template.Name }}{{ end -}}
{{- define "range" }}{{ range $k, $v := .context }}{{ if eq $k "Template" }}{{ $v.Name }}{{ end }}{{ end }}{{ end -}}
{{- define "printed" }}{{ regexFind "[ab][.]yaml" (toString (list "x" .context)) }}{{ end -}}
{{- define "outer" }}{{ include "field" .context }}{{ end -}}
{{- define "blind" }}{{ .context.Values.x }}{{ end -}}"#;
    for (call, a, b) in [
        (
            r#"{{ include "field" . }}"#,
            "c/templates/a.yaml",
            "c/templates/b.yaml",
        ),
        (
            r#"{{ include "nested" (dict "context" $) }}"#,
            "c/templates/a.yaml",
            "c/templates/b.yaml",
        ),
        (
            r#"{{ include "index" (dict "context" $) }}"#,
            "c/templates/a.yaml",
            "c/templates/b.yaml",
        ),
        (
            r#"{{ include "held" (dict "context" $) }}"#,
            "c/templates/a.yaml",
            "c/templates/b.yaml",
        ),
        (
            r#"{{ include "range" (dict "context" $) }}"#,
            "c/templates/a.yaml",
            "c/templates/b.yaml",
        ),
        (
            r#"{{ include "printed" (dict "context" $) }}"#,
            "a.yaml",
            "b.yaml",
        ),
        (
            r#"{{ include "outer" (dict "context" $) }}"#,
            "c/templates/a.yaml",
            "c/templates/b.yaml",
        ),
        (r#"{{ include "blind" (dict "context" $) }}"#, "1", "1"),
    ] {
        assert_eq!(
            two_files(call, helpers),
            (a.to_string(), b.to_string()),
            "{call}"
        );
    }
}

#[test]
fn function_traits_follow_the_lists() {
    use super::{DEEP_READERS, PRINTERS, memo::HOLDERS, traits};
    for n in DEEP_READERS {
        assert!(traits(n).deep, "{n}");
    }
    for n in HOLDERS {
        assert!(traits(n).holder, "{n}");
    }
    for n in PRINTERS {
        assert!(traits(n).printer, "{n}");
    }
    let t = traits("toYaml");
    assert!(t.deep && t.printer && !t.holder);
    let t = traits("dict");
    assert!(t.holder && !t.deep && !t.printer);
    let t = traits("nindent");
    assert!(!t.deep && !t.holder && !t.printer);
}
