//! Parses every distinct `.yaml`/`.yml` file of a directory tree, as the lint parses chart
//! files: `cargo run --release --example yaml_bench DIR [ROUNDS]` prints the file count,
//! bytes and time; `cargo run --release --example yaml_bench DIR hashes` prints one hash of
//! the `Debug` form of every tree, to compare two builds of the YAML parser.

use plimsoll::yaml::{Node, NodeKind};
#[path = "shared/distinct.rs"]
mod distinct;

use std::path::PathBuf;
use std::time::Instant;

#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn sorted_indexes(n: &mut Node, out: &mut Vec<Vec<(String, u32)>>) {
    if let Some(index) = n.index.take() {
        let mut v: Vec<(String, u32)> = index.into_iter().collect();
        v.sort();
        out.push(v);
    }
    match &mut n.kind {
        NodeKind::Scalar(_) => {}
        NodeKind::Seq(items) => items.iter_mut().for_each(|i| sorted_indexes(i, out)),
        NodeKind::Map(entries) => {
            for e in entries {
                sorted_indexes(&mut e.key, out);
                sorted_indexes(&mut e.value, out);
            }
        }
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let dir = PathBuf::from(args.next().expect("DIR"));
    let mode = args.next().unwrap_or_else(|| "1".to_string());
    let texts = distinct::distinct_files(&dir, &|p, _| {
        p.extension().is_some_and(|x| x == "yaml" || x == "yml")
    });
    if mode == "hashes" {
        use std::hash::{DefaultHasher, Hash, Hasher};
        for (name, text) in &texts {
            let mut h = DefaultHasher::new();
            let mut file = plimsoll::yaml::parse(text);
            // Key indexes are hash maps: shown sorted, apart from the tree.
            let mut indexes = Vec::new();
            for d in &mut file.documents {
                if let Some(root) = &mut d.root {
                    sorted_indexes(root, &mut indexes);
                }
            }
            format!("{file:?} {indexes:?}").hash(&mut h);
            println!("{name} {:x}", h.finish());
        }
        return;
    }
    let rounds: usize = mode.parse().unwrap_or(1);
    let bytes: usize = texts.iter().map(|t| t.1.len()).sum();
    let t0 = Instant::now();
    let mut fast = 0;
    for _ in 0..rounds {
        for (_, text) in &texts {
            if plimsoll::yaml::parse_fast(text).is_some() {
                fast += 1;
            }
            std::hint::black_box(plimsoll::yaml::parse(text));
        }
    }
    println!(
        "{} files, {} bytes, {} on the fast path, {:?} per round",
        texts.len(),
        bytes,
        fast / rounds.max(1),
        t0.elapsed() / rounds.max(1) as u32
    );
}
