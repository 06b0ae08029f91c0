//! Rendering a loaded chart as `helm template` does: the chart's metadata and values read as
//! Helm reads them, dependencies checked and processed (conditions, tags, aliases,
//! import-values), values coalesced, every template of the chart and its enabled subcharts
//! parsed into one engine under Helm's names (`chart/templates/x.yaml`,
//! `chart/charts/sub/templates/x.yaml`), each non-partial file executed with its own chart's
//! context (library charts contribute only their `_` files; `NOTES.txt` is executed but not
//! printed), and the output assembled (see [`super::output`]).
//!
//! Files are taken from the chart model (`crate::chart`), which already applied
//! `.helmignore`; nothing outside the chart is read.

use super::coalesce::{self, ChartNode, Dependency, Log, Table};
use super::context::{
    Capabilities, ChartMeta, ChartObject, DependencyMeta, FileData, Files, KubeVersion, Maintainer,
    ReleaseOptions, chart_values,
};
use super::engine::{Engine, Limits, Output, TemplateFile};
use super::output::{self, CrdFile, OutputOptions, RenderedFile};
use super::value::{Kind, Value};
use super::yaml_in::{self, Target};
use crate::chart::Chart;
use crate::source::{File, SourceFile};
use crate::yaml::{Node, NodeKind};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

/// What `helm template` takes besides the chart.
#[derive(Clone, Debug, Default)]
pub struct RenderOptions {
    pub release: ReleaseOptions,
    pub kube_version: Option<KubeVersion>,
    /// `--api-versions`.
    pub api_versions: Vec<String>,
    pub output: OutputOptions,
    pub limits: Limits,
    /// `--skip-schema-validation`.
    pub skip_schema_validation: bool,
}

/// A failure, with the message Helm prints after `Error: `.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TemplateError {
    pub message: String,
    /// Whether Helm adds `\n\nUse --debug flag to render out invalid YAML` (failures after
    /// the release object exists: template errors, YAML errors of the output, kubeVersion).
    pub debug_hint: bool,
}

impl TemplateError {
    fn new(message: impl Into<String>) -> TemplateError {
        TemplateError {
            message: message.into(),
            debug_hint: false,
        }
    }

    fn render(message: impl Into<String>) -> TemplateError {
        TemplateError {
            message: message.into(),
            debug_hint: true,
        }
    }

    /// The whole text Helm writes to stderr, without the trailing newline.
    pub fn helm_text(&self) -> String {
        if self.debug_hint {
            format!(
                "Error: {}\n\nUse --debug flag to render out invalid YAML",
                self.message
            )
        } else {
            format!("Error: {}", self.message)
        }
    }
}

/// The files a render reads, by id: values files, user values files and templates. Origins
/// and segments refer to these ids.
#[derive(Debug, Default)]
pub struct FileTable {
    pub files: Vec<File>,
}

impl FileTable {
    pub fn add(&mut self, f: &File) -> u32 {
        self.files.push(f.clone());
        (self.files.len() - 1) as u32
    }
}

/// A finished render.
#[derive(Debug)]
pub struct Rendered {
    /// Every executed file (partials excluded, `NOTES.txt` included) with its provenance.
    pub outputs: Vec<(String, Output)>,
    /// The `helm template` text.
    pub text: String,
    /// The coalesced values of the root chart.
    pub values: Value,
    pub files: FileTable,
    /// What Helm would log (coalescing warnings).
    pub warnings: Vec<String>,
}

/// A chart with what the render needs, read once.
struct Loaded {
    /// values.schema.json, if any.
    schema: Option<File>,
    meta: ChartMeta,
    values: Table,
    deps: Option<Vec<Dependency>>,
    /// Chart-relative name to contents.
    files: Arc<BTreeMap<String, FileData>>,
    /// (chart-relative name, file, its tree when the chart model parsed it as Helm does) of
    /// each template.
    templates: Vec<(String, File, Option<Arc<crate::template::Template>>)>,
    crds: Vec<(String, File)>,
    subcharts: Vec<usize>,
}

fn rel_name(chart: &Chart, f: &SourceFile) -> String {
    rel_to(&chart.root, &f.path)
}

/// `path` relative to `root` (or `path` when it is not below it), with `/` separators.
fn rel_to(root: &Path, path: &Path) -> String {
    // Most paths are the root, a separator and a plain relative path (no empty or `.` parts):
    // what `strip_prefix` would leave of them is that relative path, found without taking
    // both paths apart into components.
    let (p, r) = (
        path.as_os_str().as_encoded_bytes(),
        root.as_os_str().as_encoded_bytes(),
    );
    if !r.is_empty()
        && let Some(rest) = p.strip_prefix(r).and_then(|x| x.strip_prefix(b"/"))
        && !rest.is_empty()
        && rest
            .split(|&b| b == b'/')
            .all(|c| !c.is_empty() && c != b".")
        && let Ok(rest) = std::str::from_utf8(rest)
    {
        return rest.replace('\\', "/");
    }
    let p = path.strip_prefix(root).unwrap_or(path);
    p.to_string_lossy().replace('\\', "/")
}

/// A scalar read into a Go `string` field through sigs.k8s.io/yaml.
fn meta_string(n: &Node) -> String {
    match &n.kind {
        NodeKind::Scalar(s) => match s.value {
            crate::yaml::Value::Null => String::new(),
            crate::yaml::Value::Bool(b) => b.to_string(),
            crate::yaml::Value::Int(i) => i.to_string(),
            crate::yaml::Value::Float(f) => super::gofmt::format_float(f, b'g', -1, 32),
            crate::yaml::Value::Str => s.text.clone(),
        },
        _ => String::new(),
    }
}

