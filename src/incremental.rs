//! Reuse between lints of the same chart in one process: the language server
//! (`plimsoll server`) lints a chart again on every edit, and most of the chart has not changed.
//!
//! Off unless [`enable`] is called (the command line lints each chart once and keeps nothing).
//! When on:
//! - every file is decoded (checked as UTF-8, its lines indexed) once per content: the file is
//!   kept by path, and the same bytes read at the same path again give it back;
//! - every YAML file and every template is parsed once per content: a parse is kept, keyed by
//!   the file's text (and, for a template, the name Helm gives it), and used again while the
//!   text is the same, so an edit re-parses the edited file only;
//! - per chart, the findings of the last lint are kept with the text of every file the chart
//!   read. When the only files that changed are READMEs, only the rules that read a README run
//!   again ([`README_READERS`]); the findings of every other rule are taken from the last lint,
//!   and so is the render, unless the last render read a README's content (through `.Files`:
//!   the renderer reports every file whose content it reads, see [`note_file_read`]; a render
//!   that read none of them gives the same result whatever they hold). Any other change, and
//!   any change of the configuration, lints the chart in full (with the parses kept).
//!
//! Correctness comes first: the findings are the ones a full lint of the same text gives
//! (`tests/server.rs` compares them with `plimsoll lint --format json`).
//!
//! Kept parses are dropped when no lint has used them in the last [`KEEP_LINTS`] lints, so
//! memory stays bounded by the charts being edited.

use crate::chart::Chart;
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Sink};
use crate::template::{ParseError, Template};
use crate::yaml::YamlFile;
use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock};

/// Rules that read a chart's README (besides the `docs` domain, which is about it).
const README_READERS: &[&str] = &[
    "templates/values-path-missing",
    "templates/undefined-template",
];

/// How many lints a kept parse survives without being used.
const KEEP_LINTS: u64 = 8;

static ENABLED: AtomicBool = AtomicBool::new(false);
/// Set when a render reads the content of a README through `.Files`.
static README_READ: AtomicBool = AtomicBool::new(false);

/// Called by the renderer for every file whose content a template reads through `.Files`
/// (`name` relative to its chart).
pub fn note_file_read(name: &str) {
    if enabled()
        && name
            .rsplit('/')
            .next()
            .is_some_and(crate::chart::load::is_readme)
    {
        README_READ.store(true, Ordering::SeqCst);
    }
}
static GENERATION: AtomicU64 = AtomicU64::new(0);

/// Turns reuse on for the rest of the process.
pub fn enable() {
    ENABLED.store(true, Ordering::SeqCst);
}

/// Whether reuse is on.
pub fn enabled() -> bool {
    ENABLED.load(Ordering::Relaxed)
}

/// What the last lints did, for the server's `$/plimsoll/stats` notification and its tests.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Files decoded (not found among the kept ones).
    pub files_decoded: usize,
    /// Files taken from the kept ones.
    pub files_reused: usize,
    /// YAML files parsed (not found among the kept parses).
    pub yaml_parsed: usize,
    /// YAML parses taken from the kept ones.
    pub yaml_reused: usize,
    /// Template files parsed.
    pub templates_parsed: usize,
    /// Template parses taken from the kept ones.
    pub templates_reused: usize,
    /// Charts linted in full.
    pub full: usize,
    /// Charts for which only the README rules ran again.
    pub readme_only: usize,
    /// Charts rendered.
    pub rendered: usize,
}

static FILES_DECODED: AtomicUsize = AtomicUsize::new(0);
static FILES_REUSED: AtomicUsize = AtomicUsize::new(0);
static YAML_PARSED: AtomicUsize = AtomicUsize::new(0);
static YAML_REUSED: AtomicUsize = AtomicUsize::new(0);
static TEMPLATES_PARSED: AtomicUsize = AtomicUsize::new(0);
static TEMPLATES_REUSED: AtomicUsize = AtomicUsize::new(0);
static FULL: AtomicUsize = AtomicUsize::new(0);
static README_ONLY: AtomicUsize = AtomicUsize::new(0);
static RENDERED: AtomicUsize = AtomicUsize::new(0);

/// The counts since the last call, and starts a new generation of kept parses (dropping those
/// unused for [`KEEP_LINTS`] generations).
pub fn take_stats() -> Stats {
    let g = GENERATION.fetch_add(1, Ordering::SeqCst) + 1;
    let keep = |used: u64| used + KEEP_LINTS >= g;
    {
        let mut c = caches().lock().unwrap_or_else(|e| e.into_inner());
        c.files.retain(|_, (_, used)| keep(*used));
        c.yaml.retain(|_, (_, used)| keep(*used));
        c.templates.retain(|_, (_, used)| keep(*used));
    }
    Stats {
        files_decoded: FILES_DECODED.swap(0, Ordering::SeqCst),
        files_reused: FILES_REUSED.swap(0, Ordering::SeqCst),
        yaml_parsed: YAML_PARSED.swap(0, Ordering::SeqCst),
        yaml_reused: YAML_REUSED.swap(0, Ordering::SeqCst),
        templates_parsed: TEMPLATES_PARSED.swap(0, Ordering::SeqCst),
        templates_reused: TEMPLATES_REUSED.swap(0, Ordering::SeqCst),
        full: FULL.swap(0, Ordering::SeqCst),
        readme_only: README_ONLY.swap(0, Ordering::SeqCst),
        rendered: RENDERED.swap(0, Ordering::SeqCst),
    }
}

