//! The engine: discover units, load each once, run the rules in parallel, filter by config and
//! suppression comments, and return findings in a deterministic order.

use crate::chart::{Chart, Unit, YamlDoc};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Sink};
use crate::discover::{self, UnitSource};
use crate::rules::{Ctx, RULES};
use crate::source::{File, SourceFile};
use crate::suppress;
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

#[derive(Debug, Default, Clone)]
pub struct LintOptions {
    /// `--config FILE`; otherwise `.plimsoll.yaml` is searched from each path upward.
    pub config: Option<PathBuf>,
    /// `--kube-version`, overriding the config.
    pub kube_version: Option<(u32, u32)>,
    /// `--prometheus-version`, overriding the config.
    pub prometheus_version: Option<(u32, u32)>,
    /// `--values FILE` (repeatable): values merged over each chart's values.yaml, as Helm does.
    pub values: Vec<PathBuf>,
    /// `--rules PATH` (repeatable): rule-pack files or folders.
    pub rule_packs: Vec<PathBuf>,
    /// `--select`: run only these rules or domains.
    pub select: Vec<String>,
    /// `--ignore`: do not run these rules or domains.
    pub ignore: Vec<String>,
    /// `--include-subcharts`: report findings in third-party subcharts too.
    pub include_subcharts: bool,
    /// `--changed-since`: the changed files (absolute, from [`crate::changed::changed_files`]);
    /// only units they touch are linted.
    pub changed: Option<Vec<PathBuf>>,
}

#[derive(Debug, Default)]
pub struct LintResult {
    pub diagnostics: Vec<Diagnostic>,
    pub units: usize,
    pub files: usize,
    /// Charts (folders and packaged charts) linted.
    pub charts: usize,
    /// Every file read and checked, as given to the rules (sorted, each once).
    pub checked: Vec<PathBuf>,
    /// Paths given that held nothing to lint (no chart, packaged chart or manifest).
    pub empty_paths: Vec<PathBuf>,
    /// Paths given that could not be read at all, with the reason; each is also a
    /// `file/unreadable` finding, and the command exits 2 once the report is written.
    pub unreadable_paths: Vec<String>,
    /// Units left out by `--changed-since` because nothing they read changed.
    pub unchanged: usize,
}

