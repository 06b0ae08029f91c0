//! Loading a chart folder (with its subcharts) and loose manifest files: every file read once,
//! Chart.yaml and values.yaml parsed once.
//!
//! What the loader guarantees, and reports instead of failing:
//! - files keep their text exactly as on disk (a UTF-8 byte order mark and CRLF line endings
//!   stay), so byte offsets, lines and columns match what editors show;
//! - a file that must be text (Chart.yaml, values files, values.schema.json, README, templates,
//!   CRDs, manifests) and holds NUL bytes or is UTF-16 is reported (`file/not-text`) and left out
//!   of the model; one that is merely not valid UTF-8 is reported at its first invalid byte and
//!   kept, decoded lossily, so the rest of it is still linted. Other chart files may be binary;
//! - files larger than [`MAX_FILE_SIZE`], FIFOs and devices, unreadable files, dangling links,
//!   link loops, and links that leave the chart being linted are reported (`file/unreadable`)
//!   and not read. Links that stay inside the chart are followed, as Helm does;
//! - `.helmignore` is applied with Helm's semantics (see [`super::helmignore`]); patterns Helm
//!   refuses are reported (`chart/helmignore-invalid-pattern`).
//!
//! Chart-relative paths of files that exist but could not be loaded are listed in
//! [`Chart::unloaded`].

use super::helmignore::{HelmIgnore, PatternErrorKind};
use super::{Chart, ChartsDirEntry, YamlDoc};
use crate::diagnostic::{Diagnostic, RuleMeta};
use crate::rules::chart::{helmignore_inline_comment, helmignore_invalid_pattern};
use crate::rules::file::{not_text, unreadable};
use crate::source::{File, SourceFile, Span};
use std::io::Read;
use std::path::{Path, PathBuf};

/// Largest file plimsoll reads (50 MiB); larger ones are reported and skipped.
pub const MAX_FILE_SIZE: u64 = 50 * 1024 * 1024;
/// Largest total of decompressed bytes read from the packaged charts of one unit (100 MiB,
/// Helm's `MaxDecompressedChartSize`).
pub const MAX_ARCHIVE_TOTAL: u64 = 100 * 1024 * 1024;
/// Deepest subchart nesting followed.
pub const MAX_NESTING: usize = 16;

/// State while loading one unit: findings so far and the archive budget.
#[derive(Debug)]
pub struct Loader {
    pub diags: Vec<Diagnostic>,
    /// Decompressed bytes still allowed for the packaged charts of this unit.
    pub archive_budget: u64,
}

impl Default for Loader {
    fn default() -> Self {
        Loader {
            diags: Vec::new(),
            archive_budget: MAX_ARCHIVE_TOTAL,
        }
    }
}

impl Loader {
    /// Reports a problem with a whole file or folder.
    pub fn report_path(&mut self, rule: &'static RuleMeta, path: &Path, message: String) {
        let file = SourceFile::path_only(path);
        self.diags.push(Diagnostic::new(rule, &file, None, message));
    }

    /// Reads a file from disk with the size limit; reports and returns `None` on failure.
    pub fn read(&mut self, path: &Path) -> Option<Vec<u8>> {
        self.read_checked(path, false)
    }

    /// [`Loader::read`]; `regular` as for [`read_file`].
    fn read_checked(&mut self, path: &Path, regular: bool) -> Option<Vec<u8>> {
        match read_file(path, regular) {
            Ok(bytes) => Some(bytes),
            Err(msg) => {
                self.report_path(&unreadable::META, path, msg);
                None
            }
        }
    }

