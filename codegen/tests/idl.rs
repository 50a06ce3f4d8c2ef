//! The IDL front end on models written for these tests: every construct of
//! the language loads to what the JSON AST would say, errors name the file,
//! line and column, and no input makes the loader panic.

use codegen::ast::{AstModel, AstShape, ShapeKind};
use codegen::load::{load, load_text, SourceFile};
use serde_json::json;

fn fixture(name: &str) -> SourceFile {
    let path = format!("{}/tests/fixtures/idl/{name}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap();
    SourceFile::new(format!("idl/{name}"), text)
}

fn library() -> AstModel {
    load(&[fixture("library.smithy"), fixture("common.smithy")]).unwrap()
}

fn shape<'m>(model: &'m AstModel, id: &str) -> &'m AstShape {
    model
        .shape(id)
        .unwrap_or_else(|| panic!("{id} is not in the model"))
}

fn member_traits(model: &AstModel, id: &str, member: &str) -> serde_json::Value {
    let traits = &shape(model, id).member(member).unwrap().traits;
    serde_json::to_value(traits).unwrap()
}

/// `library.json` is the JSON AST of the two IDL files, reviewed by hand.
#[test]
fn the_idl_model_equals_its_json_ast() {
    let from_json = load(&[fixture("library.json")]).unwrap();
    let from_idl = library();
    for (id, shape) in &from_idl.shapes {
        assert_eq!(Some(shape), from_json.shape(id), "{id}");
    }
    assert_eq!(from_idl, from_json);
}

#[test]
fn the_json_ast_writer_prints_the_reviewed_document() {
    assert_eq!(
        codegen::ast::write_json(&library()),
        fixture("library.json").text
    );
}

#[test]
fn metadata_and_service_properties() {
    let model = library();
    assert_eq!(
        model.metadata["suppressions"],
        json!([{"id": "UnreferencedShape", "namespace": "example.library"}])
    );
    assert_eq!(model.metadata["owner"], json!("team-books"));
    let service = shape(&model, "example.library#Library");
    assert_eq!(service.version.as_deref(), Some("2024-01-01"));
    assert_eq!(service.references["resources"], ["example.library#Book"]);
    assert_eq!(service.references["errors"], ["example.library#Throttled"]);
    assert_eq!(service.rename["example.common#Audited"], "AuditInfo");
    assert_eq!(
        service.traits["smithy.api#documentation"],
        json!("A lending library.")
    );
    assert_eq!(service.traits["smithy.api#title"], json!("Library"));
}

#[test]
fn resources_bind_identifiers_properties_and_lifecycle() {
    let model = library();
    let book = shape(&model, "example.library#Book");
    assert_eq!(book.identifiers["bookId"], "example.library#BookId");
    assert_eq!(book.properties["tags"], "example.library#Tags");
    assert_eq!(book.references["read"], ["example.library#GetBook"]);
    assert_eq!(book.references["list"], ["example.library#ListBooks"]);
}

#[test]
fn inline_io_uses_the_custom_suffixes_and_elided_targets_resolve() {
    let model = library();
    let get = shape(&model, "example.library#GetBook");
    assert_eq!(get.references["input"], ["example.library#GetBookRequest"]);
    assert_eq!(
        get.references["output"],
        ["example.library#GetBookResponse"]
    );
    assert_eq!(get.references["errors"], ["example.library#NotFound"]);

    let input = shape(&model, "example.library#GetBookRequest");
    assert_eq!(input.traits["smithy.api#input"], json!({}));
    let id = input.member("bookId").unwrap();
    assert_eq!(id.target, "example.library#BookId", "from the resource");
    assert_eq!(id.traits["smithy.api#required"], json!({}));

    let output = shape(&model, "example.library#GetBookResponse");
    assert_eq!(output.mixins, ["example.common#Audited"]);
    assert_eq!(
        output.member("bookId").unwrap().target,
        "example.library#BookId"
    );
    assert_eq!(
        member_traits(&model, "example.library#GetBookResponse", "title"),
        json!({
            "smithy.api#default": "Untitled",
            "smithy.api#documentation": "The title, as printed."
        })
    );
}

#[test]
fn enums_get_their_implicit_values() {
    let model = library();
    let genre = shape(&model, "example.library#Genre");
    assert_eq!(genre.kind, ShapeKind::Enum);
    let values: Vec<_> = genre
        .members
        .iter()
        .map(|m| (m.name.as_str(), m.traits["smithy.api#enumValue"].clone()))
        .collect();
    assert_eq!(
        values,
        [
            ("FICTION", json!("FICTION")),
            ("NON_FICTION", json!("non-fiction")),
            ("POETRY", json!("POETRY"))
        ]
    );
    assert!(genre.members.iter().all(|m| m.target == "smithy.api#Unit"));
    let rating = shape(&model, "example.library#Rating");
    assert_eq!(rating.members[1].traits["smithy.api#enumValue"], json!(5));
}

