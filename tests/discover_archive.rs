//! Packaged charts read in memory: members, subcharts, unsafe entries, limits, corruption.

mod discover_util;

use discover_util::*;
use plimsoll::chart::Unit;
use plimsoll::discover::{self, UnitSource};

#[test]
fn a_packaged_chart_loads_with_member_paths_under_the_archive() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let sub = chart_tgz("db");
    let bytes = tgz(&[
        Entry::File(
            "app/Chart.yaml",
            b"apiVersion: v2\nname: app\nversion: 1.0.0\n",
        ),
        Entry::File("app/values.yaml", b"a: 1\n"),
        Entry::File("app/templates/z.yaml", b"kind: Pod\n"),
        Entry::File("app/templates/a.yaml", b"kind: Pod\n"),
        Entry::File(
            "app/templates/.hidden",
            b"no .helmignore defaults in archives\n",
        ),
        Entry::File("app/charts/db-1.0.0.tgz", &sub),
        Entry::File(
            "app/charts/cache/Chart.yaml",
            b"name: cache\nversion: 1.0.0\n",
        ),
        Entry::File("app/charts/cache/values.yaml", b"b: 2\n"),
        Entry::File("app/charts/_skipped/Chart.yaml", b"name: skipped\n"),
        Entry::File("app/README.md", b"# app\n"),
        Entry::File("app/files/conf.ini", b"[x]\n"),
    ]);
    let path = write(root, "dist/app-1.0.0.tgz", &bytes);
    let (units, _) = discover(&root.join("dist"));
    assert_eq!(units, vec![UnitSource::ChartArchive(path.clone())]);
    let (c, diags) = load_chart(&units[0]);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(c.name(), "app");
    assert_eq!(c.dir_name, "app");
    assert_eq!(c.root, path.join("app"));
    assert_eq!(c.archive.as_ref().unwrap().path, path);
    assert_eq!(
        c.values.as_ref().unwrap().file.path,
        path.join("app/values.yaml")
    );
    assert_eq!(
        rels(&c.root, &c.templates),
        ["templates/.hidden", "templates/a.yaml", "templates/z.yaml"]
    );
    assert!(c.readme.is_some());
    assert_eq!(rels(&c.root, &c.files), ["files/conf.ini"]);
    let subs: Vec<&str> = c.subcharts.iter().map(|s| s.name()).collect();
    assert_eq!(subs, ["cache", "db"]);
    let entries: Vec<(&str, bool, bool)> = c
        .charts_dir
        .iter()
        .map(|e| (e.file_name.as_str(), e.packaged, e.is_dir))
        .collect();
    assert_eq!(
        entries,
        [("cache", false, true), ("db-1.0.0.tgz", true, false)]
    );
    let db = &c.subcharts[1];
    assert_eq!(
        db.values.as_ref().unwrap().file.path,
        path.join("app/charts/db-1.0.0.tgz/db/values.yaml")
    );
}

#[test]
fn unsafe_entries_are_skipped_and_reported() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let bytes = tgz(&[
        Entry::File("app/Chart.yaml", b"name: app\nversion: 1.0.0\n"),
        Entry::File("app/../../etc/cron.d/evil", b"* * * * * root rm -rf /\n"),
        Entry::File("/etc/passwd", b"root:x:0:0\n"),
        Entry::File("other/values.yaml", b"a: 1\n"),
        Entry::File("toplevel.yaml", b"a: 1\n"),
        Entry::Symlink("app/templates/link.yaml", "/etc/shadow"),
        Entry::HardLink("app/values.yaml", "/etc/passwd"),
        Entry::Dir("app/../"),
    ]);
    let path = write(root, "evil-1.0.0.tgz", &bytes);
    let (unit, diags) = discover::load(&UnitSource::ChartArchive(path.clone()));
    let Unit::Chart(c) = unit else {
        panic!("chart expected")
    };
    assert_eq!(c.own_files().count(), 1, "only Chart.yaml is safe");
    let mut found: Vec<(&str, String)> = diags
        .iter()
        .map(|d| (d.rule.name, d.message.clone()))
        .collect();
    found.sort();
    for d in &diags {
        assert_eq!(d.file.path, path);
        assert_eq!(d.span, None);
    }
    let messages: Vec<&str> = found.iter().map(|(_, m)| m.as_str()).collect();
    assert!(
        found.iter().all(|(r, _)| *r == "file/archive-unsafe-path"),
        "{found:?}"
    );
    assert_eq!(found.len(), 6, "{messages:#?}");
    for needle in [
        "`app/../../etc/cron.d/evil` contains `..`",
        "`/etc/passwd` has an absolute path",
        "`other/values.yaml` lies outside the chart folder `app/`",
        "`toplevel.yaml` lies at the archive's top level",
        "`app/templates/link.yaml` is a symbolic link",
        "`app/values.yaml` is a hard link",
    ] {
        assert!(
            messages.iter().any(|m| m.contains(needle)),
            "{needle}: {messages:#?}"
        );
    }

    let (code, lines, stderr) = run_compact(root, &["evil-1.0.0.tgz"]);
    assert_eq!(code, 1, "{stderr}");
    let unsafe_lines: Vec<&String> = lines
        .iter()
        .filter(|l| {
            l.starts_with("evil-1.0.0.tgz:1:1: error: ")
                && l.ends_with("[file/archive-unsafe-path]")
        })
        .collect();
    assert_eq!(unsafe_lines.len(), 6, "{lines:#?}");
    // Nothing was written next to the archive.
    let mut names: Vec<String> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    assert_eq!(names, ["evil-1.0.0.tgz"]);
}

