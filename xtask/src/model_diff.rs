//! The first difference between two loaded models, in words: which shape,
//! and which of its parts.

use codegen::ast::{AstModel, AstShape};

/// `Ok` when the models are equal.
pub fn first_difference(left: &AstModel, right: &AstModel) -> Result<(), String> {
    if left == right {
        return Ok(());
    }
    if left.metadata != right.metadata {
        return Err(format!(
            "metadata differs:\n  {:?}\n  {:?}",
            left.metadata, right.metadata
        ));
    }
    for (id, shape) in &left.shapes {
        match right.shapes.get(id) {
            None => return Err(format!("only the first has {id}")),
            Some(other) if other != shape => return Err(shape_difference(shape, other)),
            Some(_) => {}
        }
    }
    let extra = right
        .shapes
        .keys()
        .find(|id| !left.shapes.contains_key(*id));
    Err(format!("only the second has {}", extra.map_or("?", |s| s)))
}

fn shape_difference(a: &AstShape, b: &AstShape) -> String {
    let parts: [(&str, String, String); 9] = [
        ("kind", format!("{:?}", a.kind), format!("{:?}", b.kind)),
        (
            "mixins",
            format!("{:?}", a.mixins),
            format!("{:?}", b.mixins),
        ),
        (
            "traits",
            format!("{:?}", a.traits),
            format!("{:?}", b.traits),
        ),
        (
            "references",
            format!("{:?}", a.references),
            format!("{:?}", b.references),
        ),
        (
            "identifiers",
            format!("{:?}", a.identifiers),
            format!("{:?}", b.identifiers),
        ),
        (
            "properties",
            format!("{:?}", a.properties),
            format!("{:?}", b.properties),
        ),
        (
            "version",
            format!("{:?}", a.version),
            format!("{:?}", b.version),
        ),
        (
            "rename",
            format!("{:?}", a.rename),
            format!("{:?}", b.rename),
        ),
        ("members", members(a), members(b)),
    ];
    for (part, left, right) in parts {
        if left != right {
            return format!("{}: {part} differ:\n  {left}\n  {right}", a.id);
        }
    }
    format!("{} differs", a.id)
}

fn members(shape: &AstShape) -> String {
    let list: Vec<String> = shape
        .members
        .iter()
        .map(|m| format!("{}: {} {:?}", m.name, m.target, m.traits))
        .collect();
    format!("[{}]", list.join(", "))
}
