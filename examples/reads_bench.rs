//! Times the analysis of which `.Values` paths templates read, over every chart (and
//! subchart) found under a folder, and optionally prints every read for comparison:
//! `cargo run --profile profiling --example reads_bench DIR [REPEATS] [--dump FILE]`.
//! Templates are parsed before the clock starts, so only the analysis is measured.

use plimsoll::chart::{Chart, Unit, templates, value_reads};
use plimsoll::discover::{UnitSource, discover, load};
use std::io::Write;
use std::path::Path;
use std::time::Instant;

// The allocator of the `plimsoll` binary, so the figures match a lint run.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let dir = args.first().expect("a folder of charts");
    let repeats: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(1);
    let dump = args
        .iter()
        .position(|a| a == "--dump")
        .and_then(|i| args.get(i + 1));
    let (units, _) = discover(Path::new(dir), &|_| false).expect("discover");
    let mut charts: Vec<Box<Chart>> = Vec::new();
    for u in &units {
        if let UnitSource::ChartDir(_) = u
            && let (Unit::Chart(c), _) = load(u)
        {
            charts.push(c);
        }
    }
    let all: Vec<(String, &Chart)> = charts.iter().flat_map(|c| templates::tree(c)).collect();
    for (_, c) in &all {
        c.parsed_templates();
    }
    let started = Instant::now();
    let mut reads = 0;
    for _ in 0..repeats {
        for (_, c) in &all {
            reads += value_reads::analyse(c).reads.len();
        }
    }
    let elapsed = started.elapsed();
    if std::env::var_os("READS_BY_CHART").is_some() {
        // Time by chart name (the last folder), largest first.
        let mut by: std::collections::BTreeMap<String, (usize, f64)> = Default::default();
        for (name, c) in &all {
            let t = Instant::now();
            for _ in 0..repeats {
                value_reads::analyse(c);
            }
            let e = by
                .entry(name.rsplit('/').next().unwrap_or(name).to_string())
                .or_default();
            e.0 += 1;
            e.1 += t.elapsed().as_secs_f64() * 1000.0 / repeats.max(1) as f64;
        }
        let mut v: Vec<_> = by.into_iter().collect();
        v.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
        for (n, (k, ms)) in v.iter().take(15) {
            println!("{n:30} {k:4} {ms:8.2} ms");
        }
    }
    println!(
        "{} charts, {} reads a pass, {:.1} ms a pass",
        all.len(),
        reads / repeats.max(1),
        elapsed.as_secs_f64() * 1000.0 / repeats.max(1) as f64
    );
    if let Some(file) = dump {
        let mut out = std::io::BufWriter::new(std::fs::File::create(file).expect("dump file"));
        for (charts_index, (name, c)) in all.iter().enumerate() {
            let r = value_reads::analyse(c);
            writeln!(out, "== {charts_index} {name} complete={}", r.complete).unwrap();
            for read in &r.reads {
                writeln!(out, "{read:?}").unwrap();
            }
            for l in &r.loose {
                writeln!(out, "loose {l:?}").unwrap();
            }
        }
    }
}
