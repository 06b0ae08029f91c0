//! Helpers shared by the `discover_*` integration tests: building trees and archives, running
//! the library and the binary.
#![allow(dead_code)]

use plimsoll::chart::{Chart, Unit};
use plimsoll::diagnostic::Diagnostic;
use plimsoll::discover::{self, UnitSource};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

pub const CHART_YAML: &str =
    "apiVersion: v2\nname: NAME\nversion: 1.0.0\nicon: https://example.com/icon.svg\n";

pub fn write(root: &Path, rel: &str, content: impl AsRef<[u8]>) -> PathBuf {
    let p = root.join(rel);
    if let Some(parent) = p.parent() {
        std::fs::create_dir_all(parent).unwrap();
    }
    std::fs::write(&p, content).unwrap();
    p
}

/// A minimal chart folder `rel` named after its last segment.
pub fn chart(root: &Path, rel: &str) -> PathBuf {
    let name = rel.rsplit('/').next().unwrap();
    write(
        root,
        &format!("{rel}/Chart.yaml"),
        CHART_YAML.replace("NAME", name),
    );
    write(root, &format!("{rel}/values.yaml"), "replicas: 1\n");
    write(
        root,
        &format!("{rel}/templates/deployment.yaml"),
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n",
    );
    root.join(rel)
}

/// One archive entry.
pub enum Entry<'a> {
    File(&'a str, &'a [u8]),
    Dir(&'a str),
    Symlink(&'a str, &'a str),
    HardLink(&'a str, &'a str),
}

/// Builds a `.tgz` in memory; names are written raw, so unsafe names are possible.
pub fn tgz(entries: &[Entry]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    for e in entries {
        let mut h = tar::Header::new_old();
        let (name, data, ty, link): (&str, &[u8], tar::EntryType, Option<&str>) = match e {
            Entry::File(n, d) => (n, d, tar::EntryType::Regular, None),
            Entry::Dir(n) => (n, b"", tar::EntryType::Directory, None),
            Entry::Symlink(n, t) => (n, b"", tar::EntryType::Symlink, Some(t)),
            Entry::HardLink(n, t) => (n, b"", tar::EntryType::Link, Some(t)),
        };
        let raw = &mut h.as_old_mut().name;
        raw[..name.len()].copy_from_slice(name.as_bytes());
        if let Some(t) = link {
            h.as_old_mut().linkname[..t.len()].copy_from_slice(t.as_bytes());
        }
        h.set_entry_type(ty);
        h.set_size(data.len() as u64);
        h.set_mode(0o644);
        h.set_cksum();
        builder.append(&h, data).unwrap();
    }
    let tar = builder.into_inner().unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    gz.write_all(&tar).unwrap();
    gz.finish().unwrap()
}

/// A well-formed packaged chart `name-1.0.0.tgz` content.
pub fn chart_tgz(name: &str) -> Vec<u8> {
    let chart_yaml = CHART_YAML.replace("NAME", name);
    let c = format!("{name}/Chart.yaml");
    let v = format!("{name}/values.yaml");
    let t = format!("{name}/templates/svc.yaml");
    tgz(&[
        Entry::Dir(&format!("{name}/")),
        Entry::File(&c, chart_yaml.as_bytes()),
        Entry::File(&v, b"port: 80\n"),
        Entry::File(&t, b"kind: Service\n"),
    ])
}

pub fn no_exclude(_: &Path) -> bool {
    false
}

pub fn discover(path: &Path) -> (Vec<UnitSource>, Vec<Diagnostic>) {
    discover::discover(path, &no_exclude).expect("discover")
}

pub fn load_chart(src: &UnitSource) -> (Chart, Vec<Diagnostic>) {
    match discover::load(src) {
        (Unit::Chart(c), d) => (*c, d),
        (Unit::Manifests(_), d) => panic!("expected a chart, got manifests; {d:?}"),
    }
}

/// Loads the single chart folder `dir`.
pub fn load_dir(dir: &Path) -> (Chart, Vec<Diagnostic>) {
    load_chart(&UnitSource::ChartDir(dir.to_path_buf()))
}

/// Chart-relative, `/`-separated paths of files.
pub fn rels<'a>(
    root: &Path,
    files: impl IntoIterator<Item = &'a plimsoll::source::File>,
) -> Vec<String> {
    files
        .into_iter()
        .map(|f| {
            f.path
                .strip_prefix(root)
                .unwrap_or(&f.path)
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect()
}

/// `rule message` of each diagnostic.
pub fn rules_of(diags: &[Diagnostic]) -> Vec<&'static str> {
    diags.iter().map(|d| d.rule.name).collect()
}

/// Runs `plimsoll lint ARGS --format compact` in `cwd`; returns exit code and stdout lines.
pub fn run_compact(cwd: &Path, args: &[&str]) -> (i32, Vec<String>, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plimsoll"))
        .current_dir(cwd)
        .arg("lint")
        .args(args)
        .args(["--format", "compact", "--color", "never"])
        .output()
        .expect("run plimsoll");
    // The fix hint after the rule name (` help: …`) is left out: these tests are about what is
    // found and where.
    let hint = regex::Regex::new(r"^(.*?\[[a-z0-9-]+/[a-z0-9-]+\])(?: help: .*)?$").unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| {
            hint.captures(l)
                .and_then(|c| c.get(1))
                .map_or(l, |m| m.as_str())
                .to_string()
        })
        .collect();
    (
        out.status.code().unwrap_or(-1),
        stdout,
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

/// The one output line for `path` and `rule`; panics with the whole output otherwise.
pub fn line_for<'a>(lines: &'a [String], path_prefix: &str, rule: &str) -> &'a str {
    let found: Vec<&String> = lines
        .iter()
        .filter(|l| l.starts_with(path_prefix) && l.ends_with(&format!("[{rule}]")))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "want one {rule} line for {path_prefix}: {lines:#?}"
    );
    found[0]
}
