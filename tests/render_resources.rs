//! The renderer on hostile templates, through the binary: `range` over large lists, `repeat`,
//! `until`, string growth through `printf` and `cat`, recursion through `include`, `template`
//! and `tpl`, and deep nesting. Work grows linearly with the input (instructions per
//! doubling, counted under valgrind), memory stays bounded, and a template that runs into a
//! limit is a located finding.

#![cfg(target_os = "linux")]

mod work_count;

use std::path::Path;
use std::process::{Command, Stdio};
use work_count::LINEAR;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

const CHART: &str = "apiVersion: v2\nname: demo\ndescription: demo\nversion: 1.0.0\nappVersion: \"1.0\"\nicon: https://example.com/i.svg\n";

/// A chart with `values` and one template `templates/cm.yaml` (plus `templates/_helpers.tpl`
/// when `helpers` is not empty).
fn chart(dir: &Path, values: &str, template: &str, helpers: &str) {
    write(dir, "demo/Chart.yaml", CHART);
    write(dir, "demo/values.yaml", values);
    write(dir, "demo/templates/cm.yaml", template);
    if !helpers.is_empty() {
        write(dir, "demo/templates/_helpers.tpl", helpers);
    }
}

/// A ConfigMap template whose data is `data` (its first line is line 6).
fn config_map(data: &str) -> String {
    format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n{data}")
}

const LINT: [&str; 6] = ["lint", "demo", "--format", "compact", "--fail-on", "never"];

#[repr(C)]
struct Timeval {
    sec: i64,
    usec: i64,
}

/// Linux's `struct rusage`.
#[repr(C)]
struct Rusage {
    utime: Timeval,
    stime: Timeval,
    maxrss: i64,
    rest: [i64; 13],
}

unsafe extern "C" {
    fn wait4(pid: i32, status: *mut i32, options: i32, usage: *mut Rusage) -> i32;
}

/// One run of the binary linting the chart in `dir`: CPU seconds (user and system, so that
/// other work on the machine does not count), peak resident memory in MiB, and the output.
fn measure(dir: &Path) -> (f64, f64, String) {
    let out_path = dir.join("out.txt");
    let child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(LINT)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(std::fs::File::create(&out_path).unwrap())
        .stderr(Stdio::null())
        .spawn()
        .expect("the binary runs");
    let mut status = 0;
    let mut usage = Rusage {
        utime: Timeval { sec: 0, usec: 0 },
        stime: Timeval { sec: 0, usec: 0 },
        maxrss: 0,
        rest: [0; 13],
    };
    // SAFETY: `usage` and `status` are valid for writes; the pid is our own child, waited
    // for exactly once (the `Child` is never waited on).
    let pid = unsafe { wait4(child.id() as i32, &mut status, 0, &mut usage) };
    assert_eq!(pid, child.id() as i32, "wait4 failed");
    drop(child);
    let secs = |t: &Timeval| t.sec as f64 + t.usec as f64 / 1e6;
    let cpu = secs(&usage.utime) + secs(&usage.stime);
    let mib = usage.maxrss as f64 / 1024.0;
    let out = std::fs::read_to_string(&out_path).unwrap();
    (cpu, mib, out)
}

/// Instructions of one lint of the chart in `dir` (see [`work_count::instructions`]).
fn instructions(dir: &Path) -> u64 {
    work_count::instructions(
        &["lint", "demo", "--format", "compact", "--fail-on", "never"],
        dir,
        &[],
    )
}

/// Lints a chart made by `make(dir, n)` at sizes `n` and `2n`; returns the ratio of the
/// instructions of one doubling, the peak memory in MiB of the larger run, and its output.
fn doubling(make: impl Fn(&Path, usize), n: usize) -> (f64, f64, String) {
    let small = tempfile::tempdir().unwrap();
    make(small.path(), n);
    let large = tempfile::tempdir().unwrap();
    make(large.path(), 2 * n);
    let (a, b) = (instructions(small.path()), instructions(large.path()));
    let ratio = b as f64 / a as f64;
    eprintln!("{n}: {a} instructions, {}: {b}, ratio {ratio:.3}", 2 * n);
    let (_, mib, out) = measure(large.path());
    (ratio, mib, out)
}