type TemplateParse = Result<Arc<Template>, ParseError>;

#[derive(Default)]
struct Caches {
    files: HashMap<PathBuf, (crate::source::File, u64)>,
    yaml: HashMap<Arc<str>, (Arc<YamlFile>, u64)>,
    templates: HashMap<(String, Arc<str>), (TemplateParse, u64)>,
}

fn caches() -> &'static Mutex<Caches> {
    static C: OnceLock<Mutex<Caches>> = OnceLock::new();
    C.get_or_init(Default::default)
}

/// The file kept for `path` when reuse is on and it holds exactly `bytes`.
pub fn kept_file(path: &std::path::Path, bytes: &[u8]) -> Option<crate::source::File> {
    if !enabled() {
        return None;
    }
    let g = GENERATION.load(Ordering::SeqCst);
    let mut c = caches().lock().unwrap_or_else(|e| e.into_inner());
    let (file, used) = c.files.get_mut(path)?;
    if file.text.as_bytes() != bytes {
        return None;
    }
    *used = g;
    FILES_REUSED.fetch_add(1, Ordering::Relaxed);
    Some(file.clone())
}

/// Keeps a file decoded from text without problems, for [`kept_file`].
pub fn keep_file(file: &crate::source::File) {
    if !enabled() {
        return;
    }
    let g = GENERATION.load(Ordering::SeqCst);
    FILES_DECODED.fetch_add(1, Ordering::Relaxed);
    caches()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .files
        .insert(file.path.clone(), (file.clone(), g));
}

/// `text` parsed as YAML: the kept parse of the same text when reuse is on (else the parse
/// shared within the run, see [`crate::run_share`]).
pub fn parse_yaml(text: &str, likely_repeated: bool) -> Arc<YamlFile> {
    if !enabled() {
        static SHARE: OnceLock<crate::run_share::Share<Arc<YamlFile>>> = OnceLock::new();
        return SHARE
            .get_or_init(Default::default)
            .get("", text, likely_repeated, || {
                Arc::new(crate::yaml::parse(text))
            });
    }
    let g = GENERATION.load(Ordering::SeqCst);
    if let Some((y, used)) = caches()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .yaml
        .get_mut(text)
    {
        *used = g;
        YAML_REUSED.fetch_add(1, Ordering::Relaxed);
        return y.clone();
    }
    let y = Arc::new(crate::yaml::parse(text));
    YAML_PARSED.fetch_add(1, Ordering::Relaxed);
    caches()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .yaml
        .insert(text.into(), (y.clone(), g));
    y
}

/// A template parsed by `parse`: the kept parse of the same name and text when reuse is on
/// (else the parse shared within the run, see [`crate::run_share`]).
pub fn parse_template(
    name: &str,
    text: &str,
    likely_repeated: bool,
    parse: impl FnOnce() -> TemplateParse,
) -> TemplateParse {
    if !enabled() {
        static SHARE: OnceLock<crate::run_share::Share<TemplateParse>> = OnceLock::new();
        return SHARE
            .get_or_init(Default::default)
            .get(name, text, likely_repeated, parse);
    }
    let g = GENERATION.load(Ordering::SeqCst);
    let key = (name.to_string(), Arc::<str>::from(text));
    if let Some((t, used)) = caches()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .templates
        .get_mut(&key)
    {
        *used = g;
        TEMPLATES_REUSED.fetch_add(1, Ordering::Relaxed);
        return t.clone();
    }
    let t = parse();
    TEMPLATES_PARSED.fetch_add(1, Ordering::Relaxed);
    caches()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .templates
        .insert(key, (t.clone(), g));
    t
}

/// What the last lint of a chart found, and from which text.
struct ChartState {
    /// Every file the chart read (its own, its subcharts', its local dependencies'), with a
    /// hash of its content.
    files: HashMap<PathBuf, u64>,
    /// The configuration and `--values` files the lint used.
    setup: u64,
    /// The READMEs among `files`.
    readmes: Vec<PathBuf>,
    /// Whether the render read a README's content.
    render_read_readme: bool,
    /// Findings of the rules that do not read a README.
    others: Vec<Diagnostic>,
    /// What the render found (`None`: no render).
    rendered: Option<crate::rendered::RenderedFindings>,
}

