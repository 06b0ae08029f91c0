//! Awkward files: each gives a located diagnostic (or none when valid), never a panic or hang.

mod discover_util;

use discover_util::*;
use plimsoll::discover::UnitSource;
use std::os::unix::fs::symlink;

#[test]
fn empty_files_are_valid() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(root, "app/values.yaml", "");
    write(root, "app/templates/empty.yaml", "");
    write(root, "k8s/empty.yaml", "");
    let (c, diags) = load_dir(&dir);
    assert!(diags.is_empty(), "{diags:?}");
    assert_eq!(c.values.as_ref().unwrap().file.text, "");
    assert_eq!(c.templates.len(), 2);
    let (code, lines, stderr) = run_compact(root, &["app", "k8s"]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?} {stderr}");
}

#[test]
fn binary_where_text_is_needed_is_located_and_left_out() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(
        root,
        "app/templates/logo.png",
        b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR",
    );
    write(root, "app/files/logo.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(root, "app/templates/data.yaml", b"a: 1\nb: \0\0\n");
    assert_eq!(
        rules_of(&diags_of(&dir)),
        ["file/not-text", "file/not-text"]
    );
    let (c, diags) = load_dir(&dir);
    let d = &diags[0];
    assert_eq!(d.file.path, dir.join("templates/data.yaml"));
    assert_eq!(d.span.map(|s| s.start), Some(8));
    assert!(d.message.contains("NUL byte at offset 8"), "{}", d.message);
    // The PNG signature's first byte is already not UTF-8: reported there.
    let d = &diags[1];
    assert_eq!(d.file.path, dir.join("templates/logo.png"));
    assert_eq!(d.span.map(|s| s.start), Some(0));
    assert!(
        d.message.contains("binary content (byte 0x89 at offset 0"),
        "{}",
        d.message
    );
    assert_eq!(c.unloaded, ["templates/data.yaml", "templates/logo.png"]);
    assert_eq!(c.templates.len(), 1);
    // Other chart files may be binary.
    assert_eq!(rels(&c.root, &c.files), ["files/logo.png"]);

    let (code, lines, _) = run_compact(root, &["app"]);
    assert_eq!(code, 1);
    // Offset 8 is on line 2, column 4.
    line_for(
        &lines,
        "app/templates/data.yaml:2:4: error: binary content",
        "file/not-text",
    );
    line_for(
        &lines,
        "app/templates/logo.png:1:1: error: binary content",
        "file/not-text",
    );
}

#[test]
fn invalid_utf8_is_reported_at_the_first_bad_byte_and_the_rest_is_linted() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(
        root,
        "app/values.yaml",
        b"name: ok\ncity: Z\xfcrich\ndup: 1\ndup: 2\n",
    );
    let (c, diags) = load_dir(&dir);
    assert_eq!(rules_of(&diags), ["file/not-text"]);
    assert_eq!(diags[0].span.map(|s| s.start), Some(16));
    assert!(
        diags[0].message.contains("0xFC at offset 16"),
        "{}",
        diags[0].message
    );
    assert!(c.values.is_some(), "kept, decoded lossily");
    let (code, lines, _) = run_compact(root, &["app"]);
    assert_eq!(code, 1);
    line_for(
        &lines,
        "app/values.yaml:2:8: error: not valid UTF-8",
        "file/not-text",
    );
    line_for(&lines, "app/values.yaml:4:1:", "yaml/duplicate-key");
}

#[test]
fn utf16_values_are_not_text() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    let utf16: Vec<u8> = [0xFF, 0xFE]
        .into_iter()
        .chain("a: 1\n".encode_utf16().flat_map(u16::to_le_bytes))
        .collect();
    write(root, "app/values.yaml", utf16);
    let (c, diags) = load_dir(&dir);
    assert_eq!(rules_of(&diags), ["file/not-text"]);
    assert!(diags[0].message.contains("UTF-16"));
    assert!(c.values.is_none());
    assert_eq!(c.unloaded, ["values.yaml"]);
}

#[test]
fn crlf_and_bom_keep_on_disk_offsets() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    let text = "\u{FEFF}image:\r\n  tag: v1\r\n  tag: v2\r\n";
    write(root, "app/values.yaml", text);
    let (c, diags) = load_dir(&dir);
    assert!(diags.is_empty(), "{diags:?}");
    let v = c.values.as_ref().unwrap();
    assert_eq!(v.file.text, text, "text is kept as on disk");
    assert!(
        v.yaml
            .issues
            .iter()
            .all(|i| i.kind != plimsoll::yaml::YamlIssueKind::Syntax),
        "{:?}",
        v.yaml.issues
    );
    let image = v
        .yaml
        .root()
        .and_then(|r| r.get("image"))
        .expect("BOM accepted");
    let tag = image.get("tag").unwrap();
    assert_eq!(v.file.slice(tag.span), "v2");
    let (code, lines, _) = run_compact(root, &["app"]);
    assert_eq!(code, 1, "{lines:?}");
    line_for(&lines, "app/values.yaml:3:3:", "yaml/duplicate-key");
}

