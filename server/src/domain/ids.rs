//! Identifiers in the forms AWS uses.

/// `mw-` and 17 lowercase hex digits.
pub fn window_id() -> String {
    // Skip the UUID's fixed version digit so all 17 digits are random.
    let hex = uuid::Uuid::new_v4().simple().to_string();
    format!("mw-{}{}", &hex[..12], &hex[13..18])
}

/// A lowercase hyphenated UUID, as targets, tasks and executions use.
pub fn uuid() -> String {
    uuid::Uuid::new_v4().to_string()
}

pub fn window_arn(region: &str, account: &str, window_id: &str) -> String {
    format!("arn:aws:ssm:{region}:{account}:maintenancewindow/{window_id}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_match_the_model_patterns() {
        let id = window_id();
        assert_eq!(id.len(), 20);
        assert!(
            id.starts_with("mw-")
                && id[3..]
                    .chars()
                    .all(|c| c.is_ascii_hexdigit() && !c.is_ascii_uppercase())
        );
        assert_eq!(uuid().len(), 36);
        assert_ne!(window_id(), window_id());
    }
}