fn meta_strings(n: Option<&Node>) -> Vec<String> {
    n.and_then(|n| n.as_seq())
        .map(|s| s.iter().map(meta_string).collect())
        .unwrap_or_default()
}

fn get_string(n: &Node, key: &str) -> String {
    n.get(key).map(meta_string).unwrap_or_default()
}

fn read_dependencies(list: Option<&Node>) -> (Option<Vec<Dependency>>, Vec<DependencyMeta>) {
    let Some(seq) = list.and_then(|l| l.as_seq()) else {
        return (None, Vec::new());
    };
    let mut deps = Vec::new();
    let mut metas = Vec::new();
    for d in seq {
        let import_values: Vec<Value> = d
            .get("import-values")
            .and_then(|n| n.as_seq())
            .map(|s| {
                s.iter()
                    .filter_map(|x| yaml_in::node_to_value(x, None).ok())
                    .collect()
            })
            .unwrap_or_default();
        let dep = Dependency {
            name: get_string(d, "name"),
            version: get_string(d, "version"),
            alias: get_string(d, "alias"),
            condition: get_string(d, "condition"),
            tags: meta_strings(d.get("tags")),
            import_values: import_values.clone(),
            enabled: d.get("enabled").and_then(|e| e.as_bool()).unwrap_or(false),
        };
        metas.push(DependencyMeta {
            name: dep.name.clone(),
            version: dep.version.clone(),
            repository: get_string(d, "repository"),
            condition: dep.condition.clone(),
            tags: dep.tags.clone(),
            enabled: dep.enabled,
            import_values,
            alias: dep.alias.clone(),
        });
        deps.push(dep);
    }
    (Some(deps), metas)
}

fn read_meta(chart: &Chart) -> Result<(ChartMeta, Option<Vec<Dependency>>), TemplateError> {
    let Some(doc) = &chart.chart_yaml else {
        return Err(TemplateError::new("Chart.yaml file is missing"));
    };
    // Errors as sigs.k8s.io/yaml reports them, through the same reader as values files.
    if let Err(e) = yaml_in::load_shared(&doc.file.text, &doc.yaml, None, Target::Any) {
        return Err(TemplateError::new(format!("cannot load Chart.yaml: {e}")));
    }
    let empty = Node {
        span: Default::default(),
        kind: NodeKind::Map(Vec::new()),
        alias: None,
        duplicate_keys: false,
        index: None,
    };
    let root = doc.yaml.root().unwrap_or(&empty);
    let mut meta = ChartMeta {
        name: get_string(root, "name"),
        home: get_string(root, "home"),
        sources: meta_strings(root.get("sources")),
        version: get_string(root, "version"),
        description: get_string(root, "description"),
        keywords: meta_strings(root.get("keywords")),
        maintainers: root
            .get("maintainers")
            .and_then(|m| m.as_seq())
            .map(|s| {
                s.iter()
                    .map(|m| Maintainer {
                        name: get_string(m, "name"),
                        email: get_string(m, "email"),
                        url: get_string(m, "url"),
                    })
                    .collect()
            })
            .unwrap_or_default(),
        icon: get_string(root, "icon"),
        api_version: get_string(root, "apiVersion"),
        condition: get_string(root, "condition"),
        tags: get_string(root, "tags"),
        app_version: get_string(root, "appVersion"),
        deprecated: root
            .get("deprecated")
            .and_then(|d| d.as_bool())
            .unwrap_or(false),
        annotations: root
            .get("annotations")
            .map(|a| {
                a.entries()
                    .map(|e| (e.key_json_string(), meta_string(&e.value)))
                    .collect()
            })
            .unwrap_or_default(),
        kube_version: get_string(root, "kubeVersion"),
        dependencies: Vec::new(),
        chart_type: get_string(root, "type"),
    };
    if meta.api_version.is_empty() {
        meta.api_version = "v1".into();
    }
    let (mut deps, mut metas) = read_dependencies(root.get("dependencies"));
    if meta.api_version == "v1"
        && let Some(req) = chart.requirements.as_ref().map(|d| &d.file).or_else(|| {
            chart
                .files
                .iter()
                .find(|f| rel_name(chart, f) == "requirements.yaml")
        })
    {
        let parsed = crate::yaml::parse(&req.text);
        if let Err(e) = yaml_in::load_parsed(&req.text, &parsed, None, Target::Any) {
            return Err(TemplateError::new(format!(
                "cannot load requirements.yaml: {e}"
            )));
        }
        if let Some(r) = parsed.root() {
            (deps, metas) = read_dependencies(r.get("dependencies"));
        }
    }
    meta.dependencies = metas;
    validate(&meta)?;
    Ok((meta, deps))
}

fn validate(meta: &ChartMeta) -> Result<(), TemplateError> {
    let fail = |m: String| Err(TemplateError::new(format!("validation: {m}")));
    if meta.name.is_empty() {
        return fail("chart.metadata.name is required".into());
    }
    if meta.name.contains('/') || meta.name == "." || meta.name == ".." {
        return fail(format!(
            "chart.metadata.name {} is invalid",
            super::set_values::go_quote(&meta.name)
        ));
    }
    if meta.version.is_empty() {
        return fail("chart.metadata.version is required".into());
    }
    if crate::chart::semver::parse_lenient(&meta.version).is_none() {
        return fail(format!(
            "chart.metadata.version {} is invalid",
            super::set_values::go_quote(&meta.version)
        ));
    }
    if !matches!(meta.chart_type.as_str(), "" | "application" | "library") {
        return fail("chart.metadata.type must be application or library".into());
    }
    let mut seen = crate::FastSet::default();
    for d in &meta.dependencies {
        let key = if d.alias.is_empty() {
            &d.name
        } else {
            &d.alias
        };
        if !seen.insert(key.clone()) {
            return fail(format!(
                "more than one dependency with name or alias {}",
                super::set_values::go_quote(key)
            ));
        }
    }
    Ok(())
}

