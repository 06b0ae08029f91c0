//! The fast YAML path against granit-parser: for every YAML file of the repository, for
//! truncations of them, and for hand-written tricky inputs, the fast path either declines or
//! builds exactly the tree granit-parser builds (nodes, spans, styles, values, comments,
//! issues, duplicate marks and key indexes).

use plimsoll::yaml::{Limits, difference, parse, parse_fast, parse_granit};
use std::path::{Path, PathBuf};

/// Compares the two paths on `text`; returns whether the fast path took it.
fn check(name: &str, text: &str) -> bool {
    let granit = parse_granit(text, Limits::default());
    let Some(fast) = parse_fast(text) else {
        return false;
    };
    if let Some(d) = difference(&fast, &granit) {
        panic!("{name}: the fast path differs from granit-parser: {d}\n--- input ---\n{text}");
    }
    // `parse` takes the fast path and gives the same tree.
    assert!(difference(&parse(text), &granit).is_none(), "{name}");
    true
}

fn yaml_files(dir: &Path, all: bool, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let path = e.path();
        let Ok(kind) = e.file_type() else { continue };
        if kind.is_dir() {
            yaml_files(&path, all, out);
        } else if kind.is_file()
            && (all || path.extension().is_some_and(|x| x == "yaml" || x == "yml"))
        {
            out.push(path);
        }
    }
}

fn repo_files() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut paths = Vec::new();
    yaml_files(&root.join("charts-under-test"), false, &mut paths);
    yaml_files(&root.join("tests/fixtures"), false, &mut paths);
    yaml_files(&root.join("fuzz/corpus/yaml"), true, &mut paths);
    yaml_files(&root.join("fuzz/corpus/chart_yaml"), true, &mut paths);
    paths.sort();
    paths
        .into_iter()
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).ok()?;
            Some((p, text))
        })
        .collect()
}

#[test]
fn repository_yaml_files_parse_the_same_on_both_paths() {
    let files = repo_files();
    assert!(files.len() > 300, "{} files", files.len());
    let fast = files
        .iter()
        .filter(|(p, text)| check(&p.display().to_string(), text))
        .count();
    // Most chart YAML that is not a template takes the fast path; a drop here means the fast
    // path stopped working.
    let plain = files.iter().filter(|(_, t)| !t.contains("{{")).count();
    assert!(
        fast * 10 >= plain * 9,
        "only {fast} of {plain} files without templates took the fast path"
    );
}

#[test]
fn truncated_and_edited_files_parse_the_same_on_both_paths() {
    let mut fast = 0;
    let mut total = 0;
    for (p, text) in repo_files().iter().filter(|(_, t)| t.len() < 4000) {
        let name = p.display().to_string();
        // Every cut at a character boundary: unterminated quotes, flows and block scalars,
        // keys without values, documents cut short.
        for (i, _) in text.char_indices() {
            total += 1;
            fast += check(&format!("{name} cut at {i}"), &text[..i]) as usize;
        }
        // Each line dropped in turn, and each line indented by one more space: odd
        // indentation, orphan continuation lines.
        let lines: Vec<&str> = text.split_inclusive('\n').collect();
        for i in 0..lines.len().min(60) {
            let dropped: String = lines
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .map(|(_, l)| *l)
                .collect();
            check(&format!("{name} without line {i}"), &dropped);
            let indented: String = lines
                .iter()
                .enumerate()
                .map(|(j, l)| {
                    if j == i {
                        format!(" {l}")
                    } else {
                        l.to_string()
                    }
                })
                .collect();
            check(&format!("{name} line {i} indented"), &indented);
        }
    }
    assert!(fast > 1000, "{fast} of {total} cuts took the fast path");
}

