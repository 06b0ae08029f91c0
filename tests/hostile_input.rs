//! Hostile input through the binary: nothing a chart holds drives the reader's terminal, no
//! file read blocks, a discovered configuration cannot reach outside its repository, and the
//! work grows linearly with the input.

mod work_count;

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};
use work_count::{LINEAR, instructions};

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// Runs the binary, killing it after `limit`; `None` when it had to be killed.
fn run_with_timeout(args: &[&str], cwd: &Path, limit: Duration) -> Option<Output> {
    let mut child = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(args)
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        if start.elapsed() > limit {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn run(args: &[&str], cwd: &Path) -> Output {
    run_with_timeout(args, cwd, Duration::from_secs(60)).expect("the run ends")
}

const CHART: &str = "apiVersion: v2\nname: demo\ndescription: demo\nversion: 1.0.0\nappVersion: \"1.0\"\nicon: https://example.com/i.svg\n";

#[test]
fn control_characters_from_a_chart_never_reach_the_output_raw() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    // A key and a value with escape sequences, and a bidirectional override, in a finding's
    // message, label and snippet.
    write(
        dir.path(),
        "demo/values.yaml",
        r#""k\e[2J\u202e": 1
"k\e[2J\u202e": 2
enabled: "\e]0;owned\atrue"
"#,
    );
    let evil = "demo/templates/x\u{1b}[31m.yaml";
    write(
        dir.path(),
        evil,
        "kind: ConfigMap\napiVersion: v1\nmetadata:\n  name: {{ .Values.nope.x }}\n",
    );
    for format in ["human", "compact", "github", "junit", "json", "sarif"] {
        let out = run(
            &["lint", "demo", "--format", format, "--color", "never"],
            dir.path(),
        );
        let stdout = String::from_utf8(out.stdout).unwrap();
        assert!(stdout.contains("Duplicate key"), "{format}: {stdout}");
        // JSON and SARIF carry text as data (controls as `\u001b`); bidirectional overrides
        // are valid characters there, for the consumer to show safely.
        let data = matches!(format, "json" | "sarif");
        for c in ['\u{1b}', '\u{7}', '\u{202e}', '\u{9b}'] {
            if data && c == '\u{202e}' {
                continue;
            }
            assert!(!stdout.contains(c), "{format} printed {c:?} raw:\n{stdout}");
        }
    }
    let out = run(&["lint", "demo", "--format", "compact"], dir.path());
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("\\u{1b}[2J"),
        "the escape is shown, visibly: {stdout}"
    );
}

#[cfg(unix)]
fn mkfifo(path: &Path) {
    let status = Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo runs");
    assert!(status.success());
}

#[cfg(unix)]
#[test]
fn fifos_never_block_a_run() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(dir.path(), "demo/values.yaml", "a: 1\n");
    mkfifo(&dir.path().join("fifo.yaml"));
    let limit = Duration::from_secs(20);
    for args in [
        vec!["lint", "demo", "--values", "fifo.yaml"],
        vec!["lint", "demo", "--config", "fifo.yaml"],
        vec!["lint", "demo", "--rules", "fifo.yaml"],
    ] {
        let out = run_with_timeout(&args, dir.path(), limit)
            .unwrap_or_else(|| panic!("{args:?} blocked on a FIFO"));
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("not a regular file"), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    }
    // A discovered configuration naming a FIFO as its rule pack.
    write(
        dir.path(),
        "demo/.plimsoll.yaml",
        "rulePacks: [../fifo.yaml]\n",
    );
    let out = run_with_timeout(&["lint", "demo"], dir.path(), limit).expect("no block");
    assert_eq!(out.status.code(), Some(2));
    // A chart file that is a FIFO is a located finding; the rest is linted.
    std::fs::remove_file(dir.path().join("demo/.plimsoll.yaml")).unwrap();
    std::fs::create_dir_all(dir.path().join("demo/templates")).unwrap();
    mkfifo(&dir.path().join("demo/templates/pipe.yaml"));
    let out = run_with_timeout(&["lint", "demo", "--format", "compact"], dir.path(), limit)
        .expect("no block");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("pipe.yaml"), "{stdout}");
}

