//! Compiles the bundled pack's sources (`../content`) into the library, so a fresh device has
//! content with no network. The files are embedded as text; the core parses and validates them on
//! first run, with the same code path as `fieldref pack build`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let content = manifest.join("..").join("content");
    println!("cargo:rerun-if-changed={}", content.display());
    let mut files = Vec::new();
    if content.is_dir() {
        collect(&content, &content, &mut files);
    }
    files.sort();
    let mut out = String::from(
        "/// `(path relative to content/, absolute path)` of every bundled source file.\n",
    );
    out.push_str("pub(crate) static FILES: &[(&str, &str)] = &[\n");
    for (relative, absolute) in &files {
        writeln!(out, "    ({relative:?}, include_str!({absolute:?})),").expect("write to string");
    }
    out.push_str("];\n");
    let dest =
        PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo")).join("bundled_files.rs");
    std::fs::write(dest, out).expect("write bundled_files.rs");
}

fn collect(root: &Path, dir: &Path, files: &mut Vec<(String, String)>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(root, &path, files);
            continue;
        }
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let wanted = name == "pack.toml"
            || (name.ends_with(".md") && name != "README.md")
            || (name.ends_with(".json") && dir.ends_with("trust"));
        if wanted {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .to_string_lossy()
                .replace('\\', "/");
            files.push((relative, path.display().to_string()));
        }
    }
}
