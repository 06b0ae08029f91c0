//! The chart model: every file of a chart read once, YAML files parsed once.

pub mod archive;
pub mod coalesce;
pub mod deps;
pub mod docs;
pub mod helmignore;
pub mod load;
pub mod semver;
pub mod templates;
pub mod value_reads;
pub mod values;

use crate::source::File;
use crate::yaml::YamlFile;
use std::path::PathBuf;

/// A YAML file with its parsed tree.
#[derive(Debug)]
pub struct YamlDoc {
    pub file: File,
    /// Shared: the same text parses once in the language server (see [`crate::incremental`]).
    pub yaml: std::sync::Arc<YamlFile>,
}

impl YamlDoc {
    pub fn parse(file: File) -> YamlDoc {
        YamlDoc::parse_chart_file(file, false)
    }

    /// [`YamlDoc::parse`] of a chart's file; a file of a subchart vendored in a `charts/` folder
    /// (`vendored`) is likely to be met again in a run (see [`crate::run_share`]).
    pub fn parse_chart_file(file: File, vendored: bool) -> YamlDoc {
        let yaml = crate::incremental::parse_yaml(&file.text, vendored);
        YamlDoc { file, yaml }
    }
}

/// An entry found in a chart's `charts/` folder.
#[derive(Debug, Clone)]
pub struct ChartsDirEntry {
    /// File or folder name as found (`mongodb`, `mongodb-10.1.1.tgz`).
    pub file_name: String,
    /// Path as shown to users.
    pub path: PathBuf,
    pub packaged: bool,
    /// A folder (or, in a packaged chart, a group of entries under `charts/<name>/`). A plain
    /// file that is neither `.tgz` nor `.prov` is not a chart: Helm fails to load it.
    pub is_dir: bool,
}

/// One chart: a folder with Chart.yaml, or a packaged `.tgz`.
#[derive(Debug, Default)]
pub struct Chart {
    /// The chart's folder (for a packaged chart: `<archive>/<top folder>`), as shown to users.
    pub root: PathBuf,
    /// The folder name the chart lives in (for a packaged chart, the archive's top folder).
    pub dir_name: String,
    /// The `.tgz` this chart was read from, if packaged.
    pub archive: Option<File>,
    pub chart_yaml: Option<YamlDoc>,
    /// Set when `Chart.yaml` exists but is a directory.
    pub chart_yaml_is_dir: bool,
    pub values: Option<YamlDoc>,
    /// `requirements.yaml`: the dependencies of an `apiVersion: v1` chart.
    pub requirements: Option<YamlDoc>,
    /// `Chart.lock`, or `requirements.lock` for an `apiVersion: v1` chart.
    pub lock: Option<YamlDoc>,
    pub values_schema: Option<File>,
    pub readme: Option<File>,
    pub helmignore: Option<File>,
    /// Every file under `templates/` that `.helmignore` keeps, sorted by path.
    pub templates: Vec<File>,
    /// `true` when `templates` exists but is not a directory.
    pub templates_not_dir: bool,
    pub crds: Vec<File>,
    /// Other files the chart ships (available to `.Files`).
    pub files: Vec<File>,
    /// The bytes of the files among [`Chart::files`] that are not UTF-8 text (images,
    /// keystores, archives), by path: their [`File`] has no text, and `.Files.GetBytes`
    /// renders these bytes.
    pub binary: std::collections::HashMap<std::path::PathBuf, std::sync::Arc<[u8]>>,
    pub charts_dir: Vec<ChartsDirEntry>,
    /// Subcharts from `charts/` (folders and archives), loaded with their parent.
    pub subcharts: Vec<Chart>,
    /// Loaded from a parent's `charts/` folder (a folder or an archive there): its files are
    /// likely to be met again in a run, in other charts vendoring the same subchart.
    pub vendored: bool,
    /// Declared dependencies missing from `charts/` but found locally (see [`deps`]): read for
    /// their `define`s and default values, not linted with this chart.
    pub linked: Vec<Chart>,
    /// Parsed templates and their analyses, computed on first use (see [`templates`]).
    pub template_cache: templates::TemplateCache,
    /// The documented values, read once for every docs rule.
    pub docs_cache: std::sync::OnceLock<docs::Docs>,
    /// The dotted path of every node of values.yaml, in walk order (see [`values::all`]).
    pub values_paths: std::sync::OnceLock<Vec<String>>,
    /// values.schema.json compiled once for every schema rule.
    pub schema_cache:
        std::sync::OnceLock<Result<jsonschema::Validator, crate::schema::SchemaProblem>>,
    /// Chart-relative paths (`values.yaml`, `templates/x.yaml`) of files that exist but could
    /// not be loaded (binary, too large, unreadable, links leaving the chart). The loader has
    /// reported them; rules must not report them as missing.
    pub unloaded: Vec<String>,
    /// The custom resource types of the CRDs in `crds/` of this chart and its subcharts, on
    /// first use (see [`Chart::crd_set`]).
    pub crd_cache: std::sync::OnceLock<std::sync::Arc<crate::k8s::schema::crd::CrdSet>>,
}

