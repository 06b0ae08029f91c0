//! The parse tree: spans, trim markers, and the walk helpers.

use plimsoll::template::*;

fn helm(src: &str) -> Template {
    match parse(src, &ParseOptions::helm("t.yaml")) {
        Ok(t) => t,
        Err(e) => panic!("{src:?}: {} at {:?}", e.message, e.span),
    }
}

fn slice(src: &str, s: plimsoll::source::Span) -> &str {
    &src[s.range()]
}

#[test]
fn action_spans_and_trim_markers() {
    let src = "a  {{- .Values.x | quote -}}  b{{3 -}} c";
    let t = helm(src);
    let nodes = &t.root.nodes;
    assert_eq!(nodes.len(), 5);
    let Node::Text(s) = &nodes[0] else { panic!() };
    assert_eq!(slice(src, *s), "a");
    let Node::Action(a) = &nodes[1] else { panic!() };
    assert_eq!(slice(src, a.tag.span), "{{- .Values.x | quote -}}");
    assert!(a.tag.trim_left && a.tag.trim_right);
    assert_eq!(slice(src, a.pipe.span), ".Values.x | quote");
    assert_eq!(a.pipe.cmds.len(), 2);
    assert_eq!(slice(src, a.pipe.cmds[1].span), "quote");
    let Node::Text(s) = &nodes[2] else { panic!() };
    assert_eq!(slice(src, *s), "b");
    let Node::Action(a) = &nodes[3] else { panic!() };
    assert_eq!(slice(src, a.tag.span), "{{3 -}}");
    assert!(!a.tag.trim_left && a.tag.trim_right);
    let Operand::Number(n) = &a.pipe.cmds[0].args[0] else {
        panic!()
    };
    assert_eq!((n.int, slice(src, n.span)), (3, "3"));
    // The text after a right trim marker loses its leading space.
    let Node::Text(s) = &nodes[4] else { panic!() };
    assert_eq!(slice(src, *s), "c");
}

#[test]
fn text_after_trim_is_trimmed_in_the_tree() {
    let src = "x\n{{- 1 -}}\n  y";
    let t = helm(src);
    let texts: Vec<&str> = t
        .root
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Text(s) => Some(slice(src, *s)),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["x", "y"]);
}

#[test]
fn branches_else_chains_and_end_tags() {
    let src = "{{ if .a }}A{{ else if .b }}B{{- else }}C{{ end }}";
    let t = helm(src);
    let Node::If(b) = &t.root.nodes[0] else {
        panic!()
    };
    assert_eq!(b.span, plimsoll::source::Span::new(0, src.len()));
    assert_eq!(slice(src, b.open.span), "{{ if .a }}");
    assert_eq!(slice(src, b.keyword), "if");
    assert_eq!(slice(src, b.end.span), "{{ end }}");
    let else_tag = b.else_tag.expect("else");
    assert_eq!(slice(src, else_tag.span), "{{ else");
    let inner = &b.else_list.as_ref().expect("else list").nodes;
    let Node::If(b2) = &inner[0] else { panic!() };
    assert_eq!(slice(src, b2.open.span), "{{ else if .b }}");
    let e2 = b2.else_tag.expect("inner else");
    assert_eq!(slice(src, e2.span), "{{- else }}");
    assert!(e2.trim_left);
    assert_eq!(b2.end, b.end);

    let src = "{{ with .a }}A{{ else with .b }}B{{ end }}";
    let t = helm(src);
    let Node::With(w) = &t.root.nodes[0] else {
        panic!()
    };
    assert!(matches!(
        w.else_list.as_ref().expect("else").nodes[0],
        Node::With(_)
    ));
}

#[test]
fn range_declarations_break_continue() {
    let src =
        "{{ range $i, $e := .Values.list }}{{ if $e }}{{ break }}{{ end }}{{ continue }}{{ end }}";
    let t = helm(src);
    let Node::Range(r) = &t.root.nodes[0] else {
        panic!()
    };
    let names: Vec<&str> = r.pipe.decl.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["$i", "$e"]);
    assert!(!r.pipe.is_assign);
    assert!(matches!(r.list.nodes[1], Node::Continue(_)));
    let vars = t.variables();
    let summary: Vec<(String, VarKind)> = vars.iter().map(|v| (v.name.clone(), v.kind)).collect();
    assert_eq!(
        summary,
        [
            ("$i".to_string(), VarKind::Declare),
            ("$e".to_string(), VarKind::Declare),
            ("$e".to_string(), VarKind::Use)
        ]
    );
    assert_eq!(slice(src, vars[2].span), "$e");
}

