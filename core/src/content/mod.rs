//! Content: the document model, the trainers' source format, and the rules it must meet.

pub mod languages;
mod model;
mod source;
mod validate;

pub use model::{
    channel_for, Audience, Change, Checklist, Contact, Details, DocKind, Document,
    LocationVisibility, Note, Pack, PackInfo, Phone, PhoneKind, Provenance, Section, Source, Step,
    DEFAULT_STALE_AFTER_MONTHS, OFFICERS_CHANNEL_SUFFIX,
};
pub use source::{check_documents, Problem, SourceFile, SourceTree};
pub use validate::check_phone_number;
pub(crate) use validate::is_valid_id;

#[cfg(test)]
mod tests;
