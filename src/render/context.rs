//! The render context: what `.` holds in a chart's templates, typed as Helm types it.
//!
//! - `.Release`: a `map[string]interface {}` with `helm template`'s defaults (unknown fields
//!   are missing, not errors);
//! - `.Chart`: the struct `struct { chart.Metadata; IsRoot bool }` with Go field names
//!   (`.Chart.name` is an error), numbers in Chart.yaml string fields turned into text as
//!   sigs.k8s.io/yaml does (`appVersion: 1.10` is `"1.1"`);
//! - `.Capabilities`: `*chartutil.Capabilities` with `KubeVersion` (`v1.32.0` unless
//!   `--kube-version`), `APIVersions` (Helm's 56 defaults plus `--api-versions`, with `Has`)
//!   and `HelmVersion`;
//! - `.Files`: `engine.files`, the chart's non-template files with `Get`, `GetBytes`, `Glob`
//!   (gobwas/glob with `/` as separator), `Lines`, `AsConfig`, `AsSecrets`;
//! - `.Template`: `chartutil.Values` with `Name` and `BasePath`;
//! - `.Subcharts`: each subchart's own context, by name or alias.

use super::value::{Elem, Kind, List, Map, MapType, Object, Value};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Kubernetes version `helm template` v3.17.1 reports by default.
pub const DEFAULT_KUBE_VERSION: (&str, &str) = ("1", "32");
/// `helm version` of the Helm release plimsoll follows.
pub const HELM_VERSION: [&str; 4] = [
    "v3.17.1",
    "980d8ac1939e39138101364400756af2bdee1da5",
    "clean",
    "go1.23.5",
];

/// `chartutil.DefaultVersionSet` of helm v3.17.1, in its order.
pub const DEFAULT_API_VERSIONS: &[&str] = &[
    "v1",
    "admissionregistration.k8s.io/v1",
    "admissionregistration.k8s.io/v1alpha1",
    "admissionregistration.k8s.io/v1beta1",
    "internal.apiserver.k8s.io/v1alpha1",
    "apps/v1",
    "apps/v1beta1",
    "apps/v1beta2",
    "authentication.k8s.io/v1",
    "authentication.k8s.io/v1alpha1",
    "authentication.k8s.io/v1beta1",
    "authorization.k8s.io/v1",
    "authorization.k8s.io/v1beta1",
    "autoscaling/v1",
    "autoscaling/v2",
    "autoscaling/v2beta1",
    "autoscaling/v2beta2",
    "batch/v1",
    "batch/v1beta1",
    "certificates.k8s.io/v1",
    "certificates.k8s.io/v1beta1",
    "certificates.k8s.io/v1alpha1",
    "coordination.k8s.io/v1alpha2",
    "coordination.k8s.io/v1beta1",
    "coordination.k8s.io/v1",
    "discovery.k8s.io/v1",
    "discovery.k8s.io/v1beta1",
    "events.k8s.io/v1",
    "events.k8s.io/v1beta1",
    "extensions/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1",
    "flowcontrol.apiserver.k8s.io/v1beta1",
    "flowcontrol.apiserver.k8s.io/v1beta2",
    "flowcontrol.apiserver.k8s.io/v1beta3",
    "networking.k8s.io/v1",
    "networking.k8s.io/v1alpha1",
    "networking.k8s.io/v1beta1",
    "node.k8s.io/v1",
    "node.k8s.io/v1alpha1",
    "node.k8s.io/v1beta1",
    "policy/v1",
    "policy/v1beta1",
    "rbac.authorization.k8s.io/v1",
    "rbac.authorization.k8s.io/v1beta1",
    "rbac.authorization.k8s.io/v1alpha1",
    "resource.k8s.io/v1beta1",
    "resource.k8s.io/v1alpha3",
    "scheduling.k8s.io/v1alpha1",
    "scheduling.k8s.io/v1beta1",
    "scheduling.k8s.io/v1",
    "storage.k8s.io/v1beta1",
    "storage.k8s.io/v1",
    "storage.k8s.io/v1alpha1",
    "storagemigration.k8s.io/v1alpha1",
    "apiextensions.k8s.io/v1beta1",
    "apiextensions.k8s.io/v1",
];

