//! Packaged charts (`.tgz`), read in memory with `flate2` and `tar`; nothing is written to disk.
//!
//! **Display paths.** A member of an archive is shown as `<archive path>/<member path>`, for
//! example `dist/mychart-1.0.0.tgz/mychart/values.yaml`, and the chart's root as
//! `dist/mychart-1.0.0.tgz/mychart`. Such a path reads like a file path in every output format
//! (`path:line:col` for editors, SARIF URIs, GitHub annotations) and names both the archive
//! and the member; a packaged subchart nests the same way
//! (`dist/app-1.0.0.tgz/app/charts/db-2.0.0.tgz/db/values.yaml`).
//!
//! **Safety.** As Helm does, the first path segment of every entry is the chart's folder and
//! the rest is the chart-relative path. An entry with an absolute path, a `..` segment, a link
//! (symbolic or hard), a device or FIFO, or a path outside the archive's single top-level
//! folder is skipped and reported (`file/archive-unsafe-path`). A member larger than
//! [`MAX_FILE_SIZE`] is skipped and reported; reading stops once the unit's packaged charts
//! have produced [`super::load::MAX_ARCHIVE_TOTAL`] decompressed bytes or
//! [`MAX_ENTRIES`] entries. A corrupt archive is reported (`file/unreadable`) and not linted.
//! `.helmignore` is not applied inside a packaged chart (Helm applied it when packaging).

use super::load::{Loader, MAX_FILE_SIZE, MAX_NESTING, add_file, skipped_subchart};
use super::{Chart, ChartsDirEntry};
use crate::diagnostic::Diagnostic;
use crate::rules::file::{archive_unsafe_path, unreadable};
use crate::source::{File, SourceFile};
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;
use tar::EntryType;

/// Most entries read from the packaged charts of one unit.
pub const MAX_ENTRIES: usize = 100_000;

/// Size of a tar header block, counted against the decompression budget.
const HEADER: u64 = 512;

/// Largest GNU long-name or PAX header record read.
const MAX_HEADER_RECORD: u64 = 64 * 1024;

/// Longest member name accepted, in bytes (Linux's PATH_MAX).
const MAX_NAME: usize = 4096;

/// Longest member name shown in a message, in characters.
const SHOWN_NAME: usize = 200;

/// A member name for a message: cut after [`SHOWN_NAME`] characters.
fn shown(name: &str) -> String {
    match name.char_indices().nth(SHOWN_NAME) {
        Some((cut, _)) => format!("{}…", &name[..cut]),
        None => name.to_string(),
    }
}

/// The `path` of a PAX extended header (`LEN path=VALUE\n` records).
fn pax_path(record: &[u8]) -> Option<Vec<u8>> {
    let mut rest = record;
    let mut found = None;
    while !rest.is_empty() {
        let space = rest.iter().position(|b| *b == b' ')?;
        let len: usize = std::str::from_utf8(&rest[..space]).ok()?.parse().ok()?;
        if len <= space || len > rest.len() {
            return found;
        }
        let body = &rest[space + 1..len];
        let body = body.strip_suffix(b"\n").unwrap_or(body);
        if let Some(value) = body.strip_prefix(b"path=") {
            found = Some(value.to_vec());
        }
        rest = &rest[len..];
    }
    found
}

/// Whether a path names a packaged chart.
pub fn is_archive_name(path: &Path) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    name.ends_with(".tgz") || name.ends_with(".tar.gz")
}

/// Reads a packaged chart from disk. `None` when the archive cannot be read at all (reported).
pub fn load_archive_file(path: &Path) -> (Option<Chart>, Vec<Diagnostic>) {
    let mut loader = Loader::default();
    let chart = loader
        .read(path)
        .and_then(|bytes| load_archive_bytes(&mut loader, path, &bytes, 0));
    (chart, loader.diags)
}

/// Reads a packaged chart held in memory, as [`load_archive_file`] reads one from disk; `path`
/// is the archive's display path. `None` when the archive cannot be read at all (reported).
pub fn load_archive_in_memory(path: &Path, bytes: &[u8]) -> (Option<Chart>, Vec<Diagnostic>) {
    let mut loader = Loader::default();
    let chart = load_archive_bytes(&mut loader, path, bytes, 0);
    (chart, loader.diags)
}

/// Builds a chart from files held in memory (chart-relative paths and contents), as the
/// members of a packaged chart are built: the chart is shown at `root`, whose last segment is
/// its folder name. Subcharts under `charts/` (folders or `.tgz` files) are built the same way.
pub fn chart_in_memory(root: &Path, files: Vec<(String, Vec<u8>)>) -> (Chart, Vec<Diagnostic>) {
    let mut loader = Loader::default();
    let dir_name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let mut files = files;
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files.dedup_by(|a, b| a.0 == b.0);
    let chart = build(&mut loader, root, &dir_name, files, 0);
    (chart, loader.diags)
}