fn diags_of(dir: &std::path::Path) -> Vec<plimsoll::diagnostic::Diagnostic> {
    load_dir(dir).1
}

#[test]
fn a_ten_megabyte_values_file_loads_and_lints() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    let mut text = String::with_capacity(10 * 1024 * 1024 + 100);
    let mut groups = 0;
    while text.len() < 10 * 1024 * 1024 {
        text.push_str(&format!("group{groups}:\n"));
        for i in 0..200 {
            text.push_str(&format!(
                "  svc{i}:\n    enabled: true\n    name: \"service-{i}\"\n    port: {}\n",
                1000 + i
            ));
        }
        groups += 1;
    }
    write(root, "app/values.yaml", &text);
    let start = std::time::Instant::now();
    let (c, diags) = load_dir(&dir);
    let took = start.elapsed();
    assert!(diags.is_empty());
    let root_node = c.values_root().expect("parsed");
    assert_eq!(root_node.as_map().map(<[_]>::len), Some(groups));
    // Speed is measured by the benchmarks, not asserted here; this only shows the figure.
    eprintln!("10 MB values.yaml loaded in {took:?}");

    let (code, lines, stderr) = run_compact(root, &["app"]);
    assert_eq!((code, lines.len()), (0, 0), "{lines:?} {stderr}");
}

#[test]
fn symlinks_loops_dangling_and_outside_are_reported_and_not_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    write(root, "outside/secret.txt", "top secret\n");
    write(root, "outside/dir/x.yaml", "a: 1\n");
    symlink("..", dir.join("templates/loop")).unwrap();
    symlink("missing.yaml", dir.join("templates/dangling.yaml")).unwrap();
    symlink(
        root.join("outside/secret.txt"),
        dir.join("files-secret.txt"),
    )
    .unwrap();
    symlink("../../outside/dir", dir.join("templates/outdir")).unwrap();
    symlink("../values.yaml", dir.join("templates/values-link.yaml")).unwrap();
    symlink(".", dir.join("charts")).unwrap_or(());
    let (c, diags) = load_dir(&dir);
    let mut found: Vec<(String, &str, String)> = diags
        .iter()
        .map(|d| {
            (
                d.file
                    .path
                    .strip_prefix(&dir)
                    .unwrap()
                    .display()
                    .to_string(),
                d.rule.name,
                d.message.clone(),
            )
        })
        .collect();
    found.sort();
    let paths: Vec<&str> = found.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        paths,
        [
            "charts",
            "files-secret.txt",
            "templates/dangling.yaml",
            "templates/loop",
            "templates/outdir"
        ],
        "{found:#?}"
    );
    assert!(found.iter().all(|f| f.1 == "file/unreadable"));
    assert!(found[1].2.contains("outside the chart"), "{found:#?}");
    assert!(found[2].2.contains("dangling symbolic link"), "{found:#?}");
    assert!(found[3].2.contains("loop"), "{found:#?}");
    assert!(found[4].2.contains("outside the chart"), "{found:#?}");
    // Nothing from outside was read.
    assert!(c.own_files().all(|f| !f.text.contains("top secret")));
    assert!(c.own_files().all(|f| f.path.starts_with(&dir)));
    // A link inside the chart is followed, as Helm does.
    assert!(
        rels(&c.root, &c.templates).contains(&"templates/values-link.yaml".to_string()),
        "{:?}",
        rels(&c.root, &c.templates)
    );

    let (code, lines, stderr) = run_compact(root, &["app"]);
    assert_eq!(code, 1, "{stderr}");
    line_for(
        &lines,
        "app/templates/loop:1:1: error: symbolic link loop",
        "file/unreadable",
    );
    line_for(
        &lines,
        "app/templates/dangling.yaml:1:1: error: dangling",
        "file/unreadable",
    );
    line_for(
        &lines,
        "app/files-secret.txt:1:1: error: symbolic link points outside",
        "file/unreadable",
    );
}

#[test]
fn fifos_and_folders_where_files_belong_do_not_hang_or_panic() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    let fifo = dir.join("templates/pipe.yaml");
    let status = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .unwrap();
    assert!(status.success());
    // A folder named Chart.yaml, and a file named templates.
    let odd = root.join("odd");
    std::fs::create_dir_all(odd.join("Chart.yaml")).unwrap();
    write(root, "odd/Chart.yaml/inner.txt", "x");
    write(root, "odd/templates", "not a folder");
    write(root, "odd/values.yaml", "a: 1\n");

    let (c, diags) = load_dir(&dir);
    assert_eq!(rules_of(&diags), ["file/unreadable"]);
    assert!(
        diags[0].message.contains("not a regular file"),
        "{}",
        diags[0].message
    );
    assert_eq!(c.unloaded, ["templates/pipe.yaml"]);

    let (units, _) = discover(&odd);
    assert_eq!(units, vec![UnitSource::ChartDir(odd.clone())]);
    let (c, diags) = load_dir(&odd);
    assert!(diags.is_empty(), "{diags:?}");
    assert!(c.chart_yaml_is_dir && c.chart_yaml.is_none());
    assert!(c.templates_not_dir && c.templates.is_empty());
    assert!(
        c.files.is_empty(),
        "nothing read from inside the Chart.yaml folder"
    );

    let (code, lines, _) = run_compact(root, &["app"]);
    assert_eq!(code, 1);
    line_for(
        &lines,
        "app/templates/pipe.yaml:1:1: error: is not a regular file",
        "file/unreadable",
    );
}

