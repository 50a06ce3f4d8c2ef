//! The two day fields, whose special characters (`L`, `W`, `#`) depend on the
//! month and so are turned into a per-month day mask (bit `d` = day `d`).

use chrono::{Datelike, NaiveDate};

use super::field::{DAY_OF_MONTH, DAY_OF_WEEK};
use super::set::ValueSet;

/// Day-of-month items: plain days plus `L`, `LW` and `nW`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DayOfMonth {
    days: u32,
    last: bool,
    last_weekday: bool,
    /// Bit `n` set for each `nW` item.
    nearest_weekday: u32,
}

/// Day-of-week items: plain weekdays plus `vL` and `v#k` (1 = Sunday).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct DayOfWeek {
    /// Bit `v` set for every `v`.
    days: u8,
    /// Bit `v` set for every `vL`.
    last: u8,
    /// `nth[v]` has bit `k` set for every `v#k`.
    nth: [u8; 8],
}

/// Which of the two day fields carries values (the other one is `?`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DaySpec {
    Month(DayOfMonth),
    Week(DayOfWeek),
}

impl DaySpec {
    /// Days of `year`-`month` selected by this spec.
    pub(crate) fn mask(&self, year: i32, month: u32) -> u32 {
        let cal = MonthCalendar::new(year, month);
        match self {
            DaySpec::Month(dom) => dom.mask(&cal),
            DaySpec::Week(dow) => dow.mask(&cal),
        }
    }
}

/// The two facts about a month that every day rule needs.
struct MonthCalendar {
    days: u32,
    /// Weekday of the 1st, 1 = Sunday ... 7 = Saturday.
    first_weekday: u32,
}

impl MonthCalendar {
    fn new(year: i32, month: u32) -> Self {
        let first = NaiveDate::from_ymd_opt(year, month, 1).expect("valid month");
        let days = (28..=31)
            .rev()
            .find(|d| NaiveDate::from_ymd_opt(year, month, *d).is_some())
            .expect("every month has 28 days");
        Self {
            days,
            first_weekday: first.weekday().number_from_sunday(),
        }
    }

    fn weekday(&self, day: u32) -> u32 {
        (self.first_weekday - 1 + day - 1) % 7 + 1
    }

    /// Mask of days `1..=self.days`.
    fn valid(&self) -> u32 {
        (u32::MAX >> (31 - self.days)) & !1
    }
}

const SUNDAY: u32 = 1;
const SATURDAY: u32 = 7;

impl DayOfMonth {
    /// Parses a day-of-month field other than `?`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut spec = DayOfMonth {
            days: 0,
            last: false,
            last_weekday: false,
            nearest_weekday: 0,
        };
        let mut plain = ValueSet::<1>::empty(DAY_OF_MONTH.min);
        question_mark_alone(text, DAY_OF_MONTH.name)?;
        for item in text.split(',') {
            match item {
                "L" | "l" => spec.last = true,
                _ if item.eq_ignore_ascii_case("LW") => spec.last_weekday = true,
                _ if item.len() > 1 && item.ends_with(['W', 'w']) => {
                    let day = DAY_OF_MONTH.value(&item[..item.len() - 1])?;
                    spec.nearest_weekday |= 1 << day;
                }
                _ if item.contains(['L', 'l']) => {
                    return Err(format!(
                        "unsupported day-of-month item '{item}'; use 'L' for the last day or 'LW' for the last weekday"
                    ))
                }
                _ if item.contains(['W', 'w']) => {
                    return Err(format!(
                        "unsupported day-of-month item '{item}'; 'W' follows a single day, e.g. 15W"
                    ))
                }
                _ => DAY_OF_MONTH.parse_item(item, &mut plain)?,
            }
        }
        spec.days = plain.iter().fold(0, |mask, d| mask | 1 << d);
        Ok(spec)
    }

    fn mask(&self, cal: &MonthCalendar) -> u32 {
        let mut mask = self.days & cal.valid();
        if self.last {
            mask |= 1 << cal.days;
        }
        if self.last_weekday {
            let day = match cal.weekday(cal.days) {
                SATURDAY => cal.days - 1,
                SUNDAY => cal.days - 2,
                _ => cal.days,
            };
            mask |= 1 << day;
        }
        // `nW` never leaves the month: a Saturday 1st moves forward to Monday
        // the 3rd and a Sunday last day moves back to Friday. A day the month
        // doesn't have selects nothing.
        let mut nearest = self.nearest_weekday & cal.valid();
        while nearest != 0 {
            let day = nearest.trailing_zeros();
            nearest &= nearest - 1;
            let day = match cal.weekday(day) {
                SATURDAY if day == 1 => 3,
                SATURDAY => day - 1,
                SUNDAY if day == cal.days => day - 2,
                SUNDAY => day + 1,
                _ => day,
            };
            mask |= 1 << day;
        }
        mask
    }
}