const TRICKY: &[&str] = &[
    "",
    "\n",
    "# only a comment\n",
    "#\n#x\n",
    "---\n",
    "---\n---\n",
    "--- # c\n",
    "a: 1\n---\n",
    "a: 1\n---\n# trailing\n",
    "a: 1\n...\n",
    "---\na: 1\n---\nb: 2\n",
    "a:\n",
    "a:\nb:\n",
    "a: # c\nb: 1\n",
    "a:\n  # c\nb: 1\n",
    "a:\n- 1\n- 2\nb: 3\n",
    "a:\n  - 1\n  -\n  - 3\n",
    "- \n- a\n",
    "-\n",
    "- - a\n  - b\n- c\n",
    "- a: 1\n  b: 2\n- c: 3\n",
    "- a:\n  - x\n  b: 2\n",
    "a : b\n",
    "'a': \"b\"\n",
    "\"a\" : 'b'\n",
    "a: 'it''s'\n",
    "a: \"\\x41\\u00e9\\U0001F600\\n\\t\\\\\\\"\\/\\0\\ \"\n",
    "a: \"\\q\"\n",
    "a: \"\\ud800\"\n",
    "a: b: c\n",
    "a: - b\n",
    "a: b\n  c\n",
    "a: b\n c: d\n",
    "a:\n  b\n",
    "a:\n  b\n  c\n",
    "a: 1\n  # c\n",
    "a: 1 #c\nb: 2#c\n",
    "a: \"x\"#c\n",
    "a: [1, 2, 3]\n",
    "a: []\nb: {}\n",
    "a: [ ]\nb: { }\n",
    "a: [a, b, ]\n",
    "a: [,]\n",
    "a: [a,,b]\n",
    "a: [a b, c]\n",
    "a: [\"x\", 'y', [z], {k: v}]\n",
    "a: {k: v, l: [1]}\n",
    "a: {k: v,}\n",
    "a: {\"k\": v}\n",
    "a: {\"k\":v}\n",
    "a: {k:v}\n",
    "a: {k}\n",
    "a: {k: }\n",
    "a: [k: v]\n",
    "a: [a:b]\n",
    "a: [-1, -x, - y]\n",
    "a: [a #c\n]\n",
    "a: [1,\n  2]\n",
    "[a, b]\n",
    "{a: b}\n",
    "{}\n",
    "[]\n---\n{}\n",
    "[a]: b\n",
    "a: [b]: c\n",
    "a: [b] c\n",
    "a: |\n  x\n  y\n",
    "a: |-\n  x\n\n",
    "a: |+\n  x\n\n\nb: 1\n",
    "a: |\n  x\n\n\nb: 1\n",
    "a: >\n  x\n  y\n\n  z\n   more\n  w\n",
    "a: >-\n  x\n\n\n  y\n",
    "a: >+\n  x\n",
    "a: |\n\n  x\n",
    "a: |\n   \n  x\n",
    "a: |\n  \n   x\n",
    "a: |\n  x\n   y\n  z\n",
    "a: |\n  x\n y\n",
    "a: |\nb: 1\n",
    "a: |\n",
    "a: |-\n\nb: 1\n",
    "a: |+\n\n\nb: 1\n",
    "a: >+\n\n  \nb: 1\n",
    "a:\n  b: >\n  c: 1\n",
    "- |\n- x\n",
    "- |+\n\n- x\n",
    "a: |\n# c\nb: 1\n",
    "a: |\n    \nb: 1\n",
    "a: 'x\n  y\n\n  z  '\n",
    "a: 'x\ny'\n",
    "a: 'x  \n  y'\n",
    "a: \"x \\\n   y\\\n  \\\n  z\"\n",
    "a: \"x\\t \n  y\\ \n  z\"\n",
    "a: \"x\\\n\n  y\"\n",
    "a:\n  - 'x\n    y'\n  - \"x\n   \n\n    y\"\n",
    "- 'x\n y'\n",
    "- 'x\ny'\n",
    "'a\n b': c\n",
    "a: 'x\n  y' z\n",
    "a: 'x\n  y'\n b\n",
    "a: ['x\n  y']\n",
    "a: 'x\n  # y'\n",
    "a: 'x\n---\n'\n",
    "a: |\n  x",
    "a: |2\n   x\n",
    "a: |-2\n   x\n",
    "a: | # c\n  x\n",
    "a: |#c\n  x\n",
    "a: |\n  # not a comment\n  x\n# a comment\nb: 1\n",
    "- |\n  x\n- >\n  y\n",
    "a:\n- |\n  x\n",
    "a:\n  b: |\n    x\n\n  c: 1\n",
    "a: 1\na: 2\n",
    "a: 1\nb: 2\na: 3\nb: 4\na: 5\n",
    "a: 1\nb: 2\nc: 3\nd: 4\ne: 5\nf: 6\ng: 7\nh: 8\ni: 9\na: 10\ni: 11\n",
    "a: 1\n'a': 2\n\"a\": 3\n",
    "1: 1\n'1': 2\n",
    "true: 1\n\"true\": 2\nyes: 3\n",
    "<<: {a: 1}\na: 2\n",
    "x: {a: 1, a: 2, b: 3, b: 4}\n",
    "a: 1\n\"a\": 2\n",
    "yes: 1\ntrue: 2\n",
    "1: a\n01: b\n",
    "<<: {a: 1}\nb: 2\n",
    "a: &x 1\nb: *x\n",
    "a: !!str 1\n",
    "? a\n: b\n",
    "%YAML 1.1\n---\na: 1\n",
    "a:\tb\n",
    "a: b\r\n",
    "\u{feff}a: 1\n",
    "a: \u{85}\n",
    "a: é ✓\n",
    "é: ✓\n",
    "  a: 1\n  b: 2\n",
    "  a: 1\n b: 2\n",
    "a:\n    b: 1\n  c: 2\n",
    "a:\n  b: 1\n   c: 2\n",
    "- a\n - b\n",
    "- a\nb: 1\n",
    "a: 1\n- b\n",
    "a: -1\nb: -x\nc: - \n",
    "a: :x\n",
    "a: ?x\n",
    "a: x:y\n",
    "a: x :y\n",
    "a: 0x1F\nb: 0777\nc: 1e3\nd: .inf\ne: .nan\nf: ~\ng: null\nh: 2024-01-02\n",
    "a: 'multi\n  line'\n",
    "a: \"multi\n  line\"\n",
    "a: \"x\\\n  y\"\n",
    "--- |\n  x\n",
    "--- a\n",
    "--- {a: 1}\n",
    "a: 1\n--- \nb: 2\n",
    "a: 1\n----\n",
    "a: 1\n--- x\n",
    "plain\n",
    "a: b #c\n  #d\nc: d\n",
    "a:\n\n\n  b: 1\n",
    "key with spaces: value with spaces  \n",
    "a: 'x'  \n",
    "a:   \n",
    "a: x # c\n---\n# c2\nb: y\n",
    "a: b\n  c\n  d\ne: f\n",
    "a: b\n\n  c\n\n\n   d  \ne: f\n",
    "a: b\n  c # x\ne: f\n",
    "a: b\n  # x\n  c\n",
    "a: b\n  c: d\n",
    "a: b\n  c :d\n",
    "a: b\n  - c\n",
    "a: b\n  c#d\n",
    "a:\n  b\n   c\n  d\n",
    "a:\n  b\n c\n",
    "- a\n  b\n- c\n",
    "- a\n b\n",
    "- a: b\n  c\n",
    "- a: b\n   c\n",
    "a:\n- b\n c\n",
    "a:\n- b\n  c\n",
    "a b\n  c: d\n",
    "a: b\n  c\n---\nd: e\n",
    "a: b\n  ---\n",
    "a: b\n  ...\n",
    "a: b\n  'c'\n",
    "a: b\n  [c]\n",
    "a: b\n  &c\n",
    "a: 'b'\n  c\n",
    "a: b\n  \n  c\n",
    // Where a plain scalar line stops: `: `, ` #`, a line break, the end; `:` and `#`
    // inside the text, and spaces before the stop, are left to the text or trimmed.
    "a: b:c d#e f  #g\n",
    "a: b:  \nc: x:y:\n",
    "a: x #\n  y\n",
    "a: x\n  y #c\n  z\n",
    "a: x\n  y:z  \n  #w\n",
    "a: x#\n  #y\n",
    "a: x:",
    "a: x #",
    "a: x   ",
    "- a#b\n- c :d\n- e: f:g\n",
    "a: \tx\t#y\t \n",
    // Characters the fast path leaves to granit-parser, after a first block of plain bytes
    // and across the boundary between two blocks.
    "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{85}y\n",
    "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{2028}y\n",
    "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{feff}y\n",
    "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\ty\n",
    "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\ry\n",
    "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{2028}\n",
    "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{2028}\n",
    "a: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{2028}\n",
    "a: é\nb: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx\u{85}\n",
    "a: é\nb: xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxé ü\n",
];

