//! The fixture charts and manifests derived from the seed documents: each reports its real
//! defects, the tpl-string variant of ecr does not report the defects that tpl resolves, and the
//! good chart reports nothing at all. The whole report is also snapshotted.

use std::path::Path;
use std::process::Command;

fn lint(path: &str) -> Vec<String> {
    let out = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["lint", path, "--format", "compact", "--fail-on", "never"])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("the binary runs");
    assert_eq!(out.status.code(), Some(0));
    // The fix hint after the rule name (` help: …`) is left out: these tests are about what is
    // found and where.
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| without_help(l).to_string())
        .collect()
}

/// A compact line up to its `[rule]`.
fn without_help(line: &str) -> &str {
    let re = regex::Regex::new(r"^(.*?\[[a-z0-9-]+/[a-z0-9-]+\])(?: help: .*)?$").unwrap();
    re.captures(line)
        .and_then(|c| c.get(1))
        .map_or(line, |m| m.as_str())
}

fn has(lines: &[String], prefix: &str, rule: &str) -> bool {
    lines
        .iter()
        .any(|l| l.starts_with(prefix) && l.ends_with(&format!("[{rule}]")))
}

#[test]
fn the_good_chart_reports_nothing() {
    assert!(
        Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("charts-under-test/good/charts/cache")
            .is_dir()
    );
    let lines = lint("charts-under-test/good");
    assert!(lines.is_empty(), "{lines:#?}");
}

#[test]
fn ecr_reports_the_defects_of_its_documented_values() {
    let lines = lint("charts-under-test/ecr");
    let v = "charts-under-test/ecr/values.yaml";
    // global.keycloak.enabled: "" (a string where templates test a boolean)
    assert!(
        has(&lines, &format!("{v}:41:14:"), "values/string-bool"),
        "{lines:#?}"
    );
    // existingSecret: "-keycloak-backend"
    assert!(
        has(&lines, &format!("{v}:40:23:"), "secrets/invalid-name"),
        "{lines:#?}"
    );
    // mongodb.url: "mongodb://-:27017"
    assert!(
        has(&lines, &format!("{v}:89:8:"), "values/url-invalid"),
        "{lines:#?}"
    );
    // image.repository: "dev-hub.kaaiot.net/core/service//", seen in the rendered Deployment
    // at the template line (values.yaml:65 is its related location).
    assert!(
        has(
            &lines,
            "charts-under-test/ecr/templates/deployment.yaml:42:18:",
            "manifests/image-invalid"
        ),
        "{lines:#?}"
    );
    // probes.liveness.initialDelaySeconds: 600 without a startup probe, found on the rendered
    // Deployment at the template line that prints it (the values line is a related location).
    assert!(
        has(
            &lines,
            "charts-under-test/ecr/templates/deployment.yaml:78:34:",
            "probes/liveness-delay-without-startup"
        ),
        "{lines:#?}"
    );
    assert!(!has(
        &lines,
        &format!("{v}:156:26:"),
        "probes/liveness-delay-without-startup"
    ));
    // global.license.secretName: "" renders as an empty Secret name.
    assert!(
        has(
            &lines,
            "charts-under-test/ecr/templates/deployment.yaml:71:25:",
            "secrets/empty-reference"
        ),
        "{lines:#?}"
    );
    // All six alerts read $labels.namespace and $labels.pod after sum() removed them.
    let dropped: Vec<_> = lines
        .iter()
        .filter(|l| l.ends_with("[prometheus/label-dropped-by-aggregation]"))
        .collect();
    assert_eq!(dropped.len(), 12, "{dropped:#?}");
    assert_eq!(
        dropped
            .iter()
            .filter(|l| l.contains("label `namespace`"))
            .count(),
        6
    );
}

#[test]
fn ecr_with_tpl_strings_accepts_them() {
    let lines = lint("charts-under-test/ecr-tpl");
    for rule in [
        "secrets/invalid-name",
        "values/url-invalid",
        "values/image-invalid",
        "values/tpl-invalid",
    ] {
        assert!(
            !lines.iter().any(|l| l.ends_with(&format!("[{rule}]"))),
            "{rule}: {lines:#?}"
        );
    }
    // What tpl cannot fix is still reported.
    assert!(lines.iter().any(|l| l.ends_with("[values/string-bool]")));
}

#[test]
fn the_seed_descriptors_report_their_real_defects() {
    let lines = lint("charts-under-test/manifests");
    let m = "charts-under-test/manifests";
    for (file, at) in [
        ("kaa-tsx/deployment.yaml", ":2:13:"),
        ("kaa-cm/deployment.yaml", ":2:13:"),
        ("kaa-kpc/deployment.yaml", ":3:13:"),
    ] {
        assert!(
            has(&lines, &format!("{m}/{file}{at}"), "manifests/api-removed"),
            "{file}: {lines:#?}"
        );
        assert!(
            lines.iter().any(|l| l.starts_with(&format!("{m}/{file}"))
                && l.ends_with("[manifests/selector-missing]")),
            "{file}"
        );
    }
    // KPC mounts kpc-conf-volume but declares kpc-conf-vol.
    assert!(
        has(
            &lines,
            &format!("{m}/kaa-kpc/deployment.yaml:41:17:"),
            "manifests/volume-mount-undefined"
        ),
        "{lines:#?}"
    );
    // CM: hostPath: ~/cm-config with defaultMode beside it.
    assert!(
        has(
            &lines,
            &format!("{m}/kaa-cm/deployment.yaml:58:21:"),
            "manifests/host-path-invalid"
        ),
        "{lines:#?}"
    );
    assert!(
        has(
            &lines,
            &format!("{m}/kaa-cm/deployment.yaml:59:11:"),
            "manifests/volume-field-unknown"
        ),
        "{lines:#?}"
    );
    // KAR: the annotated pod without kar.ibm.com/app, with a named appPort and a "yes" sidecar flag.
    for rule in [
        "kar/app-required",
        "kar/port-not-numeric",
        "kar/sidecar-not-boolean",
        "kar/unknown-annotation",
    ] {
        assert!(
            lines
                .iter()
                .any(|l| l.starts_with(&format!("{m}/kar/bad-annotations.yaml"))
                    && l.ends_with(&format!("[{rule}]"))),
            "{rule}"
        );
    }
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with(&format!("{m}/kar/server.yaml")) && !l.contains(": info: ")),
        "{lines:#?}"
    );
    assert!(
        !lines
            .iter()
            .any(|l| l.starts_with(&format!("{m}/kar/client.yaml"))),
        "{lines:#?}"
    );
}

#[test]
fn the_whole_report_is_stable() {
    insta::assert_snapshot!(lint("charts-under-test").join("\n"));
}

#[test]
fn the_umbrella_chart_is_clean_to_every_static_rule() {
    // Its defects show only in what it renders (tests/rendered_lint.rs): nothing is reported on
    // its Chart.yaml, values files or README, and no chart, values, docs, template or YAML rule
    // finds anything in it.
    let lines = lint("charts-under-test/umbrella");
    let stray: Vec<_> = lines
        .iter()
        .filter(|l| {
            let path = l.split(':').next().unwrap_or_default();
            ["Chart.yaml", "values.yaml", "README.md"]
                .iter()
                .any(|f| path.ends_with(f))
                || ["chart/", "values/", "docs/", "templates/", "yaml/"]
                    .iter()
                    .any(|r| l.contains(&format!("[{r}")))
        })
        .collect();
    assert!(stray.is_empty(), "{stray:#?}");
}