/// `.Release` as `helm template` sets it.
#[derive(Clone, Debug)]
pub struct ReleaseOptions {
    pub name: String,
    pub namespace: String,
    pub is_upgrade: bool,
    pub revision: i64,
}

impl Default for ReleaseOptions {
    fn default() -> Self {
        ReleaseOptions {
            name: "release-name".into(),
            namespace: "default".into(),
            is_upgrade: false,
            revision: 1,
        }
    }
}

impl ReleaseOptions {
    pub fn to_value(&self) -> Value {
        let mut m = BTreeMap::new();
        m.insert("Name".into(), Value::str(self.name.as_str()));
        m.insert("Namespace".into(), Value::str(self.namespace.as_str()));
        m.insert("IsUpgrade".into(), Value::bool(self.is_upgrade));
        m.insert("IsInstall".into(), Value::bool(!self.is_upgrade));
        m.insert("Revision".into(), Value::int(self.revision));
        m.insert("Service".into(), Value::str("Helm"));
        Value::map(m)
    }
}

/// A map typed `chartutil.Values` (methods `YAML`, `Table`, ... shadow its keys).
pub fn chart_values(entries: BTreeMap<String, Value>) -> Value {
    Value::new(Kind::Map(Arc::new(Map::new(
        Elem::Any,
        MapType::ChartValues,
        entries,
    ))))
}

fn string_map(entries: &[(String, String)]) -> Value {
    Value::new(Kind::Map(Arc::new(Map::new(
        Elem::String,
        MapType::Plain,
        entries
            .iter()
            .map(|(k, v)| (k.clone(), Value::str(v.as_str())))
            .collect(),
    ))))
}

fn string_list(items: &[String]) -> Value {
    Value::strings(items.iter().cloned())
}

/// Go's `%v` of a `[]string`.
fn print_strings(items: &[String]) -> String {
    format!("[{}]", items.join(" "))
}

// ---------------------------------------------------------------------------------------
// .Capabilities

/// `chartutil.KubeVersion`.
#[derive(Clone, Debug)]
pub struct KubeVersion {
    pub version: String,
    pub major: String,
    pub minor: String,
}

impl Default for KubeVersion {
    fn default() -> Self {
        KubeVersion {
            version: format!("v{}.{}.0", DEFAULT_KUBE_VERSION.0, DEFAULT_KUBE_VERSION.1),
            major: DEFAULT_KUBE_VERSION.0.into(),
            minor: DEFAULT_KUBE_VERSION.1.into(),
        }
    }
}

impl KubeVersion {
    /// `chartutil.ParseKubeVersion` (Masterminds `NewVersion`: `1.29` is `v1.29.0`).
    pub fn parse(s: &str) -> Result<KubeVersion, String> {
        let v = crate::chart::semver::parse_lenient(s)
            .ok_or_else(|| "Invalid Semantic Version".to_string())?;
        Ok(KubeVersion {
            version: format!("v{v}"),
            major: v.major.to_string(),
            minor: v.minor.to_string(),
        })
    }
}

impl Object for KubeVersion {
    fn type_name(&self) -> &str {
        "chartutil.KubeVersion"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Version" | "String" | "GitVersion" => Some(Value::str(self.version.as_str())),
            "Major" => Some(Value::str(self.major.as_str())),
            "Minor" => Some(Value::str(self.minor.as_str())),
            _ => None,
        }
    }
    fn print(&self) -> String {
        // Printed from a field, the value is addressable and `String()` applies.
        self.version.clone()
    }
}

/// `chartutil.VersionSet` with its `Has` method.
#[derive(Clone, Debug)]
pub struct VersionSet(pub Vec<String>);

impl Object for VersionSet {
    fn type_name(&self) -> &str {
        "chartutil.VersionSet"
    }
    fn field(&self, _name: &str) -> Option<Value> {
        None
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if name != "Has" {
            return None;
        }
        Some(match args {
            [a] => match a.as_str() {
                Some(s) => Ok(Value::bool(self.0.iter().any(|x| x == s))),
                None => Err(arg_type_error("string", a)),
            },
            _ => Err(format!(
                "wrong number of args for Has: want 1 got {}",
                args.len()
            )),
        })
    }
    fn print(&self) -> String {
        print_strings(&self.0)
    }
    fn len(&self) -> Option<usize> {
        Some(self.0.len())
    }
}

