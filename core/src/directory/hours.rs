//! Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in the pack's time zone.
//! "Unknown" is a real answer (no hours, or hours we cannot read) and is shown as "call first",
//! never as open. The syntax and its meaning are [`crate::hours`]'s.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use serde::Serialize;

use crate::hours::Hours;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OpenState {
    Open,
    Closed,
    /// No hours listed, or they cannot be evaluated: call first.
    Unknown,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OpenStatus {
    pub state: OpenState,
    /// Local time of the next change (`YYYY-MM-DDTHH:MM`), when there is one within a week.
    pub next_change: Option<String>,
}

impl OpenStatus {
    pub fn unknown() -> OpenStatus {
        OpenStatus {
            state: OpenState::Unknown,
            next_change: None,
        }
    }

    /// "open 24/7", "open, closes 17:00", "closed, opens Tue 08:00", "call first".
    pub fn describe(&self) -> String {
        let when = |s: &str| {
            chrono::NaiveDateTime::parse_from_str(s, "%Y-%m-%dT%H:%M")
                .map(|t| t.format("%a %H:%M").to_string())
                .unwrap_or_else(|_| s.to_owned())
        };
        match (self.state, &self.next_change) {
            (OpenState::Open, Some(next)) => format!("open, closes {}", when(next)),
            (OpenState::Open, None) => "open 24/7".to_owned(),
            (OpenState::Closed, Some(next)) => format!("closed, opens {}", when(next)),
            (OpenState::Closed, None) => "closed".to_owned(),
            (OpenState::Unknown, _) => "call first".to_owned(),
        }
    }
}

/// How far ahead a status looks for its next change: "opens Tue 08:00" is useful within a week,
/// a date months away is not.
const NEXT_CHANGE_DAYS: u32 = 8;

/// Evaluates hours at instants in one time zone, parsing each distinct expression once.
pub struct HoursEvaluator {
    tz: Tz,
    parsed: HashMap<String, Option<Hours>>,
}

impl HoursEvaluator {
    /// `timezone` is an IANA name; an unknown one (validated away at build time) falls back to UTC.
    pub fn new(timezone: &str) -> HoursEvaluator {
        HoursEvaluator {
            tz: Tz::from_str(timezone).unwrap_or(Tz::UTC),
            parsed: HashMap::new(),
        }
    }

    pub fn status(&mut self, hours: Option<&str>, at: DateTime<Utc>) -> OpenStatus {
        let Some(hours) = hours else {
            return OpenStatus::unknown();
        };
        let parsed = self
            .parsed
            .entry(hours.to_owned())
            .or_insert_with(|| Hours::parse(hours).ok());
        let Some(parsed) = parsed else {
            return OpenStatus::unknown();
        };
        // Hours are wall-clock times where the partner is: 09:00 is 09:00 on both sides of a
        // daylight-saving change.
        let local = at.with_timezone(&self.tz).naive_local();
        let state = if parsed.is_open_at(local) {
            OpenState::Open
        } else {
            OpenState::Closed
        };
        let horizon = local + chrono::Duration::days(NEXT_CHANGE_DAYS.into());
        let next_change = parsed
            .next_change(local, NEXT_CHANGE_DAYS)
            .filter(|t| *t < horizon)
            .map(|t| t.format("%Y-%m-%dT%H:%M").to_string());
        OpenStatus { state, next_change }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> DateTime<Utc> {
        DateTime::parse_from_rfc3339(text)
            .expect("test instant")
            .with_timezone(&Utc)
    }

    #[test]
    fn office_hours_are_evaluated_in_local_time() {
        let mut hours = HoursEvaluator::new("America/Chicago");
        // 15:00 UTC on a Wednesday is 09:00 in Chicago (CST, UTC-6).
        let open = hours.status(Some("Mo-Fr 08:00-17:00"), at("2026-11-25T15:00:00Z"));
        assert_eq!(open.state, OpenState::Open);
        assert_eq!(open.next_change.as_deref(), Some("2026-11-25T17:00"));
        assert_eq!(open.describe(), "open, closes Wed 17:00");
        // 09:00 UTC is 03:00 local: closed.
        let closed = hours.status(Some("Mo-Fr 08:00-17:00"), at("2026-11-25T09:00:00Z"));
        assert_eq!(closed.state, OpenState::Closed);
    }

    #[test]
    fn always_open_and_unknown() {
        let mut hours = HoursEvaluator::new("America/Chicago");
        let always = hours.status(Some("24/7"), at("2026-11-25T09:00:00Z"));
        assert_eq!(always.state, OpenState::Open);
        assert_eq!(always.describe(), "open 24/7");
        assert_eq!(
            hours.status(None, at("2026-11-25T09:00:00Z")).describe(),
            "call first"
        );
        assert_eq!(
            hours
                .status(Some("not hours"), at("2026-11-25T09:00:00Z"))
                .state,
            OpenState::Unknown
        );
    }

    #[test]
    fn overnight_ranges_cross_midnight() {
        let mut hours = HoursEvaluator::new("America/Chicago");
        // 08:00 UTC Thursday = 02:00 local Thursday, inside Wednesday's 18:00-08:00.
        let status = hours.status(Some("Mo-Su 18:00-08:00"), at("2026-11-26T08:00:00Z"));
        assert_eq!(status.state, OpenState::Open);
    }

    // US daylight saving in 2026 starts Sunday 8 March at 02:00 CST (08:00 UTC) and ends Sunday
    // 1 November at 02:00 CDT (07:00 UTC).

    #[test]
    fn hours_follow_the_wall_clock_across_spring_forward() {
        let mut hours = HoursEvaluator::new("America/Chicago");
        // 07:30 UTC = 01:30 CST: inside Saturday's night.
        let night = hours.status(Some("Mo-Su 18:00-08:00"), at("2026-03-08T07:30:00Z"));
        assert_eq!(night.state, OpenState::Open);
        assert_eq!(night.next_change.as_deref(), Some("2026-03-08T08:00"));
        // 13:30 UTC = 08:30 CDT: closed (it would be 07:30 and open on standard time).
        let morning = hours.status(Some("Mo-Su 18:00-08:00"), at("2026-03-08T13:30:00Z"));
        assert_eq!(morning.state, OpenState::Closed);
        assert_eq!(morning.next_change.as_deref(), Some("2026-03-08T18:00"));
        // An hour that does not exist that night is never open.
        for instant in ["2026-03-08T08:00:00Z", "2026-03-08T08:30:00Z"] {
            let skipped = hours.status(Some("Su 02:00-03:00"), at(instant));
            assert_eq!(skipped.state, OpenState::Closed, "{instant}");
        }
    }

    #[test]
    fn hours_follow_the_wall_clock_across_fall_back() {
        let mut hours = HoursEvaluator::new("America/Chicago");
        // Monday 2 November 13:30 UTC = 07:30 CST: not yet open (08:30 on daylight time).
        let early = hours.status(Some("Mo-Fr 08:00-17:00"), at("2026-11-02T13:30:00Z"));
        assert_eq!(early.state, OpenState::Closed);
        assert_eq!(early.next_change.as_deref(), Some("2026-11-02T08:00"));
        // 01:30 happens twice that Sunday; both are inside 01:00-02:00.
        for instant in ["2026-11-01T06:30:00Z", "2026-11-01T07:30:00Z"] {
            let status = hours.status(Some("Su 01:00-02:00"), at(instant));
            assert_eq!(status.state, OpenState::Open, "{instant}");
            assert_eq!(status.next_change.as_deref(), Some("2026-11-01T02:00"));
        }
        // 08:05 UTC = 02:05 CST: closed.
        let after = hours.status(Some("Su 01:00-02:00"), at("2026-11-01T08:05:00Z"));
        assert_eq!(after.state, OpenState::Closed);
    }

    #[test]
    fn next_change_looks_a_week_ahead_only() {
        let mut hours = HoursEvaluator::new("America/Chicago");
        // Closed in summer; reopens in November, months away: no "opens" date.
        let winter = hours.status(
            Some("Nov-Mar Mo-Su 19:00-07:00"),
            at("2026-07-01T18:00:00Z"),
        );
        assert_eq!(winter.state, OpenState::Closed);
        assert_eq!(winter.next_change, None);
        assert_eq!(winter.describe(), "closed");
        let pantry = hours.status(Some("Sa[1,3] 09:00-12:00"), at("2026-12-04T18:00:00Z"));
        assert_eq!(pantry.next_change.as_deref(), Some("2026-12-05T09:00"));
        assert_eq!(pantry.describe(), "closed, opens Sat 09:00");
    }
}
