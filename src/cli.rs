//! Command-line definitions.

use crate::report::Format;
use clap::{Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

#[derive(Parser, Debug)]
#[command(
    name = "plimsoll",
    version,
    about = "A Helm chart validator and linter: exact positions, stable rule names, CI and editor formats.",
    after_help = "Examples:\n  plimsoll lint charts/mychart\n  plimsoll lint . --format sarif --output plimsoll.sarif\n  plimsoll lint charts/ --format compact --strict\n  plimsoll rules\n  plimsoll explain values/string-bool"
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Lint charts, packaged charts and Kubernetes manifests.
    #[command(
        after_help = "Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 usage error or unreadable path (reported after the rest is linted and the report written).\n\nExamples:\n  plimsoll lint charts/mychart\n  plimsoll lint charts/*.tgz manifests/ --format compact\n  plimsoll lint . --format github --fail-on warning"
    )]
    Lint(LintArgs),
    /// Render a chart's templates as `helm template` does (same flags, same output), with no
    /// helm binary, no cluster and no network.
    #[command(
        after_help = "Arguments are `[NAME] CHART`, as for `helm template`. On a render error Helm's message goes to stderr and the exit code is 1.\n\nExamples:\n  plimsoll template charts/mychart\n  plimsoll template my-release charts/mychart -f prod.yaml --set image.tag=1.2.3\n  plimsoll template charts/mychart -s templates/deployment.yaml --kube-version 1.29"
    )]
    Template(TemplateArgs),
    /// List every rule with its domain, default severity and summary.
    Rules(RulesArgs),
    /// Print a rule's documentation.
    #[command(after_help = "Example:\n  plimsoll explain yaml/duplicate-key")]
    Explain {
        /// Rule name, e.g. `chart/version-not-semver`.
        rule: String,
    },
    /// Language server for editors (Language Server Protocol over standard input and output):
    /// findings as you type, quick fixes, "ignore this rule here", rule documentation on hover.
    #[command(
        after_help = "Started by an editor, not by hand; the README shows the setup for VS Code, Neovim and Helix."
    )]
    Server,
}

