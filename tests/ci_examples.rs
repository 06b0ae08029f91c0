//! The CI examples under `docs/ci/` parse as YAML and have what each CI system requires, and
//! they use only plimsoll flags and formats that exist.

use serde_json::Value;
use std::path::Path;

fn load(rel: &str) -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join(rel);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{rel}: {e}"));
    let yaml = plimsoll::yaml::parse(&text);
    assert!(yaml.issues.is_empty(), "{rel}: {:?}", yaml.issues);
    yaml.root().expect("a document").to_json()
}

/// Every `plimsoll lint …` command in a script parses with plimsoll's own command line.
fn check_commands(rel: &str, script: &str) -> usize {
    let mut n = 0;
    for line in script.lines() {
        let Some(at) = line.find("plimsoll lint ") else {
            continue;
        };
        let words: Vec<String> = line[at..]
            .split_whitespace()
            .map(|w| w.trim_matches('"').replace("$CHARTS", "charts/"))
            .filter(|w| !w.contains("${{"))
            .collect();
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        use clap::Parser;
        plimsoll::cli::Cli::try_parse_from(&words)
            .unwrap_or_else(|e| panic!("{rel}: `{}`: {e}", words.join(" ")));
        n += 1;
    }
    n
}

#[test]
fn github_actions_example_uploads_sarif() {
    let rel = "docs/ci/github-actions.yml";
    let wf = load(rel);
    // GitHub reads the key `on` as a string; plimsoll's parser reads YAML 1.1 as Helm does,
    // where an unquoted `on` key is the boolean true.
    let triggers = if wf["on"].is_null() {
        &wf["true"]
    } else {
        &wf["on"]
    };
    assert!(
        triggers["pull_request"].is_null() && triggers.get("pull_request").is_some(),
        "{wf:#}"
    );
    assert!(triggers["push"].is_object(), "{wf:#}");
    assert_eq!(wf["permissions"]["security-events"], "write");
    let jobs = wf["jobs"].as_object().expect("jobs");
    assert!(!jobs.is_empty());
    let mut uploads = 0;
    let mut commands = 0;
    for (name, job) in jobs {
        assert!(job["runs-on"].is_string(), "{name}: runs-on");
        let steps = job["steps"].as_array().expect("steps");
        for step in steps {
            let uses = step["uses"].as_str();
            let run = step["run"].as_str();
            assert!(
                uses.is_some() != run.is_some(),
                "{name}: a step has uses or run: {step}"
            );
            if let Some(u) = uses {
                let (action, version) = u.split_once('@').expect("actions are pinned");
                assert!(action.contains('/') && !version.is_empty(), "{u}");
                if action == "github/codeql-action/upload-sarif" {
                    uploads += 1;
                    assert_eq!(step["with"]["sarif_file"], "plimsoll.sarif");
                    assert_eq!(step["if"], "always()");
                }
            }
            if let Some(r) = run {
                commands += check_commands(rel, r);
                if r.contains("--format sarif") {
                    assert!(r.contains("--output plimsoll.sarif"), "{r}");
                }
            }
        }
    }
    assert_eq!(uploads, 1);
    assert!(commands >= 3);
}

#[test]
fn gitlab_ci_example_publishes_code_quality() {
    let rel = "docs/ci/gitlab-ci.yml";
    let ci = load(rel);
    let stages: Vec<&str> = ci["stages"]
        .as_array()
        .expect("stages")
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    let job = &ci["plimsoll"];
    assert!(stages.contains(&job["stage"].as_str().expect("stage")));
    let script = job["script"].as_array().expect("script");
    let mut commands = 0;
    for line in script
        .iter()
        .chain(job["before_script"].as_array().unwrap())
    {
        commands += check_commands(rel, line.as_str().expect("script lines are strings"));
    }
    assert!(commands >= 2);
    let report = job["artifacts"]["reports"]["codequality"]
        .as_str()
        .expect("artifacts:reports:codequality");
    assert!(
        script.iter().any(|l| {
            let l = l.as_str().unwrap();
            l.contains("--format gitlab") && l.contains(&format!("--output {report}"))
        }),
        "the Code Quality report is the file plimsoll writes"
    );
    let junit = job["artifacts"]["reports"]["junit"]
        .as_str()
        .expect("junit");
    assert!(script.iter().any(|l| {
        l.as_str()
            .unwrap()
            .contains(&format!("--format junit --output {junit}"))
    }));
    assert_eq!(job["artifacts"]["when"], "always");
}

#[test]
fn cargo_toml_states_the_rust_version() {
    let text =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("Cargo.toml")).unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("rust-version"))
        .expect("rust-version in Cargo.toml");
    let version = line.split('"').nth(1).unwrap();
    let readme =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    assert!(
        readme.contains(&format!("Rust {version} or newer")),
        "README states {version}"
    );
    assert!(readme.contains("cargo install --locked --path ."));
}

/// `check-jsonschema` (from `PLIMSOLL_CHECK_JSONSCHEMA` or PATH), when installed.
fn check_jsonschema() -> Option<std::path::PathBuf> {
    if let Some(p) = std::env::var_os("PLIMSOLL_CHECK_JSONSCHEMA") {
        return Some(p.into());
    }
    let found = std::process::Command::new("check-jsonschema")
        .arg("--version")
        .output()
        .ok()?;
    found.status.success().then(|| "check-jsonschema".into())
}

/// Both examples validate against the schemas GitHub and GitLab publish for their files (as
/// vendored by `check-jsonschema`); like the pre-commit oracle, skipped with a note when the
/// tool is not installed.
#[test]
fn examples_validate_against_the_ci_systems_schemas() {
    let Some(tool) = check_jsonschema() else {
        eprintln!(
            "check-jsonschema is not installed (set PLIMSOLL_CHECK_JSONSCHEMA): only the keys were checked"
        );
        return;
    };
    for (schema, rel) in [
        ("vendor.github-workflows", "docs/ci/github-actions.yml"),
        ("vendor.gitlab-ci", "docs/ci/gitlab-ci.yml"),
    ] {
        let out = std::process::Command::new(&tool)
            .args(["--builtin-schema", schema])
            .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join(rel))
            .output()
            .expect("check-jsonschema runs");
        assert!(
            out.status.success(),
            "{rel}: {}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
    }
}