/// Lints every path. `Err` is a one-line reason for exit code 2.
pub fn lint(paths: &[PathBuf], options: &LintOptions) -> Result<LintResult, String> {
    let mut configs: HashMap<Option<PathBuf>, Arc<Config>> = HashMap::new();
    let mut work: Vec<(UnitSource, Arc<Config>)> = Vec::new();
    let mut result = LintResult::default();
    let mut cli_packs = Vec::new();
    for p in &options.rule_packs {
        cli_packs.append(&mut crate::packs::load(p)?);
    }
    let mut overrides = Vec::new();
    for p in &options.values {
        let text = crate::chart::load::read_text_limited(p, "values file")?;
        let doc = YamlDoc::parse(SourceFile::new(p.clone(), text));
        if let Some(issue) = doc.yaml.issues.first() {
            let at = doc.file.line_col(issue.span.start as usize);
            return Err(format!(
                "invalid values file {}:{}:{}: {}",
                p.display(),
                at.line,
                at.col,
                issue.message
            ));
        }
        overrides.push(doc);
    }
    for path in paths {
        let config_path = match &options.config {
            Some(p) => Some(p.clone()),
            None => Config::discover(path),
        };
        let config = match configs.get(&config_path) {
            Some(c) => c.clone(),
            None => {
                let mut c = match &config_path {
                    // A configuration found inside the linted tree is the chart author's: its
                    // rule packs must stay inside the repository that holds it.
                    Some(p) => Config::load(p, options.config.is_none())?,
                    None => Config::default(),
                };
                if let Some(v) = options.kube_version {
                    c.kubernetes_version = Some(v);
                }
                if let Some(v) = options.prometheus_version {
                    c.prometheus_version = Some(v);
                }
                c.select = options.select.clone();
                c.ignore = options.ignore.clone();
                c.include_subcharts |= options.include_subcharts;
                result.diagnostics.append(&mut c.diagnostics);
                let c = Arc::new(c);
                configs.insert(config_path, c.clone());
                c
            }
        };
        let exclude = |p: &Path| {
            if config.exclude.is_empty() {
                return false;
            }
            let abs = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
            config.is_excluded(&abs)
        };
        let (units, mut problems) = match discover::discover(path, &exclude) {
            Ok(found) => found,
            Err(reason) => {
                // Reported as a finding (so a report is still written, with a file for a
                // later upload) and remembered for exit code 2.
                result.diagnostics.push(Diagnostic::new(
                    &crate::rules::file::unreadable::META,
                    &SourceFile::path_only(path),
                    None,
                    reason.clone(),
                ));
                result.unreadable_paths.push(reason);
                continue;
            }
        };
        if units.is_empty() && problems.is_empty() {
            result.empty_paths.push(path.clone());
        }
        result.diagnostics.append(&mut problems);
        work.extend(units.into_iter().map(|u| (u, config.clone())));
    }
    check_selection(options, &configs, &cli_packs)?;
    let mut work = once_each(work);
    if let Some(changed) = &options.changed {
        let changed: Vec<PathBuf> = changed
            .iter()
            .map(|c| crate::changed::canonical_lexical(c))
            .collect();
        let changed = &changed;
        // Local dependencies are looked up only when a changed file lies in some chart.
        let in_a_chart = changed.iter().any(|c| {
            c.ancestors()
                .skip(1)
                .any(|a| a.join("Chart.yaml").is_file())
        });
        let before = work.len();
        let all = options
            .values
            .iter()
            .chain(&options.rule_packs)
            .any(|p| crate::changed::touches(changed, p));
        if !all {
            work.retain(|(unit, config)| unit_changed(unit, config, changed, in_a_chart));
        }
        result.unchanged = before - work.len();
    }
    work.sort_by(|a, b| a.0.cmp(&b.0));
    work.dedup_by(|a, b| a.0 == b.0);
    result.units = work.len();
    result.charts = work
        .iter()
        .filter(|(u, _)| !matches!(u, UnitSource::ManifestFiles(_)))
        .count();

    let lint_one = |(src, config): &(UnitSource, Arc<Config>)| {
        lint_unit_files(src, config, &overrides, &cli_packs)
    };
    // One unit (a pre-commit hook's chart, an editor's save) is linted on this thread: starting
    // a thread pool would cost more than it could share.
    let per_unit: Vec<(Vec<PathBuf>, Vec<Diagnostic>)> = if work.len() == 1 {
        work.iter().map(lint_one).collect()
    } else {
        work.par_iter().map(lint_one).collect()
    };
    for (mut files, mut diags) in per_unit {
        result.files += files.len();
        result.checked.append(&mut files);
        result.diagnostics.append(&mut diags);
    }
    result.checked.sort();
    result.checked.dedup();
    result.diagnostics.sort_by(|a, b| a.sort_key_cmp(b));
    Ok(result)
}

/// `--select` and `--ignore` name only known rules and domains (built-in rules, shipped rule
/// packs, packs from `--rules` and from the configurations); otherwise a one-line reason with
/// a did-you-mean (exit 2), since a misspelt name would silently lint nothing or everything.
fn check_selection(
    options: &LintOptions,
    configs: &HashMap<Option<PathBuf>, Arc<Config>>,
    cli_packs: &[crate::packs::PackRule],
) -> Result<(), String> {
    if options.select.is_empty() && options.ignore.is_empty() {
        return Ok(());
    }
    let mut known: Vec<&str> = crate::rules::names();
    known.extend(cli_packs.iter().map(|p| p.meta.name));
    for c in configs.values() {
        known.extend(c.packs.iter().map(|p| p.meta.name));
    }
    let mut domains: Vec<&str> = known.iter().filter_map(|n| n.split('/').next()).collect();
    domains.sort_unstable();
    domains.dedup();
    for (flag, names) in [("--select", &options.select), ("--ignore", &options.ignore)] {
        for name in names.iter() {
            let name = name.trim();
            if known.contains(&name) || domains.contains(&name) {
                continue;
            }
            let hint = crate::suggest::closest(name, known.iter().chain(&domains).copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "unknown rule or domain `{name}` in {flag}{hint}; `plimsoll rules` lists them"
            ));
        }
    }
    Ok(())
}

