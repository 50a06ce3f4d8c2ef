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

/// The window a tagging `ResourceId` names: a window id as it is, or the
/// window's ARN in the caller's account and Region
/// (`arn:aws:ssm:REGION:ACCOUNT:maintenancewindow/mw-…`).
pub fn window_id_of<'a>(region: &str, account: &str, resource_id: &'a str) -> &'a str {
    let prefix = format!("arn:aws:ssm:{region}:{account}:maintenancewindow/");
    resource_id
        .strip_prefix(prefix.as_str())
        .unwrap_or(resource_id)
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

    #[test]
    fn arns_name_windows_in_their_own_account_and_region() {
        let arn = "arn:aws:ssm:us-east-2:123456789012:maintenancewindow/mw-0123456789abcdef0";
        assert_eq!(
            window_id_of("us-east-2", "123456789012", arn),
            "mw-0123456789abcdef0"
        );
        assert_eq!(window_id_of("eu-west-1", "123456789012", arn), arn);
        assert_eq!(
            window_id_of("us-east-2", "123456789012", "mw-0123456789abcdef0"),
            "mw-0123456789abcdef0"
        );
    }
}
