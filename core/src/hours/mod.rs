//! Opening hours: the subset of OpenStreetMap's `opening_hours` syntax that packs use, parsed
//! ([`parse`]) and evaluated ([`eval`]) by our own code instead of a general grammar crate (pest
//! and regex cost the phone library about a megabyte, and evaluating a hostile value took a
//! quarter of a second).
//!
//! What is understood, and nothing else (anything else is a [`ParseError`] naming the character
//! and what was expected):
//!
//! - `24/7`;
//! - rules separated by `;`, each `[months] [weekdays] [times | off | closed]`;
//! - months `Jan`..`Dec`, single or ranges, ranges may wrap the year (`Nov-Mar`), lists with `,`;
//! - weekdays `Mo`..`Su`, single or ranges (`Mo-Fr`, wrapping `Fr-Mo`), lists (`Tu,Th`), and
//!   the nth weekday of the month (`Sa[1,3]`, `We[2-4]`, `Fr[-1]` for the last);
//! - `PH` (public holidays) in a weekday list;
//! - times `HH:MM-HH:MM`, several per rule with `,`; an end at or before the start runs past
//!   midnight into the next day (`18:00-08:00`), `24:00` is the end of the day, and an end up to
//!   `48:00` may be written out (`18:00-32:00`);
//! - a rule with days but no times is open all day on them.
//!
//! Meaning, per OpenStreetMap: a later rule replaces what earlier rules said for the days it
//! selects. Spans belong to the day they start on: a later rule for Saturday replaces Saturday's
//! own spans, not Friday night's span running into Saturday morning (that is how the HSDS export
//! writes a week, one rule per day group, and it must read back the same). `off` / `closed` closes
//! the whole calendar day, Friday night's spill included.
//!
//! `PH`: we have no holiday calendar (packs carry none and a device must not guess a country's),
//! so a public holiday is a day that never comes: `PH off` changes nothing and `Sa,Su,PH` means
//! `Sa,Su`. This keeps what the directory showed before this parser (the grammar crate was used
//! without a holiday region either): on a holiday, an office that closes is shown by its weekday
//! hours, and "call first" stays the advice in every listing.

mod eval;
mod parse;

pub use parse::ParseError;

/// Minutes since the start of a day; spans may end past `MINUTES_PER_DAY` (into the next day).
pub type Minute = u16;

pub const MINUTES_PER_DAY: Minute = 24 * 60;

/// A parsed `opening_hours` value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hours {
    rules: Vec<Rule>,
}

/// One `;`-separated rule.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Rule {
    /// Inclusive month ranges, `0` = January; a range may wrap (`Nov-Mar` is `(10, 2)`). Empty:
    /// every month.
    months: Vec<(u8, u8)>,
    /// `None`: every day.
    days: Option<Vec<DayItem>>,
    /// Openings starting on a selected day; ignored for a closed rule.
    spans: Vec<Span>,
    open: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum DayItem {
    /// Inclusive weekday range, `0` = Monday; may wrap (`Fr-Mo`).
    Range(u8, u8),
    /// A weekday on its nth occurrences in the month (negative: counted from the end).
    Nth(u8, Vec<i8>),
    /// A public holiday: never matches (see the module documentation).
    Holiday,
}

/// `start < end`, `start < MINUTES_PER_DAY`, `end <= 2 * MINUTES_PER_DAY`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Span {
    start: Minute,
    end: Minute,
}

impl Hours {
    /// Parses an `opening_hours` value of the subset described in the module documentation.
    pub fn parse(text: &str) -> Result<Hours, ParseError> {
        parse::hours(text)
    }
}

impl std::str::FromStr for Hours {
    type Err = ParseError;

    fn from_str(text: &str) -> Result<Hours, ParseError> {
        Hours::parse(text)
    }
}
