//! `.Files.GetBytes` and `.AsSecrets` render the bytes of binary chart files, as Helm does.
//! Expected output recorded from helm v3.17.1.

use std::process::Command;

#[test]
fn binary_files_render_their_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let chart = dir.path().join("binchart");
    std::fs::create_dir_all(chart.join("templates")).unwrap();
    std::fs::write(
        chart.join("Chart.yaml"),
        "apiVersion: v2\nname: binchart\nversion: 0.1.0\n",
    )
    .unwrap();
    std::fs::write(
        chart.join("logo.png"),
        b"\x89PNG\r\n\x1a\n\x00\x01\xff\xfe\x80abc",
    )
    .unwrap();
    std::fs::write(
        chart.join("templates/cm.yaml"),
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n{{ (.Files.Glob \"*.png\").AsSecrets | indent 2 }}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\nbinaryData:\n  n: \"{{ len (.Files.GetBytes \"logo.png\") }}\"\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .args(["template", "binchart"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "---\n# Source: binchart/templates/cm.yaml\napiVersion: v1\nkind: Secret\nmetadata:\n  name: x\ndata:\n  logo.png: iVBORw0KGgoAAf/+gGFiYw==\n---\n# Source: binchart/templates/cm.yaml\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: y\nbinaryData:\n  n: \"16\"\n"
    );
}