#[test]
fn files_over_the_size_limit_are_not_read() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    let big = std::fs::File::create(dir.join("files/../big.bin")).or_else(|_| {
        std::fs::create_dir_all(dir.join("files"))?;
        std::fs::File::create(dir.join("big.bin"))
    });
    // A sparse 51 MiB file: no disk space used.
    big.unwrap().set_len(51 * 1024 * 1024).unwrap();
    let m = root.join("k8s/huge.yaml");
    std::fs::create_dir_all(m.parent().unwrap()).unwrap();
    std::fs::File::create(&m)
        .unwrap()
        .set_len(60 * 1024 * 1024)
        .unwrap();

    let (c, diags) = load_dir(&dir);
    assert_eq!(rules_of(&diags), ["file/unreadable"]);
    assert!(
        diags[0].message.contains("larger than the limit of 50 MiB"),
        "{}",
        diags[0].message
    );
    assert_eq!(c.unloaded, ["big.bin"]);

    let (code, lines, _) = run_compact(root, &["app", "k8s"]);
    assert_eq!(code, 1);
    line_for(
        &lines,
        "app/big.bin:1:1: error: file is larger than the limit",
        "file/unreadable",
    );
    line_for(
        &lines,
        "k8s/huge.yaml:1:1: error: file is larger than the limit",
        "file/unreadable",
    );
}

#[test]
fn dangling_yaml_links_outside_charts_are_reported_during_search() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    write(root, "k8s/ok.yaml", "kind: Pod\n");
    symlink("gone.yaml", root.join("k8s/broken.yaml")).unwrap();
    symlink("ok.yaml", root.join("k8s/alias.yaml")).unwrap();
    let (units, diags) = discover(root);
    assert_eq!(
        units,
        vec![UnitSource::ManifestFiles(vec![
            root.join("k8s/alias.yaml"),
            root.join("k8s/ok.yaml")
        ])]
    );
    assert_eq!(rules_of(&diags), ["file/unreadable"]);
    assert!(diags[0].message.contains("dangling"));
    let (code, lines, _) = run_compact(root, &["k8s"]);
    assert_eq!(code, 1);
    line_for(
        &lines,
        "k8s/broken.yaml:1:1: error: dangling",
        "file/unreadable",
    );
}

#[test]
fn a_subchart_linked_from_outside_is_listed_but_not_loaded() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let dir = chart(root, "app");
    chart(root, "common");
    std::fs::create_dir_all(dir.join("charts")).unwrap();
    symlink("../../common", dir.join("charts/common")).unwrap();
    let (c, diags) = load_dir(&dir);
    assert_eq!(rules_of(&diags), ["file/unreadable"]);
    assert!(
        diags[0].message.contains("outside the chart"),
        "{}",
        diags[0].message
    );
    assert_eq!(diags[0].file.path, dir.join("charts/common"));
    assert!(c.subcharts.is_empty());
    let entries: Vec<(&str, bool)> = c
        .charts_dir
        .iter()
        .map(|e| (e.file_name.as_str(), e.is_dir))
        .collect();
    assert_eq!(entries, [("common", true)]);
    assert_eq!(c.unloaded, ["charts/common"]);
}

#[test]
fn deep_nesting_and_alias_bombs_are_located_findings() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    chart(root, "app");
    // 10,000 levels of block mappings and of flow sequences.
    let deep: String = (0..10_000)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect();
    write(root, "app/values.yaml", &deep);
    write(root, "k8s/flow.yaml", "[".repeat(10_000));
    let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
    for (prev, name) in "abcdefghi".chars().zip("bcdefghij".chars()) {
        let list = vec![format!("*{prev}"); 10].join(", ");
        bomb.push_str(&format!("{name}: &{name} [{list}]\n"));
    }
    write(root, "k8s/bomb.yaml", &bomb);
    let (code, lines, stderr) = run_compact(root, &["app", "k8s"]);
    assert_eq!(code, 1, "{lines:?} {stderr}");
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("app/values.yaml:") && l.ends_with("[yaml/syntax]")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("k8s/flow.yaml:1:") && l.ends_with("[yaml/syntax]")),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("k8s/bomb.yaml:6:") && l.ends_with("[yaml/alias-limit]")),
        "{lines:?}"
    );
}
