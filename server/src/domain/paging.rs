//! Pagination: `MaxResults` pages and opaque `NextToken`s.
//!
//! A token names the operation it belongs to and the sort key of the last
//! item returned, base64-encoded. Every listing is scoped to the caller's
//! account and Region before the token is applied, so a forged token can
//! only move a caller's cursor within their own data.

use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

use super::Fault;

/// What AWS returns when `MaxResults` is omitted.
pub const DEFAULT_PAGE_SIZE: usize = 50;

/// The page size to use; validation has already bounded `max_results`.
pub fn page_size(max_results: Option<i32>) -> usize {
    max_results.map_or(DEFAULT_PAGE_SIZE, |n| n.max(1) as usize)
}

/// The largest page of DescribeMaintenanceWindowSchedule and
/// DescribeMaintenanceWindowsForTarget. Their model gives no maximum
/// (MaintenanceWindowSearchMaxResults is only "at least 1") and AWS documents
/// none; without one a single request could ask for billions of items. 100 is
/// the maximum of every other maintenance-window listing, so clients that page
/// already cope with it.
pub const SEARCH_MAX_RESULTS: i32 = 100;

/// The page size of a search listing, or the ValidationException AWS's
/// validator gives a value past the range's maximum.
pub fn search_page_size(max_results: Option<i32>) -> Result<usize, Fault> {
    match max_results {
        Some(n) if n > SEARCH_MAX_RESULTS => Err(Fault::Validation(format!(
            "1 validation error detected: Value '{n}' at 'maxResults' failed to satisfy constraint: \
             Member must have value less than or equal to {SEARCH_MAX_RESULTS}"
        ))),
        other => Ok(page_size(other)),
    }
}

pub fn encode(operation: &str, last_key: &str) -> String {
    URL_SAFE_NO_PAD.encode(format!("{operation}\n{last_key}"))
}

/// The sort key after which the next page starts.
pub fn decode(operation: &str, token: Option<&str>) -> Result<Option<String>, Fault> {
    let Some(token) = token.filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let invalid = || Fault::Validation("The specified NextToken is not valid.".into());
    let bytes = URL_SAFE_NO_PAD.decode(token).map_err(|_| invalid())?;
    let text = String::from_utf8(bytes).map_err(|_| invalid())?;
    match text.split_once('\n') {
        Some((op, key)) if op == operation => Ok(Some(key.to_owned())),
        _ => Err(invalid()),
    }
}

/// Takes one page from `items`, already sorted by key and filtered, that
/// start after `after`; returns the page and the next token.
pub fn page<T>(
    operation: &str,
    items: impl Iterator<Item = (String, T)>,
    after: Option<&str>,
    size: usize,
) -> (Vec<T>, Option<String>) {
    let mut page = Vec::with_capacity(size.min(128));
    let mut last_key = None;
    for (key, item) in items.filter(|(key, _)| after.is_none_or(|after| key.as_str() > after)) {
        if page.len() == size {
            return (page, last_key.map(|k: String| encode(operation, &k)));
        }
        last_key = Some(key);
        page.push(item);
    }
    (page, None)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_round_trip_and_are_bound_to_their_operation() {
        let token = encode("DescribeMaintenanceWindows", "00000000000000000042");
        assert_eq!(
            decode("DescribeMaintenanceWindows", Some(&token))
                .unwrap()
                .as_deref(),
            Some("00000000000000000042")
        );
        assert!(decode("DescribeMaintenanceWindowTargets", Some(&token)).is_err());
        assert!(decode("DescribeMaintenanceWindows", Some("%%%")).is_err());
        assert_eq!(
            decode("DescribeMaintenanceWindows", Some("")).unwrap(),
            None
        );
    }

    #[test]
    fn pages_cover_every_item_once() {
        let items: Vec<(String, u32)> = (0..25).map(|i| (format!("{i:03}"), i)).collect();
        let mut seen = Vec::new();
        let mut after: Option<String> = None;
        loop {
            let (page, next) = page("Op", items.clone().into_iter(), after.as_deref(), 10);
            seen.extend(page);
            match next {
                Some(token) => after = decode("Op", Some(&token)).unwrap(),
                None => break,
            }
        }
        assert_eq!(seen, (0..25).collect::<Vec<_>>());
    }
}