#[test]
fn corrupt_and_empty_archives_are_unreadable() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let good = chart_tgz("app");
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("notgzip.tgz", b"apiVersion: v2\n".to_vec(), "cannot unpack"),
        (
            "truncated.tgz",
            good[..good.len() / 2].to_vec(),
            "cannot unpack",
        ),
        ("empty.tgz", tgz(&[Entry::Dir("app/")]), "holds no files"),
    ];
    for (name, bytes, needle) in cases {
        let path = write(root, name, &bytes);
        let (unit, diags) = discover::load(&UnitSource::ChartArchive(path.clone()));
        assert!(
            matches!(unit, Unit::Manifests(ref d) if d.is_empty()),
            "{name}"
        );
        assert_eq!(rules_of(&diags), ["file/unreadable"], "{name}: {diags:?}");
        assert!(
            diags[0].message.contains(needle),
            "{name}: {}",
            diags[0].message
        );
    }
    let (code, lines, _) = run_compact(root, &["truncated.tgz"]);
    assert_eq!(code, 1);
    line_for(
        &lines,
        "truncated.tgz:1:1: error: cannot unpack",
        "file/unreadable",
    );
}

#[test]
fn a_corrupt_packaged_subchart_is_reported_and_the_parent_still_loads() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(root, "app/charts/broken-1.0.0.tgz", b"not gzip at all");
    let (c, diags) = load_dir(&dir);
    assert_eq!(rules_of(&diags), ["file/unreadable"]);
    assert_eq!(diags[0].file.path, dir.join("charts/broken-1.0.0.tgz"));
    assert!(c.subcharts.is_empty());
    assert_eq!(c.charts_dir.len(), 1);
    assert!(c.values.is_some());
}

#[test]
fn decompression_is_limited() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    // 60 MiB of zeros compresses to a few KiB: over the per-file limit, under the total.
    let big = vec![b'a'; 60 * 1024 * 1024];
    let bytes = tgz(&[
        Entry::File("app/Chart.yaml", b"name: app\nversion: 1.0.0\n"),
        Entry::File("app/files/huge.txt", &big),
    ]);
    let path = write(root, "big.tgz", &bytes);
    let (unit, diags) = discover::load(&UnitSource::ChartArchive(path));
    let Unit::Chart(c) = unit else { panic!() };
    assert_eq!(rules_of(&diags), ["file/unreadable"]);
    assert!(
        diags[0].message.contains("larger than the limit of 50 MiB"),
        "{}",
        diags[0].message
    );
    assert_eq!(c.unloaded, ["files/huge.txt"]);
    assert!(c.chart_yaml.is_some());

    // Two 45 MiB members and more: over the 100 MiB total.
    let part = vec![b'b'; 45 * 1024 * 1024];
    let bytes = tgz(&[
        Entry::File("app/Chart.yaml", b"name: app\n"),
        Entry::File("app/files/1", &part),
        Entry::File("app/files/2", &part),
        Entry::File("app/files/3", &part),
    ]);
    let path = write(root, "bomb.tgz", &bytes);
    let (unit, diags) = discover::load(&UnitSource::ChartArchive(path));
    assert!(matches!(unit, Unit::Manifests(_)));
    assert_eq!(rules_of(&diags), ["file/unreadable"]);
    assert!(
        diags[0]
            .message
            .contains("larger than the limit of 100 MiB"),
        "{}",
        diags[0].message
    );
}
