//! Parsing of the plain list/range/step syntax shared by every cron field.
//!
//! Errors are returned as bare descriptions ("hours value 25 out of range
//! 0-23"); the caller adds the expression and the field position.

use super::set::ValueSet;

/// The value domain of one cron field.
#[derive(Debug)]
pub(crate) struct FieldDef {
    pub(crate) name: &'static str,
    pub(crate) min: u32,
    pub(crate) max: u32,
    /// Names accepted instead of numbers; `names[i]` stands for `min + i`.
    pub(crate) names: &'static [&'static str],
}

pub(crate) const SECONDS: FieldDef = FieldDef {
    name: "seconds",
    min: 0,
    max: 59,
    names: &[],
};
pub(crate) const MINUTES: FieldDef = FieldDef {
    name: "minutes",
    min: 0,
    max: 59,
    names: &[],
};
pub(crate) const HOURS: FieldDef = FieldDef {
    name: "hours",
    min: 0,
    max: 23,
    names: &[],
};
pub(crate) const DAY_OF_MONTH: FieldDef = FieldDef {
    name: "day-of-month",
    min: 1,
    max: 31,
    names: &[],
};
pub(crate) const MONTH: FieldDef = FieldDef {
    name: "month",
    min: 1,
    max: 12,
    names: &[
        "JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC",
    ],
};
pub(crate) const DAY_OF_WEEK: FieldDef = FieldDef {
    name: "day-of-week",
    min: 1,
    max: 7,
    names: &["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"],
};
pub(crate) const YEAR: FieldDef = FieldDef {
    name: "year",
    min: 1970,
    max: 2199,
    names: &[],
};

impl FieldDef {
    /// One number or (case-insensitive) name, checked against the field's range.
    pub(crate) fn value(&self, text: &str) -> Result<u32, String> {
        if text.is_empty() {
            return Err(format!("missing {} value", self.name));
        }
        if text.bytes().all(|b| b.is_ascii_digit()) {
            // Too many digits for u32 is just another out-of-range value.
            let value = text.parse::<u32>().unwrap_or(u32::MAX);
            if value < self.min || value > self.max {
                return Err(format!(
                    "{} value {} out of range {}-{}",
                    self.name, text, self.min, self.max
                ));
            }
            return Ok(value);
        }
        if let Some(i) = self.names.iter().position(|n| n.eq_ignore_ascii_case(text)) {
            return Ok(self.min + i as u32);
        }
        let expected = match self.names.first().zip(self.names.last()) {
            Some((first, last)) => format!("{}-{} or {first}-{last}", self.min, self.max),
            None => format!("{}-{}", self.min, self.max),
        };
        Err(format!(
            "invalid {} value '{}', expected {expected}",
            self.name, text
        ))
    }

    /// A whole field made of `,`-separated items, each `*`, `v`, `a-b`, or one
    /// of those followed by `/step`.
    pub(crate) fn parse_list<const W: usize>(&self, text: &str) -> Result<ValueSet<W>, String> {
        let mut set = ValueSet::empty(self.min);
        for item in text.split(',') {
            self.parse_item(item, &mut set)?;
        }
        Ok(set)
    }

    pub(crate) fn parse_item<const W: usize>(
        &self,
        item: &str,
        set: &mut ValueSet<W>,
    ) -> Result<(), String> {
        if item.is_empty() {
            return Err(format!("empty item in the {} list", self.name));
        }
        for special in ['?', 'L', 'W', '#'] {
            if item.contains(special) && !self.names.iter().any(|n| n.contains(special)) {
                return Err(self.misplaced(special));
            }
        }
        let (range, step) = match item.split_once('/') {
            Some((range, step)) => (range, Some(self.step(step)?)),
            None => (item, None),
        };
        let (lo, hi) = if range == "*" {
            (self.min, self.max)
        } else if let Some((a, b)) = range.split_once('-') {
            let (lo, hi) = (self.value(a)?, self.value(b)?);
            if lo > hi {
                return Err(format!(
                    "{} range {range} starts after it ends; wrap-around ranges are not supported",
                    self.name
                ));
            }
            (lo, hi)
        } else {
            let v = self.value(range)?;
            // `a/b` means "from a every b", so it runs to the end of the range.
            (v, if step.is_some() { self.max } else { v })
        };
        let step = step.unwrap_or(1) as usize;
        for v in (lo..=hi).step_by(step) {
            set.insert(v);
        }
        Ok(())
    }

    fn step(&self, text: &str) -> Result<u32, String> {
        match text.parse::<u32>() {
            Ok(0) => Err(format!("{} step must be at least 1", self.name)),
            Ok(step) if text.bytes().all(|b| b.is_ascii_digit()) => Ok(step),
            _ => Err(format!("invalid {} step '{}'", self.name, text)),
        }
    }

    fn misplaced(&self, special: char) -> String {
        let allowed_in = match special {
            '?' => "the day-of-month and day-of-week fields",
            'L' => "the day-of-month and day-of-week fields",
            'W' => "the day-of-month field",
            _ => "the day-of-week field",
        };
        format!(
            "'{special}' is not allowed in the {} field, only in {allowed_in}",
            self.name
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn values(def: &FieldDef, text: &str) -> Vec<u32> {
        def.parse_list::<4>(text).unwrap().iter().collect()
    }

    #[test]
    fn lists_ranges_and_steps() {
        assert_eq!(values(&MINUTES, "1/10"), vec![1, 11, 21, 31, 41, 51]);
        assert_eq!(values(&MINUTES, "*/20"), vec![0, 20, 40]);
        assert_eq!(values(&HOURS, "8-17/4"), vec![8, 12, 16]);
        assert_eq!(values(&HOURS, "1,3,2"), vec![1, 2, 3]);
        assert_eq!(values(&MONTH, "jan-Mar,DEC"), vec![1, 2, 3, 12]);
        assert_eq!(values(&MONTH, "1/1").len(), 12);
        assert_eq!(values(&DAY_OF_WEEK, "MON-FRI"), vec![2, 3, 4, 5, 6]);
        assert_eq!(values(&YEAR, "2198/1"), vec![2198, 2199]);
    }

    #[test]
    fn errors_name_the_field() {
        let err = HOURS.parse_list::<1>("25").unwrap_err();
        assert_eq!(err, "hours value 25 out of range 0-23");
        let err = MONTH.parse_list::<1>("FOO").unwrap_err();
        assert_eq!(err, "invalid month value 'FOO', expected 1-12 or JAN-DEC");
        assert!(MINUTES.parse_list::<1>("0/0").unwrap_err().contains("step"));
        assert!(MINUTES
            .parse_list::<1>("5-2")
            .unwrap_err()
            .contains("range 5-2"));
        assert!(MINUTES
            .parse_list::<1>("1,,2")
            .unwrap_err()
            .contains("empty"));
        assert!(HOURS.parse_list::<1>("L").unwrap_err().contains("'L'"));
        assert!(HOURS
            .parse_list::<1>("99999999999")
            .unwrap_err()
            .contains("out of range"));
    }
}
