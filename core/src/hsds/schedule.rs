//! HSDS schedules (RFC 5545 `freq`/`byday` recurrences with `opens_at`/`closes_at`) to
//! OpenStreetMap `opening_hours` and back. Only what both can say is converted: weekly openings
//! on named weekdays. Anything else (`bymonthday`, `byweekno`, intervals, counts, monthly rules)
//! is reported as not expressible, never approximated, because a wrong "open now" sends an
//! officer to a locked door.

use chrono::{Datelike, Duration, NaiveDate, NaiveTime};

use super::model::Schedule;
use crate::hours::Hours;

/// Minutes since midnight; `1440` is the end of the day.
type Minute = u32;
/// Openings per weekday (Monday first), each `(opens, closes)`; `closes < opens` runs past
/// midnight into the next day.
pub type Week = [Openings; 7];
/// One day's openings.
pub type Openings = Vec<(Minute, Minute)>;

const DAY_CODES: [&str; 7] = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"];
const OSM_DAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const END_OF_DAY: Minute = 24 * 60;

/// What became of a record's schedules.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Converted {
    /// `None` when no schedule is in effect or one of them cannot be expressed.
    pub hours: Option<String>,
    /// Why schedules were left out, one line each.
    pub notes: Vec<String>,
}

/// Turns the schedules of one record into one `opening_hours` value. Schedules outside their
/// `valid_from`..`valid_to` window on `today` are left out (and said so); if any schedule in
/// effect cannot be expressed, there are no hours at all rather than partial ones.
pub fn to_opening_hours(schedules: &[Schedule], today: NaiveDate) -> Converted {
    let mut week: Week = Default::default();
    let mut notes = Vec::new();
    let mut in_effect = 0;
    let mut inexpressible = false;
    for schedule in schedules {
        if let Some(reason) = out_of_effect(schedule, today) {
            notes.push(format!("schedule {}: {reason}; left out", schedule.id));
            continue;
        }
        in_effect += 1;
        match weekly_openings(schedule) {
            Ok((days, opening)) => {
                for day in days {
                    week[day].push(opening);
                }
            }
            Err(reason) => {
                inexpressible = true;
                notes.push(format!(
                    "schedule {}: cannot be expressed as opening_hours ({reason})",
                    schedule.id
                ));
            }
        }
    }
    if inexpressible {
        notes.push("hours left empty (\"call first\") rather than guessed".to_owned());
        return Converted { hours: None, notes };
    }
    if in_effect == 0 {
        return Converted { hours: None, notes };
    }
    let text = compose(&week);
    match Hours::parse(&text) {
        Ok(_) => Converted {
            hours: Some(text),
            notes,
        },
        Err(_) => {
            notes.push(format!("composed hours `{text}` do not parse; left empty"));
            Converted { hours: None, notes }
        }
    }
}

fn out_of_effect(schedule: &Schedule, today: NaiveDate) -> Option<String> {
    let date = |text: &Option<String>| {
        text.as_deref()
            .and_then(|t| NaiveDate::parse_from_str(t.get(..10).unwrap_or(t), "%Y-%m-%d").ok())
    };
    if let Some(to) = date(&schedule.valid_to) {
        if to < today {
            return Some(format!("valid only until {to}"));
        }
    }
    if let Some(from) = date(&schedule.valid_from).or(date(&schedule.dtstart)) {
        if from > today {
            return Some(format!("takes effect only on {from}"));
        }
    }
    None
}

/// The weekdays (0 = Monday) and the one opening a schedule describes.
fn weekly_openings(schedule: &Schedule) -> Result<(Vec<usize>, (Minute, Minute)), String> {
    match schedule
        .freq
        .as_deref()
        .map(str::to_ascii_uppercase)
        .as_deref()
    {
        None | Some("WEEKLY") => {}
        Some(other) => return Err(format!("freq {other}")),
    }
    for (field, value) in [
        ("byweekno", &schedule.byweekno),
        ("bymonthday", &schedule.bymonthday),
        ("byyearday", &schedule.byyearday),
        ("until", &schedule.until),
    ] {
        if value.as_deref().is_some_and(|v| !v.trim().is_empty()) {
            return Err(format!("{field} is set"));
        }
    }
    if schedule.count.is_some() {
        return Err("count is set".to_owned());
    }
    if schedule.interval.is_some_and(|i| i != 1.0) {
        return Err("interval is not 1".to_owned());
    }
    let byday = schedule
        .byday
        .as_deref()
        .filter(|b| !b.trim().is_empty())
        .ok_or("no byday")?;
    let mut days = Vec::new();
    for code in byday.split(',') {
        let code = code.trim().to_ascii_uppercase();
        let day = DAY_CODES
            .iter()
            .position(|d| *d == code)
            .ok_or_else(|| format!("byday `{code}`"))?;
        if !days.contains(&day) {
            days.push(day);
        }
    }
    let opens = time_of_day(schedule.opens_at.as_deref(), "opens_at")?;
    let mut closes = time_of_day(schedule.closes_at.as_deref(), "closes_at")?;
    if closes == 0 || closes == END_OF_DAY - 1 {
        // Publishers write "until midnight" as 00:00 or 23:59(:59).
        closes = END_OF_DAY;
    }
    if opens == closes {
        return Err("opens_at equals closes_at".to_owned());
    }
    Ok((days, (opens, closes)))
}

