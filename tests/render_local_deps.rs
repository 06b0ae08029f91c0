//! `plimsoll template` takes dependencies that `charts/` does not hold from chart folders on
//! disk (a sibling folder of the same name whose version satisfies the constraint), names each
//! one on stderr, and fails with Helm's message when a dependency is found nowhere.

use std::path::Path;
use std::process::Command;

fn write(dir: &Path, rel: &str, text: &str) {
    let p = dir.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

fn template(dir: &Path, chart: &str) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["template", chart])
        .current_dir(dir)
        .output()
        .unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

#[test]
fn a_sibling_library_chart_is_rendered_with_its_dependent() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "common/Chart.yaml",
        "apiVersion: v2\nname: common\nversion: 2.4.0\ntype: library\n",
    );
    write(
        dir.path(),
        "common/templates/_names.tpl",
        "{{- define \"common.name\" -}}{{ .Chart.Name }}-{{ .Values.suffix }}{{- end -}}\n",
    );
    let app = "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://registry.example/charts\n";
    write(dir.path(), "app/Chart.yaml", app);
    write(dir.path(), "app/values.yaml", "suffix: web\n");
    write(
        dir.path(),
        "app/templates/cm.yaml",
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {{ include \"common.name\" . }}\n",
    );
    let (code, stdout, stderr) = template(dir.path(), "app");
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.contains("  name: app-web\n"), "{stdout}");
    assert!(
        stderr.contains(
            "dependency `common` of chart `app` is not in its charts/ folder; rendered from"
        ),
        "{stderr}"
    );

    // A constraint the sibling does not satisfy: Helm's message, as `helm template` gives it.
    write(dir.path(), "app/Chart.yaml", &app.replace("2.x.x", "3.x.x"));
    let (code, _, stderr) = template(dir.path(), "app");
    assert_eq!(code, 1);
    assert!(
        stderr.contains("found in Chart.yaml, but missing in charts/ directory: common"),
        "{stderr}"
    );
}