/// `version.BuildInfo`.
#[derive(Clone, Debug)]
pub struct HelmVersion;

impl Object for HelmVersion {
    fn type_name(&self) -> &str {
        "version.BuildInfo"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let i = ["Version", "GitCommit", "GitTreeState", "GoVersion"]
            .iter()
            .position(|f| *f == name)?;
        Some(Value::str(HELM_VERSION[i]))
    }
    fn print(&self) -> String {
        format!("{{{}}}", HELM_VERSION.join(" "))
    }
}

/// `*chartutil.Capabilities`.
#[derive(Clone, Debug)]
pub struct Capabilities {
    pub kube_version: KubeVersion,
    pub api_versions: Vec<String>,
}

impl Capabilities {
    /// `helm template`'s capabilities: the default Kubernetes version or `kube_version`, the
    /// default API versions plus `extra_apis`.
    pub fn new(kube_version: Option<KubeVersion>, extra_apis: &[String]) -> Capabilities {
        let mut api_versions: Vec<String> =
            DEFAULT_API_VERSIONS.iter().map(|s| s.to_string()).collect();
        api_versions.extend(extra_apis.iter().cloned());
        Capabilities {
            kube_version: kube_version.unwrap_or_default(),
            api_versions,
        }
    }
}

impl Object for Capabilities {
    fn type_name(&self) -> &str {
        "*chartutil.Capabilities"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "KubeVersion" => Some(Value::new(Kind::Object(Arc::new(
                self.kube_version.clone(),
            )))),
            "APIVersions" => Some(Value::new(Kind::Object(Arc::new(VersionSet(
                self.api_versions.clone(),
            ))))),
            "HelmVersion" => Some(Value::new(Kind::Object(Arc::new(HelmVersion)))),
            _ => None,
        }
    }
    fn print(&self) -> String {
        format!(
            "{{{{{} {} {}}} {} {}}}",
            self.kube_version.version,
            self.kube_version.major,
            self.kube_version.minor,
            print_strings(&self.api_versions),
            HelmVersion.print()
        )
    }
}

// ---------------------------------------------------------------------------------------
// .Chart

/// `*chart.Maintainer`.
#[derive(Clone, Debug, Default)]
pub struct Maintainer {
    pub name: String,
    pub email: String,
    pub url: String,
}

impl Object for Maintainer {
    fn type_name(&self) -> &str {
        "*chart.Maintainer"
    }
    fn field(&self, name: &str) -> Option<Value> {
        match name {
            "Name" => Some(Value::str(self.name.as_str())),
            "Email" => Some(Value::str(self.email.as_str())),
            "URL" => Some(Value::str(self.url.as_str())),
            _ => None,
        }
    }
    fn print(&self) -> String {
        format!("&{{{} {} {}}}", self.name, self.email, self.url)
    }
}

/// `*chart.Dependency` as the chart's metadata holds it after dependency processing.
#[derive(Clone, Debug, Default)]
pub struct DependencyMeta {
    pub name: String,
    pub version: String,
    pub repository: String,
    pub condition: String,
    pub tags: Vec<String>,
    pub enabled: bool,
    pub import_values: Vec<Value>,
    pub alias: String,
}

impl Object for DependencyMeta {
    fn type_name(&self) -> &str {
        "*chart.Dependency"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "Name" => Value::str(self.name.as_str()),
            "Version" => Value::str(self.version.as_str()),
            "Repository" => Value::str(self.repository.as_str()),
            "Condition" => Value::str(self.condition.as_str()),
            "Tags" => string_list(&self.tags),
            "Enabled" => Value::bool(self.enabled),
            "ImportValues" => Value::list(self.import_values.clone()),
            "Alias" => Value::str(self.alias.as_str()),
            _ => return None,
        })
    }
    fn print(&self) -> String {
        format!(
            "&{{{} {} {} {} {} {} {} {}}}",
            self.name,
            self.version,
            self.repository,
            self.condition,
            print_strings(&self.tags),
            self.enabled,
            super::gofmt::sprint_value(&Value::list(self.import_values.clone())),
            self.alias
        )
    }
}

