//! Every Rust name the generator writes is made here.
//!
//! Smithy names are UpperCamel with acronyms left as written (`SSMDocument`,
//! `AWSAccountId`); heck turns them into idiomatic Rust (`SsmDocument`,
//! `aws_account_id`). Names that are Rust keywords get a raw prefix, or a
//! trailing underscore for the few keywords that cannot be raw.
//!
//! Names a user of the crate sees (types, fields, variants, methods) that
//! collide are an error naming both shapes. Names private to the generated
//! code (schema and pattern statics, default functions) are made distinct by
//! [`make_unique`] instead, since real models have such pairs: pinpoint-sms-
//! voice has both `String` and `__string`.

use std::collections::BTreeSet;

use heck::{ToShoutySnakeCase, ToSnakeCase, ToUpperCamelCase};

/// The name of a shape's Rust type.
pub fn type_name(shape_name: &str) -> String {
    escape(shape_name.to_upper_camel_case())
}

/// A struct field or method name.
pub fn field_name(member_name: &str) -> String {
    escape(member_name.to_snake_case())
}

/// An enum variant for an enum member or union member.
pub fn variant_name(member_name: &str) -> String {
    let name = member_name.to_upper_camel_case();
    // Enum values such as `1` or `2x` need a letter in front.
    if name.starts_with(|c: char| c.is_ascii_digit()) || name.is_empty() {
        return format!("V{name}");
    }
    escape(name)
}

/// The static holding a shape's schema.
pub fn schema_static(shape_id: &str) -> String {
    let (namespace, name) = split_id(shape_id);
    let base = name.to_shouty_snake_case();
    // Prelude shapes share names with common model shapes (`String`).
    if namespace == "smithy.api" {
        format!("SMITHY_{base}")
    } else {
        base
    }
}

/// The static holding a compiled pattern, named after its first user.
pub fn pattern_static(owner: &str) -> String {
    format!(
        "{}_PATTERN",
        owner.replace(['#', '$', '.'], "_").to_shouty_snake_case()
    )
}

/// Makes names that share one Rust scope distinct, whatever the order of
/// the shapes that want them. `names` comes in the order that decides who
/// keeps a contested name (shape id order, say): a name wanted once is kept;
/// of a name wanted several times, the first keeps it and each later one
/// takes the first of `NAME_2`, `NAME_3`… that no one wants as such and no
/// one has taken yet.
pub fn make_unique<'a>(names: impl IntoIterator<Item = &'a mut String>) {
    let names: Vec<&mut String> = names.into_iter().collect();
    let wanted: BTreeSet<String> = names.iter().map(|name| name.to_string()).collect();
    let mut taken = BTreeSet::new();
    for name in names {
        if taken.insert(name.clone()) {
            continue;
        }
        let numbered = (2..)
            .map(|n| format!("{name}_{n}"))
            .find(|candidate| !wanted.contains(candidate) && !taken.contains(candidate))
            .expect("an unbounded range has a free number");
        taken.insert(numbered.clone());
        *name = numbered;
    }
}

/// The typed error enum of an operation.
pub fn operation_error(operation_name: &str) -> String {
    format!("{}Error", type_name(operation_name))
}

/// The error enum's name when the model already has a shape called
/// `<Operation>Error`.
pub fn operation_error_fallback(operation_name: &str) -> String {
    format!("{}OperationError", type_name(operation_name))
}

/// The fallback variant of an enum, unless a modelled value already took it.
pub fn unknown_variant(variants: &[String]) -> &'static str {
    ["Unknown", "UnknownValue", "UnrecognizedValue"]
        .into_iter()
        .find(|candidate| !variants.iter().any(|v| v == candidate))
        .unwrap_or("UnknownVariantValue")
}