    /// Turns bytes into a [`SourceFile`]. With `need_text`, binary or UTF-16 content is
    /// reported and gives `None`; invalid UTF-8 is reported at its first bad byte and kept,
    /// decoded lossily. Without `need_text`, binary content gives a file with empty text.
    pub fn decode(&mut self, path: PathBuf, bytes: Vec<u8>, need_text: bool) -> Option<File> {
        // The language server keeps the files it read: the same bytes at the same path give the
        // same file, without decoding them again.
        if let Some(file) = crate::incremental::kept_file(&path, &bytes) {
            return Some(file);
        }
        let nul = memchr::memchr(0, &bytes);
        let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
        let (text, invalid) = match String::from_utf8(bytes) {
            Ok(text) => (text, None),
            Err(e) => {
                let at = e.utf8_error().valid_up_to();
                let bad = e.as_bytes().get(at).copied().unwrap_or(0);
                (
                    String::from_utf8_lossy(e.as_bytes()).into_owned(),
                    Some((at, bad)),
                )
            }
        };
        if !need_text {
            return Some(if nul.is_some() {
                SourceFile::path_only(path)
            } else {
                SourceFile::new(path, text)
            });
        }
        if utf16 {
            let file = SourceFile::new(path, text);
            let span = Span::new(0, "\u{FFFD}".len());
            let mut d = Diagnostic::new(
                &not_text::META,
                &file,
                Some(span),
                "file is UTF-16 encoded (byte order mark at offset 0); Helm reads chart files as UTF-8",
            );
            d.help = Some("save the file as UTF-8".into());
            self.diags.push(d);
            return None;
        }
        // Everything before the first problem is valid UTF-8, so its offset is the same in
        // the lossy text.
        match (nul, invalid) {
            (Some(n), inv) if inv.is_none_or(|(at, _)| n < at) => {
                let file = SourceFile::new(path, text);
                self.diags.push(Diagnostic::new(
                    &not_text::META,
                    &file,
                    Some(Span::new(n, n + 1)),
                    format!("binary content (NUL byte at offset {n}) where text is expected"),
                ));
                None
            }
            (nul, Some((at, bad))) => {
                let file = SourceFile::new(path, text);
                let mut d = Diagnostic::new(
                    &not_text::META,
                    &file,
                    Some(Span::new(at, at + "\u{FFFD}".len())),
                    if nul.is_some() {
                        format!(
                            "binary content (byte 0x{bad:02X} at offset {at} is not UTF-8, and the file holds NUL bytes) where text is expected"
                        )
                    } else {
                        format!("not valid UTF-8: byte 0x{bad:02X} at offset {at}")
                    },
                );
                d.help = Some("save the file as UTF-8".into());
                self.diags.push(d);
                if nul.is_some() { None } else { Some(file) }
            }
            _ => {
                let file = SourceFile::new(path, text);
                crate::incremental::keep_file(&file);
                Some(file)
            }
        }
    }
}

fn human_size(n: u64) -> String {
    if n >= 1024 * 1024 && n.is_multiple_of(1024 * 1024) {
        format!("{} MiB", n / (1024 * 1024))
    } else {
        format!("{n} bytes")
    }
}

/// Reads a regular file, refusing FIFOs, devices and files above [`MAX_FILE_SIZE`].
pub fn read_limited(path: &Path) -> Result<Vec<u8>, String> {
    read_file(path, false)
}

/// [`read_limited`]; with `regular`, for a path the directory walk found to be a regular file
/// (after following links), the file is opened without asking its type first, since the type
/// of what was opened is checked anyway.
fn read_file(path: &Path, regular: bool) -> Result<Vec<u8>, String> {
    if let Some(text) = crate::overlay::get(path) {
        return Ok(text.to_vec());
    }
    if !regular {
        // A FIFO or a device is refused before it is opened.
        refuse(&std::fs::metadata(path).map_err(|e| describe_io(path, &e))?)?;
    }
    // The file may have been replaced by a FIFO since it was found: open without blocking and
    // check what was opened.
    let f = open_nonblocking(path).map_err(|e| describe_io(path, &e))?;
    let opened = f.metadata().map_err(|e| describe_io(path, &e))?;
    refuse(&opened)?;
    // Reading through `take` stops at the size the open file reported, without a further
    // read to find the end.
    let mut buf = Vec::with_capacity(opened.len() as usize);
    f.take(opened.len())
        .read_to_end(&mut buf)
        .map_err(|e| describe_io(path, &e))?;
    Ok(buf)
}