/// `chart.Metadata`: Chart.yaml as Helm decodes it.
#[derive(Clone, Debug, Default)]
pub struct ChartMeta {
    pub name: String,
    pub home: String,
    pub sources: Vec<String>,
    pub version: String,
    pub description: String,
    pub keywords: Vec<String>,
    pub maintainers: Vec<Maintainer>,
    pub icon: String,
    pub api_version: String,
    pub condition: String,
    pub tags: String,
    pub app_version: String,
    pub deprecated: bool,
    pub annotations: Vec<(String, String)>,
    pub kube_version: String,
    pub dependencies: Vec<DependencyMeta>,
    pub chart_type: String,
}

/// `.Chart`: the metadata and whether the chart is the one being rendered.
#[derive(Clone, Debug)]
pub struct ChartObject {
    pub meta: ChartMeta,
    pub is_root: bool,
}

impl Object for ChartObject {
    fn type_name(&self) -> &str {
        "struct { chart.Metadata; IsRoot bool }"
    }
    fn field(&self, name: &str) -> Option<Value> {
        let m = &self.meta;
        Some(match name {
            "Name" => Value::str(m.name.as_str()),
            "Home" => Value::str(m.home.as_str()),
            "Sources" => string_list(&m.sources),
            "Version" => Value::str(m.version.as_str()),
            "Description" => Value::str(m.description.as_str()),
            "Keywords" => string_list(&m.keywords),
            "Maintainers" => Value::new(Kind::List(Arc::new(List {
                elem: Elem::Any,
                items: m
                    .maintainers
                    .iter()
                    .map(|x| Value::new(Kind::Object(Arc::new(x.clone()))))
                    .collect(),
            }))),
            "Icon" => Value::str(m.icon.as_str()),
            "APIVersion" => Value::str(m.api_version.as_str()),
            "Condition" => Value::str(m.condition.as_str()),
            "Tags" => Value::str(m.tags.as_str()),
            "AppVersion" => Value::str(m.app_version.as_str()),
            "Deprecated" => Value::bool(m.deprecated),
            "Annotations" => string_map(&m.annotations),
            "KubeVersion" => Value::str(m.kube_version.as_str()),
            "Dependencies" => Value::list(
                m.dependencies
                    .iter()
                    .map(|d| Value::new(Kind::Object(Arc::new(d.clone()))))
                    .collect(),
            ),
            "Type" => Value::str(m.chart_type.as_str()),
            "IsRoot" => Value::bool(self.is_root),
            "Metadata" => Value::new(Kind::Object(Arc::new(ChartObject {
                meta: m.clone(),
                is_root: self.is_root,
            }))),
            _ => return None,
        })
    }
    fn print(&self) -> String {
        let m = &self.meta;
        let annotations: Vec<String> = {
            let mut a = m.annotations.clone();
            a.sort();
            a.iter().map(|(k, v)| format!("{k}:{v}")).collect()
        };
        format!(
            "{{{{{} {} {} {} {} {} {} {} {} {} {} {} {} map[{}] {} {} {}}} {}}}",
            m.name,
            m.home,
            print_strings(&m.sources),
            m.version,
            m.description,
            print_strings(&m.keywords),
            format_args!(
                "[{}]",
                m.maintainers
                    .iter()
                    .map(|x| x.print())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            m.icon,
            m.api_version,
            m.condition,
            m.tags,
            m.app_version,
            m.deprecated,
            annotations.join(" "),
            m.kube_version,
            format_args!(
                "[{}]",
                m.dependencies
                    .iter()
                    .map(|x| x.print())
                    .collect::<Vec<_>>()
                    .join(" ")
            ),
            m.chart_type,
            self.is_root
        )
    }
}

// ---------------------------------------------------------------------------------------
// .Files

/// The contents of one file of `.Files`.
#[derive(Clone, Debug)]
pub enum FileData {
    /// Bytes as read.
    Bytes(Arc<[u8]>),
    /// The text of a source file the chart model read, shared rather than copied for each
    /// render (most files are never read by a template).
    Text(Arc<TextData>),
}

/// A source file's text as `.Files` content: without its first `skip` bytes (a byte order
/// mark), turned into a byte slice value once when a template asks for one.
#[derive(Debug)]
pub struct TextData {
    file: crate::source::File,
    skip: usize,
    bytes: std::sync::OnceLock<Arc<[u8]>>,
}

impl FileData {
    /// The text of `file` without a leading byte order mark.
    pub fn text(file: crate::source::File) -> FileData {
        let skip = if file.text.starts_with('\u{feff}') {
            '\u{feff}'.len_utf8()
        } else {
            0
        };
        FileData::Text(Arc::new(TextData {
            file,
            skip,
            bytes: Default::default(),
        }))
    }