impl Chart {
    /// The custom resource types of the CustomResourceDefinitions Helm installs before the
    /// templates (`crds/` of this chart, then of each subchart in turn), made on the first
    /// call. A file is read only when an object of a kind it may define is validated, and its
    /// YAML tree is dropped once its types are read (a CRD file of 1 MB parses to tens of MB;
    /// its types take a fraction of that).
    pub fn crd_set(&self) -> std::sync::Arc<crate::k8s::schema::crd::CrdSet> {
        fn add(chart: &Chart, files: &mut Vec<File>) {
            files.extend(chart.crds.iter().cloned());
            for sub in &chart.subcharts {
                add(sub, files);
            }
        }
        self.crd_cache
            .get_or_init(|| {
                let mut files = Vec::new();
                add(self, &mut files);
                std::sync::Arc::new(crate::k8s::schema::crd::CrdSet::lazy(files))
            })
            .clone()
    }

    /// The chart's name from Chart.yaml, or its folder name.
    pub fn name(&self) -> &str {
        self.chart_yaml
            .as_ref()
            .and_then(|c| c.yaml.root())
            .and_then(|r| r.get("name"))
            .and_then(|n| n.as_str())
            .unwrap_or(&self.dir_name)
    }

    /// Values root, if values.yaml parsed to a mapping.
    pub fn values_root(&self) -> Option<&crate::yaml::Node> {
        self.values.as_ref().and_then(|v| v.yaml.root())
    }

    /// All files of this chart (not of its subcharts), for suppression scanning and counting.
    pub fn own_files(&self) -> impl Iterator<Item = &File> {
        self.chart_yaml
            .iter()
            .map(|d| &d.file)
            .chain(self.values.iter().map(|d| &d.file))
            .chain(self.requirements.iter().map(|d| &d.file))
            .chain(self.lock.iter().map(|d| &d.file))
            .chain(self.values_schema.iter())
            .chain(self.readme.iter())
            .chain(self.helmignore.iter())
            .chain(self.templates.iter())
            .chain(self.crds.iter())
            .chain(self.files.iter())
    }
}

/// A unit of work: linted independently, in parallel with the others.
#[derive(Debug)]
pub enum Unit {
    Chart(Box<Chart>),
    /// YAML files outside any chart, read as Kubernetes manifests: the files of one folder
    /// form one set (cross-object checks look within the set).
    Manifests(Vec<YamlDoc>),
}

impl Chart {
    /// The chart's own parsed YAML files (Chart.yaml, values.yaml).
    pub fn yaml_docs(&self) -> impl Iterator<Item = &YamlDoc> {
        self.chart_yaml.iter().chain(self.values.iter())
    }
}