/// Reads a packaged chart held in memory; `path` is the archive's display path. `None` when
/// the archive is corrupt, empty or over the size limit (reported).
pub(crate) fn load_archive_bytes(
    loader: &mut Loader,
    path: &Path,
    bytes: &[u8],
    nesting: usize,
) -> Option<Chart> {
    let archive = SourceFile::path_only(path);
    let members = read_members(loader, &archive, bytes)?;
    let base = path.join(&members.top);
    let mut chart = build(loader, &base, &members.top, members.files, nesting);
    chart.archive = Some(archive);
    chart.unloaded.extend(members.unloaded);
    chart.unloaded.sort();
    Some(chart)
}

struct Members {
    top: String,
    /// Chart-relative path and content, sorted by path.
    files: Vec<(String, Vec<u8>)>,
    unloaded: Vec<String>,
}

fn corrupt(loader: &mut Loader, archive: &File, message: String) {
    loader
        .diags
        .push(Diagnostic::new(&unreadable::META, archive, None, message));
}

fn unsafe_entry(loader: &mut Loader, archive: &File, raw: &str, why: &str) {
    loader.diags.push(Diagnostic::new(
        &archive_unsafe_path::META,
        archive,
        None,
        format!("archive entry `{raw}` {why}; skipped"),
    ));
}

fn is_absolute(name: &str) -> bool {
    let b = name.as_bytes();
    name.starts_with('/') || (b.len() >= 2 && b[0].is_ascii_alphabetic() && b[1] == b':')
}

fn read_members(loader: &mut Loader, archive: &File, bytes: &[u8]) -> Option<Members> {
    let gz = flate2::read::MultiGzDecoder::new(bytes);
    let mut tar = tar::Archive::new(gz);
    let entries = match tar.entries() {
        // Raw entries: GNU long-name and PAX records are read here, within the limits, rather
        // than by the tar reader, which would hold a record of any size in memory.
        Ok(e) => e.raw(true),
        Err(e) => {
            corrupt(loader, archive, format!("cannot unpack the archive: {e}"));
            return None;
        }
    };
    let mut top: Option<String> = None;
    let mut files = Vec::new();
    let mut unloaded = Vec::new();
    let mut count = 0usize;
    // The name a GNU long-name or PAX `path` record gives the next entry.
    let mut next_name: Option<Vec<u8>> = None;
    for entry in entries {
        let mut entry = match entry {
            Ok(e) => e,
            Err(e) => {
                corrupt(loader, archive, format!("cannot unpack the archive: {e}"));
                return None;
            }
        };
        count += 1;
        if count > MAX_ENTRIES {
            corrupt(
                loader,
                archive,
                format!("the archive holds more than {MAX_ENTRIES} entries; not read"),
            );
            return None;
        }
        loader.archive_budget = loader.archive_budget.saturating_sub(HEADER);
        let kind = entry.header().entry_type();
        if matches!(
            kind,
            EntryType::GNULongName
                | EntryType::GNULongLink
                | EntryType::XHeader
                | EntryType::XGlobalHeader
        ) {
            let size = entry.header().size().unwrap_or(u64::MAX);
            if size > MAX_HEADER_RECORD || size > loader.archive_budget {
                corrupt(
                    loader,
                    archive,
                    format!(
                        "the archive has a header record of {size} bytes, more than the limit of {} KiB; not read",
                        MAX_HEADER_RECORD / 1024
                    ),
                );
                return None;
            }
            loader.archive_budget -= size;
            let mut record = Vec::with_capacity(size as usize);
            if let Err(e) = (&mut entry).take(size).read_to_end(&mut record) {
                corrupt(loader, archive, format!("cannot unpack the archive: {e}"));
                return None;
            }
            match kind {
                EntryType::GNULongName => {
                    while record.last() == Some(&0) {
                        record.pop();
                    }
                    next_name = Some(record);
                }
                EntryType::XHeader => {
                    if let Some(path) = pax_path(&record) {
                        next_name = Some(path);
                    }
                }
                _ => {}
            }
            continue;
        }
        let path_bytes = next_name
            .take()
            .unwrap_or_else(|| entry.header().path_bytes().into_owned());
        let raw = shown(&String::from_utf8_lossy(&path_bytes));
        if path_bytes.len() > MAX_NAME {
            unsafe_entry(
                loader,
                archive,
                &raw,
                &format!(
                    "has a name of {} bytes, longer than {MAX_NAME}",
                    path_bytes.len()
                ),
            );
            continue;
        }
        let full = String::from_utf8_lossy(&path_bytes).into_owned();
        match kind {
            EntryType::Directory => continue,
            EntryType::Regular | EntryType::Continuous | EntryType::GNUSparse => {}
            EntryType::Symlink => {
                unsafe_entry(loader, archive, &raw, "is a symbolic link");
                continue;
            }
            EntryType::Link => {
                unsafe_entry(loader, archive, &raw, "is a hard link");
                continue;
            }
            _ => {
                unsafe_entry(loader, archive, &raw, "is a device or FIFO, not a file");
                continue;
            }
        }
        let name = full.replace('\\', "/");
        if is_absolute(&name) {
            unsafe_entry(loader, archive, &raw, "has an absolute path");
            continue;
        }
        let segments: Vec<&str> = name.split('/').collect();
        if segments.contains(&"..") {
            unsafe_entry(loader, archive, &raw, "contains `..`");
            continue;
        }
        let first = segments[0];
        let rest: Vec<&str> = segments[1..]
            .iter()
            .copied()
            .filter(|s| !s.is_empty() && *s != ".")
            .collect();
        if rest.is_empty() {
            unsafe_entry(
                loader,
                archive,
                &raw,
                "lies at the archive's top level, outside the chart folder",
            );
            continue;
        }
        match &top {
            None => top = Some(first.to_string()),
            Some(t) if t != first => {
                let why = format!("lies outside the chart folder `{t}/`");
                unsafe_entry(loader, archive, &raw, &why);
                continue;
            }
            Some(_) => {}
        }
        let rel = rest.join("/");
        let size = entry.header().size().unwrap_or(u64::MAX);
        if size > loader.archive_budget {
            corrupt(
                loader,
                archive,
                format!(
                    "the decompressed chart is larger than the limit of {} MiB (at entry `{raw}`); not read",
                    super::load::MAX_ARCHIVE_TOTAL / (1024 * 1024)
                ),
            );
            return None;
        }
        // Skipping an entry decompresses it too: count it either way.
        loader.archive_budget -= size;
        if size > MAX_FILE_SIZE {
            corrupt(
                loader,
                archive,
                format!(
                    "archive entry `{raw}` is larger than the limit of {} MiB ({size} bytes); not read",
                    MAX_FILE_SIZE / (1024 * 1024)
                ),
            );
            unloaded.push(rel);
            continue;
        }
        let mut buf = Vec::with_capacity(size as usize);
        if let Err(e) = (&mut entry).take(size).read_to_end(&mut buf) {
            corrupt(
                loader,
                archive,
                format!("cannot unpack the archive at entry `{raw}`: {e}"),
            );
            return None;
        }
        files.push((rel, buf));
    }
    let Some(top) = top else {
        corrupt(loader, archive, "the archive holds no files".into());
        return None;
    };
    files.sort_by(|a, b| a.0.cmp(&b.0));
    Some(Members {
        top,
        files,
        unloaded,
    })
}