#[test]
fn tricky_inputs_parse_the_same_on_both_paths() {
    let mut fast = 0;
    for (i, text) in TRICKY.iter().enumerate() {
        fast += check(&format!("tricky input {i}"), text) as usize;
    }
    assert!(fast > TRICKY.len() / 2, "{fast} of {}", TRICKY.len());
}

#[test]
fn deep_nesting_declines_the_fast_path() {
    let text = (0..200)
        .map(|i| format!("{}k:\n", " ".repeat(i)))
        .collect::<String>();
    assert!(parse_fast(&text).is_none());
    assert!(parse(&text).root().is_some());
}

/// The four public chart repositories (or the folders in `YAML_DIFF_DIRS`, separated by `:`):
/// every `*.yaml`/`*.yml` file through both paths. Prints how many took the fast path.
/// `cargo test --release --test yaml_fast -- --ignored --nocapture`
#[test]
#[ignore]
fn corpus_yaml_files_parse_the_same_on_both_paths() {
    let dirs = std::env::var("YAML_DIFF_DIRS").unwrap_or_else(|_| {
        [
            "/work/corpus/bitnami+charts",
            "/work/corpus/prometheus-community+helm-charts",
            "/work/corpus/grafana+helm-charts",
            "/work/corpus/helm+charts",
        ]
        .join(":")
    });
    // `YAML_DIFF_ANY_NAME=1`: every file, whatever its name (a fuzz corpus).
    let any_name = std::env::var_os("YAML_DIFF_ANY_NAME").is_some();
    let mut differences = 0;
    for dir in dirs.split(':') {
        let mut paths = Vec::new();
        yaml_files(Path::new(dir), any_name, &mut paths);
        let (mut fast, mut fallback, mut unreadable) = (0, 0, 0);
        // Files without `{{`: the YAML plimsoll parses as it is (templates are rendered first).
        let (mut plain, mut plain_fast) = (0, 0);
        for p in &paths {
            let Ok(text) = std::fs::read_to_string(p) else {
                unreadable += 1;
                continue;
            };
            let granit = parse_granit(&text, Limits::default());
            let template = text.contains("{{");
            plain += !template as usize;
            match parse_fast(&text) {
                None => fallback += 1,
                Some(f) => {
                    fast += 1;
                    plain_fast += !template as usize;
                    if let Some(d) = difference(&f, &granit) {
                        differences += 1;
                        println!("DIFF {}: {d}", p.display());
                    }
                }
            }
        }
        println!(
            "{dir}: {} files, fast {fast}, fallback {fallback}, not UTF-8 {unreadable}; \
             without templates: {plain} files, fast {plain_fast}",
            paths.len()
        );
    }
    println!("differences: {differences}");
    assert_eq!(differences, 0);
}

/// Control characters, Unicode line breaks and byte order marks send the text to
/// granit-parser wherever they are (the fast path checks the bytes a block at a time); other
/// non-ASCII characters stay on the fast path.
#[test]
fn characters_the_fast_path_leaves_are_found_at_every_offset() {
    for at in 0..140 {
        let pad = "x".repeat(at);
        for c in [
            "\u{85}", "\u{9f}", "\u{2028}", "\u{2029}", "\u{feff}", "\u{fffe}", "\t", "\r",
            "\u{1}", "\u{7f}",
        ] {
            let text = format!("a: {pad}{c}y\n");
            assert!(parse_fast(&text).is_none(), "{at} {c:?}");
        }
        for c in ["é", "\u{a0}", "\u{2027}", "\u{202a}", "\u{fefe}", "😀"] {
            let text = format!("a: {pad}{c}y\n");
            assert!(check(&format!("{at} {c:?}"), &text), "{at} {c:?}");
        }
    }
}