#[test]
fn a_discovered_config_cannot_name_packs_outside_its_repository() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    write(&repo, "demo/Chart.yaml", CHART);
    write(&repo, "demo/values.yaml", "a: 1\n");
    write(dir.path(), "outside/pack.yaml", "rules: []\n");
    write(
        &repo,
        ".plimsoll.yaml",
        "rulePacks: [../outside/pack.yaml]\n",
    );
    let out = run(&["lint", "demo"], &repo);
    assert_eq!(out.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("outside the repository"), "{stderr}");
    write(&repo, ".plimsoll.yaml", "rulePacks: [/dev/zero]\n");
    let out = run(&["lint", "demo"], &repo);
    assert_eq!(out.status.code(), Some(2));
    // Named explicitly, the same configuration may point anywhere (here: a valid pack).
    write(&repo, "ci.yaml", "rulePacks: [../outside/pack.yaml]\n");
    let out = run(&["lint", "demo", "--config", "ci.yaml"], &repo);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("outside the repository"), "{stderr}");
}

/// The ratio of the instructions executed at size 2n to those at size n (one doubling):
/// linear work gives a little under 2 (the run's fixed cost does not double), quadratic work
/// near 4. `make(dir, n)` writes the input and returns the arguments to lint it.
fn doubling_ratio(make: impl Fn(&Path, usize) -> Vec<String>, n: usize) -> f64 {
    doubling_ratio_with(make, n, &[])
}

/// [`doubling_ratio`] with `env` added to the binary's environment.
fn doubling_ratio_with(
    make: impl Fn(&Path, usize) -> Vec<String>,
    n: usize,
    env: &[(&str, &str)],
) -> f64 {
    let count = |k: usize| {
        let dir = tempfile::tempdir().unwrap();
        let args = make(dir.path(), k);
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        instructions(&args, dir.path(), env)
    };
    let (small, large) = (count(n), count(2 * n));
    let ratio = large as f64 / small as f64;
    eprintln!(
        "{n}: {small} instructions, {}: {large}, ratio {ratio:.3}",
        2 * n
    );
    ratio
}

/// A chart whose values.yaml is `values`; the arguments that lint it.
fn chart_with_values(dir: &Path, values: &str) -> Vec<String> {
    write(dir, "demo/Chart.yaml", CHART);
    write(dir, "demo/values.yaml", values);
    ["lint", "demo", "--format", "compact", "--fail-on", "never"]
        .map(String::from)
        .to_vec()
}

#[test]
fn many_aliases_cost_linear_work() {
    let make = |dir: &Path, n: usize| {
        let mut s = String::from("base: &a x\n");
        for i in 0..n {
            s.push_str(&format!("k{i}: *a\n"));
        }
        for i in 0..n {
            s.push_str(&format!("p{i}: v\n"));
        }
        chart_with_values(dir, &s)
    };
    let ratio = doubling_ratio(make, 2_000);
    assert!(
        ratio < LINEAR,
        "instructions per doubling of aliases grew {ratio:.2}x"
    );
}

#[test]
fn a_folder_of_many_manifests_costs_linear_work() {
    // Half Deployments, half Services selecting them: the cross-object rules pair them up.
    let make = |dir: &Path, n: usize| {
        for i in 0..n {
            let text = if i % 2 == 0 {
                format!(
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app{i}\nspec:\n  selector:\n    matchLabels:\n      app: app{i}\n  template:\n    metadata:\n      labels:\n        app: app{i}\n    spec:\n      containers:\n        - name: c\n          image: nginx:1.25\n          ports:\n            - name: http\n              containerPort: 80\n"
                )
            } else {
                format!(
                    "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc{i}\nspec:\n  selector:\n    app: app{}\n  ports:\n    - port: 80\n      targetPort: http\n",
                    i - 1
                )
            };
            write(dir, &format!("m/f{i}.yaml"), &text);
        }
        ["lint", "m", "--format", "compact", "--fail-on", "never"]
            .map(String::from)
            .to_vec()
    };
    let ratio = doubling_ratio(make, 500);
    assert!(
        ratio < LINEAR,
        "instructions per doubling of manifests grew {ratio:.2}x"
    );
}

