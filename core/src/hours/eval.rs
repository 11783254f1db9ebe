//! [`Hours`] at a local date and time: the openings of a day, open or not at a minute, the next
//! change and the first closed stretch. Everything works in the pack's local wall-clock time
//! (the caller converts instants), one day at a time, and every search is bounded by a number of
//! days the caller gives (at most [`MAX_SEARCH_DAYS`]), so no value, however odd, makes "open
//! now" slow.

use chrono::{Datelike, Duration, NaiveDate, NaiveDateTime, Timelike};

use super::{DayItem, Hours, Minute, Rule, MINUTES_PER_DAY};

/// The longest any search looks ahead: a year covers every rule we parse (months, weekdays,
/// weekdays of the month all repeat within one).
pub const MAX_SEARCH_DAYS: u32 = 366;

impl Hours {
    /// The day's openings as `(from, to)` minutes within `[0, 1440]`, sorted, overlapping and
    /// touching spans merged: the day's own rule's spans plus what the previous day's rule runs
    /// past midnight, unless the day's rule is `off`.
    pub fn openings_on(&self, date: NaiveDate) -> Vec<(Minute, Minute)> {
        let mut openings = Vec::new();
        match self.rule_for(date) {
            Some(rule) if !rule.open => return openings,
            Some(rule) => openings.extend(
                rule.spans
                    .iter()
                    .map(|s| (s.start, s.end.min(MINUTES_PER_DAY))),
            ),
            None => {}
        }
        if let Some(rule) = date.pred_opt().and_then(|d| self.rule_for(d)) {
            if rule.open {
                openings.extend(
                    rule.spans
                        .iter()
                        .filter(|s| s.end > MINUTES_PER_DAY)
                        .map(|s| (0, s.end - MINUTES_PER_DAY)),
                );
            }
        }
        merge(openings)
    }

    /// Whether open at a local time (its minute).
    pub fn is_open_at(&self, at: NaiveDateTime) -> bool {
        is_open(&self.openings_on(at.date()), minute_of(at))
    }

    /// The first local minute after `at` where open turns closed or closed turns open, looking
    /// at most `days` days past `at`'s date (capped at [`MAX_SEARCH_DAYS`]); `None` when nothing
    /// changes in that time (`24/7`, or never open).
    pub fn next_change(&self, at: NaiveDateTime, days: u32) -> Option<NaiveDateTime> {
        let now = self.is_open_at(at);
        let after = minute_of(at);
        let mut date = at.date();
        for day in 0..=days.min(MAX_SEARCH_DAYS) {
            if day > 0 {
                date = date.succ_opt()?;
            }
            let openings = self.openings_on(date);
            let mut boundaries: Vec<Minute> = openings
                .iter()
                .flat_map(|&(from, to)| [from, to])
                .filter(|&m| m < MINUTES_PER_DAY)
                .collect();
            if day > 0 {
                boundaries.insert(0, 0);
            }
            let change = boundaries
                .into_iter()
                .filter(|&m| day > 0 || m > after)
                .find(|&m| is_open(&openings, m) != now);
            if let Some(minute) = change {
                return date.and_hms_opt(u32::from(minute / 60), u32::from(minute % 60), 0);
            }
        }
        None
    }

    /// The first closed stretch from `from` up to `days` days later: its start and its end
    /// (the reopening, or the end of the search when it stays closed past it).
    pub fn first_closed(
        &self,
        from: NaiveDateTime,
        days: u32,
    ) -> Option<(NaiveDateTime, NaiveDateTime)> {
        let days = days.min(MAX_SEARCH_DAYS);
        let end = from + Duration::days(i64::from(days));
        let start = if self.is_open_at(from) {
            self.next_change(from, days)?
        } else {
            from
        };
        if start >= end {
            return None;
        }
        let left = u32::try_from((end.date() - start.date()).num_days()).unwrap_or(0);
        let reopens = self
            .next_change(start, left)
            .filter(|t| *t < end)
            .unwrap_or(end);
        Some((start, reopens))
    }

    /// The last rule that selects `date`: later rules replace earlier ones for their days.
    fn rule_for(&self, date: NaiveDate) -> Option<&Rule> {
        self.rules.iter().rev().find(|rule| rule.selects(date))
    }
}

impl Rule {
    fn selects(&self, date: NaiveDate) -> bool {
        let month = date.month0() as u8;
        let in_months = self.months.is_empty()
            || self
                .months
                .iter()
                .any(|&(first, last)| within(month, first, last));
        in_months
            && self
                .days
                .as_ref()
                .is_none_or(|days| days.iter().any(|d| d.selects(date)))
    }
}

