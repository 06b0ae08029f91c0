//! The template executor and engine against `helm template`.
//!
//! Each case is a chart `c` with one template (`c/templates/t.yaml`), a helpers file
//! (`c/templates/_h.tpl`) and a `values.yaml`. The expected text is the document helm printed
//! for the template (without the `---` and `# Source:` lines), or helm's error message; all were
//! recorded from helm v3.17.1. When a helm binary is available
//! (`$HOME/.cache/plimsoll-oracles/helm`, or `helm` on the PATH) the recorded answers are
//! checked against it again; `PLIMSOLL_RECORD=1` prints helm's answers instead.
//!
//! Cases that call a function of the library run once the library has it.

mod oracle;
use oracle::helm_binary;
use plimsoll::render::engine::{Engine, Limits, TemplateFile};
use plimsoll::render::funcs;
use plimsoll::render::value::{Elem, Kind, Map, MapType, Value};
use plimsoll::render::yaml_in::{self, Target};
use plimsoll::source::SourceFile;
use plimsoll::template::ParseOptions;
use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;
use std::sync::Arc;

enum Want {
    Out(&'static str),
    Err(&'static str),
    /// An error made of a head, a part repeated N times and a tail.
    Nested(&'static str, &'static str, usize, &'static str),
}
use Want::{Err, Nested, Out};

impl Want {
    fn matches(&self, got: &Result<String, String>) -> bool {
        match (self, got) {
            (Out(w), Ok(g)) => w == g,
            (Err(w), Result::Err(g)) => w == g,
            (Nested(head, part, n, tail), Result::Err(g)) => {
                *g == format!("{head}{}{tail}", part.repeat(*n))
            }
            _ => false,
        }
    }
}

struct Case {
    name: &'static str,
    tpl: &'static str,
    helpers: &'static str,
    values: &'static str,
    want: Want,
}

const fn case(
    name: &'static str,
    tpl: &'static str,
    helpers: &'static str,
    values: &'static str,
    want: Want,
) -> Case {
    Case {
        name,
        tpl,
        helpers,
        values,
        want,
    }
}

const CASES: &[Case] = &[
    case(
        "fields_and_missing_keys",
        "a: {{ .Values.a }}\nb: {{ .Values.b.c }}\nn: x{{ .Values.nope }}y\nr: {{ .Release.Name }}",
        "",
        "a: 8080\nb: {c: hi}",
        Out("a: 8080\nb: hi\nn: xy\nr: release-name"),
    ),
    case(
        "float_printing",
        "a: {{ .Values.big }}\nb: {{ .Values.small }}\nc: {{ .Values.f }}\nd: {{ .Values.g }}\ne: {{ .Values.h }}",
        "",
        "big: 1000000\nsmall: 0.00001\nf: 1.5\ng: 12345678\nh: 999999",
        Out("a: 1e+06\nb: 1e-05\nc: 1.5\nd: 1.2345678e+07\ne: 999999"),
    ),
    case(
        "collections_print_as_go_does",
        "# {{ .Values.l }}\n# {{ .Values.m }}\n# {{ .Values.e }} {{ .Values.em }}",
        "",
        "l: [1, a, true, null, [2]]\nm: {b: 1, a: x, c: {d: null}}\ne: []\nem: {}",
        Out("# [1 a true <nil> [2]]\n# map[a:x b:1 c:map[d:<nil>]]\n# [] map[]"),
    ),
    case(
        "literals",
        "# {{ 1_000 }} {{ 017 }} {{ 0x1F }} {{ 1e3 }} {{ 123456789.0 }} {{ 3.0 }} {{ 'a' }} {{ -3 }} {{ true }} {{ \"s\" }} {{ `r` }}",
        "",
        "",
        Out("# 1000 15 31 1000 1.23456789e+08 3 97 -3 true s r"),
    ),
    case(
        "field_of_missing_parent_is_an_error",
        "a: {{ .Values.a.b }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:13: executing \"c/templates/t.yaml\" at <.Values.a.b>: nil pointer evaluating interface {}.b",
        ),
    ),
    case(
        "field_of_a_string_from_values",
        "a: 1\nb: {{ .Values.s.y }}",
        "",
        "s: str",
        Err(
            "template: c/templates/t.yaml:2:13: executing \"c/templates/t.yaml\" at <.Values.s.y>: can't evaluate field y in type interface {}",
        ),
    ),
    case(
        "field_of_an_unwrapped_string",
        "a: {{ with .Values.s }}{{ .y }}{{ end }}",
        "",
        "s: str",
        Err(
            "template: c/templates/t.yaml:1:26: executing \"c/templates/t.yaml\" at <.y>: can't evaluate field y in type string",
        ),
    ),
    case(
        "field_of_a_nil_pipeline_is_no_value",
        "a: {{ $x := .Values.a }}x{{ $x.b.c }}{{ (.Values.a).b }}y",
        "",
        "",
        Out("a: xy"),
    ),
    case(
        "field_of_a_nil_list_element",
        "a: {{ range .Values.l }}{{ .y }}{{ end }}",
        "",
        "l: [null]",
        Err(
            "template: c/templates/t.yaml:1:27: executing \"c/templates/t.yaml\" at <.y>: nil pointer evaluating interface {}.y",
        ),
    ),
    case(
        "map_key_with_arguments",
        "a: {{ .Values.a \"x\" }}",
        "",
        "a: 1",
        Err(
            "template: c/templates/t.yaml:1:13: executing \"c/templates/t.yaml\" at <.Values.a>: a is not a method but has arguments",
        ),
    ),
    case(
        "truthiness",
        "{{ range $k, $v := .Values }}{{ $k }}: {{ if $v }}true{{ else }}false{{ end }}\n{{ end }}m: {{ if .Values.missing }}true{{ else }}false{{ end }}",
        "",
        "zero: 0\nfzero: 0.0\nempty: \"\"\ns0: \"0\"\nsfalse: \"false\"\nspace: \" \"\nl: []\nm: {}\nn: null\nf: false\nt: true\nx: [0]",
        Out(
            "empty: false\nf: false\nfalse: false\nfzero: false\nl: false\nm: false\ns0: true\nsfalse: true\nspace: true\nt: true\nx: true\nzero: false\nm: false",
        ),
    ),
    case(
        "if_else_if_with_else_with",
        "a: {{ if .Values.a }}A{{ else if .Values.b }}B{{ else }}C{{ end }}\nb: {{ with .Values.x }}{{ . }}{{ else with .Values.b }}{{ . }}{{ else }}none{{ end }}\nc: {{ with $v := .Values.b }}{{ $v }}{{ end }}",
        "",
        "a: 0\nb: bee",
        Out("a: B\nb: bee\nc: bee"),
    ),
    case(
        "range_lists_maps_else",
        "a: {{ range $i, $v := .Values.l }}{{ $i }}={{ $v }},{{ end }}\nb: {{ range $k, $v := .Values.m }}{{ $k }}={{ $v }},{{ end }}\nc: {{ range .Values.e }}x{{ else }}empty{{ end }}\nd: {{ range .Values.nope }}x{{ else }}nil{{ end }}\ne: {{ range .Values.l }}{{ . }}{{ end }}",
        "",
        "l: [a, b]\nm: {b: 1, a: 2, \"10\": 3, \"9\": 4, B: 5}\ne: []",
        Out("a: 0=a,1=b,\nb: 10=3,9=4,B=5,a=2,b=1,\nc: empty\nd: nil\ne: ab"),
    ),
    case(
        "range_over_an_integer_is_go_1_23",
        "a: {{ range 3 }}{{ . }}{{ end }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:12: executing \"c/templates/t.yaml\" at <3>: range can't iterate over 3",
        ),
    ),
    case(
        "range_over_a_string",
        "a: {{ range .Values.s }}{{ . }}{{ end }}",
        "",
        "s: abc",
        Err(
            "template: c/templates/t.yaml:1:19: executing \"c/templates/t.yaml\" at <.Values.s>: range can't iterate over abc",
        ),
    ),
    case(
        "break_and_continue",
        "a: {{ range $i, $v := .Values.l }}{{ if $v }}{{ continue }}{{ end }}{{ $i }}{{ end }}\nb: {{ range $i, $v := .Values.l }}{{ if $v }}{{ break }}{{ end }}{{ $i }}{{ end }}",
        "",
        "l: [0, 0, 1, 0]",
        Out("a: 013\nb: 01"),
    ),
    case(
        "variables_scopes",
        "a: {{ $y := 1 }}{{ if true }}{{ $y := 2 }}{{ $y }}{{ end }}{{ $y }}\nb: {{ $z := 1 }}{{ if true }}{{ $z = 2 }}{{ end }}{{ $z }}{{ range .Values.l }}{{ $z = . }}{{ end }}{{ $z }}\nc: {{ range .Values.l }}{{ $.Values.v }}{{ end }}",
        "",
        "l: [p, q]\nv: V",
        Out("a: 21\nb: 2q\nc: VV"),
    ),
    case(
        "and_or_return_operands_and_short_circuit",
        "a: {{ and 1 0 2 }} {{ or 0 \"\" \"x\" }} {{ and 1 2 }} {{ or 0 \"\" }}\nb: {{ and 0 .Values.a.b }}{{ or 1 .Values.a.b }}\nc: {{ $x := .Values.nope }}{{ and $x true }}{{ .Values.nope | and true }}",
        "",
        "",
        Out("a: 0 x 2 \nb: 01\nc:"),
    ),
    case(
        "and_without_arguments",
        "a: {{ and }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <and>: wrong number of args for and: want at least 1 got 0",
        ),
    ),
    case(
        "nil_is_not_a_command",
        "a: {{ nil }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <nil>: nil is not a command",
        ),
    ),
    case(
        "argument_to_a_variable",
        "a: {{ $x := 1 }}{{ $x 2 }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:19: executing \"c/templates/t.yaml\" at <$x>: can't give argument to non-function $x",
        ),
    ),
    case(
        "argument_to_a_parenthesized_pipeline",
        "a: {{ if (or .Values.a .Values.b) (or .Values.c) }}x{{ end }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:9: executing \"c/templates/t.yaml\" at <(or .Values.a .Values.b) (or .Values.c)>: can't give argument to non-function or .Values.a .Values.b",
        ),
    ),
    case(
        "call_of_a_value",
        "a: {{ call .Values.x 1 }}",
        "",
        "x: 1",
        Err(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <call .Values.x 1>: error calling call: non-function .Values.x of type float64",
        ),
    ),
    case(
        "define_template_block",
        "# {{ template \"h\" \"x\" }}{{ template \"h\" }}{{ template \"d\" }}\n# {{ block \"b\" .Values }}{{ .v }}{{ end }}\n# {{ include \"h\" 5 }}{{ include \"v\" $ }}",
        "{{ define \"h\" }}[{{ . }}]{{ end }}{{ define \"v\" }}{{ .Values.v }}{{ end }}{{ define \"d\" }}{{ .a.b.c }}{{ end }}",
        "v: V",
        Out("# [x][]\n# V\n# [5]V"),
    ),
    case(
        "first_file_in_a_folder_wins_a_duplicate_define",
        "{{ define \"x\" }}T{{ end }}a: {{ include \"x\" . }}",
        "{{ define \"x\" }}H{{ end }}",
        "",
        Out("a: H"),
    ),
    case(
        "an_empty_define_does_not_replace",
        "{{ define \"x\" }} {{ end }}a: {{ include \"x\" . }}",
        "{{ define \"x\" }}H{{ end }}",
        "",
        Out("a: H"),
    ),
    case(
        "include_a_file_by_name",
        "a: {{ include \"c/templates/_h.tpl\" . }}",
        "top {{ .Values.v }}{{ define \"q\" }}{{ end }}",
        "v: 1",
        Out("a: top 1"),
    ),
    case(
        "template_not_defined",
        "a: {{ template \"nope\" . }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:15: executing \"c/templates/t.yaml\" at <{{template \"nope\" .}}>: template \"nope\" not defined",
        ),
    ),
    case(
        "include_not_defined",
        "a: {{ include \"nope\" . }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <include \"nope\" .>: error calling include: template: no template \"nope\" associated with template \"gotpl\"",
        ),
    ),
    case(
        "error_inside_an_include",
        "a: 1\nb: {{ include \"e\" . }}",
        "\n{{ define \"e\" }}{{ .Values.a.b }}{{ end }}",
        "",
        Err(
            "template: c/templates/t.yaml:2:6: executing \"c/templates/t.yaml\" at <include \"e\" .>: error calling include: template: c/templates/_h.tpl:2:26: executing \"e\" at <.Values.a.b>: nil pointer evaluating interface {}.b",
        ),
    ),
    case(
        "include_recursion",
        "a: {{ include \"r\" . }}",
        "{{ define \"r\" }}{{ include \"r\" . }}{{ end }}",
        "",
        Nested(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <include \"r\" .>: error calling include: ",
            "template: c/templates/_h.tpl:1:19: executing \"r\" at <include \"r\" .>: error calling include: ",
            1001,
            "rendering template has a nested reference name: r: unable to execute template",
        ),
    ),
    case(
        "template_recursion",
        "a: {{ template \"t\" . }}",
        "{{ define \"t\" }}{{ template \"t\" . }}{{ end }}",
        "",
        Err(
            "template: c/templates/_h.tpl:1:28: executing \"t\" at <{{template \"t\" .}}>: exceeded maximum template depth (100000)",
        ),
    ),
    case(
        "tpl_with_defines_and_values",
        "a: {{ tpl .Values.t . }}\nb: {{ tpl \"{{ define \\\"in\\\" }}I{{ end }}{{ include \\\"in\\\" . }}\" . }}\nc: {{ tpl \"{{ .Values.nope }}x\" . }}",
        "{{ define \"h\" }}H{{ end }}",
        "t: \"{{ .Values.x }}-{{ include \\\"h\\\" . }}\"\nx: X",
        Out("a: X-H\nb: I\nc: x"),
    ),
    case(
        "tpl_execution_error",
        "a: {{ tpl \"{{ .Values.a.b }}\" . }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <tpl \"{{ .Values.a.b }}\" .>: error calling tpl: error during tpl function execution for \"{{ .Values.a.b }}\": template: gotpl:1:10: executing \"gotpl\" at <.Values.a.b>: nil pointer evaluating interface {}.b",
        ),
    ),
    case(
        "tpl_parse_error",
        "a: {{ tpl \"{{ .x\" . }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <tpl \"{{ .x\" .>: error calling tpl: cannot parse template \"{{ .x\": template: gotpl:1: unclosed action",
        ),
    ),
    case(
        "tpl_of_a_list",
        "a: {{ tpl .Values.l . }}",
        "",
        "l: [1]",
        Err(
            "template: c/templates/t.yaml:1:17: executing \"c/templates/t.yaml\" at <.Values.l>: wrong type for value; expected string; got []interface {}",
        ),
    ),
    case(
        "tpl_of_a_number_literal",
        "a: {{ tpl 5 . }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:10: executing \"c/templates/t.yaml\" at <5>: expected string; found 5",
        ),
    ),
    case(
        "values_methods_shadow_keys_at_the_top_only",
        "a: {{ (.Values.Table \"a\").b }}\nb: {{ .Values.PathValue \"a.b\" }}\nc: {{ .Values.a.YAML }}\nd: {{ .Values.AsMap.a.b }}",
        "",
        "a: {b: 1, YAML: why}\nYAML: shadowed",
        Out("a: 1\nb: 1\nc: why\nd: 1"),
    ),
    case(
        "values_table_error",
        "a: {{ .Values.Table \"x\" }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:13: executing \"c/templates/t.yaml\" at <.Values.Table>: error calling Table: \"x\" is not a table",
        ),
    ),
    case(
        "values_path_value_error",
        "a: {{ .Values.PathValue \"a\" }}",
        "",
        "a: {b: 1}",
        Err(
            "template: c/templates/t.yaml:1:13: executing \"c/templates/t.yaml\" at <.Values.PathValue>: error calling PathValue: \"a\" is not a value",
        ),
    ),
    case(
        "values_method_arity",
        "a: {{ .Values.Table }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:13: executing \"c/templates/t.yaml\" at <.Values.Table>: wrong number of args for Table: want 1 got 0",
        ),
    ),
    case(
        "trim_markers_and_comments",
        "a: {{- /* c */ -}}\n   {{ .Values.a -}}   \n\nb: {{ \"x\" }}",
        "",
        "a: 1",
        Out("a:1b: x"),
    ),
    case(
        "range_assigns_with_equals",
        "{{ $k := 0 }}{{ $v := 0 }}{{ range $k, $v = .Values.l }}{{ end }}a: {{ $k }} {{ $v }}",
        "",
        "l: [p, q]",
        Out("a: 1 q"),
    ),
    case(
        "if_variables_visible_in_else",
        "a: {{ if $x := .Values.a }}yes{{ else }}{{ $x }}no{{ end }}",
        "",
        "a: 0",
        Out("a: 0no"),
    ),
    case(
        "uint_overflows_int",
        "a: {{ 18446744073709551615 }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:6: executing \"c/templates/t.yaml\" at <18446744073709551615>: 18446744073709551615 overflows int",
        ),
    ),
    case(
        "field_of_a_release_string",
        "a: {{ .Release.Name.foo }}",
        "",
        "",
        Err(
            "template: c/templates/t.yaml:1:14: executing \"c/templates/t.yaml\" at <.Release.Name.foo>: can't evaluate field foo in type interface {}",
        ),
    ),
    case(
        "include_with_nil_data",
        "a: {{ include \"h\" .Values.nope }}b",
        "{{ define \"h\" }}{{ .a.b }}{{ $.x }}{{ end }}",
        "",
        Out("a: b"),
    ),
    case(
        "field_of_a_chained_call_points_at_the_last_argument",
        "a: {{ (include \"h\" .).foo }}",
        "{{ define \"h\" }}x{{ end }}",
        "",
        Err(
            "template: c/templates/t.yaml:1:19: executing \"c/templates/t.yaml\" at <.>: can't evaluate field foo in type string",
        ),
    ),
    case(
        "field_of_a_number_in_with",
        "a: {{ with .Values.num }}{{ .x }}{{ end }}",
        "",
        "num: 1",
        Err(
            "template: c/templates/t.yaml:1:28: executing \"c/templates/t.yaml\" at <.x>: can't evaluate field x in type float64",
        ),
    ),
    case(
        "piped_value_into_a_field",
        "a: {{ 1 | .Values.m.k }}",
        "",
        "m: {k: v}",
        Err(
            "template: c/templates/t.yaml:1:17: executing \"c/templates/t.yaml\" at <.Values.m.k>: k is not a method but has arguments",
        ),
    ),
    case(
        "else_with_variables",
        "a: {{ with $a := .Values.nope }}{{ $a }}{{ else with $b := .Values.b }}{{ $b }}{{ end }}",
        "",
        "b: bee",
        Out("a: bee"),
    ),
    case(
        "text_only_and_whitespace",
        "  \n  a: 1  \n\n",
        "",
        "",
        Out("a: 1"),
    ),
    // With the function library.
    case(
        "required_at_the_outermost_call",
        "a: 1\nb: {{ include \"f\" . }}",
        "{{ define \"f\" }}{{ required \"need x\" .Values.x }}{{ end }}",
        "",
        Err("execution error at (c/templates/t.yaml:2:6): need x"),
    ),
    case(
        "fail_in_a_template",
        "a: {{ fail \"boom\" }}",
        "",
        "",
        Err("execution error at (c/templates/t.yaml:1:6): boom"),
    ),
    case(
        "include_output_piped",
        "a:{{ include \"h\" . | nindent 2 }}\nb: {{ print (include \"h\" .) | quote }}",
        "{{ define \"h\" }}x: {{ .Values.x }}\ny: {{ .Values.nope }}{{ end }}",
        "x: 1",
        Out("a:\n  x: 1\n  y: \nb: \"x: 1\\ny: \""),
    ),
    case(
        "maps_change_in_place",
        "# {{ include \"join\" .Values.l }} {{ include \"mark\" . }}{{ .Values.marked }} {{ .Values.m.k }} {{ .Values.m }} {{ $d := dict \"a\" (dict \"b\" 1) }}{{ $_ := merge $d (dict \"a\" (dict \"c\" 2)) }}{{ $d }} {{ $e := dict }}{{ if $e }}full{{ else }}empty{{ end }}{{ $_ := set $e \"x\" 1 }}{{ if $e }}full{{ end }}{{ range $k, $v := $e }}{{ $k }}{{ end }}",
        "{{- define \"join\" -}}\n{{- $local := dict \"first\" true -}}\n{{- range $k, $v := . -}}{{- if not $local.first -}},{{- end -}}{{- $v -}}{{- $_ := set $local \"first\" false -}}{{- end -}}\n{{- end -}}\n{{- define \"mark\" }}{{ $_ := set .Values \"marked\" \"yes\" }}{{ $_ := set .Values.m \"k\" \"v\" }}{{ end -}}",
        "l: [a, b, c]\nm: {}",
        Out("# a,b,c yes v map[k:v] map[a:map[b:1 c:2]] emptyfullx"),
    ),
    case(
        "deep_copy_is_a_new_map",
        "{{ $c := set (deepCopy $) \"Values\" (dict \"x\" 1) }}a: {{ .Values.a }} {{ $c.Values.x }}\nb: {{ $d := deepCopy .Values.m }}{{ $_ := set $d.in \"k\" 2 }}{{ .Values.m.in.k }} {{ $d.in.k }}",
        "",
        "a: A\nm: {in: {k: 1}}",
        Out("a: A 1\nb: 1 2"),
    ),
    case(
        "nil_literal_for_a_list_parameter",
        "{{ $c := genSelfSignedCert \"x\" nil nil 365 }}a: {{ hasPrefix \"-----BEGIN CERTIFICATE\" $c.Cert }}",
        "",
        "",
        Out("a: true"),
    ),
    case(
        "values_yaml_method",
        "{{ .Values.YAML }}",
        "",
        "b: 1\na: [x]\nYAML: shadowed",
        Out("YAML: shadowed\na:\n- x\nb: 1"),
    ),
];

