//! Simulated managed nodes, given at start as a JSON file, that tag and
//! resource-group targets resolve against:
//!
//! ```json
//! { "nodes": [ { "id": "i-0123456789abcdef0", "tags": { "Patch Group": "web" },
//!                "resourceGroups": ["web-servers"], "fail": false } ] }
//! ```
//!
//! A node with `"fail": true` fails every invocation run on it.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use ssm_api::types::Target;

#[derive(Clone, Debug, Default, Deserialize)]
pub struct Inventory {
    nodes: Vec<Node>,
}

#[derive(Clone, Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Node {
    id: String,
    #[serde(default)]
    tags: BTreeMap<String, String>,
    #[serde(default)]
    resource_groups: Vec<String>,
    #[serde(default)]
    fail: bool,
}

impl Inventory {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read inventory {}: {e}", path.display()))?;
        serde_json::from_str(&text)
            .map_err(|e| format!("inventory {} is not valid: {e}", path.display()))
    }

    pub fn fails(&self, node: &str) -> bool {
        self.nodes.iter().any(|n| n.id == node && n.fail)
    }

    /// The node ids a target names. Instance ids stand for themselves.
    pub fn resolve(&self, target: &Target) -> Vec<String> {
        let key = target.key.as_deref().unwrap_or_default();
        let values: Vec<&str> = target.values.iter().flatten().map(String::as_str).collect();
        if key == "InstanceIds" {
            return values.iter().map(|v| v.to_string()).collect();
        }
        let matches = |node: &Node| match key {
            "tag-key" => values.iter().any(|v| node.tags.contains_key(*v)),
            "resource-groups:Name" => values
                .iter()
                .any(|v| node.resource_groups.iter().any(|g| g == v)),
            _ => match key.strip_prefix("tag:") {
                Some(tag) => node
                    .tags
                    .get(tag)
                    .is_some_and(|value| values.contains(&value.as_str())),
                None => false,
            },
        };
        self.nodes
            .iter()
            .filter(|n| matches(n))
            .map(|n| n.id.clone())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn target(key: &str, values: &[&str]) -> Target {
        Target {
            key: Some(key.into()),
            values: Some(values.iter().map(|v| v.to_string()).collect()),
        }
    }

    #[test]
    fn tags_groups_and_ids_resolve() {
        let inventory: Inventory = serde_json::from_str(
            r#"{"nodes":[{"id":"i-1","tags":{"Patch Group":"web"},"resourceGroups":["rg"]},{"id":"i-2","tags":{"Env":"prod"},"fail":true}]}"#,
        )
        .unwrap();
        assert_eq!(
            inventory.resolve(&target("tag:Patch Group", &["web"])),
            ["i-1"]
        );
        assert_eq!(inventory.resolve(&target("tag-key", &["Env"])), ["i-2"]);
        assert_eq!(
            inventory.resolve(&target("resource-groups:Name", &["rg"])),
            ["i-1"]
        );
        assert_eq!(inventory.resolve(&target("InstanceIds", &["i-9"])), ["i-9"]);
        assert!(inventory
            .resolve(&target("tag:Patch Group", &["db"]))
            .is_empty());
        assert!(inventory.fails("i-2") && !inventory.fails("i-1"));
    }
}
