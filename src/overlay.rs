//! Text that stands in for a file on disk: an editor's unsaved buffer (`plimsoll server`), the
//! text piped with `--stdin-filename`, or a file's content after fixes not yet written
//! (`--fix`, `--diff`). Every chart and manifest file is read through
//! [`crate::chart::load::read_limited`], which asks here first, so a unit is linted exactly as
//! if the overlaid files held that text; everything else is read from disk.
//!
//! Entries are keyed by canonical path, so `chart/values.yaml` and `./chart/values.yaml` are one
//! file. When nothing is overlaid (every ordinary `plimsoll lint`), a read costs one atomic load.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock, RwLock};

static COUNT: AtomicUsize = AtomicUsize::new(0);

fn map() -> &'static RwLock<HashMap<PathBuf, Arc<[u8]>>> {
    static MAP: OnceLock<RwLock<HashMap<PathBuf, Arc<[u8]>>>> = OnceLock::new();
    MAP.get_or_init(Default::default)
}

/// The canonical form of a path: the file itself resolved, or (for a file not yet on disk) its
/// folder resolved and the name joined; failing both, the path made absolute.
pub fn key(path: &Path) -> PathBuf {
    if let Ok(p) = std::fs::canonicalize(path) {
        return p;
    }
    if let (Some(parent), Some(name)) = (path.parent(), path.file_name()) {
        let parent = if parent.as_os_str().is_empty() {
            Path::new(".")
        } else {
            parent
        };
        if let Ok(p) = std::fs::canonicalize(parent) {
            return p.join(name);
        }
    }
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Makes reads of `path` return `text` until [`remove`] is called.
pub fn set(path: &Path, text: impl Into<Arc<[u8]>>) {
    let mut m = map().write().unwrap_or_else(|e| e.into_inner());
    m.insert(key(path), text.into());
    COUNT.store(m.len(), Ordering::SeqCst);
}

/// Reads of `path` go to disk again.
pub fn remove(path: &Path) {
    let mut m = map().write().unwrap_or_else(|e| e.into_inner());
    m.remove(&key(path));
    COUNT.store(m.len(), Ordering::SeqCst);
}

/// The overlaid text of `path`, if any.
pub fn get(path: &Path) -> Option<Arc<[u8]>> {
    if COUNT.load(Ordering::SeqCst) == 0 {
        return None;
    }
    let k = key(path);
    map()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .get(&k)
        .cloned()
}

/// Overlaid files below the folder `dir` that do not exist on disk (an editor's new, unsaved
/// file), with their path relative to `dir` (`/`-separated) and text, sorted by path. The
/// folder walks of the loader do not see them, so it adds them.
pub fn unsaved_under(dir: &Path) -> Vec<(String, Arc<[u8]>)> {
    if COUNT.load(Ordering::SeqCst) == 0 {
        return Vec::new();
    }
    let Ok(dir) = std::fs::canonicalize(dir) else {
        return Vec::new();
    };
    let mut out: Vec<(String, Arc<[u8]>)> = map()
        .read()
        .unwrap_or_else(|e| e.into_inner())
        .iter()
        .filter(|(p, _)| std::fs::symlink_metadata(p).is_err())
        .filter_map(|(p, text)| {
            let rel = p.strip_prefix(&dir).ok()?;
            let rel = rel.to_str()?.replace('\\', "/");
            (!rel.is_empty()).then(|| (rel, text.clone()))
        })
        .collect();
    out.sort_by(|a, b| a.0.cmp(&b.0));
    out
}

/// Removes the given paths from the overlay when dropped.
#[derive(Default)]
pub struct Guard(std::collections::BTreeSet<PathBuf>);

impl Guard {
    /// Overlays `path` and remembers to remove it (once, however often it is set).
    pub fn set(&mut self, path: &Path, text: impl Into<Arc<[u8]>>) {
        set(path, text);
        self.0.insert(key(path));
    }
}

impl Drop for Guard {
    fn drop(&mut self) {
        for p in &self.0 {
            remove(p);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overlaid_text_replaces_the_file_until_removed() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.yaml");
        std::fs::write(&p, "a: 1\n").unwrap();
        {
            let mut g = Guard::default();
            g.set(&dir.path().join("./a.yaml"), b"a: 2\n".to_vec());
            let read = crate::chart::load::read_limited(&p).unwrap();
            assert_eq!(read, b"a: 2\n");
            // A file that does not exist yet can be overlaid too.
            g.set(&dir.path().join("new.yaml"), b"b: 1\n".to_vec());
            assert_eq!(
                crate::chart::load::read_limited(&dir.path().join("new.yaml")).unwrap(),
                b"b: 1\n"
            );
        }
        assert_eq!(crate::chart::load::read_limited(&p).unwrap(), b"a: 1\n");
    }
}