    pub fn as_bytes(&self) -> &[u8] {
        match self {
            FileData::Bytes(b) => b,
            FileData::Text(t) => &t.file.text.as_bytes()[t.skip..],
        }
    }

    /// The contents as a `[]byte` value's bytes (copied from a text file once).
    pub fn to_arc(&self) -> Arc<[u8]> {
        match self {
            FileData::Bytes(b) => b.clone(),
            FileData::Text(t) => t
                .bytes
                .get_or_init(|| Arc::from(&t.file.text.as_bytes()[t.skip..]))
                .clone(),
        }
    }
}

impl From<Arc<[u8]>> for FileData {
    fn from(b: Arc<[u8]>) -> FileData {
        FileData::Bytes(b)
    }
}

/// `engine.files`: file name (relative to the chart) to contents, sorted by name.
#[derive(Clone, Debug, Default)]
pub struct Files {
    pub files: Arc<BTreeMap<String, FileData>>,
    /// `%v` of the whole map, made once: a chart that stringifies its context (an odd `dict`
    /// shifts `$` into a key) prints every file as a byte list, megabytes each time.
    printed: Arc<std::sync::OnceLock<String>>,
}

fn arg_type_error(want: &str, got: &Value) -> String {
    if got.is_nil() {
        format!("invalid value; expected {want}")
    } else {
        format!(
            "wrong type for value; expected {want}; got {}",
            got.type_name()
        )
    }
}

/// `files.toYAML`: `yaml.Marshal` without the final newline, `""` on error.
fn to_yaml(v: Value) -> String {
    super::yaml_out::to_yaml(&v)
}

/// Go's `base64.StdEncoding`.
pub fn base64_std(data: &[u8]) -> String {
    super::json_out::base64_std(data)
}

impl Files {
    pub fn new(files: BTreeMap<String, FileData>) -> Files {
        Files::shared(Arc::new(files))
    }

    /// A set over a file map shared with other sets (each chart's files, in every context
    /// that chart gets).
    pub fn shared(files: Arc<BTreeMap<String, FileData>>) -> Files {
        Files {
            files,
            printed: Default::default(),
        }
    }

    pub fn get_bytes(&self, name: &str) -> Arc<[u8]> {
        crate::incremental::note_file_read(name);
        self.files
            .get(name)
            .map(FileData::to_arc)
            .unwrap_or_else(|| Arc::from(&[][..]))
    }

    pub fn get(&self, name: &str) -> String {
        crate::incremental::note_file_read(name);
        match self.files.get(name) {
            Some(d) => String::from_utf8_lossy(d.as_bytes()).into_owned(),
            None => String::new(),
        }
    }

    pub fn glob(&self, pattern: &str) -> Files {
        let pat = Glob::compile(pattern).unwrap_or_else(|| Glob::compile("**").expect("valid"));
        Files::new(
            self.files
                .iter()
                .filter(|(k, _)| pat.matches(k))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        )
    }

    /// `AsConfig`/`AsSecrets`: `toYaml` of base name to content (later names win when base
    /// names repeat).
    fn as_map(&self, secret: bool) -> String {
        self.note_all_read();
        let mut m = BTreeMap::new();
        for (k, v) in self.files.iter() {
            let base = k.rsplit('/').next().unwrap_or(k).to_string();
            let text = if secret {
                base64_std(v.as_bytes())
            } else {
                String::from_utf8_lossy(v.as_bytes()).into_owned()
            };
            m.insert(base, Value::str(text));
        }
        let v = Value::new(Kind::Map(Arc::new(Map::new(
            Elem::String,
            MapType::Plain,
            m,
        ))));
        to_yaml(v)
    }