#[test]
fn field_chains_with_roots_and_segments() {
    let src = "{{ .Values.a.b }}{{ $.Values.x }}{{ $v := .c }}{{ $v.d.e }}{{ (.f).g }}{{ $ }}";
    let t = helm(src);
    let chains = t.field_chains();
    let got: Vec<(FieldRoot, String, &str)> = chains
        .iter()
        .map(|c| (c.root.clone(), c.path.join("."), slice(src, c.span)))
        .collect();
    assert_eq!(
        got,
        [
            (FieldRoot::Dot, "Values.a.b".into(), ".Values.a.b"),
            (
                FieldRoot::Variable("$".into()),
                "Values.x".into(),
                "$.Values.x"
            ),
            (FieldRoot::Dot, "c".into(), ".c"),
            (FieldRoot::Variable("$v".into()), "d.e".into(), "$v.d.e"),
            (FieldRoot::Expr, "g".into(), "(.f).g"),
            (FieldRoot::Dot, "f".into(), ".f"),
        ]
    );
    let segs: Vec<&str> = chains[0].segments.iter().map(|s| slice(src, *s)).collect();
    assert_eq!(segs, [".Values", ".a", ".b"]);
}

#[test]
fn function_calls_and_template_refs() {
    let src = concat!(
        "{{- define \"c.name\" }}{{ .Chart.Name | trunc 63 }}{{ end }}\n",
        "{{ include \"c.name\" . | nindent 4 }}{{ template \"c.other\" }}",
        "{{ block \"c.blk\" . }}{{ now }}{{ end }}{{ printf \"%s\" (lower .x) }}"
    );
    let t = helm(src);
    let calls = t.function_calls();
    let got: Vec<(&str, usize, bool, Option<&str>)> = calls
        .iter()
        .map(|c| (c.name.as_str(), c.args, c.piped, c.define.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("include", 2, false, None),
            ("nindent", 1, true, None),
            ("printf", 2, false, None),
            ("lower", 1, false, None),
            ("trunc", 1, true, Some("c.name")),
            ("now", 0, false, Some("c.blk")),
        ]
    );
    assert_eq!(slice(src, calls[0].span), "include");
    assert_eq!(t.define_names(), ["c.name", "c.blk"]);
    assert!(t.defines[1].is_block);
    let refs = t.template_refs(&["include"]);
    let got: Vec<(&str, TemplateRefKind, &str)> = refs
        .iter()
        .map(|r| (r.name.as_str(), r.kind.clone(), slice(src, r.name_span)))
        .collect();
    assert_eq!(
        got,
        [
            (
                "c.name",
                TemplateRefKind::Function("include".into()),
                "\"c.name\""
            ),
            ("c.other", TemplateRefKind::Template, "\"c.other\""),
            ("c.blk", TemplateRefKind::Block, "\"c.blk\""),
        ]
    );
    assert_eq!(
        slice(src, t.defines[0].span),
        "{{- define \"c.name\" }}{{ .Chart.Name | trunc 63 }}{{ end }}"
    );
}

#[test]
fn literals_are_decoded() {
    let src = "{{ print \"a\\tb\" `r\\n}}` 'x' 0x10 1.5 true nil }}";
    let t = helm(src);
    let Node::Action(a) = &t.root.nodes[0] else {
        panic!()
    };
    let args = &a.pipe.cmds[0].args;
    assert!(matches!(&args[1], Operand::String(s) if &*s.value == "a\tb" && !s.raw));
    assert!(matches!(&args[2], Operand::String(s) if &*s.value == "r\\n}}" && s.raw));
    assert!(matches!(&args[3], Operand::Number(n) if n.int == 120));
    assert!(matches!(&args[4], Operand::Number(n) if n.int == 16 && n.is_uint));
    assert!(matches!(&args[5], Operand::Number(n) if n.float == 1.5 && !n.is_int));
    assert!(matches!(&args[6], Operand::Bool { value: true, .. }));
    assert!(matches!(&args[7], Operand::Nil(_)));
}

#[test]
fn comments_are_kept_aside() {
    let src = "a {{- /* one */ -}} b {{/* two\nlines */}}";
    let t = helm(src);
    assert_eq!(t.comments.len(), 2);
    assert_eq!(slice(src, t.comments[0].span), "{{- /* one */ -}}");
    assert_eq!(slice(src, t.comments[0].text), "/* one */");
    assert!(t.comments[0].trim_left && t.comments[0].trim_right);
    let texts: Vec<&str> = t
        .root
        .nodes
        .iter()
        .filter_map(|n| match n {
            Node::Text(s) => Some(slice(src, *s)),
            _ => None,
        })
        .collect();
    assert_eq!(texts, ["a", "b "]);
}

