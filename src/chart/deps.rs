//! A chart's declared dependencies and the charts that provide them.
//!
//! Dependencies are declared in Chart.yaml (`apiVersion: v2`) or, as Helm 3 still reads them,
//! in `requirements.yaml` (`apiVersion: v1` charts, common in the archived stable and
//! incubator repositories); `Chart.lock` / `requirements.lock` record where each one was
//! fetched from.
//!
//! A dependency is provided by a chart in `charts/` (vendored) or, in a source repository where
//! `charts/` is not committed, by a chart found locally (linked): the folder a `file://`
//! repository names, a sibling folder of the same name next to the chart, or a folder of a
//! configured `dependencyPaths` entry, in each case only when the chart found has the
//! dependency's name and (except for a `file://` path) a version that satisfies its
//! constraint. Linked charts are read for what they give the chart that depends on them
//! (their `define`s and default values); they are
//! not linted as part of it.

use super::{Chart, YamlDoc};
use crate::source::File;
use crate::yaml::Node;
use std::path::{Path, PathBuf};

/// How deep linked dependencies of linked dependencies are followed.
const MAX_LINK_DEPTH: usize = 6;

/// One entry of `dependencies`.
#[derive(Debug, Clone, Copy)]
pub struct Dependency<'a> {
    /// The entry (a mapping) in Chart.yaml or requirements.yaml.
    pub node: &'a Node,
    /// The file that declares it.
    pub file: &'a File,
    pub name: &'a str,
    pub alias: Option<&'a str>,
    pub version: Option<&'a str>,
    pub repository: Option<&'a str>,
}

impl<'a> Dependency<'a> {
    /// The key under which the parent's values reach the dependency: its alias, or its name.
    pub fn key(&self) -> &'a str {
        self.alias.unwrap_or(self.name)
    }

    /// Fetched from a chart repository or registry (not a `file://` path, not empty).
    pub fn is_remote(&self) -> bool {
        self.repository
            .is_some_and(|r| !r.trim().is_empty() && !r.trim().starts_with("file://"))
    }
}

fn str_of<'a>(n: &'a Node, k: &str) -> Option<&'a str> {
    n.get(k)
        .and_then(Node::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
}

fn dependency_list(doc: &YamlDoc) -> Option<&[Node]> {
    if doc.yaml.has_syntax_error() {
        return None;
    }
    doc.yaml.root()?.get("dependencies")?.as_seq()
}

impl Chart {
    /// The file whose `dependencies` Helm uses: `requirements.yaml` when it lists any (Helm 3
    /// reads it into the chart's metadata), else Chart.yaml.
    pub fn dependency_doc(&self) -> Option<&YamlDoc> {
        self.requirements
            .as_ref()
            .filter(|r| dependency_list(r).is_some())
            .or(self.chart_yaml.as_ref())
    }

    /// The declared dependencies that have a name.
    pub fn dependencies(&self) -> Vec<Dependency<'_>> {
        let Some(doc) = self.dependency_doc() else {
            return Vec::new();
        };
        dependency_list(doc)
            .unwrap_or(&[])
            .iter()
            .filter_map(|n| {
                Some(Dependency {
                    node: n,
                    file: &doc.file,
                    name: str_of(n, "name")?,
                    alias: str_of(n, "alias"),
                    version: n
                        .get("version")
                        .and_then(|v| v.scalar_text())
                        .map(str::trim),
                    repository: str_of(n, "repository"),
                })
            })
            .collect()
    }

    /// The chart that provides the dependency named `name`: in `charts/`, else linked.
    pub fn dependency_chart(&self, name: &str) -> Option<&Chart> {
        self.subcharts
            .iter()
            .chain(self.linked.iter())
            .find(|s| s.name() == name)
    }

    /// Every declared dependency is provided (vendored or linked), so the chart's templates
    /// and values are known in full.
    pub fn dependencies_known(&self) -> bool {
        self.dependencies()
            .iter()
            .all(|d| self.dependency_chart(d.name).is_some())
    }

    /// The charts this chart's templates are parsed with and whose values it coalesces:
    /// vendored subcharts, then linked dependencies.
    pub fn dependency_charts(&self) -> impl Iterator<Item = &Chart> {
        self.subcharts.iter().chain(self.linked.iter())
    }

    /// Whether `sub` (one of this chart's `charts/` entries) is third-party: a packaged
    /// archive, or a folder that the lock file or `dependencies` says came from a chart
    /// repository. First-party subcharts are folders committed with the parent.
    pub fn is_third_party(&self, sub: &Chart) -> bool {
        if sub.archive.is_some() {
            return true;
        }
        let name = sub.name();
        let locked_remote = self
            .lock
            .as_ref()
            .and_then(dependency_list)
            .is_some_and(|l| {
                l.iter().any(|n| {
                    str_of(n, "name") == Some(name)
                        && str_of(n, "repository").is_some_and(|r| !r.starts_with("file://"))
                })
            });
        locked_remote
            || self
                .dependencies()
                .iter()
                .any(|d| d.name == name && d.is_remote())
    }
}