/// Loads `chart` and its subcharts into `out`; returns its index.
fn load(
    chart: &Chart,
    out: &mut Vec<Loaded>,
    table: &mut FileTable,
    path: &str,
) -> Result<usize, TemplateError> {
    let (meta, deps) = read_meta(chart)?;
    let values = match &chart.values {
        None => Table::new(),
        Some(doc) => {
            let id = table.add(&doc.file);
            match yaml_in::load_shared(&doc.file.text, &doc.yaml, Some(id), Target::Map) {
                Ok(v) => coalesce::table(&v).cloned().unwrap_or_default(),
                Err(e) => {
                    return Err(TemplateError::new(format!("cannot load values.yaml: {e}")));
                }
            }
        }
    };
    let v2 = meta.api_version != "v1";
    let mut files = BTreeMap::new();
    for f in chart
        .files
        .iter()
        .chain(chart.readme.iter())
        .chain(chart.helmignore.iter())
        .chain(chart.crds.iter())
        .chain(chart.requirements.iter().map(|d| &d.file))
        .chain(chart.lock.iter().map(|d| &d.file))
    {
        let name = rel_name(chart, f);
        if name == "Chart.lock"
            || (v2 && (name == "requirements.yaml" || name == "requirements.lock"))
        {
            continue;
        }
        let data = match chart.binary.get(&f.path) {
            Some(b) => FileData::Bytes(b.clone()),
            None => FileData::text(f.clone()),
        };
        files.insert(name, data);
    }
    // The trees the chart model parsed are the renderer's trees: not parsed again.
    let parsed = chart.parsed_templates();
    let templates = chart
        .templates
        .iter()
        .map(|f| {
            let tree = parsed
                .iter()
                .find(|t| Arc::ptr_eq(&t.file, f))
                .and_then(|t| t.helm_tree());
            (rel_name(chart, f), f.clone(), tree)
        })
        .collect();
    let crds = chart
        .crds
        .iter()
        .map(|f| (rel_name(chart, f), f.clone()))
        .filter(|(n, _)| n.ends_with(".yaml") || n.ends_with(".yml") || n.ends_with(".json"))
        .collect();
    // Helm reads every other entry of `charts/` as a chart folder, which a plain file is not.
    if let Some(e) = chart
        .charts_dir
        .iter()
        .find(|e| !e.is_dir && !e.packaged && !e.file_name.ends_with(".prov"))
    {
        return Err(TemplateError::new(format!(
            "error unpacking subchart {} in {}: Chart.yaml file is missing",
            e.file_name, meta.name
        )));
    }
    let idx = out.len();
    out.push(Loaded {
        schema: chart.values_schema.clone(),
        meta,
        values,
        deps,
        files: Arc::new(files),
        templates,
        crds,
        subcharts: Vec::new(),
    });
    let mut subs = Vec::new();
    // Vendored subcharts, then dependencies linked from chart folders on disk.
    let mut ordered: Vec<&Chart> = chart.subcharts.iter().chain(chart.linked.iter()).collect();
    ordered.sort_by(|a, b| a.name().cmp(b.name()));
    for sub in ordered {
        let name = sub.name().to_string();
        let i = load(sub, out, table, &format!("{path}{name}/")).map_err(|e| {
            let parent = out[idx].meta.name.clone();
            TemplateError::new(format!(
                "error unpacking subchart {name} in {parent}: {}",
                e.message
            ))
        })?;
        subs.push(i);
    }
    out[idx].subcharts = subs;
    Ok(idx)
}

fn node_of(loaded: &[Loaded], i: usize) -> ChartNode {
    let l = &loaded[i];
    ChartNode {
        name: l.meta.name.clone(),
        version: l.meta.version.clone(),
        values: l.values.clone(),
        dependencies: l.deps.clone(),
        charts: l.subcharts.iter().map(|&s| node_of(loaded, s)).collect(),
        id: i,
    }
}

/// Reads the user's values as `helm template` merges them: `-f` files in order, then every
/// `--set-json`, `--set`, `--set-string`.
#[derive(Clone, Debug, Default)]
pub struct UserValues {
    /// `-f` files, already read: (name as given, file).
    pub files: Vec<(String, File)>,
    pub set_json: Vec<String>,
    pub set: Vec<String>,
    pub set_string: Vec<String>,
    /// `--set-file key=path`: the named files are read when the values are merged.
    pub set_file: Vec<String>,
}

impl UserValues {
    pub fn merge(&self, table: &mut FileTable) -> Result<Table, TemplateError> {
        use super::set_values::{SetKind, flag_error, merge_maps, parse_into};
        let mut base = Table::new();
        for (name, f) in &self.files {
            let id = table.add(f);
            let v = yaml_in::load(&f.text, Some(id), Target::Map)
                .map_err(|e| TemplateError::new(format!("failed to parse {name}: {e}")))?;
            merge_maps(&mut base, coalesce::table(&v).cloned().unwrap_or_default());
        }
        for (args, kind) in [
            (&self.set_json, SetKind::Json),
            (&self.set, SetKind::Typed),
            (&self.set_string, SetKind::String),
            (&self.set_file, SetKind::File),
        ] {
            for a in args {
                parse_into(a, &mut base, kind)
                    .map_err(|e| TemplateError::new(flag_error(kind, a, &e)))?;
            }
        }
        Ok(base)
    }
}

