//! Robustness: the parser never panics and never overflows the stack, on random bytes,
//! random template-like token soup, every truncation of the corpus, and deep nesting.
//! Tests run on the default 2 MiB test-thread stack, the smallest the linter uses.

use plimsoll::template::*;

/// A small deterministic generator (xorshift), so failures reproduce.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn corpus() -> Vec<String> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/template_corpus/cases");
    let mut out: Vec<String> = std::fs::read_dir(dir)
        .expect("cases")
        .filter_map(|e| e.ok())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect();
    out.sort();
    out
}

fn check(src: &str) {
    for opts in [ParseOptions::helm("t"), ParseOptions::unchecked("t")] {
        match parse(src, &opts) {
            Ok(t) => {
                // Every span lies inside the source and the walkers run.
                assert!(t.root.span.end as usize <= src.len());
                for c in t.field_chains() {
                    assert!(c.span.end as usize <= src.len() && c.span.start <= c.span.end);
                }
                let _ = t.function_calls();
                let _ = t.variables();
                let _ = t.template_refs(&["include"]);
            }
            Err(e) => {
                assert!(e.span.start <= e.span.end, "{src:?}: {e:?}");
                assert!(e.span.end as usize <= src.len(), "{src:?}: {e:?}");
                assert!(!e.message.is_empty());
            }
        }
    }
}

#[test]
fn every_truncation_of_the_corpus() {
    for text in corpus() {
        for (i, _) in text.char_indices() {
            check(&text[..i]);
            check(&text[i..]);
        }
    }
}

#[test]
fn random_bytes() {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    for _ in 0..3000 {
        let len = rng.below(80);
        let bytes: Vec<u8> = (0..len).map(|_| rng.next() as u8).collect();
        check(&String::from_utf8_lossy(&bytes));
    }
}

#[test]
fn random_token_soup() {
    const PIECES: &[&str] = &[
        "{{", "}}", "{{- ", " -}}", "{{/*", "*/}}", " ", "\n", "\t", "if", "else", "end", "range",
        "with", "define", "block", "template", "break", "continue", "$x", "$", ":=", "=", ",", "|",
        "(", ")", ".a", ".", "\"s\"", "`r`", "'c'", "1", "-", "0x", "1e", "2i", "+", "quote",
        "nope", "nil", "true", "\"", "`", "'", "\\", "é", "\r", "{", "}", "/*", "*/", "include",
    ];
    let mut rng = Rng(42);
    for _ in 0..20_000 {
        let n = rng.below(24);
        let s: String = (0..n).map(|_| PIECES[rng.below(PIECES.len())]).collect();
        check(&s);
    }
}

#[test]
fn deep_nesting_is_an_error_not_a_crash() {
    for depth in [10usize, 999, 1001, 5000, 50_000] {
        let parens = format!("{{{{ {}1{} }}}}", "(".repeat(depth), ")".repeat(depth));
        let r = parse(&parens, &ParseOptions::helm("t"));
        if depth < DEFAULT_MAX_DEPTH {
            let t = r.expect("parses");
            assert_eq!(t.function_calls().len(), 0);
        } else {
            let e = r.expect_err("too deep");
            assert_eq!(e.kind, ErrorKind::TooDeep);
            assert_eq!(e.message, "max expression depth exceeded");
        }
        let ifs = format!(
            "{}x{}",
            "{{ if 1 }}".repeat(depth),
            "{{ end }}".repeat(depth)
        );
        let r = parse(&ifs, &ParseOptions::helm("t"));
        if depth < DEFAULT_MAX_DEPTH {
            let t = r.expect("parses");
            assert!(t.field_chains().is_empty());
        } else {
            assert_eq!(r.expect_err("too deep").kind, ErrorKind::TooDeep);
        }
        let chain = format!(
            "{{{{ if 0 }}}}{}x{{{{ end }}}}",
            "{{ else if 1 }}".repeat(depth)
        );
        let r = parse(&chain, &ParseOptions::helm("t"));
        assert_eq!(
            r.is_ok(),
            depth < DEFAULT_MAX_DEPTH,
            "else-if chain {depth}"
        );
        // Unclosed nesting reports EOF or depth, never crashes.
        let open = "{{ with . }}{{ range . }}".repeat(depth);
        assert!(parse(&open, &ParseOptions::helm("t")).is_err());
    }
}

/// Throughput on a large synthetic chart template. Run with
/// `cargo test --release --test template_fuzz -- --ignored --nocapture`.
#[test]
#[ignore]
fn throughput() {
    let unit = concat!(
        "{{- define \"app.labels\" -}}\n",
        "app.kubernetes.io/name: {{ include \"app.name\" . }}\n",
        "helm.sh/chart: {{ printf \"%s-%s\" .Chart.Name .Chart.Version | replace \"+\" \"_\" | trunc 63 | trimSuffix \"-\" }}\n",
        "{{- end }}\n",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {{ include \"app.fullname\" . }}\n",
        "  labels:\n    {{- include \"app.labels\" . | nindent 4 }}\nspec:\n",
        "  {{- if not .Values.autoscaling.enabled }}\n  replicas: {{ .Values.replicaCount }}\n  {{- end }}\n",
        "  template:\n    spec:\n      containers:\n        - name: {{ .Chart.Name }}\n",
        "          image: \"{{ .Values.image.repository }}:{{ .Values.image.tag | default .Chart.AppVersion }}\"\n",
        "          {{- with .Values.resources }}\n          resources:\n            {{- toYaml . | nindent 12 }}\n          {{- end }}\n",
        "          env:\n          {{- range $k, $v := .Values.env }}\n            - name: {{ $k | quote }}\n              value: {{ $v | quote }}\n          {{- end }}\n",
        "{{/* a comment */}}\n",
    );
    let mut src = String::new();
    let mut i = 0;
    while src.len() < 8 << 20 {
        src.push_str(&unit.replace("app.labels", &format!("app.labels{i}")));
        i += 1;
    }
    let opts = ParseOptions::helm("t");
    let t = parse(&src, &opts).expect("parses");
    assert!(t.defines.len() > 1000);
    let runs = 5;
    let start = std::time::Instant::now();
    for _ in 0..runs {
        let t = parse(&src, &opts).expect("parses");
        std::hint::black_box(&t);
    }
    let secs = start.elapsed().as_secs_f64() / runs as f64;
    let mbs = src.len() as f64 / (1 << 20) as f64 / secs;
    println!(
        "parsed {} bytes in {:.1} ms: {:.1} MB/s",
        src.len(),
        secs * 1000.0,
        mbs
    );
}