fn time_of_day(text: Option<&str>, field: &str) -> Result<Minute, String> {
    let text = text
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| format!("no {field}"))?;
    // Drop a zone suffix (`Z`, `+01:00`): times are read in the pack's time zone.
    let clock = text.get(..8.min(text.len())).unwrap_or(text);
    let clock = clock.trim_end_matches(['Z', '+', '-']);
    let time = NaiveTime::parse_from_str(clock, "%H:%M:%S")
        .or_else(|_| NaiveTime::parse_from_str(clock, "%H:%M"))
        .map_err(|_| format!("{field} `{text}` is not a time"))?;
    use chrono::Timelike;
    if time.second() != 0 && !(time.hour() == 23 && time.minute() == 59) {
        return Err(format!("{field} `{text}` has seconds"));
    }
    Ok(time.hour() * 60 + time.minute())
}

/// `opening_hours` text for a week: days with the same openings share one rule, rules ordered
/// by their first day, so no rule overrides another.
pub fn compose(week: &Week) -> String {
    if week.iter().all(|day| day.as_slice() == [(0, END_OF_DAY)]) {
        return "24/7".to_owned();
    }
    let mut normalized: Vec<Openings> = week.to_vec();
    for day in &mut normalized {
        day.sort_unstable();
        day.dedup();
    }
    let mut groups: Vec<(Vec<usize>, &Openings)> = Vec::new();
    for (day, openings) in normalized.iter().enumerate() {
        if openings.is_empty() {
            continue;
        }
        match groups.iter_mut().find(|(_, o)| *o == openings) {
            Some((days, _)) => days.push(day),
            None => groups.push((vec![day], openings)),
        }
    }
    groups
        .iter()
        .map(|(days, openings)| {
            let times: Vec<String> = openings
                .iter()
                .map(|(o, c)| format!("{}-{}", clock(*o), clock(*c)))
                .collect();
            format!("{} {}", day_set(days), times.join(","))
        })
        .collect::<Vec<_>>()
        .join("; ")
}

fn clock(minute: Minute) -> String {
    format!("{:02}:{:02}", minute / 60, minute % 60)
}

/// `Mo-Fr` for runs of three or more days, `Tu,Th` / `Sa,Su` otherwise.
fn day_set(days: &[usize]) -> String {
    let mut parts = Vec::new();
    let mut i = 0;
    while i < days.len() {
        let mut j = i;
        while j + 1 < days.len() && days[j + 1] == days[j] + 1 {
            j += 1;
        }
        if j - i >= 2 {
            parts.push(format!("{}-{}", OSM_DAYS[days[i]], OSM_DAYS[days[j]]));
        } else {
            parts.extend(days[i..=j].iter().map(|d| OSM_DAYS[*d].to_owned()));
        }
        i = j + 1;
    }
    parts.join(",")
}

/// A Monday in a week with no holiday anywhere near: hours are read over it.
fn reference_monday() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 3, 3).unwrap_or_default()
}

/// What a weekly `opening_hours` value means, day by day, as evaluated by the same
/// [`crate::hours`] engine the directory uses: openings split at midnight (`(o, 1440)` then
/// `(0, c)`). `Err` when the value does not parse.
pub fn evaluate_week(hours: &str) -> Result<Week, String> {
    let parsed =
        Hours::parse(hours).map_err(|e| format!("`{hours}` is not opening_hours ({e})"))?;
    let start = reference_monday();
    debug_assert_eq!(start.weekday(), chrono::Weekday::Mon);
    let mut week: Week = Default::default();
    for (day, openings) in week.iter_mut().enumerate() {
        let date = start + Duration::days(day as i64);
        *openings = parsed
            .openings_on(date)
            .into_iter()
            .map(|(from, to)| (Minute::from(from), Minute::from(to)))
            .collect();
    }
    Ok(week)
}

/// Whether two `opening_hours` values mean the same week.
pub fn same_week(a: &str, b: &str) -> bool {
    matches!((evaluate_week(a), evaluate_week(b)), (Ok(x), Ok(y)) if x == y)
}

