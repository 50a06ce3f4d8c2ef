//! `Filters` of the Describe operations: each operation accepts its own keys,
//! values within one filter match any (OR), and filters combine with AND.

use ssm_api::types::MaintenanceWindowFilter;

use super::Fault;

pub struct Filters<'a> {
    filters: &'a [MaintenanceWindowFilter],
}

impl<'a> Filters<'a> {
    /// Checks every key against `allowed`; an unknown key is a
    /// ValidationException naming it and the valid keys.
    pub fn parse(
        filters: Option<&'a Vec<MaintenanceWindowFilter>>,
        allowed: &[&str],
    ) -> Result<Self, Fault> {
        let filters = filters.map_or(&[][..], Vec::as_slice);
        for filter in filters {
            let key = filter.key.as_deref().unwrap_or_default();
            if !allowed.contains(&key) {
                return Err(Fault::Validation(format!(
                    "The following filter key is not valid: {key}. Valid filter keys include: [{}].",
                    allowed.join(", ")
                )));
            }
        }
        Ok(Self { filters })
    }

    /// Whether every filter named `key` has a value `matches` accepts.
    pub fn all(&self, key: &str, mut matches: impl FnMut(&str) -> bool) -> bool {
        self.filters
            .iter()
            .filter(|f| f.key.as_deref() == Some(key))
            .all(|f| {
                f.values
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .any(|v| matches(v))
            })
    }

    /// The values of filters named `key`, flattened.
    pub fn values<'k>(&self, key: &'k str) -> impl Iterator<Item = &'a str> + 'k
    where
        'a: 'k,
    {
        let filters: &'a [MaintenanceWindowFilter] = self.filters;
        filters
            .iter()
            .filter(move |f| f.key.as_deref() == Some(key))
            .flat_map(|f| {
                f.values
                    .as_deref()
                    .unwrap_or_default()
                    .iter()
                    .map(String::as_str)
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filter(key: &str, values: &[&str]) -> MaintenanceWindowFilter {
        MaintenanceWindowFilter {
            key: Some(key.into()),
            values: Some(values.iter().map(|v| v.to_string()).collect()),
        }
    }

    #[test]
    fn values_or_and_filters_and() {
        let list = vec![
            filter("Name", &["My", "Other"]),
            filter("Enabled", &["true"]),
        ];
        let filters = Filters::parse(Some(&list), &["Name", "Enabled"]).unwrap();
        assert!(filters.all("Name", |v| "My-Window".starts_with(v)));
        assert!(!filters.all("Name", |v| "Yours".starts_with(v)));
        assert!(
            filters.all("Missing", |_| false),
            "absent filters match everything"
        );
    }

    #[test]
    fn unknown_keys_are_named() {
        let list = vec![filter("Colour", &["red"])];
        let Err(Fault::Validation(message)) = Filters::parse(Some(&list), &["Name", "Enabled"])
        else {
            panic!()
        };
        assert_eq!(message, "The following filter key is not valid: Colour. Valid filter keys include: [Name, Enabled].");
    }
}
