use clap::Parser;
use plimsoll::cli::{Cli, ColorChoice, Command, FailOn, LintArgs, RulesFormat, TemplateArgs};
use plimsoll::diagnostic::Severity;
use plimsoll::lint::{LintOptions, lint};
use plimsoll::report::{self, Format, ReportOptions};
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

/// Linting allocates many small, short-lived nodes (YAML trees, rendered values); mimalloc
/// serves them faster than the system allocator. It is built without transparent huge pages
/// (`no_thp`): zeroing 2 MiB pages for a growing heap made CPU time grow faster than the input.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let code = if e.use_stderr() { 2 } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    match cli.command {
        Command::Server => ExitCode::from(plimsoll::server::run()),
        Command::Lint(args) => run_lint(args),
        Command::Template(args) => run_template(args),
        Command::Rules(rules_args) => {
            let mut out = std::io::stdout().lock();
            if rules_args.format == RulesFormat::Json {
                let _ = serde_json::to_writer_pretty(&mut out, &plimsoll::report::rules_json())
                    .and_then(|_| writeln!(out).map_err(serde_json::Error::io));
                return ExitCode::SUCCESS;
            }
            for m in plimsoll::rules::all_meta() {
                let _ = writeln!(
                    out,
                    "{:<44} {:<12} {:<8} {}",
                    m.name,
                    m.domain(),
                    m.severity.as_str(),
                    m.summary
                );
            }
            ExitCode::SUCCESS
        }
        Command::Explain { rule } => match plimsoll::rules::find(&rule) {
            Some(m) => {
                print!("{}", plimsoll::report::doc_page(m));
                ExitCode::SUCCESS
            }
            None => {
                let hint = plimsoll::suggest::closest(
                    &rule,
                    plimsoll::rules::RULES.iter().map(|r| r.meta.name),
                )
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
                eprintln!("plimsoll: unknown rule `{rule}`{hint}; `plimsoll rules` lists them");
                ExitCode::from(2)
            }
        },
    }
}

fn run_template(args: TemplateArgs) -> ExitCode {
    let mut warnings = Vec::new();
    let result = plimsoll::render::chart::template_command(&args, &mut warnings);
    for w in &warnings {
        eprintln!("{w}");
    }
    match result {
        Ok(text) => {
            let mut out = std::io::stdout().lock();
            match out.write_all(text.as_bytes()).and_then(|_| out.flush()) {
                Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => {
                    eprintln!("Error: {e}");
                    ExitCode::from(1)
                }
                _ => ExitCode::SUCCESS,
            }
        }
        Err(e) => {
            eprintln!("{}", e.helm_text());
            ExitCode::from(1)
        }
    }
}

fn run_lint(args: LintArgs) -> ExitCode {
    let paths = if args.paths.is_empty() {
        vec![".".into()]
    } else {
        args.paths.clone()
    };
    let kube_version = match &args.kube_version {
        Some(v) => match plimsoll::config::parse_kube_version(v) {
            Some(v) => Some(v),
            None => {
                eprintln!(
                    "plimsoll: invalid --kube-version `{v}`: expected MAJOR.MINOR such as 1.31"
                );
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let prometheus_version = match &args.prometheus_version {
        Some(v) => match plimsoll::prometheus::version::parse_version(v) {
            Some(v) => Some(v),
            None => {
                eprintln!(
                    "plimsoll: invalid --prometheus-version `{v}`: expected MAJOR.MINOR such as 2.53 or 3.5"
                );
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let changed = match &args.changed_since {
        Some(reference) => match plimsoll::changed::changed_files(&paths, reference) {
            Ok(files) => Some(files),
            Err(reason) => {
                eprintln!("plimsoll: {reason}");
                return ExitCode::from(2);
            }
        },
        None => None,
    };
    let options = LintOptions {
        config: args.config.clone(),
        kube_version,
        prometheus_version,
        values: args.values.clone(),
        rule_packs: args.rule_packs.clone(),
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        include_subcharts: args.include_subcharts,
        changed,
    };
    let result = match plimsoll::fix::cli::lint_for(&args, &paths, &options, lint) {
        Ok(plimsoll::fix::cli::Next::Report(r)) => r,
        Ok(plimsoll::fix::cli::Next::Exit(code)) => return ExitCode::from(code),
        Err(reason) => {
            eprintln!("plimsoll: {reason}");
            return ExitCode::from(2);
        }
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let checked = report::Checked {
        charts: result.charts,
        files: result
            .checked
            .iter()
            .map(|p| plimsoll::source::display_path(p))
            .collect(),
        empty: result
            .empty_paths
            .iter()
            .map(|p| plimsoll::source::display_path(p))
            .collect(),
        unchanged: args
            .changed_since
            .as_ref()
            .map(|r| (result.unchanged, r.clone())),
    };
    let human = args.format == Format::Human;
    let opts = ReportOptions {
        color,
        checked: Some(checked.clone()),
        quiet: args.quiet,
        statistics: args.statistics,
    };
    let written = match &args.output {
        Some(path) => std::fs::File::create(path).and_then(|f| {
            let mut w = std::io::BufWriter::new(f);
            report::render(args.format, &result.diagnostics, &mut w, &opts)?;
            w.flush()
        }),
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            report::render(args.format, &result.diagnostics, &mut w, &opts).and_then(|_| w.flush())
        }
    };
    if let Err(e) = written
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        match &args.output {
            Some(path) => eprintln!(
                "plimsoll: cannot write the report to {}: {e}",
                path.display()
            ),
            None => eprintln!("plimsoll: cannot write the report: {e}"),
        }
        return ExitCode::from(2);
    }
    // A machine-readable report stays parseable: what was checked, and the counts per rule,
    // go to standard error (a human report carries them itself, unless it went to a file).
    let side_channel = !human || args.output.is_some();
    if side_channel {
        if args.statistics && !result.diagnostics.is_empty() {
            eprint!("{}", report::statistics(&result.diagnostics));
        }
        if !args.quiet {
            eprintln!("{}", report::summary(&result.diagnostics, Some(&checked)));
        }
    }
    if args.quiet {
        for p in &checked.empty {
            eprintln!(
                "plimsoll: nothing to lint in {p}: no chart, packaged chart or YAML manifest"
            );
        }
    }
    for reason in &result.unreadable_paths {
        eprintln!("plimsoll: {reason}");
    }
    if !result.unreadable_paths.is_empty() {
        return ExitCode::from(2);
    }
    // An explicit --fail-on wins; --strict alone is --fail-on warning; the default is error.
    let fail_on = match (args.fail_on, args.strict) {
        (Some(f), _) => f,
        (None, true) => FailOn::Warning,
        (None, false) => FailOn::Error,
    };
    let threshold = match fail_on {
        FailOn::Never => None,
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Info => Some(Severity::Info),
    };
    let failed = threshold.is_some_and(|t| result.diagnostics.iter().any(|d| d.severity >= t));
    ExitCode::from(u8::from(failed))
}