#[test]
fn text_blocks_escapes_and_numbers() {
    let model = library();
    let docs = member_traits(&model, "example.library#Throttled", "message");
    assert_eq!(
        docs["smithy.api#documentation"],
        json!(
            "Why the request was throttled.\n  Indented lines keep their extra indentation.\n\
             A \"quote\" and an escaped \"\"\"triple\"\"\" survive.\n"
        )
    );
    let escapes = "example.library#Escapes";
    let default = |member| member_traits(&model, escapes, member)["smithy.api#default"].clone();
    assert_eq!(
        default("text"),
        json!("tab\tquote\" slash\\ unicode\u{e9} emoji\u{1F4DA}")
    );
    assert_eq!(default("number"), json!(-1500.0));
    assert_eq!(default("big"), json!(9007199254740993_i64));
    assert_eq!(default("flag"), json!(false));
    assert_eq!(default("list"), json!([]));
    assert_eq!(
        default("nested"),
        json!({"a": [1, 2.5, true, null, {"b": "c"}]})
    );
}

#[test]
fn apply_statements_add_traits_to_shapes_and_members() {
    let model = library();
    let escapes = shape(&model, "example.library#Escapes");
    assert_eq!(escapes.traits["smithy.api#sensitive"], json!({}));
    assert_eq!(
        escapes.traits["smithy.api#deprecated"],
        json!({"message": "use Cover", "since": "2024"})
    );
    assert_eq!(
        member_traits(&model, "example.library#Escapes", "text")["smithy.api#documentation"],
        json!("Applied to a member.")
    );
    assert_eq!(
        shape(&model, "example.library#NotFound").traits["smithy.api#documentation"],
        json!("No such book.")
    );
}

#[test]
fn annotation_traits_take_their_shape_s_empty_value() {
    let model = library();
    let ids = shape(&model, "example.library#BookIds");
    assert_eq!(ids.traits["smithy.api#uniqueItems"], json!({}));
    let trait_shapes = load_text(
        "t.smithy",
        "$version: \"2\"\nnamespace t\n@trait\nlist tagsOf { member: String }\n@tagsOf\nstring S\n",
    )
    .unwrap();
    assert_eq!(shape(&trait_shapes, "t#S").traits["t#tagsOf"], json!([]));
}

#[test]
fn names_resolve_through_use_then_namespace_then_prelude() {
    let model = load_text(
        "names.smithy",
        "$version: \"2\"\nnamespace a\nuse b#Thing\nstructure S {\n  one: Thing\n  two: String\n  three: Local\n}\nstring Local\n",
    );
    // `b#Thing` is not in the model: its use is allowed, its target is not.
    let model = match model {
        Ok(model) => model,
        Err(error) => {
            assert!(error.message.contains("b#Thing"), "{error}");
            return;
        }
    };
    let s = shape(&model, "a#S");
    assert_eq!(s.member("one").unwrap().target, "b#Thing");
    assert_eq!(s.member("two").unwrap().target, "smithy.api#String");
    assert_eq!(s.member("three").unwrap().target, "a#Local");
}

#[test]
fn a_local_shape_shadows_the_prelude() {
    let model = load_text(
        "shadow.smithy",
        "$version: \"2\"\nnamespace a\nstructure S { s: String }\nstructure String {}\n",
    )
    .unwrap();
    assert_eq!(shape(&model, "a#S").member("s").unwrap().target, "a#String");
}

/// Each error names the file, line and column, and says what was expected
/// and what was found.
#[test]
fn syntax_errors_name_the_place_and_the_tokens() {
    let cases = [
        (
            "$version: \"2\"\nnamespace a\nstring\n",
            "e.smithy:3:7: Expected SPACE(' ') but found NEWLINE('\\n')",
        ),
        (
            "$version: \"2\"\nnamespace a\nstructure S {\n  a String\n}\n",
            "e.smithy:4:5: Expected COLON(':') but found IDENTIFIER('String')",
        ),
        (
            "$version: \"2\"\nnamespace a\nwidget W\n",
            "e.smithy:3:1: Unknown shape type: widget",
        ),
        (
            "$version: \"2\"\nnamespace a\n@length(min: 1\nstring S\n",
            // `string` reads as the next key of the unclosed trait value.
            "e.smithy:4:8: Expected COLON(':') but found IDENTIFIER('S')",
        ),
        (
            "$version: \"2\"\nnamespace a\n@documentation(\"unclosed)\nstring S\n",
            "e.smithy:5:1: Expected: '\"', but found '[EOF]'",
        ),
        (
            "$version: \"3.0\"\n",
            "e.smithy:1:16: Unsupported Smithy version number: 3.0",
        ),
        (
            "$version: \"2\"\nnamespace a\nstructure S {\n  a: String\n  a: Integer\n}\n",
            "e.smithy:5:3: Duplicate member of `a#S`: 'a'",
        ),
        (
            "$version: \"2\"\nnamespace a\nstring S @sensitive\n",
            "e.smithy:3:10: Expected a line break, but found AT('@')",
        ),
        (
            "$version: \"1.0\"\nnamespace a\nenum E { A }\n",
            "e.smithy:3:1: enum shapes cannot be used in Smithy version 1.0",
        ),
        (
            "$version: \"2\"\nnamespace a\n@documentation(\"\\q\")\nstring S\n",
            "e.smithy:3:16: Error parsing quoted string: Invalid escape found in string: `\\q`",
        ),
    ];
    for (text, expected) in cases {
        let error = load_text("e.smithy", text).unwrap_err();
        assert_eq!(error.to_string(), expected, "for:\n{text}");
    }
}