/// Whether `version` satisfies `constraint` (no constraint: any version).
fn satisfies(constraint: Option<&str>, version: &str) -> bool {
    let Some(c) = constraint.filter(|c| !c.is_empty()) else {
        return true;
    };
    let Ok(c) = super::semver::parse_constraint(c) else {
        return false;
    };
    super::semver::parse_lenient(version).is_some_and(|v| c.matches(&v))
}

/// The name and version in a folder's Chart.yaml, read without loading the chart.
fn peek(dir: &Path) -> Option<(String, String)> {
    let path = dir.join("Chart.yaml");
    let bytes = super::load::read_limited(&path).ok()?;
    let text = String::from_utf8(bytes).ok()?;
    let yaml = crate::yaml::parse(&text);
    let root = yaml.root()?;
    let name = root.get("name")?.as_str()?.to_string();
    let version = root
        .get("version")
        .and_then(|v| v.scalar_text())
        .unwrap_or_default()
        .to_string();
    Some((name, version))
}

/// Where a dependency of the chart in `root` may be found locally, in order.
fn candidates(root: &Path, dep: &Dependency, search: &[PathBuf]) -> Vec<PathBuf> {
    let mut out = Vec::new();
    if let Some(rest) = dep.repository.and_then(|r| r.strip_prefix("file://")) {
        let p = Path::new(rest);
        out.push(if p.is_absolute() {
            p.to_path_buf()
        } else {
            root.join(p)
        });
    }
    if let Some(parent) = root.parent() {
        out.push(parent.join(dep.name));
    }
    for dir in search {
        out.push(dir.join(dep.name));
    }
    for dir in search {
        let Ok(entries) = std::fs::read_dir(dir) else {
            continue;
        };
        let mut more: Vec<PathBuf> = entries
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| p.file_name().is_some_and(|n| n != dep.name))
            .collect();
        more.sort();
        out.extend(more);
    }
    out
}

/// Links the dependencies that `charts/` does not provide to charts found locally (see the
/// module documentation), for the chart and its subchart folders.
pub fn link_local(chart: &mut Chart, search: &[PathBuf]) {
    let mut stack = Vec::new();
    if let Ok(c) = std::fs::canonicalize(&chart.root) {
        stack.push(c);
    }
    link(chart, search, &mut stack);
}