fn states() -> &'static Mutex<HashMap<PathBuf, ChartState>> {
    static S: OnceLock<Mutex<HashMap<PathBuf, ChartState>>> = OnceLock::new();
    S.get_or_init(Default::default)
}

/// Forgets what was kept for the chart at `root` (its unit was closed or removed).
pub fn forget(root: &std::path::Path) {
    states()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(root);
}

fn hash(bytes: &[u8]) -> u64 {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    bytes.hash(&mut h);
    h.finish()
}

/// Whether a rule reads a chart's README.
pub fn reads_readme(name: &str) -> bool {
    name.starts_with("docs/") || README_READERS.contains(&name)
}

/// Every chart whose files the lint of `chart` reads: the chart, its subcharts and its local
/// dependencies, recursively.
fn all_charts<'a>(chart: &'a Chart, out: &mut Vec<&'a Chart>) {
    if out.len() > 4096 {
        return;
    }
    out.push(chart);
    for c in chart.subcharts.iter().chain(&chart.linked) {
        all_charts(c, out);
    }
}

/// Lints a loaded chart as [`crate::lint`] does (static rules, then the render reconciled with
/// them), into `sink`, reusing the last lint of the same chart where no file it depends on
/// changed.
pub fn lint_chart(
    chart: &Chart,
    config: &Config,
    overrides: &[crate::chart::YamlDoc],
    packs: &[&crate::packs::PackRule],
    sink: &mut Sink,
) {
    let mut charts = Vec::new();
    all_charts(chart, &mut charts);
    let mut files = HashMap::new();
    let mut readmes = Vec::new();
    for c in &charts {
        readmes.extend(c.readme.iter().map(|r| r.path.clone()));
        if let Some(a) = &c.archive {
            files.insert(a.path.clone(), hash(a.text.as_bytes()));
        }
        for f in c.own_files() {
            let bytes = match c.binary.get(&f.path) {
                Some(b) => hash(b),
                None => hash(f.text.as_bytes()),
            };
            files.insert(f.path.clone(), bytes);
        }
    }
    let mut setup = std::collections::hash_map::DefaultHasher::new();
    format!("{config:?}").hash(&mut setup);
    for o in overrides {
        o.file.path.hash(&mut setup);
        o.file.text.hash(&mut setup);
    }
    let setup = setup.finish();

    let previous = states()
        .lock()
        .unwrap_or_else(|e| e.into_inner())
        .remove(&chart.root);
    let reuse = previous.filter(|p| {
        p.setup == setup
            && p.readmes == readmes
            && p.files.len() == files.len()
            && files
                .iter()
                .all(|(path, h)| p.files.get(path) == Some(h) || readmes.contains(path))
    });

    // The chart checks of the rules and packs whose name `only` accepts.
    let static_rules = |only: &dyn Fn(&str) -> bool| {
        let mut sink = Sink::default();
        crate::lint::run_chart(chart, None, config, overrides, packs, &mut sink, only);
        sink.diagnostics
    };
    let readers = static_rules(&reads_readme);
    let render = || {
        RENDERED.fetch_add(1, Ordering::Relaxed);
        README_READ.store(false, Ordering::SeqCst);
        let found = crate::rendered::render_findings(chart, config, overrides, packs);
        (found, README_READ.load(Ordering::SeqCst))
    };
    let (others, (rendered, render_read_readme)) = match reuse {
        Some(p) => {
            README_ONLY.fetch_add(1, Ordering::Relaxed);
            let rendered = if p.render_read_readme {
                render()
            } else {
                (p.rendered, false)
            };
            (p.others, rendered)
        }
        None => {
            FULL.fetch_add(1, Ordering::Relaxed);
            (static_rules(&|name| !reads_readme(name)), render())
        }
    };
    sink.diagnostics.extend(readers);
    sink.diagnostics.extend(others.iter().cloned());
    if let Some(found) = &rendered {
        found.clone().merge_into(&mut sink.diagnostics);
    }
    states().lock().unwrap_or_else(|e| e.into_inner()).insert(
        chart.root.clone(),
        ChartState {
            files,
            setup,
            readmes,
            render_read_readme,
            others,
            rendered,
        },
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every rule whose source mentions the README is known to read it, so a README edit runs
    /// it again.
    #[test]
    fn every_rule_that_reads_a_readme_is_listed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/rules");
        let mut stack = vec![root.clone()];
        let mut missed = Vec::new();
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap() {
                let p = e.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                if !(text.contains(".readme") || text.contains("docs::read")) {
                    continue;
                }
                let rel = p.strip_prefix(&root).unwrap().with_extension("");
                let name = rel.to_string_lossy().replace('_', "-");
                if !reads_readme(&name) {
                    missed.push(name);
                }
            }
        }
        assert!(missed.is_empty(), "rules reading a README: {missed:?}");
    }
}
