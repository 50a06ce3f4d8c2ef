//! One-line documentation for what the model leaves undocumented, so every
//! public item says what it is and no item gets an empty doc comment.

use crate::ir::{Ir, Kind, Member, Operation, Shape};

pub fn service(ir: &Ir) -> String {
    format!("The `{}` service.", ir.service.name)
}

pub fn operation(ir: &Ir, operation: &Operation) -> String {
    let input = match &ir.shape(&operation.input).kind {
        Kind::Unit => "no input".to_owned(),
        _ => format!("input `{}`", ir.shape(&operation.input).rust_name),
    };
    let output = match &ir.shape(&operation.output).kind {
        Kind::Unit => "no output".to_owned(),
        _ => format!("output `{}`", ir.shape(&operation.output).rust_name),
    };
    format!("The `{}` operation: {input}, {output}.", operation.name)
}

/// For a structure, union or enum.
pub fn shape(ir: &Ir, shape: &Shape) -> String {
    let name = &shape.rust_name;
    if let Some(error) = &shape.error {
        let side = if error.fault == "Sender" {
            "client"
        } else {
            "server"
        };
        return format!(
            "The `{name}` error, a {side} error (HTTP {}).",
            error.status
        );
    }
    let uses = |role: &str, of: fn(&Operation) -> &str| {
        let names: Vec<String> = ir
            .operations
            .iter()
            .filter(|operation| of(operation) == shape.id)
            .map(|operation| format!("`{}`", operation.name))
            .collect();
        match names.as_slice() {
            [] => None,
            [one] => Some(format!("The {role} of the {one} operation.")),
            [many @ .., last] => Some(format!(
                "The {role} of the {} and {last} operations.",
                many.join(", ")
            )),
        }
    };
    if let Some(line) = uses("input", |op| &op.input).or_else(|| uses("output", |op| &op.output)) {
        return line;
    }
    match &shape.kind {
        Kind::Union(_) => format!("The `{name}` union: exactly one of its variants is set."),
        Kind::Enum { .. } => format!("The `{name}` enum, a string on the wire."),
        Kind::IntEnum { .. } => format!("The `{name}` enum, an integer on the wire."),
        _ => format!("The `{name}` structure."),
    }
}

/// For a structure member (a field) or a union member (a variant).
pub fn member(member: &Member, union: bool) -> String {
    if union {
        format!("The `{}` variant.", member.name)
    } else if member.required {
        format!("The `{}` member (required).", member.name)
    } else {
        format!("The `{}` member.", member.name)
    }
}

/// For one value of an enum. A value is any string: control characters are
/// escaped to stay on the line, and a backtick in it needs a wider span.
pub fn enum_value(value: impl std::fmt::Display) -> String {
    let mut shown = String::new();
    for c in value.to_string().chars() {
        if c.is_control() {
            shown.extend(c.escape_default());
        } else {
            shown.push(c);
        }
    }
    let value = shown;
    if value.contains('`') {
        format!("The value `` {value} ``.")
    } else {
        format!("The value `{value}`.")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enum_values_stay_one_code_span_on_one_line() {
        assert_eq!(enum_value("happy"), "The value `happy`.");
        assert_eq!(enum_value(2), "The value `2`.");
        assert_eq!(enum_value("a\nb"), "The value `a\\nb`.");
        assert_eq!(enum_value("a\tb"), "The value `a\\tb`.");
        assert_eq!(enum_value("a`b"), "The value `` a`b ``.");
        assert_eq!(enum_value("it's \"x\""), "The value `it's \"x\"`.");
    }
}