/// (Helm name, base path, context index, file, parsed tree) of one template.
type TemplateEntry = (
    String,
    String,
    usize,
    File,
    Option<Arc<crate::template::Template>>,
);

struct Ctx<'a> {
    loaded: &'a [Loaded],
    caps: Value,
    release: Value,
    templates: Vec<TemplateEntry>,
    /// (template name, context) for each chart's files.
    contexts: Vec<BTreeMap<String, Value>>,
    crds: Vec<CrdFile>,
}

/// `recAllTpls`: the context of chart `node` and its subcharts; collects templates.
fn rec_all_tpls(
    cx: &mut Ctx,
    node: &ChartNode,
    parent_values: &Value,
    full_path: &str,
    is_root: bool,
    meta_override: Option<&ChartMeta>,
) -> Value {
    let l = &cx.loaded[node.id];
    let mut meta = meta_override.cloned().unwrap_or_else(|| l.meta.clone());
    meta.name = node.name.clone();
    let values = if is_root {
        parent_values.clone()
    } else {
        match &parent_values.kind {
            Kind::Map(m) => match m.entries.get(&node.name).and_then(coalesce::table) {
                Some(t) => chart_values(t.clone()),
                None => chart_values(Table::new()),
            },
            _ => chart_values(Table::new()),
        }
    };
    let mut next = BTreeMap::new();
    next.insert(
        "Chart".to_string(),
        Value::new(Kind::Object(Arc::new(ChartObject { meta, is_root }))),
    );
    next.insert(
        "Files".into(),
        Value::new(Kind::Object(Arc::new(Files::shared(l.files.clone())))),
    );
    next.insert("Release".into(), cx.release.clone());
    next.insert("Capabilities".into(), cx.caps.clone());
    next.insert("Values".into(), values.clone());
    let mut subcharts = BTreeMap::new();
    for child in &node.charts {
        let child_path = format!("{full_path}/charts/{}", child.name);
        let sub = rec_all_tpls(cx, child, &values, &child_path, false, None);
        subcharts.insert(child.name.clone(), sub);
    }
    next.insert("Subcharts".into(), Value::map(subcharts));
    let library = l.meta.chart_type.eq_ignore_ascii_case("library");
    let ctx_index = cx.contexts.len();
    for (rel, f, tree) in &l.templates {
        let base = rel.rsplit('/').next().unwrap_or(rel);
        if library && !base.starts_with('_') {
            continue;
        }
        cx.templates.push((
            [full_path, "/", rel].concat(),
            [full_path, "/templates"].concat(),
            ctx_index,
            f.clone(),
            tree.clone(),
        ));
    }
    cx.contexts.push(next.clone());
    Value::map(next)
}

fn collect_crds(cx: &mut Ctx, node: &ChartNode, full_path: &str) {
    let l = &cx.loaded[node.id];
    for (rel, f) in &l.crds {
        cx.crds.push(CrdFile {
            name: format!("{full_path}/{rel}"),
            file: f.clone(),
        });
    }
    for child in &node.charts {
        collect_crds(cx, child, &format!("{full_path}/charts/{}", child.name));
    }
}

/// Values as JSON the way Helm hands them to the schema validator (through YAML, so whole
/// floats are integers).
fn to_json(v: &Value) -> serde_json::Value {
    match &v.kind {
        Kind::Invalid | Kind::Nil => serde_json::Value::Null,
        Kind::Bool(b) => serde_json::Value::Bool(*b),
        Kind::Int(i) | Kind::Int64(i) => serde_json::Value::from(*i),
        Kind::Float(f) => {
            if f.fract() == 0.0 && f.abs() < 9.0e15 {
                serde_json::Value::from(*f as i64)
            } else {
                serde_json::Number::from_f64(*f)
                    .map(serde_json::Value::Number)
                    .unwrap_or(serde_json::Value::Null)
            }
        }
        Kind::Str(s) => serde_json::Value::String(s.to_string()),
        Kind::Bytes(b) => serde_json::Value::String(super::json_out::base64_std(b)),
        Kind::List(l) => serde_json::Value::Array(l.items.iter().map(to_json).collect()),
        Kind::Map(m) => serde_json::Value::Object(
            m.entries
                .iter()
                .map(|(k, v)| (k.clone(), to_json(v)))
                .collect(),
        ),
        Kind::Object(o) => serde_json::Value::String(o.print()),
    }
}

/// `ValidateAgainstSchema`: each enabled chart's values.schema.json against its own values.
fn validate_schemas(loaded: &[Loaded], node: &ChartNode, values: &Table, report: &mut String) {
    if let Some(schema) = &loaded[node.id].schema {
        let problems: Vec<String> = match crate::schema::compile(schema) {
            Ok(v) => {
                let instance = to_json(&Value::map(values.clone()));
                crate::schema::errors(&v, &instance)
                    .into_iter()
                    .map(|e| {
                        let at = if e.pointer.is_empty() {
                            "(root)".to_string()
                        } else {
                            e.pointer.trim_start_matches('/').replace('/', ".")
                        };
                        format!("- {at}: {}\n", e.message)
                    })
                    .collect()
            }
            Err(_) => Vec::new(),
        };
        if !problems.is_empty() {
            report.push_str(&format!("{}:\n", node.name));
            for p in problems {
                report.push_str(&p);
            }
        }
    }
    for sub in &node.charts {
        if let Some(t) = values.get(&sub.name).and_then(coalesce::table) {
            validate_schemas(loaded, sub, t, report);
        }
    }
}