    pub fn lines(&self, path: &str) -> Result<Vec<String>, String> {
        crate::incremental::note_file_read(path);
        let Some(data) = self.files.get(path) else {
            return Ok(Vec::new());
        };
        let data = data.as_bytes();
        if data.is_empty() {
            return Err("runtime error: index out of range [-1]".into());
        }
        let s = String::from_utf8_lossy(data);
        let s = s.strip_suffix('\n').unwrap_or(&s);
        Ok(s.split('\n').map(str::to_string).collect())
    }

    /// Every file of the set had its content read (see [`crate::incremental::note_file_read`]).
    fn note_all_read(&self) {
        if crate::incremental::enabled() {
            for k in self.files.keys() {
                crate::incremental::note_file_read(k);
            }
        }
    }

    fn bytes_value(data: Arc<[u8]>) -> Value {
        Value::new(Kind::Bytes(data))
    }

    /// The (name, contents) pairs `range` visits, sorted by name.
    pub fn entries(&self) -> Vec<(Value, Value)> {
        self.note_all_read();
        self.files
            .iter()
            .map(|(k, v)| (Value::str(k.as_str()), Files::bytes_value(v.to_arc())))
            .collect()
    }
}

impl Object for Files {
    fn type_name(&self) -> &str {
        "engine.files"
    }
    fn field(&self, name: &str) -> Option<Value> {
        Some(match name {
            "AsConfig" => Value::str(self.as_map(false)),
            "AsSecrets" => Value::str(self.as_map(true)),
            // A map key: missing keys give a nil []byte.
            _ => Files::bytes_value(self.get_bytes(name)),
        })
    }
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>> {
        if !matches!(name, "Get" | "GetBytes" | "Glob" | "Lines") {
            return None;
        }
        let arg = match args {
            [a] => match a.as_str() {
                Some(s) => s,
                None => return Some(Err(arg_type_error("string", a))),
            },
            _ => {
                return Some(Err(format!(
                    "wrong number of args for {name}: want 1 got {}",
                    args.len()
                )));
            }
        };
        Some(match name {
            "Get" => Ok(Value::str(self.get(arg))),
            "GetBytes" => Ok(Files::bytes_value(self.get_bytes(arg))),
            "Glob" => Ok(Value::new(Kind::Object(Arc::new(self.glob(arg))))),
            _ => self.lines(arg).map(|l| string_list(&l)),
        })
    }
    fn print(&self) -> String {
        self.note_all_read();
        self.printed.get_or_init(|| self.print_uncached()).clone()
    }
    fn with_print(&self, f: &mut dyn FnMut(&str)) {
        self.note_all_read();
        f(self.printed.get_or_init(|| self.print_uncached()));
    }
    fn len(&self) -> Option<usize> {
        Some(self.files.len())
    }
    fn range(&self) -> Option<Vec<(Value, Value)>> {
        Some(self.entries())
    }
}

impl Files {
    fn print_uncached(&self) -> String {
        let size: usize = self
            .files
            .iter()
            .map(|(k, v)| k.len() + 4 * v.as_bytes().len() + 3)
            .sum();
        let mut out = Vec::with_capacity(size + 5);
        out.extend_from_slice(b"map[");
        for (i, (k, v)) in self.files.iter().enumerate() {
            if i > 0 {
                out.push(b' ');
            }
            out.extend_from_slice(k.as_bytes());
            out.push(b':');
            crate::render::gofmt::push_byte_list_bytes(&mut out, v.as_bytes());
        }
        out.push(b']');
        // Keys are strings and the rest is ASCII: always valid.
        String::from_utf8(out)
            .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
    }
}

// ---------------------------------------------------------------------------------------
// gobwas/glob with '/' as the separator

#[derive(Clone, Debug)]
enum Tok {
    Lit(char),
    /// `*`: any run without a separator.
    Star,
    /// `**`: any run.
    Super,
    /// `?`: one character that is not a separator.
    Any,
    /// `[...]` / `[!...]`.
    Class(bool, Vec<(char, char)>),
    /// `{a,b}`.
    Alt(Vec<Vec<Tok>>),
}

/// A compiled `.Files.Glob` pattern.
#[derive(Clone, Debug)]
pub struct Glob(Vec<Tok>);

impl Glob {
    /// `None` when gobwas/glob rejects the pattern.
    pub fn compile(pattern: &str) -> Option<Glob> {
        let chars: Vec<char> = pattern.chars().collect();
        let mut i = 0;
        let toks = parse_seq(&chars, &mut i, false)?;
        if i != chars.len() {
            return None;
        }
        Some(Glob(toks))
    }

