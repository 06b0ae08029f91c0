//! Finds units under the paths given on the command line and loads them.
//!
//! A path may be:
//! - a chart folder (it has `Chart.yaml`);
//! - a packaged chart (`.tgz` / `.tar.gz`);
//! - a file or folder inside a chart (a pre-commit hook passes changed files): the enclosing
//!   chart is linted, climbing out of `charts/` to the top chart, so `mychart/values.yaml` and
//!   `mychart/charts/db/templates/x.yaml` both lint `mychart`;
//! - a folder to search: charts are found at any depth, packaged charts outside charts too,
//!   and the YAML files outside any chart form one manifest set per folder;
//! - YAML (or JSON) manifest files outside any chart (each given file is its own set); any other
//!   file named outside a chart is reported once (`file/not-lintable`) and not read.
//!
//! While searching: `.git`, `target`, `node_modules` and other hidden folders (`.github`,
//! `.idea`, …) are skipped, as are hidden files (`.pre-commit-config.yaml`, `.plimsoll.yaml`);
//! a path given explicitly is always used. Symbolic links to folders are not followed (the
//! folder they point at is found under its own name if it is inside the searched path); links
//! to YAML files and archives are used; dangling links are reported. Inside a chart, the
//! search looks for further charts in its other folders (each becomes its own unit) but never
//! in `charts/`, `templates/` or `crds/`: subcharts are loaded with their parent, not again on
//! their own. The `exclude` callback drops a path and everything under it. Results are sorted.

use crate::chart::archive::{is_archive_name, load_archive_file};
use crate::chart::load::{load_chart_dir, load_manifests};
use crate::chart::{Unit, YamlDoc};
use crate::diagnostic::Diagnostic;
use crate::rules::file::unreadable;
use crate::source::SourceFile;
use std::collections::BTreeMap;
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

/// Folders never searched.
const SKIP_DIRS: &[&str] = &[".git", "target", "node_modules"];

/// Walks one command-line path. `Err` carries a one-line reason (exit 2): the path does not
/// exist or cannot be read at all.
pub fn discover(
    path: &Path,
    exclude: Exclude,
) -> Result<(Vec<UnitSource>, Vec<Diagnostic>), String> {
    let meta = match std::fs::metadata(path) {
        Ok(meta) => Some(meta),
        // Text an editor holds for a file not saved yet: linted as that file.
        Err(_) if crate::overlay::get(path).is_some() => None,
        Err(e) => return Err(format!("cannot read {}: {e}", path.display())),
    };
    if exclude(path) {
        return Ok((Vec::new(), Vec::new()));
    }
    if meta.is_some_and(|m| m.is_dir()) {
        std::fs::read_dir(path).map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        if !has_chart_yaml(path)
            && let Some(chart) = enclosing_chart(path)
        {
            return Ok((chart_unit(chart, exclude), Vec::new()));
        }
        return Ok(search(path, exclude));
    }
    if let Some(chart) = enclosing_chart(path) {
        return Ok((chart_unit(chart, exclude), Vec::new()));
    }
    if is_archive_name(path) {
        return Ok((
            vec![UnitSource::ChartArchive(path.to_path_buf())],
            Vec::new(),
        ));
    }
    if !is_yaml(path) && !is_json(path) {
        // Named explicitly but nothing plimsoll reads: say so once, without reading it.
        let d = Diagnostic::new(
            &crate::rules::file::not_lintable::META,
            &SourceFile::path_only(path),
            None,
            "not linted: outside any chart, and neither a YAML or JSON manifest nor a packaged chart (.tgz)",
        );
        return Ok((Vec::new(), vec![d]));
    }
    Ok((
        vec![UnitSource::ManifestFiles(vec![path.to_path_buf()])],
        Vec::new(),
    ))
}

fn is_json(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("json"))
}

fn chart_unit(chart: PathBuf, exclude: Exclude) -> Vec<UnitSource> {
    if exclude(&chart) {
        Vec::new()
    } else {
        vec![UnitSource::ChartDir(chart)]
    }
}

/// `Chart.yaml` exists in `dir` (as anything: a folder or a dangling link still marks a chart).
fn has_chart_yaml(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join("Chart.yaml")).is_ok()
}

/// The top chart containing `path`. A relative path is looked up from the working directory
/// upward too (`plimsoll lint deployment.yaml` run inside `templates/` lints the chart), and
/// the chart is returned relative to the working directory (`..`), so findings keep relative
/// paths.
fn enclosing_chart(path: &Path) -> Option<PathBuf> {
    if path.is_absolute() {
        return enclosing_chart_as_written(path);
    }
    let Ok(cwd) = std::env::current_dir() else {
        return enclosing_chart_as_written(path);
    };
    let cwd = lexical_normal(&cwd);
    let chart = enclosing_chart_as_written(&lexical_normal(&cwd.join(path)))?;
    Some(relative_to(&chart, &cwd))
}