/// Metadata of the root chart after dependency processing (names are aliases, `enabled`
/// set, import-values rewritten).
fn processed_meta(meta: &ChartMeta, deps: &Option<Vec<Dependency>>) -> ChartMeta {
    let mut m = meta.clone();
    if let Some(deps) = deps {
        m.dependencies = deps
            .iter()
            .map(|d| {
                let orig = meta.dependencies.iter().find(|x| {
                    (if x.alias.is_empty() {
                        &x.name
                    } else {
                        &x.alias
                    }) == &d.name
                });
                DependencyMeta {
                    name: d.name.clone(),
                    version: d.version.clone(),
                    repository: orig.map(|o| o.repository.clone()).unwrap_or_default(),
                    condition: d.condition.clone(),
                    tags: d.tags.clone(),
                    enabled: d.enabled,
                    import_values: d.import_values.clone(),
                    alias: d.alias.clone(),
                }
            })
            .collect();
    } else {
        m.dependencies.clear();
    }
    m
}

/// Renders `chart` as `helm template` does with the given user values.
pub fn render(
    chart: &Chart,
    user: &UserValues,
    opts: &RenderOptions,
) -> Result<Rendered, TemplateError> {
    let p = prepare(chart, user, opts, false)?;
    let engine = Engine::with_trees(p.engine_files, opts.limits.clone())
        .map_err(|e| TemplateError::render(e.message))?;
    let mut outputs = Vec::new();
    for (name, data) in p.executions {
        let out = engine
            .render_file(&name, data)
            .map_err(|e| TemplateError::render(e.message))?;
        outputs.push((name, out));
    }
    let rendered: Vec<RenderedFile> = outputs
        .iter()
        .filter(|(n, _)| !n.ends_with("NOTES.txt"))
        .map(|(n, o)| RenderedFile {
            name: n.clone(),
            content: o.text.clone(),
        })
        .collect();
    let text = output::assemble(&rendered, &p.crds, &opts.output).map_err(|e| TemplateError {
        message: e.message,
        debug_hint: e.render_error,
    })?;
    Ok(Rendered {
        outputs,
        text,
        values: p.values,
        files: p.table,
        warnings: p.warnings,
    })
}

/// A render for linting: every template executed on its own, so one failure hides nothing
/// else (see [`render_lenient`]).
#[derive(Debug)]
pub struct LenientRender {
    /// Each executed file (partials excluded, `NOTES.txt` included): its Helm name, its id
    /// in [`Self::files`] and its output.
    pub outputs: Vec<(String, u32, Output)>,
    /// Files that failed to parse or execute, with the error (file ids in [`Self::files`]).
    pub errors: Vec<(String, super::engine::RenderError)>,
    /// Declared dependencies missing from `charts/` (and not found locally), left out.
    pub missing: Vec<String>,
    pub files: FileTable,
    /// The id in [`Self::files`] of every template, by Helm name.
    pub names: crate::FastMap<String, u32>,
}

/// Renders `chart` for linting: like [`render`], except that missing dependencies are left out
/// (and named) rather than fatal, values are not checked against the schema (the values rules
/// do that), `kubeVersion` is not enforced, a template that fails to parse is left out, and
/// each template is executed even when another failed. `Err` only when the chart cannot be
/// rendered at all (its Chart.yaml or values cannot be read, dependency processing fails).
pub fn render_lenient(
    chart: &Chart,
    user: &UserValues,
    opts: &RenderOptions,
) -> Result<LenientRender, TemplateError> {
    let p = prepare(chart, user, opts, true)?;
    let mut errors = Vec::new();
    let mut files = p.engine_files.clone();
    let engine = loop {
        match Engine::with_trees(files.clone(), opts.limits.clone()) {
            Ok(e) => break e,
            Err(e) => {
                let Some(i) = files.iter().position(|(f, _)| Some(f.file_id) == e.file) else {
                    return Err(TemplateError::render(e.message));
                };
                errors.push((files.remove(i).0.name, e));
            }
        }
    };
    let names: crate::FastMap<String, u32> = p
        .engine_files
        .iter()
        .map(|(f, _)| (f.name.clone(), f.file_id))
        .collect();
    let ids: crate::FastMap<&str, u32> = files
        .iter()
        .map(|(f, _)| (f.name.as_str(), f.file_id))
        .collect();
    let mut outputs = Vec::new();
    for (name, data) in p.executions {
        let Some(&id) = ids.get(name.as_str()) else {
            continue;
        };
        match engine.render_file(&name, data) {
            Ok(out) => outputs.push((name, id, out)),
            Err(e) => errors.push((name, e)),
        }
    }
    Ok(LenientRender {
        outputs,
        errors,
        missing: p.missing,
        files: p.table,
        names,
    })
}

/// What rendering needs once the chart and values are read: the template files for the
/// engine, the files to execute with their data, in Helm's order.
struct Prepared {
    engine_files: Vec<(TemplateFile, Option<Arc<crate::template::Template>>)>,
    executions: Vec<(String, Value)>,
    crds: Vec<CrdFile>,
    values: Value,
    table: FileTable,
    warnings: Vec<String>,
    missing: Vec<String>,
}