/// Memory bound for every run here: the limits keep a render to a few times the 64 MiB
/// output limit.
const MEMORY_MIB: f64 = 768.0;

fn check(what: &str, (ratio, mib, out): &(f64, f64, String)) {
    assert!(
        *ratio < LINEAR,
        "{what}: instructions per doubling grew {ratio:.2}x\n{out}"
    );
    assert!(*mib < MEMORY_MIB, "{what}: peak memory {mib:.0} MiB\n{out}");
}

#[test]
fn range_over_a_large_list_costs_linear_work() {
    let make = |dir: &Path, n: usize| {
        let items: String = (0..n).map(|i| format!("  - item{i}\n")).collect();
        chart(
            dir,
            &format!("items:\n{items}"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n{{- range $i, $v := .Values.items }}\n  k{{ $i }}: {{ $v | quote }}\n{{- end }}\n",
            "",
        );
    };
    let r = doubling(make, 2_000);
    check("range", &r);
    assert!(!r.2.contains("render-error"), "{}", r.2);
}

#[test]
fn repeat_and_until_cost_linear_work() {
    let make = |dir: &Path, n: usize| {
        chart(
            dir,
            &format!("count: {n}\n"),
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  big: {{ repeat (int .Values.count) \"abcdefgh\" | quote }}\n  seq: {{ until (int .Values.count) | join \",\" | quote }}\n",
            "",
        );
    };
    let r = doubling(make, 50_000);
    check("repeat and until", &r);
    assert!(!r.2.contains("render-error"), "{}", r.2);
}

#[test]
fn huge_repeat_and_until_stop_at_the_limit_with_a_located_finding() {
    let dir = tempfile::tempdir().unwrap();
    chart(
        dir.path(),
        "a: 1\n",
        &config_map("  big: {{ repeat 1000000000 \"abcdefgh\" }}\n"),
        "",
    );
    write(
        dir.path(),
        "demo/templates/seq.yaml",
        &config_map("  seq: {{ until 1000000000 | len }}\n"),
    );
    let (cpu, mib, out) = measure(dir.path());
    assert!(cpu < 5.0, "{cpu:.1} s of CPU\n{out}");
    assert!(mib < MEMORY_MIB, "{mib:.0} MiB\n{out}");
    for (at, what) in [
        (
            "demo/templates/cm.yaml:6:11:",
            "error calling repeat: output of 8000000000 bytes exceeds the renderer's limit of 16777216",
        ),
        (
            "demo/templates/seq.yaml:6:",
            "error calling until: output of 8000000000 bytes exceeds the renderer's limit of 16777216",
        ),
    ] {
        assert!(
            out.lines().any(|l| l.starts_with(at)
                && l.contains(what)
                && l.ends_with("[templates/render-error]")),
            "{at} {what}:\n{out}"
        );
    }
}

#[test]
fn string_growth_through_printf_and_cat_stops_at_the_limit() {
    // A string doubled 64 times (through printf in one template, through cat in another)
    // from a seed of n bytes: it reaches the 16 MiB limit of one function result, whatever
    // the seed.
    let make = |dir: &Path, n: usize| {
        chart(
            dir,
            &format!("seed: {}\n", "x".repeat(n)),
            &config_map(
                "  a: {{ $s := .Values.seed }}{{ range until 64 }}{{ $s = printf \"%s%s\" $s $s }}{{ end }}{{ len $s }}\n",
            ),
            "",
        );
        write(
            dir,
            "demo/templates/cat.yaml",
            &config_map(
                "  b: {{ $t := .Values.seed }}{{ range until 64 }}{{ $t = cat $t $t }}{{ end }}{{ len $t }}\n",
            ),
        );
    };
    let r = doubling(make, 4_096);
    check("string growth", &r);
    for (at, what) in [
        (
            "demo/templates/cm.yaml:6:",
            "error calling printf: output of",
        ),
        ("demo/templates/cat.yaml:6:", "error calling cat: output of"),
    ] {
        assert!(
            r.2.lines().any(|l| l.starts_with(at)
                && l.contains(what)
                && l.contains("exceeds the renderer's limit of 16777216")),
            "{at} {what}:\n{}",
            r.2
        );
    }
}

#[test]
fn recursion_through_include_and_tpl_costs_linear_work() {
    // An include chain n deep (below Helm's limit of 1000 nested includes of one name), and a
    // chain of n values each rendering the next through tpl.
    let make = |dir: &Path, n: usize| {
        let mut values = format!("depth: {n}\n");
        for i in 0..n {
            values.push_str(&format!("t{i}: '{{{{ tpl .Values.t{} . }}}}'\n", i + 1));
        }
        values.push_str(&format!("t{n}: end\n"));
        chart(
            dir,
            &values,
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: {{ include \"r\" (int .Values.depth) | len }}\n  b: {{ tpl .Values.t0 . }}\n",
            "{{- define \"r\" }}{{ if gt . 0 }}x{{ include \"r\" (sub . 1) }}{{ end }}{{ end }}\n",
        );
    };
    let r = doubling(make, 200);
    check("include and tpl chains", &r);
    assert!(!r.2.contains("render-error"), "{}", r.2);
    assert!(!r.2.contains("render-incomplete"), "{}", r.2);
}

#[test]
fn runaway_recursion_stops_at_the_limit_with_a_located_finding() {
    for (name, values, template, helpers, at, what) in [
        (
            "include",
            "a: 1\n",
            "data:\n  a: {{ include \"r\" . }}\n",
            "{{- define \"r\" }}{{ include \"r\" . }}{{ end }}\n",
            "demo/templates/cm.yaml:6:9:",
            "rendering template has a nested reference name: r: unable to execute template",
        ),
        (
            "template",
            "a: 1\n",
            "data:\n  a: {{ template \"t\" . }}\n",
            "{{- define \"t\" }}{{ template \"t\" . }}{{ end }}\n",
            "demo/templates/_helpers.tpl:1:30:",
            "exceeded maximum template depth (100000)",
        ),
        (
            "tpl",
            "t: '{{ tpl .Values.t . }}'\n",
            "data:\n  a: {{ tpl .Values.t . }}\n",
            "",
            "demo/templates/cm.yaml:6:9:",
            "error calling tpl: tpl nesting exceeds 2000 levels",
        ),
        (
            "include and tpl",
            "t: '{{ include \"r\" . }}'\n",
            "data:\n  a: {{ include \"r\" . }}\n",
            "{{- define \"r\" }}{{ tpl .Values.t . }}{{ end }}\n",
            "demo/templates/cm.yaml:6:9:",
            "error calling tpl: tpl nesting exceeds 2000 levels",
        ),
    ] {
        let dir = tempfile::tempdir().unwrap();
        let template =
            format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\n{template}");
        chart(dir.path(), values, &template, helpers);
        let (cpu, mib, out) = measure(dir.path());
        assert!(cpu < 10.0, "{name}: {cpu:.1} s of CPU\n{out}");
        assert!(mib < MEMORY_MIB, "{name}: {mib:.0} MiB\n{out}");
        assert!(
            out.lines().any(|l| l.starts_with(at)
                && l.contains(what)
                && l.ends_with("[templates/render-error]")),
            "{name}: {out}"
        );
        // One message per level of recursion, as Helm nests them, is shown with its middle
        // left out.
        assert!(
            out.lines().all(|l| l.len() < 4_000),
            "{name}: {} bytes",
            out.len()
        );
    }
}

#[test]
fn deep_nesting_costs_linear_work() {
    // Control structures nested n deep, each level with its own pipeline of parentheses.
    let make = |dir: &Path, n: usize| {
        let open: String = (0..n)
            .map(|i| format!("{{{{ if (gt (int ({i})) -1) }}}}"))
            .collect();
        let close = "{{ end }}".repeat(n);
        chart(
            dir,
            "a: 1\n",
            &format!(
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm\ndata:\n  a: \"{open}x{close}\"\n"
            ),
            "",
        );
    };
    let r = doubling(make, 200);
    check("nesting", &r);
    assert!(!r.2.contains("render-error"), "{}", r.2);
}

#[test]
fn values_built_by_doubling_stop_at_the_limit_with_a_located_finding() {
    // A map or list doubled 40 times shares its halves: small in memory, 2^40 entries once
    // printed, serialised, copied, merged, joined or compared. Each use is a located finding
    // within the limits (or, for Helm's error-swallowing toYaml and toJson, empty text).
    let dict = "{{ $d := dict }}{{ range until 40 }}{{ $d = dict \"a\" $d \"b\" $d }}{{ end }}";
    let list = "{{ $d := list 1 }}{{ range until 40 }}{{ $d = list $d $d }}{{ end }}";
    let seed = "{{ $s := .Values.seed }}{{ range until 40 }}";
    let failing = [
        format!("{dict}{{{{ printf \"%v\" $d | len }}}}"),
        format!("{dict}{{{{ $d }}}}"),
        format!("{dict}{{{{ toString $d | len }}}}"),
        format!("{dict}{{{{ cat $d | len }}}}"),
        format!("{dict}{{{{ quote $d | len }}}}"),
        format!("{dict}{{{{ squote $d | len }}}}"),
        format!("{dict}{{{{ deepCopy $d | len }}}}"),
        format!("{dict}{{{{ merge $d $d | len }}}}"),
        format!("{dict}{{{{ mergeOverwrite (dict) $d $d | len }}}}"),
        format!("{dict}{{{{ deepEqual $d $d }}}}"),
        format!("{dict}{{{{ toToml $d | len }}}}"),
        format!("{dict}{{{{ toRawJson $d | len }}}}"),
        format!("{list}{{{{ join \",\" $d | len }}}}"),
        format!("{list}{{{{ sortAlpha $d | len }}}}"),
        format!("{seed}{{{{ $s = quote $s $s }}}}{{{{ end }}}}{{{{ len $s }}}}"),
        format!("{seed}{{{{ $s = cat $s $s }}}}{{{{ end }}}}{{{{ len $s }}}}"),
        format!("{seed}{{{{ $s = join $s (list $s $s) }}}}{{{{ end }}}}{{{{ len $s }}}}"),
    ];
    let quiet = [
        format!("{dict}{{{{ toYaml $d | len }}}}"),
        format!("{dict}{{{{ toJson $d | len }}}}"),
        format!("{dict}{{{{ toYamlPretty $d | len }}}}"),
        format!("{dict}{{{{ toPrettyJson $d | len }}}}"),
    ];
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(
        dir.path(),
        "demo/values.yaml",
        &format!("seed: {}\n", "x".repeat(64)),
    );
    for (i, t) in failing.iter().chain(&quiet).enumerate() {
        write(
            dir.path(),
            &format!("demo/templates/t{i:02}.yaml"),
            &config_map(&format!("  a: {t}\n")),
        );
    }
    let (cpu, mib, out) = measure(dir.path());
    let short: String = out
        .lines()
        .map(|l| format!("{}\n", &l[..l.len().min(300)]))
        .collect();
    assert!(cpu < 120.0, "{cpu:.1} s of CPU\n{short}");
    assert!(mib < MEMORY_MIB, "{mib:.0} MiB\n{short}");
    for (i, t) in failing.iter().enumerate() {
        let at = format!("demo/templates/t{i:02}.yaml:6:");
        assert!(
            out.lines().any(|l| l.starts_with(&at)
                && l.contains("exceed")
                && l.ends_with("[templates/render-error]")),
            "{t}: no finding at {at}\n{short}"
        );
    }
    for i in failing.len()..failing.len() + quiet.len() {
        let at = format!("demo/templates/t{i:02}.yaml:");
        assert!(
            !out.lines()
                .any(|l| l.starts_with(&at) && l.contains("render-error")),
            "{short}"
        );
    }
}

#[test]
fn the_render_fuzz_memory_blowup_stays_within_memory() {
    // Found by the `render` fuzz target: values, a template and a broken `_helpers.tpl`
    // (NUL-separated) whose lint printed past the printer's limit (more than 4 GB).
    let input = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/fuzz/regressions/render-oom-d465e395"
    ))
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    let names = ["values.yaml", "templates/a.yaml", "templates/_helpers.tpl"];
    for (name, part) in names.iter().zip(input.splitn(3, |b| *b == 0)) {
        let p = dir.path().join("demo").join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, part).unwrap();
    }
    let (cpu, mib, _) = measure(dir.path());
    assert!(cpu < 60.0, "{cpu:.1} s of CPU");
    assert!(mib < 1536.0, "peak memory {mib:.0} MiB");
}
