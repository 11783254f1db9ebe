//! Opening hours in OpenStreetMap `opening_hours` syntax, evaluated in the pack's time zone.
//! "Unknown" is a real answer (no hours, or hours that depend on something we cannot know) and is
//! shown as "call first", never as open.

use std::collections::HashMap;
use std::str::FromStr;

use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use opening_hours::{OpeningHours, RuleKind};
use serde::Serialize;

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

/// Evaluates hours at instants in one time zone, parsing each distinct expression once.
pub struct HoursEvaluator {
    tz: Tz,
    parsed: HashMap<String, Option<OpeningHours>>,
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
            .or_insert_with(|| OpeningHours::from_str(hours).ok());
        let Some(oh) = parsed else {
            return OpenStatus::unknown();
        };
        let local = at.with_timezone(&self.tz).naive_local();
        let state = match oh.state(local).0 {
            RuleKind::Open => OpenState::Open,
            RuleKind::Closed => OpenState::Closed,
            RuleKind::Unknown => OpenState::Unknown,
        };
        let horizon = local + chrono::Duration::days(8);
        let next_change = oh
            .next_change(local)
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
}