fn link(chart: &mut Chart, search: &[PathBuf], stack: &mut Vec<PathBuf>) {
    // Archives have no folder around them to search.
    if chart.archive.is_some() || stack.len() > MAX_LINK_DEPTH {
        return;
    }
    for sub in &mut chart.subcharts {
        if sub.archive.is_none() {
            link(sub, search, stack);
        }
    }
    let wanted: Vec<(String, Option<String>, bool, Vec<PathBuf>)> = chart
        .dependencies()
        .iter()
        .filter(|d| !chart.subcharts.iter().any(|s| s.name() == d.name))
        .map(|d| {
            (
                d.name.to_string(),
                d.version.map(str::to_string),
                d.repository.is_some_and(|r| r.starts_with("file://")),
                candidates(&chart.root, d, search),
            )
        })
        .collect();
    for (name, version, file_repo, places) in wanted {
        if chart.linked.iter().any(|l| l.name() == name) {
            continue;
        }
        // A `file://` path is what `helm dependency build` packages, whatever its version.
        let file_repo = places.first().cloned().filter(|_| file_repo);
        let found = places.into_iter().find(|p| {
            peek(p).is_some_and(|(n, v)| {
                n == name && (Some(p) == file_repo.as_ref() || satisfies(version.as_deref(), &v))
            })
        });
        let Some(dir) = found else { continue };
        let Ok(canon) = std::fs::canonicalize(&dir) else {
            continue;
        };
        if stack.contains(&canon) {
            continue;
        }
        let (mut dep, _) = super::load::load_chart_dir(&dir);
        stack.push(canon);
        link(&mut dep, search, stack);
        stack.pop();
        chart.linked.push(dep);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::chart::test_support::chart;

    #[test]
    fn requirements_yaml_declares_the_dependencies_of_v1_charts() {
        let c = chart("web")
            .chart_yaml("apiVersion: v1\nname: web\nversion: 1.0.0\n")
            .requirements("dependencies:\n  - name: postgresql\n    version: 1.0.1\n    alias: db\n  - name: redis\n    repository: https://charts.example.com\n")
            .build();
        let d = c.dependencies();
        assert_eq!(d.len(), 2);
        assert_eq!(d[0].key(), "db");
        assert!(!d[0].is_remote());
        assert!(d[1].is_remote());
        assert!(
            c.dependency_doc()
                .unwrap()
                .file
                .path
                .ends_with("requirements.yaml")
        );
        assert!(!c.dependencies_known());
    }

    #[test]
    fn third_party_subcharts() {
        let c = chart("web")
            .chart_yaml("apiVersion: v2\nname: web\nversion: 1.0.0\ndependencies:\n  - name: own\n    version: 1.0.0\n  - name: redis\n    version: 1.0.0\n    repository: https://charts.example.com\n")
            .subchart(chart("own").chart_yaml("name: own\nversion: 1.0.0\n"))
            .subchart(chart("redis").chart_yaml("name: redis\nversion: 1.0.0\n"))
            .build();
        assert!(!c.is_third_party(&c.subcharts[0]));
        assert!(c.is_third_party(&c.subcharts[1]));
        assert!(c.dependencies_known());
    }

    #[test]
    fn constraints() {
        assert!(satisfies(Some("2.x.x"), "2.31.10"));
        assert!(!satisfies(Some("22.x.x"), "23.1.1"));
        assert!(satisfies(None, "0.1.0"));
        assert!(!satisfies(Some(">= nonsense"), "1.0.0"));
    }

    #[test]
    fn links_siblings_and_file_repositories_that_satisfy_the_constraint() {
        let tmp = std::env::temp_dir().join(format!("plimsoll-deps-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&tmp);
        let w = |p: &str, t: &str| {
            let p = tmp.join(p);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, t).unwrap();
        };
        w(
            "app/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 1.0.0\ndependencies:\n  - name: common\n    version: 2.x.x\n    repository: oci://r/c\n  - name: db\n    version: 9.x\n  - name: lib\n    version: 1.0.0\n    repository: file://../shared/lib\n",
        );
        w(
            "common/Chart.yaml",
            "apiVersion: v2\nname: common\nversion: 2.3.0\ntype: library\ndependencies:\n  - name: app\n    version: 1.0.0\n",
        );
        w(
            "common/templates/_h.tpl",
            "{{ define \"common.x\" }}{{ end }}",
        );
        w(
            "db/Chart.yaml",
            "apiVersion: v2\nname: db\nversion: 8.0.0\n",
        );
        w(
            "shared/lib/Chart.yaml",
            "apiVersion: v2\nname: lib\nversion: 1.0.0\n",
        );
        let (mut c, _) = super::super::load::load_chart_dir(&tmp.join("app"));
        link_local(&mut c, &[]);
        let names: Vec<&str> = c.linked.iter().map(|l| l.name()).collect();
        assert_eq!(names, ["common", "lib"], "db 8.0.0 does not satisfy 9.x");
        // A cycle back to the chart is not followed.
        assert!(c.linked[0].linked.is_empty());
        assert_eq!(c.linked[0].templates.len(), 1);
        let _ = std::fs::remove_dir_all(&tmp);
    }
}