/// Why a file of this type and size is not read, if it is not.
fn refuse(meta: &std::fs::Metadata) -> Result<(), String> {
    if meta.is_dir() {
        return Err("is a folder where a file is expected".into());
    }
    if !meta.is_file() {
        return Err(
            "is not a regular file (a FIFO, socket or device); Helm refuses to load it".into(),
        );
    }
    if meta.len() > MAX_FILE_SIZE {
        return Err(format!(
            "file is larger than the limit of {} ({} bytes); not read",
            human_size(MAX_FILE_SIZE),
            meta.len()
        ));
    }
    Ok(())
}

/// Opens a file for reading without blocking on a FIFO (whose open would wait for a writer).
fn open_nonblocking(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0o4000;
        options.custom_flags(O_NONBLOCK);
    }
    #[cfg(all(unix, not(target_os = "linux")))]
    {
        use std::os::unix::fs::OpenOptionsExt;
        const O_NONBLOCK: i32 = 0x0004;
        options.custom_flags(O_NONBLOCK);
    }
    options.open(path)
}

/// Reads a text file named on the command line or in a configuration (a config, a rule pack,
/// a values file) with the same protections as chart files: regular files only, never
/// blocking on a FIFO, at most [`MAX_FILE_SIZE`]. `what` names the file in the reason.
pub fn read_text_limited(path: &Path, what: &str) -> Result<String, String> {
    let bytes =
        read_limited(path).map_err(|e| format!("cannot read {what} {}: {e}", path.display()))?;
    String::from_utf8(bytes)
        .map_err(|_| format!("cannot read {what} {}: not UTF-8 text", path.display()))
}

/// A one-line reason for an I/O error, naming a dangling link as such.
pub fn describe_io(path: &Path, e: &std::io::Error) -> String {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if is_link && e.kind() == std::io::ErrorKind::NotFound {
        let target = std::fs::read_link(path)
            .map(|t| t.display().to_string())
            .unwrap_or_default();
        return format!("dangling symbolic link: its target `{target}` does not exist");
    }
    if e.raw_os_error() == Some(40) {
        return "symbolic link loop: the link resolves back to itself".into();
    }
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "cannot read: permission denied".into(),
        std::io::ErrorKind::NotFound => "cannot read: no such file".into(),
        _ => format!("cannot read: {e}"),
    }
}

/// Files a chart treats as text (and parses), by chart-relative path.
fn needs_text(rel: &str) -> bool {
    matches!(
        rel,
        "Chart.yaml"
            | "values.yaml"
            | "values.schema.json"
            | ".helmignore"
            | "requirements.yaml"
            | "requirements.lock"
            | "Chart.lock"
    ) || rel.starts_with("templates/")
        || rel.starts_with("crds/")
        || is_readme(rel)
}

/// Whether a chart-relative path names the chart's README (`README.md`, in any case).
pub fn is_readme(rel: &str) -> bool {
    rel.eq_ignore_ascii_case("readme.md")
}

