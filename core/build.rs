//! Compiles the bundled pack's sources (`../content`) into the library, so a fresh device has
//! content with no network. The files are embedded as text; the core parses and validates them on
//! first run, with the same code path as `fieldref pack build`.
//!
//! A community partners' build (without the `officers` feature) embeds only what the public may
//! have: officers-only documents are left out and officers-only contact locations are removed
//! here, so the library file itself never contains them (AUDIENCES.md).

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Keys of a contact's location, removed when only officers may see it.
const LOCATION_KEYS: &[&str] = &["address", "neighborhood", "latitude", "longitude"];

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("set by cargo"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("set by cargo"));
    let officers = std::env::var_os("CARGO_FEATURE_OFFICERS").is_some();
    let content = manifest.join("..").join("content");
    println!("cargo:rerun-if-changed={}", content.display());
    let mut files = Vec::new();
    if content.is_dir() {
        collect(&content, &content, &mut files);
    }
    files.sort();
    let public_dir = out_dir.join("public-content");
    let mut out =
        String::from("/// `(path relative to content/, text)` of every bundled source file.\n");
    out.push_str("pub(crate) static FILES: &[(&str, &str)] = &[\n");
    for (relative, absolute) in &files {
        let embedded = if officers || !relative.ends_with(".md") {
            absolute.clone()
        } else {
            let text = std::fs::read_to_string(absolute).expect("read content file");
            let Some(public) = public_version(&text) else {
                continue; // officers-only: not in a partner build
            };
            let path = public_dir.join(relative);
            std::fs::create_dir_all(path.parent().expect("file has a folder"))
                .expect("create public-content folder");
            std::fs::write(&path, public).expect("write public content file");
            path.display().to_string()
        };
        writeln!(out, "    ({relative:?}, include_str!({embedded:?})),").expect("write to string");
    }
    out.push_str("];\n");
    std::fs::write(out_dir.join("bundled_files.rs"), out).expect("write bundled_files.rs");
}

/// A source document as the public may have it: `None` when it is for officers only; the text
/// with the location keys removed when only officers may see the location. Files whose front
/// matter cannot be read are kept as they are, so the core's validator reports them.
fn public_version(text: &str) -> Option<String> {
    let Some((front, body)) = split_front_matter(text) else {
        return Some(text.to_owned());
    };
    let Ok(mut table) = front.parse::<toml::Table>() else {
        return Some(text.to_owned());
    };
    let field = |table: &toml::Table, key: &str| {
        table
            .get(key)
            .and_then(|v| v.as_str())
            .map(str::to_owned)
            .unwrap_or_default()
    };
    if field(&table, "audience") == "officers" {
        return None;
    }
    let visibility = field(&table, "location_visibility");
    if visibility == "officers" || visibility == "withheld" {
        for key in LOCATION_KEYS {
            table.remove(*key);
        }
        let front = toml::to_string(&table).expect("a parsed table serializes");
        return Some(format!("+++\n{front}+++\n{body}"));
    }
    Some(text.to_owned())
}

fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let rest = text.strip_prefix("+++\n")?;
    let end = rest.find("\n+++\n")?;
    Some((&rest[..=end], &rest[end + 5..]))
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
