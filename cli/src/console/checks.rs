//! Checks as the trainer types: the core's own validator run over the whole folder with the
//! edited file in place (so the messages, lines and cross-file rules such as duplicate ids are
//! exactly those of `fieldref pack validate DIR`), and a contact's hours laid out as a week in
//! the pack's time zone by the core's hours evaluator.

use chrono::{Datelike, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use fieldref_core::content::{Pack, Problem, SourceTree};
use fieldref_core::directory::{HoursEvaluator, OpenState, OpenStatus};
use serde::Serialize;

use super::documents::Folder;

/// The folder's sources with `path` (relative) holding `text` instead of what is on disk.
pub fn with_edit(folder: &Folder, path: &str, text: &str) -> SourceTree {
    let mut tree = folder.tree.clone();
    let shown = folder.shown_path(path);
    match tree.documents.iter_mut().find(|f| f.path == shown) {
        Some(file) => file.text = text.to_owned(),
        None => tree.documents.push(fieldref_core::content::SourceFile {
            path: shown,
            text: text.to_owned(),
        }),
    }
    tree
}

/// The problems of the edited file (others' problems are not the trainer's to fix here), and
/// the compiled pack when there are none anywhere.
pub fn check(folder: &Folder, path: &str, text: &str) -> (Vec<Problem>, Option<Pack>) {
    let shown = folder.shown_path(path);
    match with_edit(folder, path, text).compile() {
        Ok(pack) => (Vec::new(), Some(pack)),
        Err(problems) => (
            problems.into_iter().filter(|p| p.path == shown).collect(),
            None,
        ),
    }
}

/// One week of opening hours: per day, per half hour, open, closed or unknown.
#[derive(Debug, Clone, Serialize)]
pub struct WeekGrid {
    pub timezone: String,
    /// Now, in words: "open, closes Wed 17:00", "call first".
    pub now: String,
    pub state: OpenState,
    pub next_change: Option<String>,
    pub days: Vec<DayRow>,
}

#[derive(Debug, Clone, Serialize)]
pub struct DayRow {
    /// "Mon 7 Dec".
    pub label: String,
    pub today: bool,
    /// 48 half hours from 00:00.
    pub slots: Vec<OpenState>,
}

/// The week from today's Monday in `timezone`, evaluated by the core at every half hour.
pub fn week_grid(hours: Option<&str>, timezone: &str, now: chrono::DateTime<Utc>) -> WeekGrid {
    let tz: Tz = timezone.parse().unwrap_or(Tz::UTC);
    let mut evaluator = HoursEvaluator::new(timezone);
    let status: OpenStatus = evaluator.status(hours, now);
    let today = now.with_timezone(&tz).date_naive();
    let monday = today - Duration::days(i64::from(today.weekday().num_days_from_monday()));
    let days = (0..7)
        .map(|d| {
            let day = monday + Duration::days(d);
            DayRow {
                label: day.format("%a %-d %b").to_string(),
                today: day == today,
                slots: (0..48)
                    .map(|slot| slot_state(&mut evaluator, hours, &tz, day, slot))
                    .collect(),
            }
        })
        .collect();
    WeekGrid {
        timezone: timezone.to_owned(),
        now: status.describe(),
        state: status.state,
        next_change: status.next_change,
        days,
    }
}

fn slot_state(
    evaluator: &mut HoursEvaluator,
    hours: Option<&str>,
    tz: &Tz,
    day: NaiveDate,
    slot: u32,
) -> OpenState {
    let Some(local) = day.and_hms_opt(slot / 2, (slot % 2) * 30, 0) else {
        return OpenState::Unknown;
    };
    // A local time skipped by a DST change has no instant: show it as its neighbour does.
    let instant = tz.from_local_datetime(&local).earliest().or_else(|| {
        tz.from_local_datetime(&(local + Duration::hours(1)))
            .earliest()
    });
    match instant {
        Some(at) => evaluator.status(hours, at.with_timezone(&Utc)).state,
        None => OpenState::Unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn office_hours_fill_weekday_daytime_in_local_time() {
        // Wednesday 2026-11-25 15:00 UTC is 09:00 in Chicago.
        let now = chrono::DateTime::parse_from_rfc3339("2026-11-25T15:00:00Z")
            .expect("instant")
            .with_timezone(&Utc);
        let grid = week_grid(Some("Mo-Fr 08:00-17:00"), "America/Chicago", now);
        assert_eq!(grid.now, "open, closes Wed 17:00");
        assert_eq!(grid.days[0].label, "Mon 23 Nov");
        assert!(grid.days[2].today);
        let monday = &grid.days[0].slots;
        assert_eq!(monday[15], OpenState::Closed, "07:30");
        assert_eq!(monday[16], OpenState::Open, "08:00");
        assert_eq!(monday[33], OpenState::Open, "16:30");
        assert_eq!(monday[34], OpenState::Closed, "17:00");
        assert!(grid.days[6].slots.iter().all(|s| *s == OpenState::Closed));
        let unknown = week_grid(None, "America/Chicago", now);
        assert_eq!(unknown.now, "call first");
    }
}
