//! Finds units under the paths given on the command line and loads them.
//!
//! A path may be a chart folder, a folder to search for charts at any depth, a packaged chart
//! (`.tgz`), or YAML manifest files and folders of them. `.git`, `target` and `node_modules`
//! are skipped.

use crate::chart::{Chart, Unit, YamlDoc};
use crate::diagnostic::Diagnostic;
use crate::source::SourceFile;
use std::path::{Path, PathBuf};

/// What discovery found, before anything is read.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnitSource {
    ChartDir(PathBuf),
    ChartArchive(PathBuf),
    /// Loose YAML files of one folder.
    ManifestFiles(Vec<PathBuf>),
}

/// Paths that the configuration excludes.
pub type Exclude<'a> = &'a (dyn Fn(&Path) -> bool + Sync);

/// Walks one command-line path. `Err` carries a one-line reason (exit 2): the path does not
/// exist or cannot be read at all.
pub fn discover(
    path: &Path,
    exclude: Exclude,
) -> Result<(Vec<UnitSource>, Vec<Diagnostic>), String> {
    let meta =
        std::fs::metadata(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    if meta.is_dir() {
        if path.join("Chart.yaml").exists() {
            return Ok((vec![UnitSource::ChartDir(path.to_path_buf())], Vec::new()));
        }
        let mut units = Vec::new();
        let mut loose = Vec::new();
        for entry in walkdir::WalkDir::new(path)
            .sort_by_file_name()
            .into_iter()
            .flatten()
        {
            let p = entry.path();
            if exclude(p) {
                continue;
            }
            if entry.file_type().is_dir() && p.join("Chart.yaml").exists() {
                units.push(UnitSource::ChartDir(p.to_path_buf()));
            } else if entry.file_type().is_file()
                && is_yaml(p)
                && !units
                    .iter()
                    .any(|u| matches!(u, UnitSource::ChartDir(d) if p.starts_with(d)))
            {
                loose.push(p.to_path_buf());
            }
        }
        if !loose.is_empty() {
            units.push(UnitSource::ManifestFiles(loose));
        }
        Ok((units, Vec::new()))
    } else if path.extension().is_some_and(|e| e == "tgz") {
        Ok((
            vec![UnitSource::ChartArchive(path.to_path_buf())],
            Vec::new(),
        ))
    } else {
        Ok((
            vec![UnitSource::ManifestFiles(vec![path.to_path_buf()])],
            Vec::new(),
        ))
    }
}

fn is_yaml(p: &Path) -> bool {
    p.extension().is_some_and(|e| e == "yaml" || e == "yml")
}

/// Reads one unit: every file once. Problems with single files become diagnostics.
pub fn load(src: &UnitSource) -> (Unit, Vec<Diagnostic>) {
    match src {
        UnitSource::ChartDir(dir) => {
            let read = |name: &str| {
                std::fs::read_to_string(dir.join(name))
                    .ok()
                    .map(|t| SourceFile::new(dir.join(name), t))
            };
            let mut chart = Chart {
                root: dir.clone(),
                dir_name: dir
                    .file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default(),
                ..Chart::default()
            };
            chart.chart_yaml = read("Chart.yaml").map(YamlDoc::parse);
            chart.values = read("values.yaml").map(YamlDoc::parse);
            chart.values_schema = read("values.schema.json");
            chart.readme = read("README.md");
            (Unit::Chart(Box::new(chart)), Vec::new())
        }
        UnitSource::ChartArchive(_) => (Unit::Manifests(Vec::new()), Vec::new()),
        UnitSource::ManifestFiles(files) => {
            let docs = files
                .iter()
                .filter_map(|p| {
                    std::fs::read_to_string(p)
                        .ok()
                        .map(|t| YamlDoc::parse(SourceFile::new(p.clone(), t)))
                })
                .collect();
            (Unit::Manifests(docs), Vec::new())
        }
    }
}