/// Builds a chart from its members (chart-relative paths), subcharts included.
fn build(
    loader: &mut Loader,
    base: &Path,
    dir_name: &str,
    files: Vec<(String, Vec<u8>)>,
    nesting: usize,
) -> Chart {
    let mut chart = Chart {
        root: base.to_path_buf(),
        dir_name: dir_name.to_string(),
        vendored: nesting > 0,
        ..Chart::default()
    };
    let mut groups: BTreeMap<String, Vec<(String, Vec<u8>)>> = BTreeMap::new();
    for (rel, bytes) in files {
        let Some(sub) = rel.strip_prefix("charts/") else {
            if rel == "templates" {
                chart.templates_not_dir = true;
                continue;
            }
            let path = base.join(&rel);
            add_file(loader, &mut chart, &rel, path, bytes);
            continue;
        };
        if rel.ends_with(".prov") {
            let path = base.join(&rel);
            add_file(loader, &mut chart, &rel, path, bytes);
            continue;
        }
        let (name, rest) = sub.split_once('/').unwrap_or((sub, ""));
        if skipped_subchart(name) {
            continue;
        }
        if !rest.is_empty() {
            groups
                .entry(name.to_string())
                .or_default()
                .push((rest.to_string(), bytes));
            continue;
        }
        let path = base.join(&rel);
        let packaged = name.ends_with(".tgz");
        chart.charts_dir.push(ChartsDirEntry {
            file_name: name.to_string(),
            path: path.clone(),
            packaged,
            is_dir: false,
        });
        if !packaged {
            continue;
        }
        if nesting + 1 >= MAX_NESTING {
            too_deep(loader, &path);
            continue;
        }
        if let Some(sub) = load_archive_bytes(loader, &path, &bytes, nesting + 1) {
            chart.subcharts.push(sub);
        }
    }
    for (name, files) in groups {
        let path = base.join("charts").join(&name);
        chart.charts_dir.push(ChartsDirEntry {
            file_name: name.clone(),
            path: path.clone(),
            packaged: false,
            is_dir: true,
        });
        if nesting + 1 >= MAX_NESTING {
            too_deep(loader, &path);
            continue;
        }
        let sub = build(loader, &path, &name, files, nesting + 1);
        chart.subcharts.push(sub);
    }
    chart
        .charts_dir
        .sort_by(|a, b| a.file_name.cmp(&b.file_name));
    chart.subcharts.sort_by(|a, b| a.root.cmp(&b.root));
    chart
}

fn too_deep(loader: &mut Loader, path: &Path) {
    loader.report_path(
        &unreadable::META,
        path,
        format!("subcharts are nested more than {MAX_NESTING} deep; not loaded"),
    );
}