/// The library functions the case's templates call.
fn needs_functions(c: &Case) -> Vec<String> {
    const ENGINE: &[&str] = &["and", "or", "include", "tpl", "call"];
    let mut out = Vec::new();
    for text in [c.tpl, c.helpers] {
        let tree = plimsoll::template::parse(text, &ParseOptions::helm("t")).expect("parses");
        for f in tree.function_calls() {
            if !ENGINE.contains(&f.name.as_str()) && !out.contains(&f.name) {
                out.push(f.name);
            }
        }
    }
    out
}

fn chart_values(v: Value) -> Value {
    match &v.kind {
        Kind::Map(m) => Value::new(Kind::Map(Arc::new(Map::new(
            Elem::Any,
            MapType::ChartValues,
            m.entries.clone(),
        )))),
        _ => v,
    }
}

/// Renders the case's template as `helm template c` does with default flags.
fn render(c: &Case) -> Result<String, String> {
    let files = vec![
        TemplateFile {
            name: "c/templates/t.yaml".into(),
            source: SourceFile::new("t.yaml", c.tpl.into()),
            file_id: 0,
        },
        TemplateFile {
            name: "c/templates/_h.tpl".into(),
            source: SourceFile::new("_h.tpl", c.helpers.into()),
            file_id: 1,
        },
    ];
    let engine = Engine::new(files, Limits::default()).map_err(|e| e.message)?;
    let values = yaml_in::load(c.values, Some(2), Target::ChartValues).expect("values");
    let mut release = BTreeMap::new();
    release.insert("Name".to_string(), Value::str("release-name"));
    release.insert("Namespace".to_string(), Value::str("default"));
    release.insert("IsInstall".to_string(), Value::bool(true));
    release.insert("IsUpgrade".to_string(), Value::bool(false));
    release.insert("Revision".to_string(), Value::int(1));
    release.insert("Service".to_string(), Value::str("Helm"));
    let mut top = BTreeMap::new();
    top.insert("Values".to_string(), chart_values(values));
    top.insert("Release".to_string(), Value::map(release));
    let out = engine
        .render_file("c/templates/t.yaml", chart_values(Value::map(top)))
        .map_err(|e| e.message)?;
    let mut pos = 0;
    for s in &out.segments {
        assert_eq!(s.out.start, pos, "{}: segments are contiguous", c.name);
        pos = s.out.end;
    }
    assert_eq!(
        pos as usize,
        out.text.len(),
        "{}: segments cover the output",
        c.name
    );
    Ok(out.text.trim().to_string())
}