fn prepare(
    chart: &Chart,
    user: &UserValues,
    opts: &RenderOptions,
    lenient: bool,
) -> Result<Prepared, TemplateError> {
    let mut table = FileTable::default();
    let user_values = user.merge(&mut table)?;
    let mut loaded = Vec::new();
    let root_idx = load(chart, &mut loaded, &mut table, "")?;
    let root_meta = loaded[root_idx].meta.clone();
    if root_meta.chart_type.eq_ignore_ascii_case("library") {
        return Err(TemplateError::new("library charts are not installable"));
    }
    let mut missing_deps = Vec::new();
    if let Some(reqs) = &loaded[root_idx].deps {
        let names: Vec<&str> = loaded[root_idx]
            .subcharts
            .iter()
            .map(|&i| loaded[i].meta.name.as_str())
            .collect();
        missing_deps = reqs
            .iter()
            .filter(|r| !names.contains(&r.name.as_str()))
            .map(|r| r.name.clone())
            .collect();
        if !missing_deps.is_empty() && !lenient {
            return Err(TemplateError::new(format!(
                "An error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: {}",
                missing_deps.join(", ")
            )));
        }
    }
    if !missing_deps.is_empty()
        && let Some(reqs) = &mut loaded[root_idx].deps
    {
        reqs.retain(|r| !missing_deps.contains(&r.name));
    }
    if !valid_release_name(&opts.release.name) {
        return Err(TemplateError::new(format!(
            "release name {}: invalid release name, must match regex ^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$ and the length must not be longer than 53",
            super::set_values::go_quote(&opts.release.name)
        )));
    }
    let mut log = Log::default();
    let mut root = node_of(&loaded, root_idx);
    coalesce::process_dependencies(&mut log, &mut root, &user_values)
        .map_err(TemplateError::new)?;
    let values =
        coalesce::coalesce_values(&mut log, &root, &user_values).map_err(TemplateError::new)?;
    if !opts.skip_schema_validation && !lenient {
        let mut report = String::new();
        validate_schemas(&loaded, &root, &values, &mut report);
        if !report.is_empty() {
            return Err(TemplateError::new(format!(
                "values don't meet the specifications of the schema(s) in the following chart(s):\n{report}"
            )));
        }
    }
    let caps = Capabilities::new(opts.kube_version.clone(), &opts.api_versions);
    if !lenient
        && !root_meta.kube_version.is_empty()
        && !coalesce::is_compatible_range(&root_meta.kube_version, &caps.kube_version.version)
    {
        return Err(TemplateError::render(format!(
            "chart requires kubeVersion: {} which is incompatible with Kubernetes {}",
            root_meta.kube_version, caps.kube_version.version
        )));
    }
    let values = chart_values(values);
    let mut cx = Ctx {
        loaded: &loaded,
        caps: Value::new(Kind::Object(Arc::new(caps))),
        release: opts.release.to_value(),
        templates: Vec::new(),
        contexts: Vec::new(),
        crds: Vec::new(),
    };
    let root_name = root.name.clone();
    let meta = processed_meta(&root_meta, &root.dependencies);
    rec_all_tpls(&mut cx, &root, &values, &root_name, true, Some(&meta));
    collect_crds(&mut cx, &root, &root_name);

    let mut engine_files = Vec::with_capacity(cx.templates.len());
    for (name, _, _, f, tree) in &cx.templates {
        let source = if f.text.starts_with('\u{feff}') {
            SourceFile::new(f.path.clone(), f.text['\u{feff}'.len_utf8()..].to_string())
        } else {
            f.clone()
        };
        let file_id = table.add(&source);
        engine_files.push((
            TemplateFile {
                name: name.clone(),
                source,
                file_id,
            },
            tree.clone(),
        ));
    }
    // Helm executes in its parse order (deepest first, reverse lexical) and stops at the
    // first error.
    let depth: Vec<usize> = cx
        .templates
        .iter()
        .map(|t| t.0.matches('/').count())
        .collect();
    let mut order: Vec<usize> = (0..cx.templates.len()).collect();
    order.sort_by(|&a, &b| {
        let (na, nb) = (&cx.templates[a].0, &cx.templates[b].0);
        depth[b].cmp(&depth[a]).then_with(|| nb.cmp(na))
    });
    let mut executions = Vec::new();
    for i in order {
        let (name, base_path, ctx_index, _, _) = &cx.templates[i];
        let base = name.rsplit('/').next().unwrap_or(name);
        if base.starts_with('_') {
            continue;
        }
        let mut data = cx.contexts[*ctx_index].clone();
        let mut tmpl = BTreeMap::new();
        tmpl.insert("Name".to_string(), Value::str(name.as_str()));
        tmpl.insert("BasePath".to_string(), Value::str(base_path.as_str()));
        data.insert("Template".into(), chart_values(tmpl));
        executions.push((name.clone(), chart_values(data)));
    }
    Ok(Prepared {
        engine_files,
        executions,
        crds: cx.crds,
        values,
        table,
        warnings: log.warnings,
        missing: missing_deps,
    })
}

/// `chartutil.ValidateReleaseName`.
pub fn valid_release_name(name: &str) -> bool {
    // `^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$`: dot-separated
    // DNS-1123 labels, checked by hand (no regex to compile on every run).
    !name.is_empty()
        && name.len() <= 53
        && name.split('.').all(|label| {
            let b = label.as_bytes();
            let alnum = |c: &u8| c.is_ascii_lowercase() || c.is_ascii_digit();
            !b.is_empty()
                && alnum(&b[0])
                && alnum(&b[b.len() - 1])
                && b.iter().all(|c| alnum(c) || *c == b'-')
        })
}