impl DayOfWeek {
    /// Parses a day-of-week field other than `?`.
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        let mut spec = DayOfWeek {
            days: 0,
            last: 0,
            nth: [0; 8],
        };
        let mut plain = ValueSet::<1>::empty(DAY_OF_WEEK.min);
        question_mark_alone(text, DAY_OF_WEEK.name)?;
        for item in text.split(',') {
            if item.eq_ignore_ascii_case("L") {
                // `L` alone in day-of-week is the last day of the week.
                plain.insert(SATURDAY);
            } else if let Some((day, nth)) = item.split_once('#') {
                let day = DAY_OF_WEEK.value(day)?;
                let nth = nth_value(nth)?;
                spec.nth[day as usize] |= 1 << nth;
            } else if item.len() > 1 && item.ends_with(['L', 'l']) {
                let day = DAY_OF_WEEK.value(&item[..item.len() - 1])?;
                spec.last |= 1 << day;
            } else if item.contains(['L', 'l']) {
                return Err(format!(
                    "unsupported day-of-week item '{item}'; 'L' follows a single day, e.g. 6L"
                ));
            } else if item.contains(['W', 'w']) && !is_weekday_names(item) {
                return Err(
                    "'W' is not allowed in the day-of-week field, only in the day-of-month field"
                        .into(),
                );
            } else {
                DAY_OF_WEEK.parse_item(item, &mut plain)?;
            }
        }
        spec.days = plain.iter().fold(0, |mask, d| mask | 1 << d);
        Ok(spec)
    }

    fn mask(&self, cal: &MonthCalendar) -> u32 {
        let mut mask = 0;
        for weekday in SUNDAY..=SATURDAY {
            let first = 1 + (weekday + 7 - cal.first_weekday) % 7;
            if self.days & (1 << weekday) != 0 {
                for day in (first..=cal.days).step_by(7) {
                    mask |= 1 << day;
                }
            }
            if self.last & (1 << weekday) != 0 {
                mask |= 1 << (first + (cal.days - first) / 7 * 7);
            }
            let mut nth = self.nth[weekday as usize];
            while nth != 0 {
                let k = nth.trailing_zeros();
                nth &= nth - 1;
                let day = first + 7 * (k - 1);
                if day <= cal.days {
                    mask |= 1 << day;
                }
            }
        }
        mask
    }
}

fn nth_value(text: &str) -> Result<u32, String> {
    match text.parse::<u32>() {
        Ok(n @ 1..=5) if text.bytes().all(|b| b.is_ascii_digit()) => Ok(n),
        _ => Err(format!(
            "day-of-week occurrence '#{text}' out of range #1-#5"
        )),
    }
}

/// Whether a `W` in `item` belongs to a weekday name such as `WED`.
fn is_weekday_names(item: &str) -> bool {
    item.split(['-', '/'])
        .all(|part| part == "*" || part.parse::<u32>().is_ok() || DAY_OF_WEEK.value(part).is_ok())
}