#[test]
fn nesting_is_bounded() {
    let deep = format!(
        "$version: \"2\"\nnamespace a\n@tags({}{})\nstring S\n",
        "[".repeat(100),
        "]".repeat(100)
    );
    let error = load_text("deep.smithy", &deep).unwrap_err();
    assert!(error.message.contains("maximum allowed depth"), "{error}");
}

mod no_panics {
    use proptest::prelude::*;

    use super::*;

    fn library_text() -> String {
        fixture("library.smithy").text
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 512, ..ProptestConfig::default() })]

        #[test]
        fn arbitrary_text(text in "\\PC{0,200}") {
            let _ = load_text("fuzz.smithy", &text);
        }

        #[test]
        fn arbitrary_bytes_as_lossy_text(bytes in proptest::collection::vec(any::<u8>(), 0..300)) {
            let _ = load_text("fuzz.smithy", &String::from_utf8_lossy(&bytes));
        }

        #[test]
        fn mutated_valid_model(
            edits in proptest::collection::vec((any::<prop::sample::Index>(), 0usize..4, "[\\x00-\\x7f]{0,3}"), 1..6)
        ) {
            let mut text = library_text();
            for (at, kind, insert) in edits {
                let mut index = at.index(text.len().max(1));
                while !text.is_char_boundary(index) {
                    index -= 1;
                }
                match kind {
                    0 => text.insert_str(index, &insert),
                    1 => {
                        let mut end = (index + 1 + insert.len()).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(index..end, "");
                    }
                    2 => {
                        let mut end = (index + insert.len()).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(index..end, &insert);
                    }
                    _ => text.truncate(index),
                }
            }
            let _ = load(&[
                SourceFile::new("library.smithy", text),
                fixture("common.smithy"),
            ]);
        }
    }
}

#[test]
fn metadata_merges_across_files_and_conflicts_name_both_places() {
    let a = SourceFile::new(
        "a.smithy",
        "$version: \"2\"\nmetadata tags = [\"a\"]\nmetadata owner = \"x\"\n",
    );
    let b = SourceFile::new(
        "b.smithy",
        "$version: \"2\"\nmetadata tags = [\"b\"]\nmetadata owner = \"x\"\n",
    );
    let model = load(&[a.clone(), b]).unwrap();
    assert_eq!(model.metadata["tags"], json!(["a", "b"]));
    assert_eq!(model.metadata["owner"], json!("x"));

    let c = SourceFile::new("c.smithy", "$version: \"2\"\n\nmetadata owner = \"y\"\n");
    let error = load(&[a, c]).unwrap_err();
    assert_eq!(
        error.to_string(),
        "c.smithy:3:10: metadata `owner` is defined differently at a.smithy:3:10 and c.smithy:3:10"
    );
}

#[test]
fn traits_from_several_files_merge_or_conflict_by_smithy_s_rules() {
    let defined = SourceFile::new(
        "shape.smithy",
        "$version: \"2\"\nnamespace a\n@tags([\"one\"])\n@documentation(\"doc\")\nstring S\n",
    );
    let more = SourceFile::new(
        "more.smithy",
        "$version: \"2\"\nnamespace a\napply S @tags([\"two\"])\napply S @documentation(\"doc\")\n",
    );
    let model = load(&[defined.clone(), more]).unwrap();
    let s = shape(&model, "a#S");
    assert_eq!(s.traits["smithy.api#tags"], json!(["one", "two"]));
    assert_eq!(s.traits["smithy.api#documentation"], json!("doc"));

    let other = SourceFile::new(
        "other.smithy",
        "$version: \"2\"\nnamespace a\n\napply S @documentation(\"other\")\n",
    );
    let error = load(&[defined, other]).unwrap_err().to_string();
    assert_eq!(
        error,
        "other.smithy:4:1: a#S: conflicting values of trait `smithy.api#documentation`, at \
         shape.smithy:5:1 and other.smithy:4:1"
    );
}
