//! Text to [`Hours`]: a hand-written reader over the characters, so an error can say at which
//! character what was expected (the validator shows it with the file, line and field).

use super::{DayItem, Hours, Minute, Rule, Span, MINUTES_PER_DAY};

const WEEKDAYS: [&str; 7] = ["Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// Where an `opening_hours` value stops making sense to us, and what would have.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("at character {column}: expected {expected}, found {found}")]
pub struct ParseError {
    /// 1-based character position in the value.
    pub column: usize,
    pub expected: &'static str,
    /// The text found there (quoted), or "the end".
    pub found: String,
}

pub(super) fn hours(text: &str) -> Result<Hours, ParseError> {
    let mut reader = Reader { text, at: 0 };
    reader.skip_spaces();
    if reader.rest().trim_end() == "24/7" {
        return Ok(Hours {
            rules: vec![Rule {
                months: Vec::new(),
                days: None,
                spans: vec![Span {
                    start: 0,
                    end: MINUTES_PER_DAY,
                }],
                open: true,
            }],
        });
    }
    let mut rules = Vec::new();
    loop {
        rules.push(reader.rule()?);
        reader.skip_spaces();
        if reader.at_end() {
            return Ok(Hours { rules });
        }
        reader.expect(';', "`;` between rules")?;
        reader.skip_spaces();
    }
}

struct Reader<'a> {
    text: &'a str,
    /// Byte offset of the next character.
    at: usize,
}