fn question_mark_alone(text: &str, field: &str) -> Result<(), String> {
    if text.contains('?') {
        return Err(format!(
            "'?' must stand alone in the {field} field, not in '{text}'"
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn days(spec: DaySpec, year: i32, month: u32) -> Vec<u32> {
        let mask = spec.mask(year, month);
        (1..=31).filter(|d| mask & (1 << d) != 0).collect()
    }

    fn dom(text: &str) -> DaySpec {
        DaySpec::Month(DayOfMonth::parse(text).unwrap())
    }

    fn dow(text: &str) -> DaySpec {
        DaySpec::Week(DayOfWeek::parse(text).unwrap())
    }

    #[test]
    fn last_day_and_plain_days_follow_month_length() {
        assert_eq!(days(dom("L"), 2024, 2), vec![29]);
        assert_eq!(days(dom("L"), 2023, 2), vec![28]);
        assert_eq!(days(dom("31"), 2024, 4), Vec::<u32>::new());
        assert_eq!(days(dom("30,L"), 2024, 4), vec![30]);
    }

    #[test]
    fn nearest_weekday_stays_in_month() {
        // 2022-10-01 is a Saturday: 1W moves forward to Monday the 3rd.
        assert_eq!(days(dom("1W"), 2022, 10), vec![3]);
        // 2022-10-15 is a Saturday: 15W is Friday the 14th.
        assert_eq!(days(dom("15W"), 2022, 10), vec![14]);
        // 2022-10-16 is a Sunday: 16W is Monday the 17th.
        assert_eq!(days(dom("16W"), 2022, 10), vec![17]);
        // 2022-07-31 is a Sunday and the last day: 31W is Friday the 29th.
        assert_eq!(days(dom("31W"), 2022, 7), vec![29]);
        // A weekday stays put.
        assert_eq!(days(dom("12W"), 2022, 10), vec![12]);
        // 2022-04-30 is a Saturday: LW is Friday the 29th.
        assert_eq!(days(dom("LW"), 2022, 4), vec![29]);
        // 2022-07-31 is a Sunday: LW is Friday the 29th.
        assert_eq!(days(dom("LW"), 2022, 7), vec![29]);
    }

    #[test]
    fn weekday_rules() {
        // March 2024 starts on a Friday.
        assert_eq!(days(dow("FRI"), 2024, 3), vec![1, 8, 15, 22, 29]);
        assert_eq!(days(dow("6L"), 2024, 3), vec![29]);
        assert_eq!(days(dow("THU#3"), 2024, 3), vec![21]);
        assert_eq!(days(dow("6#5"), 2024, 3), vec![29]);
        assert_eq!(days(dow("5#5"), 2024, 3), Vec::<u32>::new());
        assert_eq!(days(dow("L"), 2024, 3), vec![2, 9, 16, 23, 30]);
        assert_eq!(
            days(dow("SUN,7"), 2024, 3),
            vec![2, 3, 9, 10, 16, 17, 23, 24, 30, 31]
        );
    }

    #[test]
    fn special_item_errors() {
        assert!(DayOfWeek::parse("TUE#6").unwrap_err().contains("#6"));
        assert!(DayOfWeek::parse("8L")
            .unwrap_err()
            .contains("out of range 1-7"));
        assert!(DayOfWeek::parse("3W").unwrap_err().contains("'W'"));
        assert!(DayOfMonth::parse("32W")
            .unwrap_err()
            .contains("out of range 1-31"));
        assert!(DayOfMonth::parse("L-2").unwrap_err().contains("L-2"));
        assert!(DayOfMonth::parse("1#2").unwrap_err().contains("'#'"));
        assert!(DayOfMonth::parse("W").unwrap_err().contains("15W"));
        assert!(DayOfMonth::parse("1,?")
            .unwrap_err()
            .contains("stand alone"));
        assert!(DayOfWeek::parse("L5").unwrap_err().contains("6L"));
        assert_eq!(days(dow("wed-FRI"), 2024, 3).len(), 13);
    }
}