/// Whether `--changed-since` keeps a unit: a changed file lies in the chart's folder (its
/// templates, values, `ci/` values, README, `.helmignore`, `Chart.lock`, subcharts, any file a
/// rule reads), in a local dependency it is linted with (a `file://` chart, a sibling chart,
/// `dependencyPaths`), in the manifest set, or is the configuration that applies to it or one
/// of its rule packs.
fn unit_changed(unit: &UnitSource, config: &Config, changed: &[PathBuf], in_a_chart: bool) -> bool {
    use crate::changed::touches;
    if let Some(f) = &config.file
        && touches(changed, &f.path)
    {
        return true;
    }
    if config.rule_packs.iter().any(|p| touches(changed, p)) {
        return true;
    }
    match unit {
        UnitSource::ChartArchive(p) => touches(changed, p),
        UnitSource::ManifestFiles(files) => files.iter().any(|f| touches(changed, f)),
        UnitSource::ChartDir(dir) => {
            if touches(changed, dir) {
                return true;
            }
            // Local dependencies: load the chart and link them as the lint would, only when a
            // changed file lies in some other chart.
            if !in_a_chart {
                return false;
            }
            let (unit, _) = discover::load(unit);
            let Unit::Chart(mut chart) = unit else {
                return false;
            };
            crate::chart::deps::link_local(&mut chart, &config.dependency_paths);
            fn linked_roots(chart: &Chart, out: &mut Vec<PathBuf>) {
                for l in &chart.linked {
                    out.push(l.root.clone());
                    linked_roots(l, out);
                }
                for s in &chart.subcharts {
                    linked_roots(s, out);
                }
            }
            let mut roots = Vec::new();
            linked_roots(&chart, &mut roots);
            roots.iter().any(|r| touches(changed, r))
        }
    }
}

/// Each chart and each manifest file once, however the paths given overlap (`charts` and
/// `./charts`, a folder and a file in it, relative and absolute): the first naming of a chart
/// wins, and a manifest file stays in the largest set that holds it.
fn once_each(work: Vec<(UnitSource, Arc<Config>)>) -> Vec<(UnitSource, Arc<Config>)> {
    let key = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let mut seen_charts = std::collections::HashSet::new();
    let mut charts = Vec::new();
    let mut sets = Vec::new();
    for (unit, config) in work {
        match unit {
            UnitSource::ChartDir(ref p) | UnitSource::ChartArchive(ref p) => {
                if seen_charts.insert(key(p)) {
                    charts.push((unit, config));
                }
            }
            UnitSource::ManifestFiles(files) => sets.push((files, config)),
        }
    }
    // Larger sets first (a folder before a file named in it); stable otherwise.
    let mut order: Vec<usize> = (0..sets.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(sets[i].0.len()));
    let mut seen_files = std::collections::HashSet::new();
    let mut kept: Vec<Option<Vec<PathBuf>>> = vec![None; sets.len()];
    for i in order {
        let files: Vec<PathBuf> = sets[i]
            .0
            .iter()
            .filter(|f| seen_files.insert(key(f)))
            .cloned()
            .collect();
        if !files.is_empty() {
            kept[i] = Some(files);
        }
    }
    for ((_, config), files) in sets.into_iter().zip(kept) {
        if let Some(files) = files {
            charts.push((UnitSource::ManifestFiles(files), config));
        }
    }
    charts
}

/// Loads and lints one unit; returns the number of files read and the findings.
pub fn lint_unit(
    src: &UnitSource,
    config: &Config,
    overrides: &[YamlDoc],
    cli_packs: &[crate::packs::PackRule],
) -> (usize, Vec<Diagnostic>) {
    let (files, diags) = lint_unit_files(src, config, overrides, cli_packs);
    (files.len(), diags)
}

