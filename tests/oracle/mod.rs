//! The comparison oracles the corpus tests re-check their recorded answers against, when
//! installed (`scripts/get-helm.sh`).
#![allow(dead_code)]

use std::path::{Path, PathBuf};

/// A real `helm`: `$HOME/.cache/plimsoll-oracles/helm`, else `helm` on the PATH.
pub fn helm_binary() -> Option<PathBuf> {
    if let Some(home) = std::env::var_os("HOME") {
        let p = Path::new(&home).join(".cache/plimsoll-oracles/helm");
        if p.is_file() {
            return Some(p);
        }
    }
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|d| d.join("helm"))
        .find(|p| p.is_file())
}
