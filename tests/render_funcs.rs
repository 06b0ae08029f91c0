//! The function library against `helm template`.
//!
//! Each case in `tests/render_funcs/cases.json` is a template (usually one expression)
//! rendered in a chart `c` whose values are `tests/render_funcs/values.yaml`. The recorded
//! `out` is the text helm v3.17.1 printed for it (between `# BEGIN` and `# END` marker
//! lines, so leading and trailing spaces survive helm's trimming), or `err` the error helm
//! printed (without `Error: `). Cases whose output is random in helm give `shape`, a
//! regular expression both helm's and plimsoll's output must match.
//!
//! When a helm binary is available (`$HOME/.cache/plimsoll-oracles/helm`, or `helm` on the
//! PATH) the recorded answers are checked against it again; `PLIMSOLL_RECORD=1` rewrites
//! the file from helm's answers instead.

mod oracle;
use oracle::helm_binary;
use plimsoll::render::engine::{Engine, Limits, TemplateFile};
use plimsoll::render::value::{Elem, Kind, Map, MapType, Value};
use plimsoll::render::yaml_in::{self, Target};
use plimsoll::source::SourceFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;

#[derive(Clone, Debug, Deserialize, Serialize)]
struct Case {
    name: String,
    tpl: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    out: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    err: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    shape: Option<String>,
    /// Why plimsoll knowingly differs from helm here (the case is then only checked
    /// against helm, not against plimsoll).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    differs: Option<String>,
}

const BEGIN: &str = "# BEGIN\n";
const END: &str = "\n# END";

fn dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/render_funcs")
}

fn cases() -> Vec<Case> {
    let text = std::fs::read_to_string(dir().join("cases.json")).expect("cases.json");
    serde_json::from_str(&text).expect("cases.json parses")
}

fn values_text() -> String {
    std::fs::read_to_string(dir().join("values.yaml")).expect("values.yaml")
}

fn file_text(c: &Case) -> String {
    format!("{BEGIN}{}{END}\n", c.tpl)
}

