//! Times the `human` report over many findings in one large file:
//! `cargo run --release --example render_bench [FINDINGS] [MEGABYTES]`
//! (defaults: 5000 findings with 2 labels each over a 5 MB file).

use plimsoll::diagnostic::{RuleMeta, Severity, Sink};
use plimsoll::report::{self, Format, ReportOptions};
use plimsoll::source::{SourceFile, Span};
use std::time::Instant;

static RULE: RuleMeta = RuleMeta {
    name: "values/string-bool",
    severity: Severity::Warning,
    summary: "Boolean value written as a string",
    doc: "",
};

fn main() {
    let mut args = std::env::args().skip(1);
    let findings: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5000);
    let megabytes: usize = args.next().and_then(|a| a.parse().ok()).unwrap_or(5);

    let mut text = String::with_capacity(megabytes << 20);
    let mut i = 0usize;
    while text.len() < megabytes << 20 {
        text.push_str(&format!("key{i:07}:\n  enabled: \"false\"  # réglage\n"));
        i += 1;
    }
    let file = SourceFile::new("values.yaml", text);
    let lines = file.line_count() - 1;
    let mut sink = Sink::default();
    for n in 0..findings {
        // Spread evenly over the file, so later findings sit megabytes in.
        let line = (n * lines / findings) / 2 * 2 + 1;
        let range = file.line_range(line);
        let value = Span::new(range.start + 11, range.start + 18);
        let key = file.line_range(line - 1);
        sink.report(
            &RULE,
            &file,
            value,
            "`enabled` is the string \"false\", which is truthy",
        )
        .label("a string")
        .related(&file, Span::new(key.start, key.end - 1), "in this map")
        .related(
            &file,
            Span::new(range.start + 2, range.start + 9),
            "this key",
        );
    }
    let diags = sink.diagnostics;

    let mut out = Vec::with_capacity(diags.len() * 600);
    let started = Instant::now();
    report::render(Format::Human, &diags, &mut out, &ReportOptions::default())
        .expect("render into memory");
    let elapsed = started.elapsed();
    println!(
        "human: {} findings x 2 labels over {:.1} MB ({} lines): {:.1} ms, {} KB of output",
        diags.len(),
        file.text.len() as f64 / (1u64 << 20) as f64,
        file.line_count(),
        elapsed.as_secs_f64() * 1000.0,
        out.len() / 1024
    );
    for format in [
        Format::Compact,
        Format::Github,
        Format::Json,
        Format::Sarif,
        Format::Junit,
    ] {
        let mut out = Vec::new();
        let started = Instant::now();
        report::render(format, &diags, &mut out, &ReportOptions::default()).expect("render");
        println!(
            "{format:?}: {:.1} ms",
            started.elapsed().as_secs_f64() * 1000.0
        );
    }
}
