//! Parses every distinct template file found under `templates/` folders of a directory tree,
//! as the lint parses chart templates:
//! `cargo run --release --example parse_bench DIR [ROUNDS]` prints the file count, bytes and
//! time; `cargo run --release --example parse_bench DIR dump` prints every tree (or error)
//! in `Debug` form, to compare two builds of the parser (`hashes`: one hash of that form per
//! file; `mutants`: hashes of prefixes and one-byte deletions of every file).

use plimsoll::template::{FuncSet, ParseOptions, parse};
#[path = "shared/distinct.rs"]
mod distinct;

use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("DIR"));
    let mode = args.next().unwrap_or_else(|| "1".to_string());
    let texts = distinct::distinct_files(&dir, &|_, in_templates| in_templates);
    let opts = |name: &'static str| ParseOptions {
        check_functions: false,
        ..ParseOptions::new(name, FuncSet::helm())
    };
    if mode == "mutants" {
        // Prefixes and one-byte deletions: error paths and their messages.
        use std::hash::{DefaultHasher, Hash, Hasher};
        for (name, text) in &texts {
            let n = text.len();
            for k in 1..24 {
                let mut at = n * k / 24;
                while !text.is_char_boundary(at) {
                    at += 1;
                }
                let mut cut = text[..at].to_string();
                let r = parse(&cut, &opts("t"));
                let mut h = DefaultHasher::new();
                format!("{r:?}").hash(&mut h);
                println!("{name} {at} prefix {:x} {:?}", h.finish(), r.err());
                let mut end = at + 1;
                while end < n && !text.is_char_boundary(end) {
                    end += 1;
                }
                if end <= n {
                    cut.push_str(&text[end..]);
                    let r = parse(&cut, &opts("t"));
                    let mut h = DefaultHasher::new();
                    format!("{r:?}").hash(&mut h);
                    println!("{name} {at} delete {:x} {:?}", h.finish(), r.err());
                }
            }
        }
        return;
    }
    if mode == "hashes" {
        // One line per file: a hash of the tree's (or error's) `Debug` form.
        use std::hash::{DefaultHasher, Hash, Hasher};
        for (name, text) in &texts {
            let mut h = DefaultHasher::new();
            format!("{:?}", parse(text, &opts("t"))).hash(&mut h);
            println!("{name} {:x}", h.finish());
        }
        return;
    }
    if mode == "dump" {
        for (name, text) in &texts {
            println!("== {name}");
            println!("{:#?}", parse(text, &opts("t")));
        }
        return;
    }
    let rounds: usize = mode.parse().unwrap_or(1);
    let bytes: usize = texts.iter().map(|t| t.1.len()).sum();
    let t0 = Instant::now();
    let mut ok = 0;
    for _ in 0..rounds {
        for (_, text) in &texts {
            if parse(text, &opts("t")).is_ok() {
                ok += 1;
            }
        }
    }
    println!(
        "{} files, {} bytes, {} parsed without error, {:?} per round",
        texts.len(),
        bytes,
        ok / rounds.max(1),
        t0.elapsed() / rounds.max(1) as u32
    );
}
