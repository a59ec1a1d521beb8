//! Converts the embedded scope table to JSON at build time: reading JSON at start-up is about
//! twenty times faster than reading YAML, and the table is read on every run. The YAML file stays
//! the source of truth (and is embedded too, for `table --format yaml` and for diagnostics).

use std::path::Path;

fn main() {
    println!("cargo::rerun-if-changed=scope-table.yaml");
    let out = std::env::var("OUT_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_default();
    let json = std::fs::read_to_string("scope-table.yaml")
        .ok()
        .and_then(|yaml| serde_saphyr::from_str::<serde_json::Value>(&yaml).ok())
        .and_then(|value| serde_json::to_string(&value).ok())
        // An unreadable table is reported at run time, with its location, by the YAML loader.
        .unwrap_or_default();
    if let Err(e) = std::fs::write(Path::new(&out).join("scope-table.json"), json) {
        println!("cargo::warning=cannot write scope-table.json: {e}");
    }
}