    pub fn matches(&self, s: &str) -> bool {
        let chars: Vec<char> = s.chars().collect();
        let mut budget = 1_000_000usize;
        match_seq(&self.0, &chars, &mut budget)
    }
}

fn parse_seq(p: &[char], i: &mut usize, in_alt: bool) -> Option<Vec<Tok>> {
    let mut out = Vec::new();
    while *i < p.len() {
        let c = p[*i];
        match c {
            '*' => {
                if p.get(*i + 1) == Some(&'*') {
                    *i += 2;
                    out.push(Tok::Super);
                } else {
                    *i += 1;
                    out.push(Tok::Star);
                }
            }
            '?' => {
                *i += 1;
                out.push(Tok::Any);
            }
            '\\' => {
                let n = *p.get(*i + 1)?;
                *i += 2;
                out.push(Tok::Lit(n));
            }
            '[' => {
                *i += 1;
                let neg = p.get(*i) == Some(&'!');
                if neg {
                    *i += 1;
                }
                let mut ranges = Vec::new();
                loop {
                    let c = *p.get(*i)?;
                    if c == ']' {
                        *i += 1;
                        break;
                    }
                    let lo = if c == '\\' {
                        *i += 1;
                        *p.get(*i)?
                    } else {
                        c
                    };
                    *i += 1;
                    if p.get(*i) == Some(&'-') && p.get(*i + 1).is_some_and(|c| *c != ']') {
                        let hi = p[*i + 1];
                        *i += 2;
                        ranges.push((lo, hi));
                    } else {
                        ranges.push((lo, lo));
                    }
                }
                out.push(Tok::Class(neg, ranges));
            }
            '{' => {
                *i += 1;
                let mut alts = Vec::new();
                loop {
                    alts.push(parse_seq(p, i, true)?);
                    match p.get(*i) {
                        Some(',') => *i += 1,
                        Some('}') => {
                            *i += 1;
                            break;
                        }
                        _ => return None,
                    }
                }
                out.push(Tok::Alt(alts));
            }
            ',' | '}' if in_alt => return Some(out),
            _ => {
                *i += 1;
                out.push(Tok::Lit(c));
            }
        }
    }
    if in_alt { None } else { Some(out) }
}

fn match_seq(toks: &[Tok], s: &[char], budget: &mut usize) -> bool {
    if *budget == 0 {
        return false;
    }
    *budget -= 1;
    let Some((first, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match first {
        Tok::Lit(c) => s.first() == Some(c) && match_seq(rest, &s[1..], budget),
        Tok::Any => s.first().is_some_and(|c| *c != '/') && match_seq(rest, &s[1..], budget),
        Tok::Class(neg, ranges) => {
            s.first().is_some_and(|c| {
                let inr = ranges.iter().any(|(lo, hi)| lo <= c && c <= hi);
                inr != *neg
            }) && match_seq(rest, &s[1..], budget)
        }
        Tok::Star | Tok::Super => {
            for k in 0..=s.len() {
                if k > 0 && matches!(first, Tok::Star) && s[k - 1] == '/' {
                    break;
                }
                if match_seq(rest, &s[k..], budget) {
                    return true;
                }
            }
            false
        }
        Tok::Alt(alts) => alts.iter().any(|a| {
            let mut joined = a.clone();
            joined.extend_from_slice(rest);
            match_seq(&joined, s, budget)
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_like_gobwas() {
        let g = |p: &str, s: &str| Glob::compile(p).unwrap().matches(s);
        assert!(g("files/*", "files/a.txt"));
        assert!(!g("files/*", "files/sub/a.txt"));
        assert!(g("files/**", "files/sub/a.txt"));
        assert!(g("**.json", "dashboards/x/a.json"));
        assert!(g("files/{a,b}.txt", "files/b.txt"));
        assert!(!g("files/{a,b}.txt", "files/c.txt"));
        assert!(g("files/[!a].txt", "files/c.txt"));
        assert!(g("files/?.txt", "files/c.txt"));
        assert!(Glob::compile("files/[a").is_none());
        assert!(Glob::compile("{a,b").is_none());
    }

    fn files() -> Files {
        let mut m: BTreeMap<String, FileData> = BTreeMap::new();
        m.insert(
            "files/a.txt".into(),
            FileData::text(crate::source::SourceFile::new("a.txt", "one\ntwo\n".into())),
        );
        m.insert(
            "files/sub/b.txt".into(),
            Arc::<[u8]>::from(&b"x"[..]).into(),
        );
        m.insert("files/empty".into(), Arc::<[u8]>::from(&b""[..]).into());
        Files::new(m)
    }

    // Checked against helm v3.17.1: `.Files.Lines` drops one trailing newline and fails on an
    // empty file; a missing file gives an empty list; Get of a missing file is "".
    #[test]
    fn files_methods() {
        let f = files();
        assert_eq!(f.lines("files/a.txt").unwrap(), ["one", "two"]);
        assert!(f.lines("nope").unwrap().is_empty());
        assert_eq!(
            f.lines("files/empty").unwrap_err(),
            "runtime error: index out of range [-1]"
        );
        assert_eq!(f.get("nope"), "");
        assert_eq!(f.glob("files/*").files.len(), 2);
        assert_eq!(f.glob("[").files.len(), 3, "a bad pattern means **");
        assert_eq!(base64_std(b"hello"), "aGVsbG8=");
        assert_eq!(base64_std(b"hi!"), "aGkh");
    }

    // A text file is read without its byte order mark; its bytes are the same however they
    // are asked for, and `GetBytes` of it twice shares one copy.
    #[test]
    fn text_files_read_as_bytes() {
        let f = crate::source::SourceFile::new("x", "\u{feff}a: 1\nb".into());
        let d = FileData::text(f.clone());
        assert_eq!(d.as_bytes(), b"a: 1\nb");
        assert_eq!(&*d.to_arc(), b"a: 1\nb");
        assert!(Arc::ptr_eq(&d.to_arc(), &d.to_arc()));
        let plain = FileData::text(crate::source::SourceFile::new("y", "\u{fefe}z".into()));
        assert_eq!(plain.as_bytes(), "\u{fefe}z".as_bytes());
        let mut m = BTreeMap::new();
        m.insert("x".to_string(), d);
        let files = Files::new(m);
        assert_eq!(files.get("x"), "a: 1\nb");
        assert_eq!(files.lines("x").unwrap(), ["a: 1", "b"]);
        assert_eq!(&*files.get_bytes("x"), b"a: 1\nb");
        assert_eq!(files.print(), "map[x:[97 58 32 49 10 98]]");
        assert_eq!(files.as_map(true), "x: YTogMQpi");
    }

    #[test]
    fn capabilities() {
        let c = Capabilities::new(None, &["x/v1".into()]);
        assert_eq!(c.api_versions.len(), 57);
        let kv = c.field("KubeVersion").unwrap();
        let Kind::Object(o) = &kv.kind else { panic!() };
        assert_eq!(o.print(), "v1.32.0");
        assert_eq!(o.field("Minor").unwrap().as_str(), Some("32"));
        assert_eq!(KubeVersion::parse("1.29").unwrap().version, "v1.29.0");
        assert!(KubeVersion::parse("x").is_err());
        let apis = VersionSet(c.api_versions.clone());
        assert!(matches!(
            apis.call("Has", &[Value::str("apps/v1")])
                .unwrap()
                .unwrap()
                .kind,
            Kind::Bool(true)
        ));
        assert!(matches!(
            apis.call("Has", &[Value::str("apps/v1/Deployment")])
                .unwrap()
                .unwrap()
                .kind,
            Kind::Bool(false)
        ));
    }
}