/// One HSDS schedule per distinct opening, listing the days that have it.
pub fn to_schedules(hours: &str) -> Result<Vec<(String, Minute, Minute)>, String> {
    let week = evaluate_week(hours)?;
    let mut out: Vec<(Vec<usize>, Minute, Minute)> = Vec::new();
    for (day, openings) in week.iter().enumerate() {
        for &(opens, closes) in openings {
            match out.iter_mut().find(|(_, o, c)| *o == opens && *c == closes) {
                Some((days, _, _)) => days.push(day),
                None => out.push((vec![day], opens, closes)),
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(days, opens, closes)| {
            let byday: Vec<&str> = days.iter().map(|d| DAY_CODES[*d]).collect();
            (byday.join(","), opens, closes)
        })
        .collect())
}

/// `HH:MM:SS` for HSDS; the end of the day is written `23:59:59` (times stop at 23).
pub fn hsds_time(minute: Minute) -> String {
    if minute >= END_OF_DAY {
        "23:59:59".to_owned()
    } else {
        format!("{}:00", clock(minute))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn schedule(byday: &str, opens: &str, closes: &str) -> Schedule {
        Schedule {
            id: "s".to_owned(),
            freq: Some("WEEKLY".to_owned()),
            byday: Some(byday.to_owned()),
            opens_at: Some(opens.to_owned()),
            closes_at: Some(closes.to_owned()),
            ..Schedule::default()
        }
    }

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, 26).expect("date")
    }

    #[test]
    fn weekday_schedules_become_one_rule_per_distinct_opening() {
        let converted = to_opening_hours(
            &[
                schedule("MO,TU,WE,TH,FR", "09:00:00", "17:00:00"),
                schedule("SA", "10:00", "14:00"),
            ],
            today(),
        );
        assert_eq!(
            converted.hours.as_deref(),
            Some("Mo-Fr 09:00-17:00; Sa 10:00-14:00")
        );
        assert!(converted.notes.is_empty());
    }

    #[test]
    fn split_days_and_overnight_and_whole_week() {
        let split = to_opening_hours(&[schedule("TU,TH", "13:00", "19:00")], today());
        assert_eq!(split.hours.as_deref(), Some("Tu,Th 13:00-19:00"));
        let night = to_opening_hours(
            &[schedule("MO,TU,WE,TH,FR,SA,SU", "18:00", "08:00")],
            today(),
        );
        assert_eq!(night.hours.as_deref(), Some("Mo-Su 18:00-08:00"));
        let always = to_opening_hours(
            &[schedule("MO,TU,WE,TH,FR,SA,SU", "00:00:00", "23:59:59")],
            today(),
        );
        assert_eq!(always.hours.as_deref(), Some("24/7"));
    }

    #[test]
    fn what_cannot_be_expressed_leaves_hours_empty_and_says_why() {
        let mut monthly = schedule("1MO", "09:00", "12:00");
        monthly.freq = Some("MONTHLY".to_owned());
        let mut weeks = schedule("TH,FR", "10:00", "18:00");
        weeks.byweekno = Some("41,42".to_owned());
        for bad in [monthly, weeks] {
            let converted =
                to_opening_hours(&[schedule("MO", "09:00", "17:00"), bad.clone()], today());
            assert_eq!(converted.hours, None, "{bad:?}");
            assert!(
                converted
                    .notes
                    .iter()
                    .any(|n| n.contains("cannot be expressed")),
                "{converted:?}"
            );
        }
    }

    #[test]
    fn schedules_out_of_their_validity_are_left_out() {
        let mut expired = schedule("MO", "09:00", "17:00");
        expired.valid_to = Some("2005-01-01".to_owned());
        let converted = to_opening_hours(&[expired, schedule("TU", "09:00", "12:00")], today());
        assert_eq!(converted.hours.as_deref(), Some("Tu 09:00-12:00"));
        assert!(converted.notes[0].contains("valid only until 2005-01-01"));
    }

    #[test]
    fn evaluated_weeks_compare_meaning_not_wording() {
        assert!(same_week(
            "Mo-Su 18:00-08:00",
            "Mo-Su 00:00-08:00,18:00-24:00"
        ));
        assert!(same_week(
            "Mo-Fr 09:00-17:00; Tu,Th 09:00-20:00",
            "Mo,We,Fr 09:00-17:00; Tu,Th 09:00-20:00"
        ));
        assert!(!same_week("Mo-Fr 09:00-17:00", "Mo-Fr 09:00-18:00"));
        assert!(same_week("Mo-Fr 08:00-16:30; PH off", "Mo-Fr 08:00-16:30"));
    }

    #[test]
    fn hours_export_as_one_schedule_per_opening() {
        let schedules = to_schedules("Mo-Fr 09:00-17:00; Sa 10:00-14:00").expect("parses");
        assert_eq!(
            schedules,
            vec![
                ("MO,TU,WE,TH,FR".to_owned(), 540, 1020),
                ("SA".to_owned(), 600, 840)
            ]
        );
        let always = to_schedules("24/7").expect("parses");
        assert_eq!(always, vec![("MO,TU,WE,TH,FR,SA,SU".to_owned(), 0, 1440)]);
        assert!(to_schedules("Mo-Fr 09:00-17:00 unknown").is_err());
    }
}
