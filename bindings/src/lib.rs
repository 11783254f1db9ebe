//! uniffi bindings of `fieldref-core` for Kotlin and Swift. A thin adapter: records mirroring the
//! core's types, one object wrapping `FieldRef`, one error type mapped once, and the HTTP
//! transport as a trait the shells implement. No business logic lives here.

mod app;
mod background;
mod error;
mod recovery;
mod sync;
mod types;

pub use app::FieldRefApp;
pub use error::{FieldRefError, UpdateRefusal};
pub use recovery::{SalvageCount, StoreDamage, StoreRecovery};
pub use sync::{
    AsyncHttpTransport, HttpHeader, HttpTransport, TransportFailure, TransportRequest,
    TransportResponse,
};
pub use types::*;

uniffi::setup_scaffolding!();
