//! The pack compiled into the binary (from `content/`), installed on first run.

use crate::content::{Pack, Problem, SourceTree};

include!(concat!(env!("OUT_DIR"), "/bundled_files.rs"));

/// The bundled sources as a tree, `pack.toml` included.
pub fn sources() -> SourceTree {
    SourceTree::from_files(FILES.iter().copied())
}

/// The bundled pack as this build serves it ([`crate::BUILD_AUDIENCE`]), parsed and validated.
/// An error here is a build defect (the test suite compiles it), reported with every problem
/// rather than a panic. A partner build's sources never held officers material to begin with:
/// `build.rs` left it out of the library.
pub fn pack() -> Result<Pack, Vec<Problem>> {
    Ok(sources().compile()?.for_audience(crate::BUILD_AUDIENCE))
}

/// The trust root shipped with the app (`content/trust/root.json`), if the build has one.
pub fn trust_root() -> crate::Result<Option<crate::pack::Envelope>> {
    match FILES.iter().find(|(path, _)| *path == TRUST_ROOT_PATH) {
        Some((_, text)) => serde_json::from_str(text)
            .map(Some)
            .map_err(|e| crate::Error::Corrupt(format!("bundled {TRUST_ROOT_PATH}: {e}"))),
        None => Ok(None),
    }
}

const TRUST_ROOT_PATH: &str = "trust/root.json";
