//! Content: the document model, the trainers' source format, and the rules it must meet.

mod claims;
pub mod languages;
mod links;
mod model;
mod problem;
mod review;
mod source;
mod validate;
pub mod zones;

pub use model::{
    channel_for, Audience, Change, Checklist, Contact, Details, DocKind, Document,
    LocationVisibility, Note, Pack, PackInfo, Phone, PhoneKind, Provenance, Section, Source, Step,
    CONTACT_FIELDS, DEFAULT_STALE_AFTER_MONTHS, OFFICERS_CHANNEL_SUFFIX,
};
pub use problem::{Problem, Severity};
pub use source::{
    check_changed_documents, check_documents, date_in, today_in, Checked, SourceFile, SourceTree,
};
pub use validate::check_phone_number;
pub(crate) use validate::is_valid_id;

#[cfg(test)]
mod rules_tests;
#[cfg(test)]
mod tests;