/// Loads and lints one unit; returns the paths of the files read and the findings.
pub fn lint_unit_files(
    src: &UnitSource,
    config: &Config,
    overrides: &[YamlDoc],
    cli_packs: &[crate::packs::PackRule],
) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let packs: Vec<&crate::packs::PackRule> = crate::packs::builtin()
        .iter()
        .chain(config.packs.iter())
        .chain(cli_packs.iter())
        .collect();
    crate::suggest::reset_budget();
    let (unit, diags) = discover::load(src);
    lint_loaded(unit, diags, config, overrides, &packs)
}

/// Lints a chart held in memory (chart-relative paths and contents, shown under `root`) with
/// `config` and the built-in rule packs, as [`lint`] lints a chart folder: the same loading,
/// rules, rendering and filtering. Returns the number of files and the findings, unsorted.
pub fn lint_chart_in_memory(
    root: &Path,
    files: Vec<(String, Vec<u8>)>,
    config: &Config,
) -> (usize, Vec<Diagnostic>) {
    let packs: Vec<&crate::packs::PackRule> = crate::packs::builtin()
        .iter()
        .chain(config.packs.iter())
        .collect();
    crate::suggest::reset_budget();
    let (chart, diags) = crate::chart::archive::chart_in_memory(root, files);
    let (files, diags) = lint_loaded(Unit::Chart(Box::new(chart)), diags, config, &[], &packs);
    (files.len(), diags)
}

fn lint_loaded(
    mut unit: Unit,
    mut diags: Vec<Diagnostic>,
    config: &Config,
    overrides: &[YamlDoc],
    packs: &[&crate::packs::PackRule],
) -> (Vec<PathBuf>, Vec<Diagnostic>) {
    let mut sink = Sink::default();
    if let Unit::Chart(chart) = &mut unit {
        crate::chart::deps::link_local(chart, &config.dependency_paths);
    }
    let files = match &unit {
        Unit::Chart(chart) => {
            if crate::incremental::enabled() {
                crate::incremental::lint_chart(chart, config, overrides, packs, &mut sink);
            } else {
                run_chart(chart, None, config, overrides, packs, &mut sink, &|_| true);
                crate::rendered::lint_chart(chart, config, overrides, packs, &mut sink);
            }
            let mut files = Vec::new();
            collect_chart_files(chart, &mut files);
            if !config.include_subcharts {
                let mut third_party = Vec::new();
                third_party_roots(chart, &mut third_party);
                if !third_party.is_empty() {
                    let inside = |p: &Path| third_party.iter().any(|r| p.starts_with(r));
                    diags.retain(|d| !inside(&d.file.path));
                    sink.diagnostics.retain(|d| !inside(&d.file.path));
                    files.retain(|f| !inside(&f.path));
                }
            }
            files
        }
        Unit::Manifests(docs) => {
            let ctx = Ctx::new(config, overrides, None, None);
            for rule in RULES.iter().filter(|r| config.runs(r.meta.name)) {
                if let Some(check) = rule.manifests {
                    check(docs, &ctx, &mut sink);
                }
            }
            for pack in packs.iter().filter(|p| config.runs(p.meta.name)) {
                pack.check_manifests(docs, &mut sink);
            }
            docs.iter().map(|d| d.file.clone()).collect()
        }
    };
    diags.append(&mut sink.diagnostics);
    // The unit is done: its files' parsed Prometheus rules are not needed again, even when a
    // finding keeps a file alive until the report.
    crate::prometheus::extract::release(&files);
    let paths = files.iter().map(|f| f.path.clone()).collect();
    (paths, filter(diags, &files, config))
}