impl Reader<'_> {
    fn rest(&self) -> &str {
        &self.text[self.at..]
    }

    fn at_end(&self) -> bool {
        self.at >= self.text.len()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn skip_spaces(&mut self) {
        let rest = self.rest();
        self.at += rest.len() - rest.trim_start_matches(' ').len();
    }

    fn error(&self, expected: &'static str) -> ParseError {
        let column = self.text[..self.at].chars().count() + 1;
        let token: String = self
            .rest()
            .chars()
            .take_while(|c| !matches!(c, ' ' | ';' | ','))
            .take(20)
            .collect();
        let found = match (token.is_empty(), self.peek()) {
            (_, None) => "the end".to_owned(),
            (true, Some(c)) => format!("`{c}`"),
            (false, _) => format!("`{token}`"),
        };
        ParseError {
            column,
            expected,
            found,
        }
    }

    fn expect(&mut self, c: char, expected: &'static str) -> Result<(), ParseError> {
        if self.peek() == Some(c) {
            self.at += c.len_utf8();
            Ok(())
        } else {
            Err(self.error(expected))
        }
    }

    /// The letters at the cursor (not consumed).
    fn word(&self) -> &str {
        let rest = self.rest();
        let len = rest
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(rest.len());
        &rest[..len]
    }

    fn rule(&mut self) -> Result<Rule, ParseError> {
        let mut rule = Rule {
            months: Vec::new(),
            days: None,
            spans: Vec::new(),
            open: true,
        };
        if MONTHS.contains(&self.word()) {
            rule.months = self.months()?;
            self.skip_spaces();
        }
        if WEEKDAYS.contains(&self.word()) || self.word() == "PH" {
            rule.days = Some(self.days()?);
            self.skip_spaces();
        }
        match self.word() {
            "off" | "closed" => {
                self.at += self.word().len();
                rule.open = false;
            }
            _ if self.peek().is_some_and(|c| c.is_ascii_digit()) => {
                rule.spans = self.spans()?;
            }
            _ if rule.days.is_some() || !rule.months.is_empty() => {
                // Days without times: open all day on them.
                rule.spans = vec![Span {
                    start: 0,
                    end: MINUTES_PER_DAY,
                }];
            }
            _ => return Err(self.error(
                "a rule: months (Nov-Mar), weekdays (Mo-Fr, Sa[1,3], PH), times (08:00-17:00), \
                     `off` or `24/7`",
            )),
        }
        self.skip_spaces();
        if !self.at_end() && self.peek() != Some(';') {
            return Err(self.error("`;` or the end after a rule's times"));
        }
        Ok(rule)
    }

    fn months(&mut self) -> Result<Vec<(u8, u8)>, ParseError> {
        let mut months = Vec::new();
        loop {
            let first = self.name(&MONTHS, "a month like Jan")?;
            let last = if self.peek() == Some('-') {
                self.at += 1;
                self.name(&MONTHS, "a month like Mar after `-`")?
            } else {
                first
            };
            months.push((first, last));
            if !self.list_continues_with(&MONTHS) {
                return Ok(months);
            }
        }
    }

    fn days(&mut self) -> Result<Vec<DayItem>, ParseError> {
        let mut days = Vec::new();
        loop {
            if self.word() == "PH" {
                self.at += 2;
                days.push(DayItem::Holiday);
            } else {
                let first = self.name(&WEEKDAYS, "a weekday like Mo, or PH")?;
                match self.peek() {
                    Some('-') => {
                        self.at += 1;
                        let last = self.name(&WEEKDAYS, "a weekday like Fr after `-`")?;
                        days.push(DayItem::Range(first, last));
                    }
                    Some('[') => {
                        self.at += 1;
                        days.push(DayItem::Nth(first, self.nths()?));
                    }
                    _ => days.push(DayItem::Range(first, first)),
                }
            }
            let next_is_day = |r: &Self| WEEKDAYS.contains(&r.word()) || r.word() == "PH";
            if self.peek() == Some(',') && {
                let mut ahead = Reader {
                    text: self.text,
                    at: self.at + 1,
                };
                ahead.skip_spaces();
                next_is_day(&ahead)
            } {
                self.at += 1;
                self.skip_spaces();
            } else {
                return Ok(days);
            }
        }
    }

    /// `1,3]`, `2-4]`, `-1]`: which occurrences of a weekday in its month.
    fn nths(&mut self) -> Result<Vec<i8>, ParseError> {
        let mut nths = Vec::new();
        loop {
            let negative = self.peek() == Some('-');
            if negative {
                self.at += 1;
            }
            let first = self.nth()?;
            if negative {
                nths.push(-first);
            } else if self.peek() == Some('-') {
                self.at += 1;
                let before = self.at;
                let last = self.nth()?;
                if last < first {
                    self.at = before;
                    return Err(self.error("an occurrence after the range's start"));
                }
                nths.extend(first..=last);
            } else {
                nths.push(first);
            }
            match self.peek() {
                Some(',') => self.at += 1,
                Some(']') => {
                    self.at += 1;
                    return Ok(nths);
                }
                _ => return Err(self.error("`,` or `]` in a weekday's occurrences")),
            }
        }
    }

    fn nth(&mut self) -> Result<i8, ParseError> {
        match self.peek() {
            Some(c @ '1'..='5') => {
                self.at += 1;
                Ok(c as i8 - b'0' as i8)
            }
            _ => Err(self.error("an occurrence in the month from 1 to 5")),
        }
    }

    /// After an item of a list: whether `,` and another item of `names` follow (consumes the
    /// comma if so).
    fn list_continues_with(&mut self, names: &[&str]) -> bool {
        if self.peek() != Some(',') {
            return false;
        }
        let mut ahead = Reader {
            text: self.text,
            at: self.at + 1,
        };
        ahead.skip_spaces();
        if names.contains(&ahead.word()) {
            self.at = ahead.at;
            true
        } else {
            false
        }
    }

    fn name(&mut self, names: &[&str], expected: &'static str) -> Result<u8, ParseError> {
        let word = self.word();
        match names.iter().position(|n| *n == word) {
            Some(i) => {
                self.at += word.len();
                Ok(i as u8)
            }
            None => Err(self.error(expected)),
        }
    }

    fn spans(&mut self) -> Result<Vec<Span>, ParseError> {
        let mut spans = Vec::new();
        loop {
            let begin = self.at;
            let start = self.time("a time like 08:00")?;
            if start >= MINUTES_PER_DAY {
                self.at = begin;
                return Err(self.error("a start time before 24:00"));
            }
            self.expect('-', "`-` between two times, as in 08:00-17:00")?;
            let end_at = self.at;
            let mut end = self.time("an end time like 17:00")?;
            if end <= start {
                // Past midnight: 18:00-08:00 ends at 08:00 the next day.
                end += MINUTES_PER_DAY;
            }
            if end == start + MINUTES_PER_DAY && end > MINUTES_PER_DAY || end > 2 * MINUTES_PER_DAY
            {
                self.at = end_at;
                return Err(self.error("an end time other than the start, at most 48:00"));
            }
            spans.push(Span { start, end });
            self.skip_spaces();
            if self.peek() == Some(',') && {
                let mut ahead = Reader {
                    text: self.text,
                    at: self.at + 1,
                };
                ahead.skip_spaces();
                ahead.peek().is_some_and(|c| c.is_ascii_digit())
            } {
                self.at += 1;
                self.skip_spaces();
            } else {
                return Ok(spans);
            }
        }
    }

    /// `HH:MM` as minutes; hours up to 48.
    fn time(&mut self, expected: &'static str) -> Result<Minute, ParseError> {
        let bytes = self.rest().as_bytes();
        let digit = |i: usize| {
            bytes
                .get(i)
                .filter(|b| b.is_ascii_digit())
                .map(|b| Minute::from(b - b'0'))
        };
        let (Some(h1), Some(h2), Some(b':'), Some(m1), Some(m2)) = (
            digit(0),
            digit(1),
            bytes.get(2).copied(),
            digit(3),
            digit(4),
        ) else {
            return Err(self.error(expected));
        };
        let (hour, minute) = (h1 * 10 + h2, m1 * 10 + m2);
        if minute > 59 || hour > 48 || (hour == 48 && minute > 0) {
            return Err(self.error(expected));
        }
        self.at += 5;
        Ok(hour * 60 + minute)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spans(list: &[(Minute, Minute)]) -> Vec<Span> {
        list.iter()
            .map(|&(start, end)| Span { start, end })
            .collect()
    }

    fn only_rule(text: &str) -> Rule {
        let hours = hours(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        assert_eq!(hours.rules.len(), 1, "{text}");
        hours.rules.into_iter().next().expect("one rule")
    }

    #[test]
    fn always_open() {
        let rule = only_rule("24/7");
        assert_eq!(rule.spans, spans(&[(0, 1440)]));
        assert_eq!(rule.days, None);
        assert!(only_rule(" 24/7 ").open);
    }

    #[test]
    fn weekday_lists_and_ranges() {
        assert_eq!(
            only_rule("Mo-Fr 08:00-17:00").days,
            Some(vec![DayItem::Range(0, 4)])
        );
        assert_eq!(
            only_rule("Tu,Th 13:00-19:00").days,
            Some(vec![DayItem::Range(1, 1), DayItem::Range(3, 3)])
        );
        assert_eq!(
            only_rule("Mo,We-Fr,Su 10:00-12:00").days,
            Some(vec![
                DayItem::Range(0, 0),
                DayItem::Range(2, 4),
                DayItem::Range(6, 6)
            ])
        );
        assert_eq!(
            only_rule("Fr-Mo 10:00-12:00").days,
            Some(vec![DayItem::Range(4, 0)])
        );
        assert_eq!(
            only_rule("Sa,Su,PH 00:00-24:00").days,
            Some(vec![
                DayItem::Range(5, 5),
                DayItem::Range(6, 6),
                DayItem::Holiday
            ])
        );
    }

    #[test]
    fn times_past_midnight_and_to_the_end_of_the_day() {
        assert_eq!(only_rule("Mo-Su 18:00-08:00").spans, spans(&[(1080, 1920)]));
        assert_eq!(only_rule("Mo-Su 18:00-24:00").spans, spans(&[(1080, 1440)]));
        assert_eq!(only_rule("Mo-Su 22:00-00:00").spans, spans(&[(1320, 1440)]));
        assert_eq!(only_rule("Fr 18:00-26:00").spans, spans(&[(1080, 1560)]));
        assert_eq!(
            only_rule("Mo-Su 11:00-14:00,18:00-20:00").spans,
            spans(&[(660, 840), (1080, 1200)])
        );
        assert_eq!(
            only_rule("Mo-Su 11:00-14:00, 18:00-20:00").spans.len(),
            2,
            "a space after the comma"
        );
    }

    #[test]
    fn months_nth_weekdays_and_closed_rules() {
        let winter = only_rule("Nov-Mar Mo-Su 19:00-07:00");
        assert_eq!(winter.months, vec![(10, 2)]);
        assert_eq!(
            only_rule("Jun,Aug Sa 10:00-12:00").months,
            vec![(5, 5), (7, 7)]
        );
        assert_eq!(
            only_rule("Sa[1,3] 09:00-12:00").days,
            Some(vec![DayItem::Nth(5, vec![1, 3])])
        );
        assert_eq!(
            only_rule("We[2-4] 13:00-18:00").days,
            Some(vec![DayItem::Nth(2, vec![2, 3, 4])])
        );
        assert_eq!(
            only_rule("Fr[-1] 13:00-18:00").days,
            Some(vec![DayItem::Nth(4, vec![-1])])
        );
        let holidays = only_rule("PH off");
        assert!(!holidays.open);
        assert_eq!(holidays.days, Some(vec![DayItem::Holiday]));
        assert!(!only_rule("Su closed").open);
        assert_eq!(only_rule("Dec").spans, spans(&[(0, 1440)]), "open all day");
        let rules = hours("Mo-Fr 08:00-16:30; PH off").expect("parses").rules;
        assert_eq!(rules.len(), 2);
    }

    #[test]
    fn every_value_in_the_bundled_pack_and_the_bench_corpus_parses() {
        for text in [
            "Mo-Fr 00:00-08:00,17:00-24:00; Sa,Su,PH 00:00-24:00",
            "Sep-May Mo-Fr 15:30-18:00; Jun-Aug Mo-Fr 11:30-13:00",
            "Mo-Th 06:00-21:00; Fr 06:00-22:00; Sa 08:00-18:00; Su 12:00-18:00",
            "Oct-Mar Sa 09:00-13:00",
            "Mo-Sa 07:00-19:00",
            "Mo-Fr 08:00-16:30; Tu,Th 08:00-20:00",
        ] {
            assert!(hours(text).is_ok(), "{text}: {:?}", hours(text));
        }
    }

    fn error(text: &str) -> ParseError {
        hours(text).expect_err(text)
    }

    #[test]
    fn errors_name_the_character_and_what_was_expected() {
        let e = error("Mo-Fr 25:00-26:00 open-ish");
        assert_eq!(
            (e.column, e.expected),
            (7, "a start time before 24:00"),
            "{e}"
        );
        assert_eq!(e.found, "`25:00-26:00`");
        let e = error("sometimes");
        assert_eq!(e.column, 1);
        assert!(e.expected.starts_with("a rule"), "{e}");
        let e = error("Mo-Fr 08:00-17:00 open-ish");
        assert_eq!((e.column, e.found.as_str()), (19, "`open-ish`"), "{e}");
        let e = error("Mo-Fx 08:00-17:00");
        assert_eq!((e.column, e.expected), (4, "a weekday like Fr after `-`"));
        let e = error("Mo-Fr 8:00-17:00");
        assert_eq!((e.column, e.expected), (7, "a time like 08:00"));
        let e = error("Mo-Fr 08:00-17:60");
        assert_eq!((e.column, e.expected), (13, "an end time like 17:00"));
        let e = error("Mo-Fr 08:00");
        assert_eq!(e.column, 12);
        assert_eq!(e.found, "the end");
        let e = error("Mo 10:00-10:00");
        assert_eq!(
            (e.column, e.expected),
            (10, "an end time other than the start, at most 48:00")
        );
        let e = error("Sa[0] 09:00-12:00");
        assert_eq!(
            (e.column, e.expected),
            (4, "an occurrence in the month from 1 to 5")
        );
        let e = error("Sa[3-1] 09:00-12:00");
        assert_eq!(e.column, 6);
        let e = error("Mo-Fr 08:00-17:00;; Sa 10:00-12:00");
        assert_eq!(e.column, 19);
        assert_eq!(error("").found, "the end");
        assert_eq!(error("sunrise-sunset").column, 1);
        assert_eq!(error("Mo-Fr 08:00-17:00 \"by appointment\"").column, 19);
        assert_eq!(
            error("mo-fr 08:00-17:00").column,
            1,
            "names are case-sensitive"
        );
        assert_eq!(error("24/7; Su off").column, 1, "24/7 stands alone");
    }

    #[test]
    fn positions_count_characters_not_bytes() {
        let e = error("Mo-Fr 08:00-17:00 café");
        assert_eq!(e.column, 19);
        let e = error("é");
        assert_eq!((e.column, e.found.as_str()), (1, "`é`"));
    }
}
