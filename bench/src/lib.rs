//! FieldRef's benchmark: a seeded corpus in the pack source format, a seeded query set, and SQLite
//! FTS5 as the baseline, all measured in one process run by the `fieldref-bench` binary; and the
//! relevance benchmark (`fieldref-bench relevance`): ranking quality on judged queries.

pub mod corpus;
pub mod fts;
pub mod install;
pub mod queries;
pub mod relevance;
pub mod rng;