/// The lowerCamel name AWS uses for a member in validation messages.
pub fn message_path(member_name: &str) -> String {
    let mut chars = member_name.chars();
    match chars.next() {
        Some(first) => first.to_lowercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// `(namespace, name)` of an absolute shape id.
pub fn split_id(shape_id: &str) -> (&str, &str) {
    let shape_id = shape_id.split('$').next().unwrap_or(shape_id);
    shape_id.split_once('#').unwrap_or(("", shape_id))
}

/// The crate name for a service's generated crate, from its sdkId or name.
pub fn crate_name(service_name: &str) -> String {
    format!("{}-api", service_name.to_snake_case().replace('_', "-"))
}

const STRICT_KEYWORDS: &[&str] = &[
    "as", "async", "await", "break", "const", "continue", "dyn", "else", "enum", "extern", "false",
    "fn", "for", "gen", "if", "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub",
    "ref", "return", "static", "struct", "trait", "true", "type", "unsafe", "use", "where",
    "while", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "try",
    "typeof", "unsized", "virtual", "yield",
];

/// Keywords that cannot be written as raw identifiers.
const NON_RAW_KEYWORDS: &[&str] = &["self", "Self", "super", "crate", "extern"];

fn escape(name: String) -> String {
    if NON_RAW_KEYWORDS.contains(&name.as_str()) {
        format!("{name}_")
    } else if STRICT_KEYWORDS.contains(&name.as_str()) {
        format!("r#{name}")
    } else {
        name
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn acronyms_become_idiomatic() {
        assert_eq!(type_name("SSMDocument"), "SsmDocument");
        assert_eq!(field_name("AWSAccountId"), "aws_account_id");
        assert_eq!(field_name("WindowId"), "window_id");
        assert_eq!(variant_name("RUN_COMMAND"), "RunCommand");
        assert_eq!(variant_name("us-east-1"), "UsEast1");
        assert_eq!(variant_name("1x"), "V1x");
    }

    #[test]
    fn keywords_are_escaped() {
        assert_eq!(field_name("Type"), "r#type");
        assert_eq!(field_name("Self"), "self_");
        assert_eq!(type_name("Self"), "Self_");
        assert_eq!(type_name("Crate"), "Crate");
        assert_eq!(field_name("Match"), "r#match");
    }

    #[test]
    fn statics_and_paths() {
        assert_eq!(
            schema_static("com.amazonaws.ssm#MaintenanceWindowId"),
            "MAINTENANCE_WINDOW_ID"
        );
        assert_eq!(schema_static("smithy.api#String"), "SMITHY_STRING");
        assert_eq!(message_path("WindowId"), "windowId");
        assert_eq!(unknown_variant(&["Unknown".into()]), "UnknownValue");
        assert_eq!(crate_name("SSM"), "ssm-api");
    }

    fn unique(names: &[&str]) -> Vec<String> {
        let mut names: Vec<String> = names.iter().map(|&n| n.to_owned()).collect();
        make_unique(&mut names);
        names
    }

    #[test]
    fn shapes_wanting_one_static_are_numbered_in_order() {
        // pinpoint-sms-voice: `String` and `__string`, in shape id order.
        let wanted = [
            schema_static("com.amazonaws.pinpointsmsvoice#String"),
            schema_static("com.amazonaws.pinpointsmsvoice#__string"),
        ];
        assert_eq!(wanted, ["STRING", "STRING"]);
        assert_eq!(unique(&["STRING", "STRING"]), ["STRING", "STRING_2"]);
        assert_eq!(unique(&["A", "B", "A", "A"]), ["A", "B", "A_2", "A_3"]);
    }

    #[test]
    fn numbered_names_never_take_a_wanted_one() {
        // `STRING_2` is some shape's own name (`String_2`), even when it comes
        // after the duplicate that would otherwise have taken it.
        assert_eq!(
            unique(&["STRING", "STRING", "STRING_2"]),
            ["STRING", "STRING_3", "STRING_2"]
        );
        assert_eq!(
            unique(&["X", "X_2", "X", "X_2"]),
            ["X", "X_2", "X_3", "X_2_2"]
        );
        let all = unique(&["A", "A", "A_2", "A_3", "A", "A_2"]);
        let distinct: BTreeSet<&String> = all.iter().collect();
        assert_eq!(distinct.len(), all.len(), "{all:?}");
    }
}