/// A `.tgz` holding a header record of `kind` (`L` GNU long name, `x` PAX) of `size` bytes
/// (NULs, or `data` when given), then `demo/Chart.yaml`.
fn archive_with_record(kind: u8, size: usize, data: Option<&[u8]>) -> Vec<u8> {
    use std::io::Write;
    let mut builder = tar::Builder::new(Vec::new());
    let mut h = tar::Header::new_gnu();
    h.as_gnu_mut().unwrap().name[..13].copy_from_slice(b"././@LongLink");
    h.set_entry_type(tar::EntryType::new(kind));
    let body = data.map(<[u8]>::to_vec).unwrap_or_else(|| vec![0; size]);
    h.set_size(body.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    builder.append(&h, body.as_slice()).unwrap();
    let mut h = tar::Header::new_gnu();
    h.set_path("demo/Chart.yaml").unwrap();
    h.set_size(CHART.len() as u64);
    h.set_mode(0o644);
    h.set_cksum();
    builder.append(&h, CHART.as_bytes()).unwrap();
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

#[test]
fn archive_header_records_are_bounded() {
    let dir = tempfile::tempdir().unwrap();
    for (kind, name) in [(b'L', "long.tgz"), (b'x', "pax.tgz")] {
        let bytes = archive_with_record(kind, 64 << 20, None);
        assert!(bytes.len() < 1 << 20, "the archive itself is small");
        std::fs::write(dir.path().join(name), bytes).unwrap();
        let out = run(&["lint", name, "--format", "compact"], dir.path());
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            stdout.len() < 10_000,
            "{name}: {} bytes of output",
            stdout.len()
        );
        assert!(
            stdout.contains("header record of 67108864 bytes"),
            "{name}: {stdout}"
        );
    }
    // A long name of 300 characters within the limits names its entry, as tar does.
    let long = format!("demo/templates/{}.yaml", "n".repeat(300));
    let mut builder = tar::Builder::new(Vec::new());
    for (path, data) in [
        ("demo/Chart.yaml", CHART),
        (long.as_str(), "x: {{ .Values.a\n"),
    ] {
        let mut h = tar::Header::new_gnu();
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        builder.append_data(&mut h, path, data.as_bytes()).unwrap();
    }
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, &builder.into_inner().unwrap()).unwrap();
    std::fs::write(dir.path().join("ok.tgz"), gz.finish().unwrap()).unwrap();
    let out = run(&["lint", "ok.tgz", "--format", "compact"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains(&format!("ok.tgz/{long}:2:1: error"))
            && stdout.contains("[templates/syntax]"),
        "{stdout}"
    );
    // A name longer than the limit is skipped, and shown cut short.
    let huge = format!("demo/{}", "n".repeat(10_000));
    std::fs::write(
        dir.path().join("huge.tgz"),
        archive_with_record(b'L', 0, Some(huge.as_bytes())),
    )
    .unwrap();
    let out = run(&["lint", "huge.tgz", "--format", "compact"], dir.path());
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("longer than 4096"), "{stdout}");
    assert!(stdout.len() < 2_000, "{stdout}");
}

#[test]
fn an_exponential_schema_is_reported_not_evaluated() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "demo/Chart.yaml", CHART);
    write(dir.path(), "demo/values.yaml", "a: {b: 1}\n");
    // 22 definitions, each `anyOf` two references to the next, ending in a type the value
    // fails: a validator that follows them all evaluates 4 million subschemas.
    let mut defs: Vec<String> = (0..22)
        .map(|i| {
            format!(
                "\"d{i}\": {{\"anyOf\": [{{\"$ref\": \"#/definitions/d{n}\"}}, {{\"$ref\": \"#/definitions/d{n}\"}}]}}",
                n = i + 1
            )
        })
        .collect();
    defs.push("\"d22\": {\"type\": \"string\"}".into());
    let schema = format!(
        "{{\"properties\": {{\"a\": {{\"$ref\": \"#/definitions/d0\"}}}}, \"definitions\": {{{}}}}}",
        defs.join(", ")
    );
    write(dir.path(), "demo/values.schema.json", &schema);
    let args = ["lint", "demo", "--format", "compact", "--fail-on", "never"];
    let out = run_with_timeout(&args, dir.path(), Duration::from_secs(30)).expect("the run ends");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("[values/schema-too-complex]"), "{stdout}");
    // Bounded work: no more than linting the chart with a schema of one property costs
    // (following the 4 million subschemas costs hundreds of times that).
    let exponential = instructions(&args, dir.path(), &[]);
    write(
        dir.path(),
        "demo/values.schema.json",
        "{\"properties\": {\"a\": {\"type\": \"object\"}}}",
    );
    let plain = instructions(&args, dir.path(), &[]);
    assert!(
        exponential < 2 * plain,
        "{exponential} instructions with the exponential schema, {plain} with a plain one"
    );
}

