/// A set of small integers in `base..base + 64 * W`, stored as a bitset so
/// the search can jump to the next allowed value with a few bit operations
/// instead of testing values one at a time. One word covers every field but
/// the year.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ValueSet<const W: usize = 1> {
    base: u32,
    words: [u64; W],
}

impl<const W: usize> ValueSet<W> {
    pub(crate) const fn empty(base: u32) -> Self {
        Self {
            base,
            words: [0; W],
        }
    }

    pub(crate) fn single(base: u32, value: u32) -> Self {
        let mut set = Self::empty(base);
        set.insert(value);
        set
    }

    pub(crate) fn insert(&mut self, value: u32) {
        let i = (value - self.base) as usize;
        self.words[i / 64] |= 1 << (i % 64);
    }

    #[cfg(test)]
    pub(crate) fn contains(&self, value: u32) -> bool {
        value
            .checked_sub(self.base)
            .filter(|i| (*i as usize) < 64 * W)
            .is_some_and(|i| self.words[i as usize / 64] & (1 << (i % 64)) != 0)
    }

    pub(crate) fn first(&self) -> Option<u32> {
        self.next_at_or_after(self.base)
    }

    /// Smallest member `>= value`.
    pub(crate) fn next_at_or_after(&self, value: u32) -> Option<u32> {
        let start = value.saturating_sub(self.base) as usize;
        let mut word = start / 64;
        if word >= W {
            return None;
        }
        let mut bits = self.words[word] & (u64::MAX << (start % 64));
        loop {
            if bits != 0 {
                return Some(self.base + (word * 64) as u32 + bits.trailing_zeros());
            }
            word += 1;
            if word == W {
                return None;
            }
            bits = self.words[word];
        }
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = u32> + '_ {
        let mut next = self.first();
        std::iter::from_fn(move || {
            let current = next?;
            next = self.next_at_or_after(current + 1);
            Some(current)
        })
    }

    pub(crate) fn len(&self) -> u32 {
        self.words.iter().map(|w| w.count_ones()).sum()
    }
}

/// Next set bit of a day mask (bit `d` = day `d` of the month) at or after `day`.
pub(crate) fn next_day(mask: u32, day: u32) -> Option<u32> {
    if day >= 32 {
        return None;
    }
    let bits = mask & (u32::MAX << day);
    (bits != 0).then(|| bits.trailing_zeros())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn next_crosses_word_boundaries() {
        let mut set = ValueSet::<4>::empty(1970);
        set.insert(1970);
        set.insert(2100);
        set.insert(2199);
        assert_eq!(set.next_at_or_after(1900), Some(1970));
        assert_eq!(set.next_at_or_after(1971), Some(2100));
        assert_eq!(set.next_at_or_after(2101), Some(2199));
        assert_eq!(set.next_at_or_after(2200), None);
        assert_eq!(set.iter().collect::<Vec<_>>(), vec![1970, 2100, 2199]);
        assert_eq!(set.len(), 3);
        assert!(set.contains(2100) && !set.contains(2101));
    }

    #[test]
    fn next_day_respects_start() {
        let mask = (1 << 3) | (1 << 31);
        assert_eq!(next_day(mask, 1), Some(3));
        assert_eq!(next_day(mask, 4), Some(31));
        assert_eq!(next_day(mask, 32), None);
        assert_eq!(next_day(1 << 3, 4), None);
    }
}
