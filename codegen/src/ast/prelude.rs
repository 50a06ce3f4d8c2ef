//! The Smithy 2.0 prelude (`smithy.api`): the shapes every model may refer
//! to without defining them. Both front ends ask it whether a relative name
//! resolves to a prelude shape; [`super::assemble`] adds it to every model.
//!
//! The table below is a compact notation of our own, read once:
//!
//! ```text
//! kind Name [flag …] [| member …]
//! ```
//!
//! Flags become traits on the shape (`trait`, `private`, `unitType`, …;
//! `default=V` takes a JSON value). Members are `name:Target` (a relative
//! target is in `smithy.api`); enum members are `NAME` or `NAME=value`.
//! Trait shapes carry `smithy.api#trait`; the selectors and the members'
//! own traits are left out, since nothing downstream reads them.

use std::sync::OnceLock;

use serde_json::{Map, Value};

use super::{AstMember, AstModel, AstShape, ShapeKind, Source, Traits};

pub const NAMESPACE: &str = "smithy.api";

const TABLE: &str = "
string String
blob Blob
bigInteger BigInteger
bigDecimal BigDecimal
timestamp Timestamp
document Document
boolean Boolean
byte Byte
short Short
integer Integer
long Long
float Float
double Double
boolean PrimitiveBoolean default=false
byte PrimitiveByte default=0
short PrimitiveShort default=0
integer PrimitiveInteger default=0
long PrimitiveLong default=0
float PrimitiveFloat default=0
double PrimitiveDouble default=0
structure Unit unitType

structure trait trait | selector:String structurallyExclusive:StructurallyExclusive conflicts:NonEmptyStringList breakingChanges:TraitDiffRules
list TraitDiffRules private | member:TraitDiffRule
structure TraitDiffRule private | path:String change:TraitChangeType severity:Severity message:String
enum TraitChangeType private | UPDATE=update ADD=add REMOVE=remove PRESENCE=presence ANY=any
enum Severity private | NOTE WARNING DANGER ERROR
enum StructurallyExclusive private | MEMBER=member TARGET=target

structure deprecated trait | message:String since:String
structure box trait
string documentation trait
map externalDocumentation trait | key:NonEmptyString value:NonEmptyString
list auth trait uniqueItems | member:AuthTraitReference
string AuthTraitReference private
structure protocolDefinition trait | traits:TraitShapeIdList noInlineDocumentSupport:Boolean
list TraitShapeIdList private | member:TraitShapeId
string TraitShapeId private
structure authDefinition trait | traits:TraitShapeIdList
structure httpBasicAuth trait authDefinition
structure httpDigestAuth trait authDefinition
structure httpBearerAuth trait authDefinition
structure httpApiKeyAuth trait authDefinition | name:NonEmptyString in:HttpApiKeyLocations scheme:NonEmptyString
enum HttpApiKeyLocations private | HEADER=header QUERY=query
structure optionalAuth trait

map traitValidators trait | key:String value:TraitValidator
structure TraitValidator private | selector:String message:String severity:Severity

structure metadata trait | key:String
list ShapeClosures private | member:ShapeClosure
structure ShapeClosure private | id:ClosureId includeNamespaces:Namespaces includeBySelector:String rename:Renames documentation:CommonMark
string ClosureId private
list Namespaces private uniqueItems | member:String
map Renames private | key:String value:Identifier
string CommonMark private
string Identifier private

document default trait
structure addedDefault trait
structure clientOptional trait

list examples trait | member:Example
structure Example private | title:String documentation:String input:Document output:Document error:ExampleError allowConstraintErrors:Boolean
structure ExampleError private | shapeId:String content:Document

enum error trait | CLIENT=client SERVER=server
structure retryable trait | throttling:Boolean
structure readonly trait
structure idempotent trait | exists:IdempotentErrors notFound:IdempotentErrors
list IdempotentErrors private | member:String
structure idempotencyToken trait notProperty
structure internal trait

string jsonName trait
structure xmlAttribute trait
structure xmlFlattened trait
string xmlName trait
structure xmlNamespace trait | uri:NonEmptyString prefix:NonEmptyString
string NonEmptyString private

structure noReplace trait
string mediaType trait
list references trait | member:Reference
structure Reference private | resource:NonEmptyString ids:NonEmptyStringMap service:NonEmptyString rel:NonEmptyString
map NonEmptyStringMap private | key:NonEmptyString value:NonEmptyString
string resourceIdentifier trait notProperty
structure private trait
structure sensitive trait
string since trait
structure streaming trait
structure requiresLength trait
structure longPoll trait unstable | timeoutMillis:Integer
list tags trait | member:String
string title trait

list enum trait | member:EnumDefinition
structure EnumDefinition private | value:NonEmptyString name:EnumConstantBodyName documentation:String tags:NonEmptyStringList deprecated:Boolean
string EnumConstantBodyName private
document enumValue trait

structure length trait | min:Long max:Long
structure range trait | min:BigDecimal max:BigDecimal
string pattern trait
structure required trait
structure property trait | name:String
structure notProperty trait notProperty
structure nestedProperties trait notProperty
structure recommended trait | reason:String
structure sparse trait
structure uniqueItems trait
structure unstable trait

structure paginated trait | inputToken:NonEmptyString outputToken:NonEmptyString items:NonEmptyString pageSize:NonEmptyString