/// Puts one file (not under `charts/`) where it belongs in the chart.
pub(crate) fn add_file(
    loader: &mut Loader,
    chart: &mut Chart,
    rel: &str,
    path: PathBuf,
    bytes: Vec<u8>,
) {
    let binary = (!needs_text(rel) && std::str::from_utf8(&bytes).is_err())
        .then(|| std::sync::Arc::<[u8]>::from(bytes.as_slice()));
    let Some(file) = loader.decode(path, bytes, needs_text(rel)) else {
        chart.unloaded.push(rel.to_string());
        return;
    };
    match rel {
        "Chart.yaml" => chart.chart_yaml = Some(YamlDoc::parse_chart_file(file, chart.vendored)),
        "values.yaml" => chart.values = Some(YamlDoc::parse_chart_file(file, chart.vendored)),
        "requirements.yaml" => {
            chart.requirements = Some(YamlDoc::parse_chart_file(file, chart.vendored))
        }
        "Chart.lock" => chart.lock = Some(YamlDoc::parse_chart_file(file, chart.vendored)),
        "requirements.lock" if chart.lock.is_none() => {
            chart.lock = Some(YamlDoc::parse_chart_file(file, chart.vendored))
        }
        "values.schema.json" => chart.values_schema = Some(file),
        ".helmignore" if chart.helmignore.is_none() => chart.helmignore = Some(file),
        _ if is_readme(rel) && chart.readme.is_none() => chart.readme = Some(file),
        _ if rel.starts_with("templates/") => chart.templates.push(file),
        _ if rel.starts_with("crds/") => chart.crds.push(file),
        _ => {
            if let Some(b) = binary {
                chart.binary.insert(file.path.clone(), b);
            }
            chart.files.push(file)
        }
    }
}

/// Whether Helm skips a `charts/` entry of this name.
pub(crate) fn skipped_subchart(name: &str) -> bool {
    name.starts_with('_') || name.starts_with('.')
}

/// Loads a chart folder with everything in it, subcharts included.
pub fn load_chart_dir(dir: &Path) -> (Chart, Vec<Diagnostic>) {
    let mut loader = Loader::default();
    let chart = match std::fs::canonicalize(dir) {
        Ok(bound) => {
            let rules = read_helmignore(&mut loader, dir, &bound);
            let mut walk = DirWalk {
                rules: &rules.0,
                bound: &bound,
                stack: vec![bound.clone()],
            };
            let mut chart = walk.load(&mut loader, dir, "");
            chart.helmignore = rules.1;
            chart
        }
        Err(e) => {
            let msg = describe_io(dir, &e);
            loader.report_path(&unreadable::META, dir, msg);
            new_chart(dir)
        }
    };
    (chart, loader.diags)
}

fn new_chart(dir: &Path) -> Chart {
    Chart {
        root: dir.to_path_buf(),
        dir_name: dir
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| {
                std::fs::canonicalize(dir)
                    .ok()
                    .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                    .unwrap_or_default()
            }),
        ..Chart::default()
    }
}

/// Reads and checks the top chart's `.helmignore`; returns the rules (with Helm's default
/// added) and the file.
fn read_helmignore(loader: &mut Loader, dir: &Path, bound: &Path) -> (HelmIgnore, Option<File>) {
    let path = dir.join(".helmignore");
    let mut rules = HelmIgnore::default();
    let mut file = None;
    if std::fs::symlink_metadata(&path).is_ok() {
        let bytes = match check_inside(bound, &path) {
            Ok(()) => loader.read(&path),
            Err(msg) => {
                loader.report_path(&unreadable::META, &path, msg);
                None
            }
        };
        if let Some(f) = bytes.and_then(|b| loader.decode(path.clone(), b, true)) {
            let (parsed, errors) = HelmIgnore::parse(&f.text);
            for e in errors {
                let (message, help) = match e.reason {
                    PatternErrorKind::DoubleStar => (
                        format!(
                            "`{}`: `**` is not supported in .helmignore; Helm refuses to load the chart (\"double-star (**) syntax is not supported\")",
                            e.pattern
                        ),
                        "In .helmignore `*` never crosses `/`, and a pattern without `/` already matches the file name at any depth: write `*.bak` instead of `**/*.bak`, `tmp/` instead of `**/tmp/`",
                    ),
                    PatternErrorKind::BadGlob => (
                        format!(
                            "`{}` is not a valid pattern; Helm refuses to load the chart (\"syntax error in pattern\")",
                            e.pattern
                        ),
                        "Patterns are Go `filepath.Match` globs: close every `[`, give each class at least one character, and escape a literal `-`, `]` or `\\` with `\\`",
                    ),
                };
                let mut d =
                    Diagnostic::new(&helmignore_invalid_pattern::META, &f, Some(e.span), message);
                d.help = Some(help.to_string());
                loader.diags.push(d);
            }
            for p in &parsed.patterns {
                if let Some(i) = inline_comment_start(&p.raw) {
                    let span = p.span.sub(i, p.raw.len());
                    let mut d = Diagnostic::new(
                        &helmignore_inline_comment::META,
                        &f,
                        Some(span),
                        format!(
                            "`#` after a pattern is not a comment in .helmignore: this line matches only a file named `{}`",
                            p.raw
                        ),
                    );
                    d.help = Some("move the comment to a line of its own".into());
                    loader.diags.push(d);
                }
            }
            rules = parsed;
            file = Some(f);
        }
    }
    rules.add_defaults();
    (rules, file)
}