/// `.` and `..` resolved by text alone.
fn lexical_normal(path: &Path) -> PathBuf {
    use std::path::Component;
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                if !out.pop() {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}

/// `path` (absolute) written relative to `base` (absolute), with `..` where needed.
fn relative_to(path: &Path, base: &Path) -> PathBuf {
    let p: Vec<_> = path.components().collect();
    let b: Vec<_> = base.components().collect();
    let common = p.iter().zip(&b).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return path.to_path_buf();
    }
    let mut out = PathBuf::new();
    for _ in common..b.len() {
        out.push("..");
    }
    for c in &p[common..] {
        out.push(c.as_os_str());
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

/// The top chart containing `path`, looking at its ancestors as written.
fn enclosing_chart_as_written(path: &Path) -> Option<PathBuf> {
    let ancestors: Vec<&Path> = path
        .ancestors()
        .skip(1)
        .map(|a| {
            if a.as_os_str().is_empty() {
                Path::new(".")
            } else {
                a
            }
        })
        .collect();
    let mut at = ancestors.iter().position(|a| has_chart_yaml(a))?;
    // Climb from `<parent>/charts/<sub>` to `<parent>` while that is a chart.
    while let (Some(charts), Some(parent)) = (ancestors.get(at + 1), ancestors.get(at + 2)) {
        if charts.file_name().is_none_or(|n| n != "charts") || !has_chart_yaml(parent) {
            break;
        }
        at += 2;
    }
    Some(ancestors[at].to_path_buf())
}

fn is_yaml(p: &Path) -> bool {
    p.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"))
}

fn search(root: &Path, exclude: Exclude) -> (Vec<UnitSource>, Vec<Diagnostic>) {
    let mut units = Vec::new();
    let mut diags = Vec::new();
    let mut loose: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    // Charts whose folder the walk is inside, innermost last.
    let mut open: Vec<PathBuf> = Vec::new();
    let mut it = walkdir::WalkDir::new(root)
        .follow_links(false)
        .sort_by_file_name()
        .into_iter();
    while let Some(item) = it.next() {
        let entry = match item {
            Ok(e) => e,
            Err(e) => {
                let path = e.path().unwrap_or(root).to_path_buf();
                let msg = match e.io_error() {
                    Some(io) => crate::chart::load::describe_io(&path, io),
                    None => format!("cannot read: {e}"),
                };
                diags.push(Diagnostic::new(
                    &unreadable::META,
                    &SourceFile::path_only(path),
                    None,
                    msg,
                ));
                continue;
            }
        };
        let path = entry.path();
        let depth = entry.depth();
        while open.last().is_some_and(|c| !path.starts_with(c)) {
            open.pop();
        }
        let name = entry.file_name().to_string_lossy();
        let hidden = depth > 0 && name.starts_with('.');
        let ft = entry.file_type();
        if ft.is_dir() {
            if depth > 0 && (hidden || SKIP_DIRS.contains(&name.as_ref())) {
                it.skip_current_dir();
                continue;
            }
            if let Some(chart) = open.last()
                && path.parent() == Some(chart.as_path())
                && matches!(name.as_ref(), "charts" | "templates" | "crds")
            {
                it.skip_current_dir();
                continue;
            }
            if depth > 0 && exclude(path) {
                it.skip_current_dir();
                continue;
            }
            if has_chart_yaml(path) {
                units.push(UnitSource::ChartDir(path.to_path_buf()));
                open.push(path.to_path_buf());
            }
            continue;
        }
        if !open.is_empty() || hidden {
            continue;
        }
        let wanted_yaml = is_yaml(path);
        let wanted_archive = is_archive_name(path);
        // Only candidates reach the (possibly costly) exclude callback.
        if (!wanted_yaml && !wanted_archive) || exclude(path) {
            continue;
        }
        if ft.is_symlink() {
            match std::fs::metadata(path) {
                Ok(m) if m.is_file() => {}
                Ok(_) => continue,
                Err(e) => {
                    diags.push(Diagnostic::new(
                        &unreadable::META,
                        &SourceFile::path_only(path),
                        None,
                        crate::chart::load::describe_io(path, &e),
                    ));
                    continue;
                }
            }
        }
        if wanted_archive {
            units.push(UnitSource::ChartArchive(path.to_path_buf()));
        } else {
            let folder = path.parent().unwrap_or(root).to_path_buf();
            loose.entry(folder).or_default().push(path.to_path_buf());
        }
    }
    units.extend(loose.into_values().map(UnitSource::ManifestFiles));
    units.sort();
    (units, diags)
}

/// Reads one unit: every file once. Problems with single files become diagnostics.
pub fn load(src: &UnitSource) -> (Unit, Vec<Diagnostic>) {
    match src {
        UnitSource::ChartDir(dir) => {
            let (chart, diags) = load_chart_dir(dir);
            (Unit::Chart(Box::new(chart)), diags)
        }
        UnitSource::ChartArchive(path) => match load_archive_file(path) {
            (Some(chart), diags) => (Unit::Chart(Box::new(chart)), diags),
            (None, diags) => (Unit::Manifests(Vec::<YamlDoc>::new()), diags),
        },
        UnitSource::ManifestFiles(files) => {
            let (docs, diags) = load_manifests(files);
            (Unit::Manifests(docs), diags)
        }
    }
}