structure http trait | method:NonEmptyString uri:NonEmptyString code:Integer
structure httpLabel trait
string httpQuery trait
structure httpQueryParams trait
string httpHeader trait
string httpPrefixHeaders trait
structure httpPayload trait
integer httpError trait
structure httpResponseCode trait
structure cors trait | origin:NonEmptyString origins:NonEmptyStringMap maxAge:Integer additionalAllowedHeaders:NonEmptyStringList additionalExposedHeaders:NonEmptyStringList
list NonEmptyStringList private | member:NonEmptyString
structure httpChecksumRequired trait unstable

structure eventPayload trait
structure eventHeader trait

structure idRef trait | selector:String failWhenMissing:Boolean errorMessage:String
enum timestampFormat trait | DATE_TIME=date-time EPOCH_SECONDS=epoch-seconds HTTP_DATE=http-date

structure endpoint trait | hostPrefix:NonEmptyString
structure hostLabel trait

list suppress trait | member:String

structure input trait
structure output trait
structure unitType trait

structure mixin trait | localTraits:LocalMixinTraitList
list LocalMixinTraitList private | member:LocalMixinTrait
string LocalMixinTrait private

structure requestCompression trait | encodings:RequestCompressionEncodingsList
list RequestCompressionEncodingsList private | member:String
";

/// The prelude as a model of its own.
pub fn prelude() -> &'static AstModel {
    static PRELUDE: OnceLock<AstModel> = OnceLock::new();
    PRELUDE.get_or_init(build)
}

/// The kind of prelude shape `id` (`smithy.api#Name`), if it is one.
pub fn kind_of(id: &str) -> Option<ShapeKind> {
    prelude().shape(id).map(|shape| shape.kind)
}

/// Whether `id` is a prelude shape.
pub fn contains(id: &str) -> bool {
    prelude().shapes.contains_key(id)
}

fn absolute(name: &str) -> String {
    format!("{NAMESPACE}#{name}")
}

fn build() -> AstModel {
    let mut model = AstModel::default();
    for line in TABLE.lines().map(str::trim).filter(|l| !l.is_empty()) {
        let (head, members) = line.split_once('|').unwrap_or((line, ""));
        let mut words = head.split_whitespace();
        let (Some(kind), Some(name)) = (words.next(), words.next()) else {
            continue;
        };
        // The table is a constant of this file: a typo is a bug the unit
        // tests catch, not an input error.
        let kind = ShapeKind::parse(kind).expect("prelude table: shape kind");
        let mut shape = AstShape::new(absolute(name), kind);
        for flag in words {
            let (trait_name, value) = match flag.split_once('=') {
                Some((t, v)) => (t, serde_json::from_str(v).expect("prelude table: value")),
                None => (flag, Value::Object(Map::new())),
            };
            shape.traits.insert(absolute(trait_name), value);
        }
        for member in members.split_whitespace() {
            shape.members.push(if kind == ShapeKind::Enum {
                let (name, value) = member.split_once('=').unwrap_or((member, member));
                let mut traits = Traits::new();
                traits.insert(absolute("enumValue"), Value::String(value.into()));
                AstMember {
                    name: name.into(),
                    target: absolute("Unit"),
                    traits,
                    source: Source::default(),
                }
            } else {
                let (name, target) = member.split_once(':').expect("prelude table: member");
                AstMember {
                    name: name.into(),
                    target: absolute(target),
                    traits: Traits::new(),
                    source: Source::default(),
                }
            });
        }
        model.shapes.insert(shape.id.clone(), shape);
    }
    model
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simple_shapes_and_their_defaults() {
        assert_eq!(kind_of("smithy.api#String"), Some(ShapeKind::String));
        assert_eq!(kind_of("smithy.api#PrimitiveLong"), Some(ShapeKind::Long));
        assert_eq!(kind_of("smithy.api#Nope"), None);
        let shape = prelude().shape("smithy.api#PrimitiveInteger").unwrap();
        assert_eq!(shape.traits["smithy.api#default"], Value::from(0));
        let shape = prelude().shape("smithy.api#PrimitiveBoolean").unwrap();
        assert_eq!(shape.traits["smithy.api#default"], Value::Bool(false));
        let unit = prelude().shape("smithy.api#Unit").unwrap();
        assert!(unit.traits.contains_key("smithy.api#unitType"));
        assert!(prelude()
            .shape("smithy.api#Integer")
            .unwrap()
            .traits
            .is_empty());
    }

    #[test]
    fn trait_shapes_are_traits() {
        for name in [
            "required",
            "documentation",
            "length",
            "pattern",
            "range",
            "enum",
            "default",
            "mixin",
            "trait",
            "idRef",
            "references",
            "http",
            "httpError",
            "enumValue",
            "timestampFormat",
            "error",
            "tags",
        ] {
            let shape = prelude()
                .shape(&absolute(name))
                .unwrap_or_else(|| panic!("{name}"));
            assert!(shape.traits.contains_key("smithy.api#trait"), "{name}");
        }
        assert_eq!(kind_of("smithy.api#documentation"), Some(ShapeKind::String));
        assert_eq!(kind_of("smithy.api#enum"), Some(ShapeKind::List));
        assert_eq!(kind_of("smithy.api#enumValue"), Some(ShapeKind::Document));
        assert_eq!(kind_of("smithy.api#httpError"), Some(ShapeKind::Integer));
        assert_eq!(kind_of("smithy.api#error"), Some(ShapeKind::Enum));
    }

    #[test]
    fn every_member_target_is_in_the_prelude() {
        for shape in prelude().shapes.values() {
            for member in &shape.members {
                assert!(contains(&member.target), "{}${}", shape.id, member.name);
            }
        }
        let error = prelude().shape("smithy.api#error").unwrap();
        assert_eq!(
            error.member("CLIENT").unwrap().traits["smithy.api#enumValue"],
            "client"
        );
    }
}
