//! Builds in-memory charts for rule tests and runs checks on them.

use crate::chart::{Chart, ChartsDirEntry, YamlDoc};
use crate::config::Config;
use crate::diagnostic::{Diagnostic, Sink};
use crate::rules::{ChartCheck, Ctx, RULES};
use crate::source::SourceFile;
use std::path::PathBuf;

/// A chart in folder `dir` (e.g. `"charts/web"`), built up from file texts.
pub struct ChartBuilder {
    chart: Chart,
}

pub fn chart(dir: &str) -> ChartBuilder {
    let root = PathBuf::from(dir);
    let dir_name = root
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    ChartBuilder {
        chart: Chart {
            root,
            dir_name,
            ..Chart::default()
        },
    }
}

impl ChartBuilder {
    pub fn chart_yaml(mut self, text: &str) -> Self {
        let path = self.chart.root.join("Chart.yaml");
        self.chart.chart_yaml = Some(YamlDoc::parse(SourceFile::new(path, text.to_string())));
        self
    }

    pub fn values(mut self, text: &str) -> Self {
        let path = self.chart.root.join("values.yaml");
        self.chart.values = Some(YamlDoc::parse(SourceFile::new(path, text.to_string())));
        self
    }

    pub fn requirements(mut self, text: &str) -> Self {
        let path = self.chart.root.join("requirements.yaml");
        self.chart.requirements = Some(YamlDoc::parse(SourceFile::new(path, text.to_string())));
        self
    }

    pub fn template(mut self, name: &str, text: &str) -> Self {
        let path = self.chart.root.join("templates").join(name);
        self.chart
            .templates
            .push(SourceFile::new(path, text.to_string()));
        self
    }

    /// A subchart folder `charts/<dir>` (loaded, as the loader would).
    pub fn subchart(mut self, sub: ChartBuilder) -> Self {
        let mut sub = sub.chart;
        let file_name = sub.dir_name.clone();
        let path = self.chart.root.join("charts").join(&file_name);
        sub.root = path.clone();
        self.chart.charts_dir.push(ChartsDirEntry {
            file_name,
            path,
            packaged: false,
            is_dir: true,
        });
        self.chart.subcharts.push(sub);
        self
    }

    /// An entry of `charts/` that was not loaded as a subchart.
    pub fn charts_entry(mut self, file_name: &str, packaged: bool) -> Self {
        self.chart.charts_dir.push(ChartsDirEntry {
            file_name: file_name.to_string(),
            path: self.chart.root.join("charts").join(file_name),
            packaged,
            is_dir: !packaged,
        });
        self
    }

    pub fn with(mut self, f: impl FnOnce(&mut Chart)) -> Self {
        f(&mut self.chart);
        self
    }

    pub fn build(self) -> Chart {
        self.chart
    }
}

/// Runs one chart check on a chart (no parent).
pub fn run(check: Option<ChartCheck>, chart: &Chart) -> Vec<Diagnostic> {
    let config = Config::default();
    let ctx = Ctx::new(&config, &[], None, None);
    let mut sink = Sink::default();
    if let Some(check) = check {
        check(chart, &ctx, &mut sink);
    }
    sink.diagnostics
}

/// Runs every registered chart check.
pub fn run_all(chart: &Chart) -> Vec<Diagnostic> {
    let config = Config::default();
    let ctx = Ctx::new(&config, &[], None, None);
    let mut sink = Sink::default();
    for rule in RULES {
        if let Some(check) = rule.chart {
            check(chart, &ctx, &mut sink);
        }
    }
    sink.diagnostics
}

/// `(line, col)` of a finding's start.
pub fn at(d: &Diagnostic) -> (usize, usize) {
    let lc = d.start();
    (lc.line, lc.col)
}

/// Asserts exactly one finding, at `line:col`, whose message contains `fragment`.
#[track_caller]
pub fn assert_one(diags: &[Diagnostic], rule: &str, pos: (usize, usize), fragment: &str) {
    assert_eq!(
        diags.len(),
        1,
        "expected one finding, got {:#?}",
        summary(diags)
    );
    let d = &diags[0];
    assert_eq!(d.rule.name, rule);
    assert_eq!(at(d), pos, "position of {:?}", d.message);
    assert!(
        d.message.contains(fragment),
        "message {:?} lacks {fragment:?}",
        d.message
    );
}

pub fn summary(diags: &[Diagnostic]) -> Vec<String> {
    diags
        .iter()
        .map(|d| {
            let (l, c) = at(d);
            format!("{}:{l}:{c} {} {}", d.path(), d.rule.name, d.message)
        })
        .collect()
}

/// A Chart.yaml that every rule accepts.
pub const GOOD_CHART_YAML: &str = "apiVersion: v2
name: web
description: A web server
type: application
version: 1.2.3
appVersion: \"2.10\"
kubeVersion: \">=1.22.0-0\"
home: https://example.com/web
icon: https://example.com/web/icon.svg
sources:
  - https://github.com/example/web
keywords: [web, http]
maintainers:
  - name: Jane Doe
    email: jane@example.com
    url: https://github.com/janedoe
annotations:
  category: WebServer
";