/// Byte offset of `#` preceded by white space inside a pattern.
fn inline_comment_start(raw: &str) -> Option<usize> {
    let b = raw.as_bytes();
    (1..b.len()).find(|&i| b[i] == b'#' && (b[i - 1] == b' ' || b[i - 1] == b'\t'))
}

/// `Ok` when `path` (a link) resolves inside `bound`.
fn check_inside(bound: &Path, path: &Path) -> Result<(), String> {
    let is_link = std::fs::symlink_metadata(path).is_ok_and(|m| m.file_type().is_symlink());
    if !is_link {
        return Ok(());
    }
    match std::fs::canonicalize(path) {
        Ok(target) if target.starts_with(bound) => Ok(()),
        Ok(target) => Err(format!(
            "symbolic link points outside the chart, to `{}`; not followed",
            target.display()
        )),
        Err(e) => Err(describe_io(path, &e)),
    }
}

fn slash(p: &Path) -> String {
    p.to_string_lossy().replace('\\', "/")
}

struct DirWalk<'a> {
    /// The top chart's rules; paths are relative to the top chart.
    rules: &'a HelmIgnore,
    /// Canonical folder of the top chart: links must stay inside it.
    bound: &'a Path,
    /// Canonical folders of the charts being loaded, outermost first.
    stack: Vec<PathBuf>,
}

