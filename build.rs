//! Decompresses the embedded Kubernetes API types at build time, so that a run reads them
//! straight from the binary (inflating them took about a millisecond of every run that
//! validated an object).

use std::io::Read;
use std::path::Path;

fn main() {
    let src = "src/k8s/schema/k8s-schemas.txt.gz";
    println!("cargo::rerun-if-changed={src}");
    let gz = std::fs::read(src).unwrap_or_else(|e| panic!("cannot read {src}: {e}"));
    let mut text = Vec::new();
    flate2::read::GzDecoder::new(&gz[..])
        .read_to_end(&mut text)
        .unwrap_or_else(|e| panic!("{src} is not gzip data: {e}"));
    let out = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(Path::new(&out).join("k8s-schemas.txt"), text)
        .unwrap_or_else(|e| panic!("cannot write the decompressed API types: {e}"));
}
