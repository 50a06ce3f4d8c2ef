//! `blob` members travel as base64 text in awsJson.

use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use serde::de::Error;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Blob(pub Vec<u8>);

impl Blob {
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Whether `text` is valid base64, the check the validator runs on input.
    pub fn is_base64(text: &str) -> bool {
        STANDARD.decode(text).is_ok()
    }
}

impl From<Vec<u8>> for Blob {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl Serialize for Blob {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&STANDARD.encode(&self.0))
    }
}

impl<'de> Deserialize<'de> for Blob {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = <std::borrow::Cow<'de, str>>::deserialize(deserializer)?;
        STANDARD
            .decode(text.as_bytes())
            .map(Blob)
            .map_err(|e| D::Error::custom(format_args!("invalid base64: {e}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_round_trip() {
        let blob = Blob(b"hello".to_vec());
        let json = serde_json::to_string(&blob).unwrap();
        assert_eq!(json, "\"aGVsbG8=\"");
        assert_eq!(serde_json::from_str::<Blob>(&json).unwrap(), blob);
        assert!(serde_json::from_str::<Blob>("\"not base64!\"").is_err());
    }
}
