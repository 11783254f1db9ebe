//! What the validator reports: one finding per offending field, with where it is and how much it
//! matters. Callers branch on [`Severity`], never on the message.

use std::fmt;

use serde::Serialize;

/// Whether a finding stops a pack from being built.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// The pack is not built (or an update not installed) while it remains.
    #[default]
    Error,
    /// Worth fixing, but the pack still builds; `fieldref pack validate --strict` fails on it.
    Warning,
}

/// One problem found in the sources, printed as `path:line: field: message`, with `warning: `
/// in front when it is a warning.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    pub path: String,
    pub line: usize,
    pub field: String,
    pub message: String,
    pub severity: Severity,
}

impl Problem {
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    pub fn is_warning(&self) -> bool {
        self.severity == Severity::Warning
    }

    /// The same finding, downgraded to a warning.
    pub(crate) fn warning(mut self) -> Problem {
        self.severity = Severity::Warning;
        self
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.is_warning() {
            f.write_str("warning: ")?;
        }
        write!(
            f,
            "{}:{}: {}: {}",
            self.path, self.line, self.field, self.message
        )
    }
}