impl DirWalk<'_> {
    /// Loads the chart in `dir`; `prefix` is its path relative to the top chart (`""` or
    /// `charts/sub/`).
    fn load(&mut self, loader: &mut Loader, dir: &Path, prefix: &str) -> Chart {
        let mut chart = new_chart(dir);
        chart.vendored = !prefix.is_empty();
        let mut it = walkdir::WalkDir::new(dir)
            .follow_links(true)
            .sort_by_file_name()
            .min_depth(1)
            .into_iter();
        while let Some(item) = it.next() {
            let entry = match item {
                Ok(e) => e,
                Err(e) => {
                    self.walk_error(loader, &mut chart, dir, prefix, &e);
                    continue;
                }
            };
            let path = entry.path();
            let local = slash(path.strip_prefix(dir).unwrap_or(path));
            let rel = format!("{prefix}{local}");
            let is_dir = entry.file_type().is_dir();
            if entry.path_is_symlink()
                && let Err(msg) = check_inside(self.bound, path)
            {
                if is_dir {
                    it.skip_current_dir();
                }
                if !self.rules.ignore(&rel, is_dir) {
                    loader.report_path(&unreadable::META, path, msg);
                    let name = entry.file_name().to_string_lossy().into_owned();
                    if entry.depth() == 2
                        && local.starts_with("charts/")
                        && !skipped_subchart(&name)
                    {
                        // Present, though not loaded: not a missing dependency.
                        chart.charts_dir.push(ChartsDirEntry {
                            packaged: name.ends_with(".tgz"),
                            file_name: name,
                            path: path.to_path_buf(),
                            is_dir,
                        });
                    }
                    chart.unloaded.push(local);
                }
                continue;
            }
            if self.rules.ignore(&rel, is_dir) {
                if is_dir {
                    it.skip_current_dir();
                }
                continue;
            }
            let depth = entry.depth();
            let name = entry.file_name().to_string_lossy().into_owned();
            let in_charts = depth == 2 && local.starts_with("charts/");
            if is_dir {
                if depth == 1 && name == "Chart.yaml" {
                    chart.chart_yaml_is_dir = true;
                    it.skip_current_dir();
                } else if in_charts {
                    it.skip_current_dir();
                    if !skipped_subchart(&name) {
                        self.subchart_dir(loader, &mut chart, path, &name, &rel);
                    }
                }
                continue;
            }
            if depth == 1 && name == "templates" {
                chart.templates_not_dir = true;
                continue;
            }
            if depth == 1 && name == ".helmignore" && prefix.is_empty() {
                continue; // read before the walk
            }
            if in_charts {
                if skipped_subchart(&name) {
                    continue;
                }
                if name.ends_with(".prov") {
                    match loader.read(path) {
                        Some(b) => add_file(loader, &mut chart, &local, path.to_path_buf(), b),
                        None => chart.unloaded.push(local),
                    }
                    continue;
                }
                let packaged = name.ends_with(".tgz");
                chart.charts_dir.push(ChartsDirEntry {
                    file_name: name.clone(),
                    path: path.to_path_buf(),
                    packaged,
                    is_dir: false,
                });
                if packaged {
                    if self.stack.len() >= MAX_NESTING {
                        self.too_deep(loader, path);
                        continue;
                    }
                    match loader.read(path) {
                        Some(bytes) => {
                            if let Some(sub) = super::archive::load_archive_bytes(
                                loader,
                                path,
                                &bytes,
                                self.stack.len(),
                            ) {
                                chart.subcharts.push(sub);
                            }
                        }
                        None => chart.unloaded.push(local),
                    }
                }
                continue;
            }
            match loader.read_checked(path, entry.file_type().is_file()) {
                Some(bytes) => add_file(loader, &mut chart, &local, path.to_path_buf(), bytes),
                None => chart.unloaded.push(local),
            }
        }
        self.add_unsaved(loader, &mut chart, dir, prefix);
        chart
    }

    /// Adds the files an editor holds for this chart that are not on disk yet (see
    /// [`crate::overlay::unsaved_under`]), as if they were: not those of a subchart (its own
    /// load adds them) nor those `.helmignore` leaves out.
    fn add_unsaved(&self, loader: &mut Loader, chart: &mut Chart, dir: &Path, prefix: &str) {
        let unsaved = crate::overlay::unsaved_under(dir);
        if unsaved.is_empty() {
            return;
        }
        for (local, text) in unsaved {
            let rel = format!("{prefix}{local}");
            let ignored = local
                .match_indices('/')
                .any(|(i, _)| self.rules.ignore(&format!("{prefix}{}", &local[..i]), true));
            if local.starts_with("charts/") || ignored || self.rules.ignore(&rel, false) {
                continue;
            }
            add_file(loader, chart, &local, dir.join(&local), text.to_vec());
        }
        for list in [&mut chart.templates, &mut chart.crds, &mut chart.files] {
            list.sort_by(|a, b| a.path.cmp(&b.path));
        }
    }

    fn subchart_dir(
        &mut self,
        loader: &mut Loader,
        chart: &mut Chart,
        path: &Path,
        name: &str,
        rel: &str,
    ) {
        chart.charts_dir.push(ChartsDirEntry {
            file_name: name.to_string(),
            path: path.to_path_buf(),
            packaged: false,
            is_dir: true,
        });
        let canon = match std::fs::canonicalize(path) {
            Ok(c) => c,
            Err(e) => {
                let msg = describe_io(path, &e);
                loader.report_path(&unreadable::META, path, msg);
                return;
            }
        };
        if self.stack.iter().any(|s| s.starts_with(&canon)) {
            loader.report_path(
                &unreadable::META,
                path,
                format!(
                    "symbolic link loop: subchart `{name}` leads back to `{}`; not followed",
                    canon.display()
                ),
            );
            return;
        }
        if self.stack.len() >= MAX_NESTING {
            self.too_deep(loader, path);
            return;
        }
        self.stack.push(canon);
        let sub = self.load(loader, path, &format!("{rel}/"));
        self.stack.pop();
        chart.subcharts.push(sub);
    }

    fn too_deep(&self, loader: &mut Loader, path: &Path) {
        loader.report_path(
            &unreadable::META,
            path,
            format!("subcharts are nested more than {MAX_NESTING} deep; not loaded"),
        );
    }

    fn walk_error(
        &self,
        loader: &mut Loader,
        chart: &mut Chart,
        dir: &Path,
        prefix: &str,
        e: &walkdir::Error,
    ) {
        let path = e.path().unwrap_or(dir);
        let local = slash(path.strip_prefix(dir).unwrap_or(path));
        let is_dir = e.loop_ancestor().is_some();
        if !local.is_empty() && self.rules.ignore(&format!("{prefix}{local}"), is_dir) {
            return;
        }
        let msg = if let Some(anc) = e.loop_ancestor() {
            format!(
                "symbolic link loop: the link leads back to `{}`; not followed",
                crate::source::display_path(anc)
            )
        } else if let Some(io) = e.io_error() {
            describe_io(path, io)
        } else {
            format!("cannot read: {e}")
        };
        loader.report_path(&unreadable::META, path, msg);
        if !local.is_empty() {
            chart.unloaded.push(local);
        }
    }
}