#[derive(clap::Args, Debug)]
pub struct LintArgs {
    /// Chart folders, folders to search for charts, packaged charts (.tgz), or manifest files.
    /// Defaults to the current folder.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, short = 'f', value_enum, default_value_t = Format::Human)]
    pub format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Lowest severity that makes the exit code 1 (default: error). Given explicitly, it wins
    /// over --strict.
    #[arg(long, value_enum)]
    pub fail_on: Option<FailOn>,
    /// Same as --fail-on warning; an explicit --fail-on takes precedence.
    #[arg(long)]
    pub strict: bool,
    /// Configuration file (default: the nearest .plimsoll.yaml from each path upward).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Values file merged over each chart's values.yaml before schema validation (repeatable;
    /// later files win, as with `helm install -f`).
    #[arg(long = "values", short = 'v', value_name = "FILE")]
    pub values: Vec<PathBuf>,
    /// Run only these rules or domains (comma-separated, e.g. `chart,values/string-bool`).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub select: Vec<String>,
    /// Do not run these rules or domains (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULES")]
    pub ignore: Vec<String>,
    /// Rule-pack file or folder of packs to apply besides the built-in ones (repeatable).
    #[arg(long = "rules", value_name = "PATH")]
    pub rule_packs: Vec<PathBuf>,
    /// Apply the safe fixes of fixable findings to the files, then report what is left.
    #[arg(long, help_heading = "Fixes")]
    pub fix: bool,
    /// Print the fixes as a unified diff and write nothing (exit 1 when there is something to
    /// fix, 0 when not).
    #[arg(long, help_heading = "Fixes")]
    pub diff: bool,
    /// With --fix or --diff, also apply unsafe fixes (they may change what is deployed or
    /// pick one reading among several; review them).
    #[arg(long, help_heading = "Fixes")]
    pub unsafe_fixes: bool,
    /// Read the text of the file at PATH from standard input (give `-` as the path) and lint
    /// it in its place: the rest of its chart is read from disk; only findings in that file
    /// are reported. With --fix, the fixed text is written to standard output.
    #[arg(long, value_name = "PATH", help_heading = "Editors")]
    pub stdin_filename: Option<PathBuf>,
    /// Also report findings in third-party subcharts (packaged charts in charts/, and subchart
    /// folders fetched from a chart repository); first-party subchart folders are always linted.
    #[arg(long)]
    pub include_subcharts: bool,
    /// Target Kubernetes version for API checks, e.g. 1.31 (overrides the config).
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Prometheus version the rules are checked against, e.g. 2.53 (overrides
    /// `prometheus.version`; default: the current release).
    #[arg(long, value_name = "VERSION")]
    pub prometheus_version: Option<String>,
    /// Colour in human output: auto (terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Print findings only: no summary line.
    #[arg(long, short = 'q')]
    pub quiet: bool,
    /// Also print how many findings each rule reported.
    #[arg(long)]
    pub statistics: bool,
    /// Lint only the charts and manifests with a file changed since this git commit or branch
    /// (committed, staged, unstaged and untracked changes), e.g. `origin/main`.
    #[arg(long, value_name = "REF")]
    pub changed_since: Option<String>,
}

#[derive(clap::Args, Debug)]
pub struct RulesArgs {
    /// `text`: one rule per line; `json`: name, domain, severity, summary, documentation.
    #[arg(long, short = 'f', value_enum, default_value_t = RulesFormat::Text)]
    pub format: RulesFormat,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum RulesFormat {
    Text,
    Json,
}

#[derive(clap::Args, Debug)]
pub struct TemplateArgs {
    /// `[NAME] CHART`: the release name (default `release-name`) and the chart folder or
    /// packaged chart.
    #[arg(required = true, num_args = 1..)]
    pub args: Vec<String>,
    /// Values file (repeatable, or comma-separated); later files win.
    #[arg(
        long = "values",
        short = 'f',
        value_name = "FILE",
        value_delimiter = ','
    )]
    pub values: Vec<String>,
    /// Set values: `a.b=c,list[0]=x` (repeatable).
    #[arg(long = "set", value_name = "KEY=VALUE")]
    pub set: Vec<String>,
    /// Set values as strings (repeatable).
    #[arg(long = "set-string", value_name = "KEY=VALUE")]
    pub set_string: Vec<String>,
    /// Set values as JSON (repeatable).
    #[arg(long = "set-json", value_name = "KEY=JSON")]
    pub set_json: Vec<String>,
    /// Set values from files: `key=path` (repeatable).
    #[arg(long = "set-file", value_name = "KEY=PATH")]
    pub set_file: Vec<String>,
    /// Namespace of the release (`.Release.Namespace`).
    #[arg(long, short = 'n', default_value = "default")]
    pub namespace: String,
    /// Kubernetes version for `.Capabilities.KubeVersion` (default v1.32.0).
    #[arg(long, value_name = "VERSION")]
    pub kube_version: Option<String>,
    /// Extra API versions for `.Capabilities.APIVersions` (repeatable, or comma-separated).
    #[arg(long = "api-versions", short = 'a', value_delimiter = ',')]
    pub api_versions: Vec<String>,
    /// Only show manifests rendered from these templates (glob on the path after the chart
    /// name, e.g. `templates/deployment.yaml`; repeatable).
    #[arg(long = "show-only", short = 's', value_name = "TEMPLATE")]
    pub show_only: Vec<String>,
    /// Include the chart's CRDs (`crds/`) in the output.
    #[arg(long)]
    pub include_crds: bool,
    /// Leave out test hooks.
    #[arg(long)]
    pub skip_tests: bool,
    /// Leave out hooks.
    #[arg(long)]
    pub no_hooks: bool,
    /// Set `.Release.IsUpgrade` instead of `.Release.IsInstall`.
    #[arg(long)]
    pub is_upgrade: bool,
    /// Do not validate values against the charts' values.schema.json.
    #[arg(long)]
    pub skip_schema_validation: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    Auto,
    Always,
    Never,
}