#[test]
fn executor_matches_recorded_helm_output() {
    let mut failures = Vec::new();
    let mut skipped = Vec::new();
    for c in CASES {
        let missing: Vec<_> = needs_functions(c)
            .into_iter()
            .filter(|f| funcs::lookup(f).is_none())
            .collect();
        if !missing.is_empty() {
            skipped.push(format!("{} ({})", c.name, missing.join(", ")));
            continue;
        }
        let got = render(c);
        if !c.want.matches(&got) {
            let want = match &c.want {
                Out(w) => format!("output {w:?}"),
                Err(w) => format!("error {w:?}"),
                Nested(h, ..) => format!("nested error {h:?}…"),
            };
            let got: String = format!("{got:?}").chars().take(400).collect();
            failures.push(format!("{}:\n  want {want}\n  got  {got}", c.name));
        }
    }
    if !skipped.is_empty() {
        eprintln!("waiting for functions: {}", skipped.join("; "));
    }
    assert!(skipped.len() < CASES.len() / 4, "most cases run");
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// Runs `helm template` on the case's chart: the document it printed, or its error.
fn ask_helm(helm: &Path, c: &Case) -> Result<String, String> {
    let dir = tempfile::tempdir().expect("tempdir");
    let chart = dir.path().join("c");
    std::fs::create_dir_all(chart.join("templates")).expect("mkdir");
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .expect("Chart.yaml");
    std::fs::write(chart.join("values.yaml"), c.values).expect("values");
    std::fs::write(chart.join("templates/t.yaml"), c.tpl).expect("t.yaml");
    std::fs::write(chart.join("templates/_h.tpl"), c.helpers).expect("_h.tpl");
    let out = Command::new(helm)
        .arg("template")
        .arg(&chart)
        .output()
        .expect("run helm");
    if out.status.success() {
        let text = String::from_utf8_lossy(&out.stdout);
        let body = text
            .strip_prefix("---\n# Source: c/templates/t.yaml\n")
            .unwrap_or(&text);
        return Ok(body.trim().to_string());
    }
    let err = String::from_utf8_lossy(&out.stderr);
    let err = err.strip_prefix("Error: ").unwrap_or(&err);
    let err = err
        .trim_end()
        .strip_suffix("Use --debug flag to render out invalid YAML")
        .unwrap_or(err);
    Result::Err(err.trim_end().to_string())
}

#[test]
fn recorded_outputs_still_match_helm() {
    let Some(helm) = helm_binary() else {
        eprintln!("helm not installed: using the recorded outputs only");
        return;
    };
    let record = std::env::var_os("PLIMSOLL_RECORD").is_some();
    let mut failures = Vec::new();
    for c in CASES {
        let got = ask_helm(&helm, c);
        if record {
            println!("{}: {:?}", c.name, got);
            continue;
        }
        if !c.want.matches(&got) {
            let got: String = format!("{got:?}").chars().take(400).collect();
            failures.push(format!("{}: helm says {got}", c.name));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

fn engine_for(text: &str, limits: Limits) -> Result<Engine, String> {
    let files = vec![TemplateFile {
        name: "c/templates/t.yaml".into(),
        source: SourceFile::new("t.yaml", text.into()),
        file_id: 0,
    }];
    Engine::new(files, limits).map_err(|e| e.message)
}

fn context(values: Value) -> Value {
    let mut top = BTreeMap::new();
    top.insert("Values".to_string(), chart_values(values));
    chart_values(Value::map(top))
}

#[test]
fn executor_never_panics_on_the_template_corpus() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_corpus");
    let values_text = std::fs::read_to_string(root.join("values.yaml")).expect("values");
    let values = yaml_in::load(&values_text, Some(1), Target::ChartValues).expect("values");
    let mut rendered = 0;
    let mut entries: Vec<_> = std::fs::read_dir(root.join("cases"))
        .expect("cases")
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.path());
    for e in entries {
        let Ok(text) = std::fs::read_to_string(e.path()) else {
            continue;
        };
        let limits = Limits {
            max_steps: 200_000,
            ..Limits::default()
        };
        let Ok(engine) = engine_for(&text, limits) else {
            continue;
        };
        match engine.render_file("c/templates/t.yaml", context(values.clone())) {
            Ok(out) => {
                rendered += 1;
                let mut pos = 0;
                for s in &out.segments {
                    assert_eq!(s.out.start, pos, "{:?}", e.path());
                    assert!(s.span.end as usize <= text.len() || s.file != 0);
                    pos = s.out.end;
                }
                assert_eq!(pos as usize, out.text.len());
            }
            Result::Err(err) => assert!(!err.message.is_empty()),
        }
    }
    assert!(rendered > 0, "some corpus templates render");
}

#[test]
fn deep_nesting_and_runaway_work_end_in_errors() {
    // Nested parentheses and blocks as deep as the parser allows.
    let parens = format!("{}1{}", "(".repeat(900), ")".repeat(900));
    let e = engine_for(&format!("{{{{ {parens} }}}}"), Limits::default()).unwrap();
    assert_eq!(
        e.render_file("c/templates/t.yaml", context(Value::map(BTreeMap::new())))
            .unwrap()
            .text,
        "1"
    );
    let ifs = format!(
        "{}x{}",
        "{{ if true }}".repeat(900),
        "{{ end }}".repeat(900)
    );
    let e = engine_for(&ifs, Limits::default()).unwrap();
    assert_eq!(
        e.render_file("c/templates/t.yaml", context(Value::map(BTreeMap::new())))
            .unwrap()
            .text,
        "x"
    );
    // 2^40 iterations: the step limit ends it.
    let ranges = format!(
        "{}x{}",
        "{{ range $.Values.l }}".repeat(40),
        "{{ end }}".repeat(40)
    );
    let limits = Limits {
        max_steps: 100_000,
        ..Limits::default()
    };
    let e = engine_for(&ranges, limits).unwrap();
    let l = yaml_in::load("l: [1, 2]", None, Target::ChartValues).unwrap();
    let err = e.render_file("c/templates/t.yaml", context(l)).unwrap_err();
    assert!(
        err.message
            .ends_with("evaluation stopped after 100000 steps"),
        "{}",
        err.message
    );
}