/// Loads loose YAML files as one manifest set.
pub fn load_manifests(paths: &[PathBuf]) -> (Vec<YamlDoc>, Vec<Diagnostic>) {
    let mut loader = Loader::default();
    let mut docs = Vec::with_capacity(paths.len());
    for p in paths {
        if let Some(bytes) = loader.read(p)
            && let Some(file) = loader.decode(p.clone(), bytes, true)
        {
            docs.push(YamlDoc::parse(file));
        }
    }
    (docs, loader.diags)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decode_reports_positions() {
        let mut l = Loader::default();
        let f = l.decode("a.yaml".into(), b"a: 1\nb: caf\xe9\n".to_vec(), true);
        let f = f.expect("kept lossily");
        assert_eq!(l.diags.len(), 1);
        let d = &l.diags[0];
        assert_eq!(d.rule.name, "file/not-text");
        assert_eq!(d.span, Some(Span::new(11, 14)));
        assert_eq!(f.line_col(11).line, 2);
        assert!(d.message.contains("0xE9 at offset 11"), "{}", d.message);

        let mut l = Loader::default();
        assert!(
            l.decode("b.yaml".into(), b"ab\0cd".to_vec(), true)
                .is_none()
        );
        assert_eq!(l.diags[0].span, Some(Span::new(2, 3)));

        let mut l = Loader::default();
        let f = l.decode("logo.png".into(), b"\x89PNG\0\0".to_vec(), false);
        assert!(f.is_some_and(|f| f.text.is_empty()));
        assert!(l.diags.is_empty());

        let mut l = Loader::default();
        assert!(
            l.decode("u.yaml".into(), b"\xff\xfea\0:\0".to_vec(), true)
                .is_none()
        );
        assert!(l.diags[0].message.contains("UTF-16"));

        let mut l = Loader::default();
        let f = l.decode("e.yaml".into(), Vec::new(), true);
        assert!(f.is_some_and(|f| f.text.is_empty()));
        assert!(l.diags.is_empty());
    }

    #[test]
    fn inline_comments_are_found() {
        assert_eq!(inline_comment_start("foo # x"), Some(4));
        assert_eq!(inline_comment_start("foo\t#x"), Some(4));
        assert_eq!(inline_comment_start("a#b"), None);
        assert_eq!(inline_comment_start("#"), None);
    }
}