/// Near-miss names are compared pairwise until the unit's suggestion budget is spent, and only
/// past it does the work grow linearly; the 30 million steps of the real budget cost a debug
/// build billions of instructions, so these runs get a budget that sizes of a thousand spend.
const SMALL_SUGGESTION_BUDGET: &[(&str, &str)] = &[("PLIMSOLL_SUGGEST_BUDGET", "100000")];

#[test]
fn did_you_mean_costs_linear_work() {
    // N template reads of keys that are all near misses of N values keys.
    let make = |dir: &Path, n: usize| {
        let values: String = (0..n)
            .map(|i| format!("settingnumber{i:05}: 1\n"))
            .collect();
        let reads: String = (0..n)
            .map(|i| format!("k{i}: {{{{ .Values.settingnumbr{i:05} }}}}\n"))
            .collect();
        write(dir, "demo/templates/cm.yaml", &reads);
        chart_with_values(dir, &values)
    };
    let ratio = doubling_ratio_with(make, 1_000, SMALL_SUGGESTION_BUDGET);
    assert!(
        ratio < LINEAR,
        "instructions per doubling of near-miss names grew {ratio:.2}x"
    );
}

#[test]
fn many_template_actions_on_one_line_of_a_rule_cost_linear_work() {
    // A PrometheusRule template whose expression holds N actions on one line.
    let make = |dir: &Path, n: usize| {
        let actions: String = (0..n).map(|i| format!("{{{{ .Values.a{i} }}}}+")).collect();
        let rule = format!(
            "apiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: A\n          expr: up{{job=\"x\"}} > {actions}1\n"
        );
        write(dir, "demo/templates/rule.yaml", &rule);
        chart_with_values(dir, "a0: 1\n")
    };
    let ratio = doubling_ratio(make, 1_500);
    assert!(
        ratio < LINEAR,
        "instructions per doubling of actions grew {ratio:.2}x"
    );
}

#[test]
fn many_control_actions_in_an_unrendered_rule_cost_linear_work() {
    // A rule no render reaches (its branch is off), whose expression holds N `if … end`
    // blocks: checked with placeholders, each choice of branches parsed once.
    let make = |dir: &Path, n: usize| {
        let blocks: String = (0..n)
            .map(|i| format!("{{{{ if .Values.a{i} }}}} + {{{{ .Values.b }}}}{{{{ end }}}}"))
            .collect();
        let rule = format!(
            "{{{{- if .Values.off }}}}\napiVersion: monitoring.coreos.com/v1\nkind: PrometheusRule\nmetadata:\n  name: r\nspec:\n  groups:\n    - name: g\n      rules:\n        - alert: A\n          expr: up{{job=\"x\"}}{blocks} > 1\n{{{{- end }}}}\n"
        );
        write(dir, "demo/templates/rule.yaml", &rule);
        chart_with_values(dir, "off: false\n")
    };
    let ratio = doubling_ratio(make, 1_000);
    assert!(
        ratio < LINEAR,
        "instructions per doubling of control actions grew {ratio:.2}x"
    );
}

#[test]
fn stale_readme_rows_cost_linear_work() {
    // N README rows for keys that are all near misses of N values keys.
    let make = |dir: &Path, n: usize| {
        let values: String = (0..n)
            .map(|i| format!("settingnumber{i:05}: 1\n"))
            .collect();
        let rows: String = (0..n)
            .map(|i| format!("| settingnumbr{i:05} | int | `1` | A setting. |\n"))
            .collect();
        write(
            dir,
            "demo/README.md",
            &format!(
                "# demo\n\n## Values\n\n| Key | Type | Default | Description |\n|-----|------|---------|-------------|\n{rows}"
            ),
        );
        chart_with_values(dir, &values)
    };
    let ratio = doubling_ratio_with(make, 1_000, SMALL_SUGGESTION_BUDGET);
    assert!(
        ratio < LINEAR,
        "instructions per doubling of stale README rows grew {ratio:.2}x"
    );
}
