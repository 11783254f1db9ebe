//! FieldRef's shared core: the content model, the SQLite store (source of truth), the tantivy
//! index (derived, rebuildable), search, the partner directory, and packs. No FFI and no UI here:
//! the CLI, the uniffi bindings and the tests all go through [`FieldRef`].

pub mod bundled;
pub mod content;
pub mod directory;
mod error;
mod fieldref;
pub mod hours;
pub mod hsds;
pub mod index;
pub mod pack;
pub mod search;
pub mod store;
pub mod sync;

pub use error::{Error, Result};

/// Whom this build of the library serves: officers builds (feature `officers`) may hold every
/// audience's content; community partners' builds only the public's, whatever they are handed.
pub const BUILD_AUDIENCE: content::Audience = if cfg!(feature = "officers") {
    content::Audience::Officers
} else {
    content::Audience::Public
};
pub use fieldref::{
    ChecklistProgress, FieldRef, IndexProblem, KindCount, OpenOptions, OpenReport, Stats,
};