/// Loads the chart at `path` (a folder or a packaged `.tgz`) with the chart model.
pub fn load_chart(path: &Path) -> Result<Chart, TemplateError> {
    if !path.exists() {
        return Err(TemplateError::new(format!(
            "path {} not found",
            super::set_values::go_quote(&path.to_string_lossy())
        )));
    }
    if path.is_dir() {
        if !path.join("Chart.yaml").exists() {
            return Err(TemplateError::new("Chart.yaml file is missing"));
        }
        let (chart, _diags) = crate::chart::load::load_chart_dir(path);
        return Ok(chart);
    }
    let mut loader = crate::chart::load::Loader::default();
    let bytes = loader
        .read(path)
        .ok_or_else(|| TemplateError::new(format!("cannot read {}", path.display())))?;
    crate::chart::archive::load_archive_bytes(&mut loader, path, &bytes, 0).ok_or_else(|| {
        TemplateError::new(
            "file does not appear to be a gzipped archive; got 'application/octet-stream'",
        )
    })
}

/// Dependencies that `charts/` does not hold are taken from chart folders on disk, as the
/// linter takes them (`crate::chart::deps`): a `file://` repository, a sibling chart folder of
/// that name whose version satisfies the constraint, or a folder of the `dependencyPaths`
/// setting of the nearest `.plimsoll.yaml`. Each one used is named on stderr; a dependency
/// found nowhere fails the render with Helm's message, as `helm template` does.
fn link_local_dependencies(
    chart: &mut Chart,
    path: &Path,
    warnings: &mut Vec<String>,
) -> Result<(), TemplateError> {
    if chart.archive.is_some() {
        return Ok(());
    }
    let search = match crate::config::Config::discover(path) {
        Some(p) => {
            crate::config::Config::load(&p, true)
                .map_err(TemplateError::new)?
                .dependency_paths
        }
        None => Vec::new(),
    };
    crate::chart::deps::link_local(chart, &search);
    fn report(chart: &Chart, warnings: &mut Vec<String>) {
        for l in &chart.linked {
            warnings.push(format!(
                "plimsoll: dependency `{}` of chart `{}` is not in its charts/ folder; rendered from {}",
                l.name(),
                chart.name(),
                crate::source::display_path(&l.root)
            ));
        }
        for sub in &chart.subcharts {
            report(sub, warnings);
        }
    }
    report(chart, warnings);
    Ok(())
}

/// `plimsoll template`: Helm's `template` command on the arguments it takes. Warnings Helm
/// prints on stderr (`WARNING: This chart is deprecated`) go to `warnings`.
pub fn template_command(
    args: &crate::cli::TemplateArgs,
    warnings: &mut Vec<String>,
) -> Result<String, TemplateError> {
    let kube_version = match &args.kube_version {
        Some(v) if !v.is_empty() => Some(
            KubeVersion::parse(v)
                .map_err(|e| TemplateError::new(format!("invalid kube version '{v}': {e}")))?,
        ),
        _ => None,
    };
    let (name, chart_path) = match args.args.as_slice() {
        [chart] => ("release-name".to_string(), chart.clone()),
        [name, chart] => (name.clone(), chart.clone()),
        [_, _, rest @ ..] => {
            return Err(TemplateError::new(format!(
                "expected at most two arguments, unexpected arguments: {}",
                rest.join(", ")
            )));
        }
        [] => {
            return Err(TemplateError::new(
                "requires at least 1 arg(s), only received 0",
            ));
        }
    };
    let chart_path = chart_path.trim();
    if !Path::new(chart_path).exists() {
        return Err(TemplateError::new(if chart_path.contains('/') {
            format!("path {} not found", super::set_values::go_quote(chart_path))
        } else {
            format!(
                "non-absolute URLs should be in form of repo_name/path_to_chart, got: {chart_path}"
            )
        }));
    }
    let mut user = UserValues {
        set_json: args.set_json.clone(),
        set: args.set.clone(),
        set_string: args.set_string.clone(),
        set_file: args.set_file.clone(),
        ..UserValues::default()
    };
    for f in &args.values {
        let text = if f.trim() == "-" {
            let mut s = String::new();
            std::io::Read::read_to_string(&mut std::io::stdin(), &mut s)
                .map_err(|e| TemplateError::new(e.to_string()))?;
            s
        } else {
            std::fs::read_to_string(f).map_err(|e| {
                TemplateError::new(format!(
                    "open {f}: {}",
                    match e.kind() {
                        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
                        std::io::ErrorKind::PermissionDenied => "permission denied".to_string(),
                        _ => e.to_string(),
                    }
                ))
            })?
        };
        user.files
            .push((f.clone(), SourceFile::new(f.as_str(), text)));
    }
    let mut chart = load_chart(Path::new(chart_path))?;
    link_local_dependencies(&mut chart, Path::new(chart_path), warnings)?;
    let deprecated = chart
        .chart_yaml
        .as_ref()
        .and_then(|c| c.yaml.root())
        .and_then(|r| r.get("deprecated"))
        .and_then(|d| d.as_bool())
        .unwrap_or(false);
    let library = chart
        .chart_yaml
        .as_ref()
        .and_then(|c| c.yaml.root())
        .map(|r| get_string(r, "type").eq_ignore_ascii_case("library"))
        .unwrap_or(false);
    if deprecated && !library && chart.chart_yaml.is_some() {
        warnings.push("WARNING: This chart is deprecated".into());
    }
    let opts = RenderOptions {
        release: ReleaseOptions {
            name,
            namespace: args.namespace.clone(),
            is_upgrade: args.is_upgrade,
            revision: 1,
        },
        kube_version,
        api_versions: args.api_versions.clone(),
        output: OutputOptions {
            include_crds: args.include_crds,
            show_only: args.show_only.clone(),
            skip_tests: args.skip_tests,
            no_hooks: args.no_hooks,
        },
        limits: Limits::default(),
        skip_schema_validation: args.skip_schema_validation,
    };
    render(&chart, &user, &opts).map(|r| r.text)
}