impl DayItem {
    fn selects(&self, date: NaiveDate) -> bool {
        let weekday = date.weekday().num_days_from_monday() as u8;
        match self {
            DayItem::Range(first, last) => within(weekday, *first, *last),
            DayItem::Nth(day, nths) => {
                *day == weekday
                    && nths.iter().any(|&n| {
                        if n > 0 {
                            (date.day0() / 7 + 1) as i8 == n
                        } else {
                            (days_in_month(date).saturating_sub(date.day()) / 7 + 1) as i8 == -n
                        }
                    })
            }
            DayItem::Holiday => false,
        }
    }
}

/// Whether `value` is in the inclusive range `first..=last`, which wraps when `last < first`.
fn within(value: u8, first: u8, last: u8) -> bool {
    if first <= last {
        (first..=last).contains(&value)
    } else {
        value >= first || value <= last
    }
}

fn days_in_month(date: NaiveDate) -> u32 {
    let (year, month) = if date.month() == 12 {
        (date.year() + 1, 1)
    } else {
        (date.year(), date.month() + 1)
    };
    NaiveDate::from_ymd_opt(year, month, 1)
        .and_then(|first| first.pred_opt())
        .map_or(31, |last| last.day())
}

fn minute_of(at: NaiveDateTime) -> Minute {
    (at.hour() * 60 + at.minute()) as Minute
}

fn is_open(openings: &[(Minute, Minute)], minute: Minute) -> bool {
    openings
        .iter()
        .any(|&(from, to)| from <= minute && minute < to)
}