fn between_markers(s: &str) -> Option<String> {
    let start = s.find(BEGIN)? + BEGIN.len();
    let end = s.rfind(END)?;
    (end >= start).then(|| s[start..end].to_string())
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

fn render(c: &Case, values: &str) -> Result<String, String> {
    let files = vec![TemplateFile {
        name: "c/templates/t.yaml".into(),
        source: SourceFile::new("t.yaml", file_text(c)),
        file_id: 0,
    }];
    let engine = Engine::new(files, Limits::default()).map_err(|e| e.message)?;
    let vals = yaml_in::load(values, Some(1), Target::ChartValues).expect("values");
    let mut release = BTreeMap::new();
    release.insert("Name".to_string(), Value::str("release-name"));
    release.insert("Namespace".to_string(), Value::str("default"));
    release.insert("Service".to_string(), Value::str("Helm"));
    let mut top = BTreeMap::new();
    top.insert("Values".to_string(), chart_values(vals));
    top.insert("Release".to_string(), Value::map(release));
    let out = engine
        .render_file("c/templates/t.yaml", chart_values(Value::map(top)))
        .map_err(|e| e.message)?;
    Ok(between_markers(&out.text).unwrap_or(out.text))
}

fn check(c: &Case, got: &Result<String, String>) -> Result<(), String> {
    if let Some(shape) = &c.shape {
        let re = regex::Regex::new(shape).expect("shape regex");
        return match got {
            Ok(g) if re.is_match(g) => Ok(()),
            _ => Err(format!("{}: {got:?} does not match /{shape}/", c.name)),
        };
    }
    match (got, &c.out, &c.err) {
        (Ok(g), Some(w), _) if g == w => Ok(()),
        (Err(g), _, Some(w)) if g == w => Ok(()),
        _ => Err(format!(
            "{}: `{}`\n  want {:?}\n  got  {got:?}",
            c.name,
            c.tpl,
            c.out
                .as_ref()
                .map(Ok::<_, &String>)
                .or(c.err.as_ref().map(Err))
        )),
    }
}

#[test]
fn functions_match_recorded_helm_output() {
    let values = values_text();
    let mut failures = Vec::new();
    let all = cases();
    assert!(all.len() >= 100, "only {} cases", all.len());
    for c in &all {
        if c.differs.is_some() {
            continue;
        }
        if c.out.is_none() && c.err.is_none() && c.shape.is_none() {
            failures.push(format!("{}: not recorded", c.name));
            continue;
        }
        let got = render(c, &values);
        if let Err(e) = check(c, &got) {
            failures.push(e);
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases differ:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn case_names_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for c in cases() {
        assert!(seen.insert(c.name.clone()), "duplicate case {}", c.name);
    }
}

fn write_chart(root: &Path, values: &str, files: &[(String, String)]) {
    std::fs::create_dir_all(root.join("templates")).expect("chart dir");
    std::fs::write(
        root.join("Chart.yaml"),
        "apiVersion: v2\nname: c\nversion: 0.1.0\n",
    )
    .expect("Chart.yaml");
    std::fs::write(root.join("values.yaml"), values).expect("values.yaml");
    for (name, text) in files {
        std::fs::write(root.join("templates").join(name), text).expect("template");
    }
}

fn run_helm(helm: &Path, chart: &Path) -> (bool, String, String) {
    let out = Command::new(helm)
        .args(["template", "x"])
        .arg(chart)
        .arg("--debug")
        .env("TZ", "UTC")
        .output()
        .expect("run helm");
    (
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// Helm's answer for one case: its output between the markers, or its error.
fn ask_helm(helm: &Path, c: &Case, values: &str) -> Result<String, String> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let chart = tmp.path().join("c");
    write_chart(&chart, values, &[("t.yaml".into(), file_text(c))]);
    let (ok, stdout, stderr) = run_helm(helm, &chart);
    if ok {
        return between_markers(&stdout).ok_or_else(|| format!("no markers in {stdout:?}"));
    }
    let line = stderr
        .lines()
        .find_map(|l| l.strip_prefix("Error: "))
        .unwrap_or(&stderr)
        .to_string();
    // An invalid YAML document still renders; its text is what the template produced.
    if line.starts_with("YAML parse error") {
        return between_markers(&stdout).ok_or(line);
    }
    Err(line)
}

/// Helm's answers for many cases at once: one chart, one template per case; `None` for a
/// case when the chart as a whole failed.
fn ask_helm_batch(
    helm: &Path,
    cases: &[&Case],
    values: &str,
) -> Vec<Option<Result<String, String>>> {
    let tmp = tempfile::tempdir().expect("tempdir");
    let chart = tmp.path().join("c");
    let files: Vec<(String, String)> = cases
        .iter()
        .enumerate()
        .map(|(i, c)| (format!("t{i:04}.yaml"), file_text(c)))
        .collect();
    write_chart(&chart, values, &files);
    let (ok, stdout, _) = run_helm(helm, &chart);
    if !ok {
        return vec![None; cases.len()];
    }
    (0..cases.len())
        .map(|i| {
            let marker = format!("# Source: c/templates/t{i:04}.yaml\n");
            let start = stdout.find(&marker)?;
            let rest = &stdout[start..];
            let end = rest[1..]
                .find("\n---\n")
                .map(|e| e + 1)
                .unwrap_or(rest.len());
            between_markers(&rest[..end]).map(Ok)
        })
        .collect()
}

fn helm_answers(helm: &Path, all: &[Case], values: &str) -> Vec<Result<String, String>> {
    let ok_cases: Vec<&Case> = all.iter().filter(|c| c.err.is_none()).collect();
    let batch = ask_helm_batch(helm, &ok_cases, values);
    let mut by_name: BTreeMap<&str, Result<String, String>> = BTreeMap::new();
    for (c, a) in ok_cases.iter().zip(batch) {
        if let Some(a) = a {
            by_name.insert(&c.name, a);
        }
    }
    // The rest one by one, a few at a time.
    let rest: Vec<&Case> = all
        .iter()
        .filter(|c| !by_name.contains_key(c.name.as_str()))
        .collect();
    let answers: Vec<(String, Result<String, String>)> = std::thread::scope(|s| {
        let chunks: Vec<Vec<&Case>> = rest
            .chunks(rest.len().div_ceil(6).max(1))
            .map(|c| c.to_vec())
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                s.spawn(move || {
                    chunk
                        .into_iter()
                        .map(|c| (c.name.clone(), ask_helm(helm, c, values)))
                        .collect::<Vec<_>>()
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("helm thread"))
            .collect()
    });
    let mut by_name: BTreeMap<String, Result<String, String>> = by_name
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();
    by_name.extend(answers);
    all.iter()
        .map(|c| by_name.remove(&c.name).expect("answered"))
        .collect()
}

#[test]
fn recorded_outputs_still_match_helm() {
    let Some(helm) = helm_binary() else {
        eprintln!("no helm binary: recorded outputs not re-checked");
        return;
    };
    let values = values_text();
    let mut all = cases();
    let answers = helm_answers(&helm, &all, &values);
    if std::env::var_os("PLIMSOLL_RECORD").is_some() {
        for (c, a) in all.iter_mut().zip(answers) {
            if c.shape.is_some() {
                continue;
            }
            match a {
                Ok(o) => {
                    c.out = Some(o);
                    c.err = None;
                }
                Err(e) => {
                    c.err = Some(e);
                    c.out = None;
                }
            }
        }
        let text = serde_json::to_string_pretty(&all).expect("json") + "\n";
        std::fs::write(dir().join("cases.json"), text).expect("write cases.json");
        return;
    }
    let mut failures = Vec::new();
    for (c, a) in all.iter().zip(answers) {
        if let Err(e) = check(c, &a) {
            failures.push(format!("helm now says: {e}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// `toYaml` and `toJson` of whole values files against helm: run with
/// `PLIMSOLL_VALUES_FILES=<file listing values.yaml paths> cargo test --test render_funcs
/// -- --ignored values_files`. Prints each file that differs and the share that matches.
#[test]
#[ignore]
fn values_files_round_trip_like_helm() {
    let Some(helm) = helm_binary() else {
        return;
    };
    let Some(list) = std::env::var_os("PLIMSOLL_VALUES_FILES") else {
        return;
    };
    let paths: Vec<PathBuf> = std::fs::read_to_string(list)
        .expect("list")
        .lines()
        .map(PathBuf::from)
        .collect();
    let tpl = "{{ toYaml .Values }}\n# JSON\n{{ toJson .Values }}\n# PRINT\n{{ .Values }}";
    let case = Case {
        name: "values".into(),
        tpl: tpl.into(),
        out: None,
        err: None,
        shape: None,
        differs: None,
    };
    let results: Vec<(PathBuf, bool, String)> = std::thread::scope(|s| {
        let chunks: Vec<Vec<PathBuf>> = paths
            .chunks(paths.len().div_ceil(6).max(1))
            .map(|c| c.to_vec())
            .collect();
        let handles: Vec<_> = chunks
            .into_iter()
            .map(|chunk| {
                let helm = &helm;
                let case = &case;
                s.spawn(move || {
                    let mut out = Vec::new();
                    for p in chunk {
                        let Ok(values) = std::fs::read_to_string(&p) else {
                            continue;
                        };
                        let want = ask_helm(helm, case, &values);
                        let Ok(want) = want else { continue };
                        let got = std::panic::catch_unwind(|| render(case, &values));
                        let got = match got {
                            Ok(Ok(g)) => g,
                            Ok(Err(e)) => format!("error: {e}"),
                            Err(_) => "panic".into(),
                        };
                        let same = got == want;
                        let detail = if same {
                            String::new()
                        } else {
                            let (w, g): (Vec<&str>, Vec<&str>) =
                                (want.lines().collect(), got.lines().collect());
                            let i = w
                                .iter()
                                .zip(&g)
                                .position(|(a, b)| a != b)
                                .unwrap_or(w.len().min(g.len()));
                            format!(
                                "line {}: want {:?} got {:?}",
                                i + 1,
                                w.get(i).unwrap_or(&""),
                                g.get(i).unwrap_or(&"")
                            )
                        };
                        out.push((p, same, detail));
                    }
                    out
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().expect("thread"))
            .collect()
    });
    let same = results.iter().filter(|r| r.1).count();
    for (p, ok, d) in &results {
        if !ok {
            eprintln!("DIFF {}: {d}", p.display());
        }
    }
    eprintln!("{same} of {} values files identical", results.len());
}