#[cfg(test)]
mod release_name_tests {
    use super::valid_release_name;

    #[test]
    fn release_names_follow_helm() {
        for ok in ["release-name", "a", "a1.b-2", "x.y.z", "0abc"] {
            assert!(valid_release_name(ok), "{ok}");
        }
        for bad in [
            "",
            "-a",
            "a-",
            "A",
            "a..b",
            "a.",
            ".a",
            "a_b",
            &"a".repeat(54),
        ] {
            assert!(!valid_release_name(bad), "{bad}");
        }
    }
}

#[cfg(test)]
mod rel_name_tests {
    use super::rel_to;
    use std::path::Path;

    /// What `rel_to` must give: `strip_prefix` by components.
    fn by_components(root: &str, path: &str) -> String {
        let (root, path) = (Path::new(root), Path::new(path));
        let p = path.strip_prefix(root).unwrap_or(path);
        p.to_string_lossy().replace('\\', "/")
    }

    #[test]
    fn relative_names_agree_with_strip_prefix() {
        let cases = [
            ("/c/x", "/c/x/templates/a.yaml"),
            ("/c/x", "/c/x/values.yaml"),
            ("/c/x", "/c/xy/values.yaml"),
            ("/c/x", "/c/x"),
            ("/c/x", "/c/x/"),
            ("/c/x", "/c/x//a"),
            ("/c/x", "/c/x/./a"),
            ("/c/x", "/c/x/a/./b"),
            ("/c/x", "/c/x/a/."),
            ("/c/x", "/c/x/a/"),
            ("/c/x", "/c/x/../a"),
            ("/c/x/", "/c/x/a"),
            ("/c/./x", "/c/./x/a"),
            ("c/x", "c/x/charts/common/templates/_names.tpl"),
            ("./c", "./c/a"),
            ("", "a/b"),
            ("/c/x", "/d/a"),
            ("/c/x", "/c/x/a\\b"),
            ("/c/x", "/c/x/é/ü.txt"),
        ];
        for (root, path) in cases {
            assert_eq!(
                rel_to(Path::new(root), Path::new(path)),
                by_components(root, path),
                "{root} {path}"
            );
        }
    }
}

#[cfg(test)]
mod shared_values_tests {
    use super::*;

    fn write(dir: &Path, rel: &str, text: &str) {
        let p = dir.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }

    /// The text of the one rendered file.
    fn rendered(chart: &Chart) -> String {
        let r = render(chart, &UserValues::default(), &RenderOptions::default()).unwrap();
        assert_eq!(r.outputs.len(), 1);
        r.outputs[0].1.text.clone()
    }

    #[test]
    fn a_render_that_changes_values_in_place_leaves_the_next_render_untouched() {
        let dir = tempfile::tempdir().unwrap();
        write(
            dir.path(),
            "app/Chart.yaml",
            "apiVersion: v2\nname: app\nversion: 1.0.0\n",
        );
        write(dir.path(), "app/values.yaml", "a:\n  b: 1\nlist: [x]\n");
        // Prints the values, then changes them in place every way Go templates can.
        write(
            dir.path(),
            "app/templates/cm.yaml",
            concat!(
                "# b: {{ .Values.a.b }} c: {{ .Values.c | default \"none\" }} ",
                "d: {{ .Values.a.d | default \"none\" }} list: {{ .Values.list }}\n",
                "{{- $_ := set .Values.a \"b\" 2 }}",
                "{{- $_ := set .Values \"c\" \"set\" }}",
                "{{- $_ := merge .Values.a (dict \"d\" \"merged\") }}",
                "{{- $_ := unset .Values \"list\" }}",
                "\n# after: {{ .Values.a.b }} {{ .Values.c }} {{ .Values.a.d }} {{ .Values.list }}\n",
            ),
        );
        let chart = load_chart(&dir.path().join("app")).unwrap();
        let first = rendered(&chart);
        assert_eq!(
            first,
            "# b: 1 c: none d: none list: [x]\n# after: 2 set merged \n"
        );
        // The second render reads the same conversion of values.yaml.
        let values = chart.values.as_ref().unwrap();
        let a = yaml_in::load_shared(&values.file.text, &values.yaml, Some(0), Target::Map);
        let b = yaml_in::load_shared(&values.file.text, &values.yaml, Some(0), Target::Map);
        match (&a.unwrap().kind, &b.unwrap().kind) {
            (Kind::Map(x), Kind::Map(y)) => assert!(Arc::ptr_eq(x, y)),
            _ => panic!("values are a map"),
        }
        assert_eq!(rendered(&chart), first);
        // And a chart loaded again (its own tree) renders the same.
        let again = load_chart(&dir.path().join("app")).unwrap();
        assert_eq!(rendered(&again), first);
    }
}
