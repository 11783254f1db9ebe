//! Open Referral HSDS 3.x in and out: community-partner contacts from where 211 systems and
//! resource directories already keep them, and the department's public contacts back out for
//! partners to check. Owns the HSDS types (`model`), reading JSON records, list pages and CSV
//! data packages (`read`, `csv`), the mapping onto contact documents (`convert`), schedules to
//! and from `opening_hours` (`schedule`), re-imports that keep trainers' edits (`import`,
//! `state`), and the export (`export`). The mapping is documented table by table in
//! `content/README.md`.

mod config;
mod convert;
mod csv;
mod error;
mod export;
mod fields;
mod frontmatter;
mod import;
pub mod model;
mod read;
pub mod schedule;
mod state;

pub use config::HsdsConfig;
pub use error::HsdsError;
pub use export::{export_dir, export_pack, ExportReport};
pub use frontmatter::render_document;
pub use import::{import_into, Entry, ImportReport};
pub use read::{read_source, Source};

/// The taxonomy FieldRef's exports classify services with: its term codes are the pack's own
/// service types, so they map back without a `[hsds.taxonomy]` entry.
pub const FIELDREF_TAXONOMY: &str = "fieldref-service-types";

/// Where the importer keeps what it wrote, beside `pack.toml` (never read as content).
pub const STATE_FILE: &str = "hsds-import.json";
