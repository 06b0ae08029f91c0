//! The files the parser benchmarks read (`#[path]`-included by them).

use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// The files under `dir` that `wanted` accepts (given the path and whether it lies in a
/// `templates` folder), in path order, each distinct text once: `(path shown, text)`.
pub fn distinct_files(dir: &Path, wanted: &dyn Fn(&Path, bool) -> bool) -> Vec<(String, String)> {
    fn collect(
        dir: &Path,
        in_templates: bool,
        wanted: &dyn Fn(&Path, bool) -> bool,
        out: &mut Vec<PathBuf>,
    ) {
        let Ok(rd) = std::fs::read_dir(dir) else {
            return;
        };
        let mut entries: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
        entries.sort();
        for p in entries {
            if p.is_dir() {
                let t = in_templates || p.file_name().is_some_and(|n| n == "templates");
                collect(&p, t, wanted, out);
            } else if wanted(&p, in_templates) {
                out.push(p);
            }
        }
    }
    let mut paths = Vec::new();
    collect(dir, false, wanted, &mut paths);
    let mut seen = HashSet::new();
    let mut texts = Vec::new();
    for p in paths {
        let Ok(text) = std::fs::read_to_string(&p) else {
            continue;
        };
        if seen.insert(text.clone()) {
            texts.push((p.display().to_string(), text));
        }
    }
    texts
}