fn merge(mut spans: Vec<(Minute, Minute)>) -> Vec<(Minute, Minute)> {
    spans.sort_unstable();
    let mut merged: Vec<(Minute, Minute)> = Vec::with_capacity(spans.len());
    for (from, to) in spans {
        match merged.last_mut() {
            Some(last) if from <= last.1 => last.1 = last.1.max(to),
            _ => merged.push((from, to)),
        }
    }
    merged
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hours(text: &str) -> Hours {
        Hours::parse(text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn date(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    fn at(text: &str) -> NaiveDateTime {
        NaiveDateTime::parse_from_str(text, "%Y-%m-%d %H:%M").expect("test time")
    }

    // 2026-11-30 is a Monday.
    const MONDAY: &str = "2026-11-30";

    #[test]
    fn always_open_never_changes() {
        let always = hours("24/7");
        assert_eq!(always.openings_on(date(MONDAY)), vec![(0, 1440)]);
        assert!(always.is_open_at(at("2026-11-30 03:00")));
        assert_eq!(always.next_change(at("2026-11-30 03:00"), 366), None);
        assert_eq!(always.first_closed(at("2026-11-30 03:00"), 366), None);
    }

    #[test]
    fn weekday_ranges_select_their_days() {
        let office = hours("Mo-Fr 08:00-17:00");
        assert_eq!(office.openings_on(date(MONDAY)), vec![(480, 1020)]);
        assert_eq!(office.openings_on(date("2026-12-05")), vec![], "Saturday");
        assert!(office.is_open_at(at("2026-12-02 16:59")));
        assert!(!office.is_open_at(at("2026-12-02 17:00")));
        assert!(!office.is_open_at(at("2026-12-02 07:59")));
        // Friday 17:00 to Monday 08:00: the weekend is skipped.
        assert_eq!(
            office.next_change(at("2026-12-04 17:30"), 8),
            Some(at("2026-12-07 08:00"))
        );
        let split = hours("Tu,Th 13:00-19:00; Sa,Su 10:00-12:00");
        let open_days: Vec<u32> = (0..7)
            .filter(|d| {
                !split
                    .openings_on(date(MONDAY) + Duration::days(*d))
                    .is_empty()
            })
            .map(|d| d as u32)
            .collect();
        assert_eq!(open_days, vec![1, 3, 5, 6]);
        let wrapping = hours("Fr-Mo 10:00-12:00");
        assert!(wrapping.is_open_at(at("2026-12-06 11:00")), "Sunday");
        assert!(!wrapping.is_open_at(at("2026-12-02 11:00")), "Wednesday");
        let every_day = hours("Mo-Su 08:00-22:00");
        assert!((0..7)
            .all(|d| every_day.openings_on(date(MONDAY) + Duration::days(d)) == vec![(480, 1320)]));
    }

    #[test]
    fn spans_past_midnight_run_into_the_next_morning() {
        let night = hours("Mo-Su 18:00-08:00");
        assert_eq!(
            night.openings_on(date(MONDAY)),
            vec![(0, 480), (1080, 1440)]
        );
        assert!(night.is_open_at(at("2026-12-01 02:00")));
        assert_eq!(
            night.next_change(at("2026-12-01 02:00"), 8),
            Some(at("2026-12-01 08:00"))
        );
        // Open from 18:00 through midnight: the change is the next morning, not 24:00.
        assert_eq!(
            night.next_change(at("2026-12-01 19:00"), 8),
            Some(at("2026-12-02 08:00"))
        );
        // Only weeknights: Friday night runs into Saturday morning, Saturday night is closed.
        let weeknights = hours("Mo-Fr 22:00-02:00");
        assert_eq!(weeknights.openings_on(date("2026-12-05")), vec![(0, 120)]);
        assert_eq!(weeknights.openings_on(date("2026-12-06")), vec![]);
        assert_eq!(weeknights.openings_on(date(MONDAY)), vec![(1320, 1440)]);
        let to_midnight = hours("Mo-Su 16:00-24:00");
        assert_eq!(to_midnight.openings_on(date(MONDAY)), vec![(960, 1440)]);
        assert_eq!(
            to_midnight.next_change(at("2026-11-30 23:00"), 8),
            Some(at("2026-11-30 00:00") + Duration::days(1)),
            "closes at midnight"
        );
        let extended = hours("Fr 18:00-26:00");
        assert_eq!(extended.openings_on(date("2026-12-05")), vec![(0, 120)]);
    }

    #[test]
    fn several_spans_a_day() {
        let meals = hours("Mo-Su 11:00-14:00,18:00-20:00");
        assert_eq!(
            meals.openings_on(date(MONDAY)),
            vec![(660, 840), (1080, 1200)]
        );
        assert_eq!(
            meals.next_change(at("2026-11-30 14:30"), 8),
            Some(at("2026-11-30 18:00"))
        );
        let touching = hours("Mo 08:00-12:00,12:00-17:00");
        assert_eq!(touching.openings_on(date(MONDAY)), vec![(480, 1020)]);
        assert_eq!(
            touching.next_change(at("2026-11-30 09:00"), 8),
            Some(at("2026-11-30 17:00")),
            "no change at noon"
        );
    }

    #[test]
    fn later_rules_replace_earlier_ones_for_their_days() {
        let late = hours("Mo-Fr 09:00-17:00; Tu,Th 09:00-20:00");
        assert_eq!(late.openings_on(date("2026-12-01")), vec![(540, 1200)]);
        assert_eq!(late.openings_on(date("2026-12-02")), vec![(540, 1020)]);
        let off = hours("Mo-Fr 08:00-17:00; We off");
        assert_eq!(off.openings_on(date("2026-12-02")), vec![]);
        assert_eq!(off.openings_on(date("2026-12-03")), vec![(480, 1020)]);
        let closed = hours("Mo-Su 10:00-16:00; Su closed");
        assert_eq!(closed.openings_on(date("2026-12-06")), vec![]);
        // A Saturday rule replaces Saturday's own spans; Friday night still runs into it.
        let weekend = hours("Mo-Fr 22:00-02:00; Sa 10:00-14:00");
        assert_eq!(
            weekend.openings_on(date("2026-12-05")),
            vec![(0, 120), (600, 840)]
        );
        // `off` closes the whole day, the night before's spill included.
        let night_off = hours("Mo-Su 18:00-08:00; We off");
        assert_eq!(night_off.openings_on(date("2026-12-02")), vec![]);
        assert_eq!(
            night_off.openings_on(date("2026-12-03")),
            vec![(1080, 1440)]
        );
        // Weekend all day, weeknights from 17:00: Monday morning is closed.
        let shelter = hours("Mo-Fr 17:00-08:00; Sa,Su 00:00-24:00");
        assert_eq!(shelter.openings_on(date(MONDAY)), vec![(1020, 1440)]);
        assert_eq!(shelter.openings_on(date("2026-12-05")), vec![(0, 1440)]);
    }

    #[test]
    fn public_holidays_never_come() {
        let office = hours("Mo-Fr 08:00-16:30; PH off");
        // 2026-12-25 is a Friday and Christmas: without a calendar it is a Friday.
        assert_eq!(office.openings_on(date("2026-12-25")), vec![(480, 990)]);
        assert_eq!(
            office.openings_on(date(MONDAY)),
            hours("Mo-Fr 08:00-16:30").openings_on(date(MONDAY))
        );
        let weekend = hours("Mo-Fr 00:00-08:00,17:00-24:00; Sa,Su,PH 00:00-24:00");
        assert_eq!(weekend.openings_on(date("2026-12-06")), vec![(0, 1440)]);
        assert_eq!(
            weekend.openings_on(date("2026-12-25")),
            vec![(0, 480), (1020, 1440)]
        );
        assert_eq!(hours("PH off").openings_on(date(MONDAY)), vec![]);
    }

    #[test]
    fn month_ranges_wrap_the_year() {
        let winter = hours("Nov-Mar Mo-Su 19:00-07:00");
        assert!(winter.is_open_at(at("2026-12-15 23:00")));
        assert!(winter.is_open_at(at("2027-01-15 03:00")));
        assert!(winter.is_open_at(at("2027-03-31 23:00")));
        // The last March night runs into the first April morning.
        assert_eq!(winter.openings_on(date("2027-04-01")), vec![(0, 420)]);
        assert_eq!(winter.openings_on(date("2027-04-02")), vec![]);
        assert!(!winter.is_open_at(at("2027-07-15 23:00")));
        assert_eq!(
            winter.next_change(at("2027-04-01 08:00"), 366),
            Some(at("2027-11-01 19:00"))
        );
        assert_eq!(
            winter.next_change(at("2027-04-01 08:00"), 30),
            None,
            "the search stops where it was told to"
        );
        let school = hours("Sep-May Mo-Fr 15:30-18:00; Jun-Aug Mo-Fr 11:30-13:00");
        assert_eq!(school.openings_on(date("2026-12-01")), vec![(930, 1080)]);
        assert_eq!(school.openings_on(date("2026-07-01")), vec![(690, 780)]);
        let dec = hours("Dec Sa 10:00-12:00");
        assert!(dec.is_open_at(at("2026-12-05 11:00")));
        assert!(!dec.is_open_at(at("2026-11-28 11:00")));
    }

    #[test]
    fn nth_weekdays_of_the_month() {
        // December 2026: Saturdays 5, 12, 19, 26; Wednesdays 2, 9, 16, 23, 30.
        let pantry = hours("Sa[1,3] 09:00-12:00");
        let open: Vec<u32> = (1..=31)
            .filter(|d| {
                !pantry
                    .openings_on(NaiveDate::from_ymd_opt(2026, 12, *d).expect("date"))
                    .is_empty()
            })
            .collect();
        assert_eq!(open, vec![5, 19]);
        let clinic = hours("We[2,4] 13:00-18:00");
        assert!(clinic.is_open_at(at("2026-12-09 14:00")));
        assert!(clinic.is_open_at(at("2026-12-23 14:00")));
        assert!(!clinic.is_open_at(at("2026-12-16 14:00")));
        assert!(!clinic.is_open_at(at("2026-12-30 14:00")), "the fifth");
        let last = hours("We[-1] 13:00-18:00");
        assert!(last.is_open_at(at("2026-12-30 14:00")));
        assert!(!last.is_open_at(at("2026-12-23 14:00")));
        assert_eq!(
            pantry.next_change(at("2026-12-06 09:00"), 30),
            Some(at("2026-12-19 09:00"))
        );
    }

    #[test]
    fn closed_stretches_and_their_end() {
        let shelter = hours("Mo-Fr 17:00-08:00; Sa,Su 00:00-24:00");
        assert_eq!(
            shelter.first_closed(at("2026-11-30 00:00"), 366),
            Some((at("2026-11-30 00:00"), at("2026-11-30 17:00")))
        );
        assert_eq!(
            shelter.first_closed(at("2026-11-28 12:00"), 366),
            Some((at("2026-11-30 00:00"), at("2026-11-30 17:00"))),
            "from a Saturday the first gap is Monday's day"
        );
        let never = hours("Mo off");
        assert_eq!(
            never.first_closed(at("2026-11-30 00:00"), 10),
            Some((at("2026-11-30 00:00"), at("2026-12-10 00:00"))),
            "closed to the end of the search"
        );
    }

    #[test]
    fn searches_stop_after_a_year() {
        // A fifth Wednesday in February needs a leap year whose 29th is a Wednesday: from 2026
        // the first is 2040. The search gives up after a year instead of walking 14.
        let rare = hours("Feb We[5] 10:00-12:00");
        assert_eq!(rare.next_change(at("2026-01-01 00:00"), u32::MAX), None);
        assert_eq!(
            rare.next_change(at("2040-01-01 00:00"), u32::MAX),
            Some(at("2040-02-29 10:00"))
        );
        assert_eq!(
            rare.first_closed(at("2026-01-01 00:00"), u32::MAX)
                .map(|g| g.1),
            Some(at("2027-01-02 00:00"))
        );
    }
}