#[test]
fn function_check_modes() {
    let src = "{{ humanize $value }}";
    // Prometheus-style: with the caller's names and variables declared by a prelude.
    let prom = FuncSet::empty()
        .with(GO_BUILTINS.iter().copied())
        .with(["humanize"]);
    let e = parse(src, &ParseOptions::new("a", &prom)).expect_err("$value undefined");
    assert_eq!(e.message, "undefined variable \"$value\"");
    let ok = parse(
        "{{ $value := 1 }}{{ humanize $value }}",
        &ParseOptions::new("a", &prom),
    );
    assert!(ok.is_ok());
    let e = parse("{{ humanise 1 }}", &ParseOptions::new("a", &prom)).expect_err("typo");
    assert_eq!(e.kind, ErrorKind::FunctionNotDefined);
    assert_eq!(e.message, "function \"humanise\" not defined");
    assert!(parse("{{ humanise 1 }}", &ParseOptions::unchecked("a")).is_ok());
    // Go's builtins only: Sprig is unknown.
    let e = parse(
        "{{ quote 1 }}",
        &ParseOptions::new("a", FuncSet::go_builtins()),
    );
    assert!(e.is_err());
    // A function named "break" turns the keyword into a function call.
    let f = FuncSet::empty().with(["break"]);
    assert!(parse("{{ break }}", &ParseOptions::new("a", &f)).is_ok());
    assert!(parse("{{ break }}", &ParseOptions::unchecked("a")).is_err());
}

#[test]
fn custom_delimiters() {
    let src = "a [[- .x -]] {{ not an action }} [[/* c */]]";
    let opts = ParseOptions::helm("t").with_delims("[[", "]]");
    let t = parse(src, &opts).expect("parses");
    let Node::Action(a) = &t.root.nodes[1] else {
        panic!()
    };
    assert_eq!(slice(src, a.tag.span), "[[- .x -]]");
    assert_eq!(t.comments.len(), 1);
    let e = parse("[[ if .x ]]", &opts).expect_err("eof");
    assert_eq!(e.kind, ErrorKind::UnexpectedEof);
    let e = parse("[[ end ]]", &opts).expect_err("end");
    assert_eq!(e.message, "unexpected [[end]]");
}

#[test]
fn errors_carry_related_spans() {
    let src = "{{ if .a }}\n{{ range .b }}\nx\n{{ end }}\n";
    let e = parse(src, &ParseOptions::helm("t")).expect_err("eof");
    assert_eq!(e.message, "unexpected EOF");
    assert_eq!(e.span.start as usize, src.len());
    let (rel, _) = e.related.expect("related");
    assert_eq!(slice(src, rel), "{{ if .a }}");

    let src = "{{ $x := 1 }}{{ $y }}";
    let e = parse(src, &ParseOptions::helm("t")).expect_err("undefined");
    // Go has looked ahead to the closing delimiter; the culprit is the variable.
    assert_eq!(slice(src, e.span), "}}");
    assert_eq!(e.culprit.map(|c| slice(src, c)), Some("$y"));
    assert_eq!(slice(src, e.focus()), "$y");

    let src = "{{ upperr 1 }}";
    let e = parse(src, &ParseOptions::helm("t")).expect_err("undefined");
    assert_eq!(slice(src, e.span), "upperr");
    assert_eq!(slice(src, e.focus()), "upperr");
}

#[test]
fn define_scopes_are_separate() {
    // Variables do not leak into define bodies; range depth does not leak into blocks.
    let e = parse(
        "{{ $x := 1 }}{{ define \"a\" }}{{ $x }}{{ end }}",
        &ParseOptions::helm("t"),
    )
    .expect_err("scope");
    assert_eq!(e.kind, ErrorKind::UndefinedVariable);
    let e = parse(
        "{{ range . }}{{ block \"b\" . }}{{ break }}{{ end }}{{ end }}",
        &ParseOptions::helm("t"),
    )
    .expect_err("break in block");
    assert_eq!(e.kind, ErrorKind::BreakOutsideRange);
    // An empty redefinition is allowed, a second non-empty one is not.
    assert!(
        parse(
            "{{ define \"a\" }}x{{ end }}{{ define \"a\" }} {{ end }}",
            &ParseOptions::helm("t")
        )
        .is_ok()
    );
}