/// Runs the chart checks of the rules and packs that `config` enables and `only` accepts (by
/// name) on `chart` and its subcharts (first-party ones, unless subcharts are included).
pub(crate) fn run_chart(
    chart: &Chart,
    parent: Option<&Chart>,
    config: &Config,
    overrides: &[YamlDoc],
    packs: &[&crate::packs::PackRule],
    sink: &mut Sink,
    only: &dyn Fn(&str) -> bool,
) {
    let ctx = Ctx::new(config, overrides, parent, None);
    for rule in RULES
        .iter()
        .filter(|r| config.runs(r.meta.name) && only(r.meta.name))
    {
        if let Some(check) = rule.chart {
            check(chart, &ctx, sink);
        }
    }
    for pack in packs
        .iter()
        .filter(|p| config.runs(p.meta.name) && only(p.meta.name))
    {
        pack.check_chart(chart, sink);
    }
    for sub in &chart.subcharts {
        if config.include_subcharts || !chart.is_third_party(sub) {
            run_chart(sub, Some(chart), config, overrides, packs, sink, only);
        }
    }
}

/// Paths (as shown in findings) of the third-party subcharts under `chart`: archives in
/// `charts/` and folders fetched from a chart repository (see [`Chart::is_third_party`]).
fn third_party_roots(chart: &Chart, out: &mut Vec<PathBuf>) {
    for sub in &chart.subcharts {
        if chart.is_third_party(sub) {
            out.push(sub.root.clone());
            if let Some(a) = &sub.archive {
                out.push(a.path.clone());
            }
        } else {
            third_party_roots(sub, out);
        }
    }
}

fn collect_chart_files(chart: &Chart, out: &mut Vec<File>) {
    out.extend(chart.own_files().cloned());
    for sub in &chart.subcharts {
        collect_chart_files(sub, out);
    }
}

/// Applies config severities, excludes and suppression comments; adds findings about unknown
/// and unused suppressions.
fn filter(diags: Vec<Diagnostic>, files: &[File], config: &Config) -> Vec<Diagnostic> {
    let mut suppressions: HashMap<&Path, Vec<suppress::Suppression>> = HashMap::new();
    let mut extra = Vec::new();
    for f in files {
        let found = suppress::scan(f);
        for s in &found {
            for (name, span) in &s.rules {
                if name != "all" && crate::rules::find(name).is_none() {
                    let mut d = Diagnostic::new(
                        &crate::rules::config::unknown_rule::META,
                        f,
                        Some(*span),
                        format!("Unknown rule `{name}` in suppression comment"),
                    );
                    if let Some(s) = crate::suggest::closest(name, crate::rules::names()) {
                        d.help(format!("did you mean `{s}`?"));
                    }
                    extra.push(d);
                }
            }
        }
        if !found.is_empty() {
            suppressions.insert(f.path.as_path(), found);
        }
    }
    let mut out = Vec::with_capacity(diags.len());
    for mut d in diags {
        if !config.runs(d.rule.name) {
            continue;
        }
        let Some(sev) = config.severity_for(d.rule.name, d.severity) else {
            continue;
        };
        d.severity = sev;
        if config.is_excluded(&d.file.path) {
            continue;
        }
        if let Some(list) = suppressions.get_mut(d.file.path.as_path())
            && list.iter_mut().any(|s| s.applies(&d))
        {
            continue;
        }
        out.push(d);
    }
    let files_by_path: HashMap<&Path, &File> =
        files.iter().map(|f| (f.path.as_path(), f)).collect();
    for (path, list) in &suppressions {
        let Some(file) = files_by_path.get(path) else {
            continue;
        };
        for s in list {
            for ((name, span), used) in s.rules.iter().zip(&s.used) {
                if !used
                    && (name == "all" || (crate::rules::find(name).is_some() && config.runs(name)))
                {
                    extra.push(Diagnostic::new(
                        &crate::rules::config::unused_suppression::META,
                        file,
                        Some(*span),
                        format!("`{name}` is suppressed here but reported nothing"),
                    ));
                }
            }
        }
    }
    for mut d in extra {
        if let Some(sev) = config.severity_for(d.rule.name, d.rule.severity) {
            d.severity = sev;
            out.push(d);
        }
    }
    out
}
