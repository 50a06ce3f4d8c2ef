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
        decoded_len(text).is_some()
    }
}

/// How many bytes `text` decodes to, or `None` when deserializing a [`Blob`]
/// would reject it: the standard alphabet, padded to a multiple of four, and
/// no set bits beyond the last byte. Only looks, so that a request's blob is
/// decoded once, when it is deserialized, however many checks it passes.
pub fn decoded_len(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    if !bytes.len().is_multiple_of(4) {
        return None;
    }
    let padding = bytes.iter().rev().take_while(|&&b| b == b'=').count();
    let symbols = &bytes[..bytes.len() - padding];
    // Branch-free over the bulk of the text: a lookup per byte, one test at
    // the end. This runs at about the speed of the decoder itself.
    let invalid = symbols
        .iter()
        .fold(0, |invalid, &symbol| invalid | SEXTETS[usize::from(symbol)]);
    if invalid & NOT_BASE64 != 0 {
        return None;
    }
    let last = symbols
        .last()
        .map_or(0, |&symbol| SEXTETS[usize::from(symbol)]);
    // One `=` leaves two bytes and two spare bits; two leave one byte and
    // four spare bits.
    let spare_bits = match padding {
        0 => 0,
        1 => 0b11,
        2 => 0b1111,
        _ => return None,
    };
    if last & spare_bits != 0 {
        return None;
    }
    Some(bytes.len() / 4 * 3 - padding)
}

/// Marks a byte outside the standard alphabet in [`SEXTETS`].
const NOT_BASE64: u8 = 0x80;

/// The six bits each byte of the standard alphabet stands for.
static SEXTETS: [u8; 256] = {
    let mut table = [NOT_BASE64; 256];
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut i = 0;
    while i < alphabet.len() {
        table[alphabet[i] as usize] = i as u8;
        i += 1;
    }
    table
};

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
    use proptest::prelude::*;

    proptest! {
        /// The check agrees with the decoder, on base64 and on near misses.
        #[test]
        fn decoded_len_agrees_with_decoding(text in "[A-Za-z0-9+/=_ -]{0,12}") {
            let decoded = STANDARD.decode(&text).ok().map(|bytes| bytes.len());
            prop_assert_eq!(decoded_len(&text), decoded);
        }

        #[test]
        fn decoded_len_of_encoded_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..40)) {
            prop_assert_eq!(decoded_len(&STANDARD.encode(&bytes)), Some(bytes.len()));
        }
    }

    #[test]
    fn malformed_base64_is_rejected() {
        // Smithy's malformed-blob strings, and stray bits after the last byte.
        for text in [
            "xyz", "YmxvYg=", "-_==", "Zm9vYg=x", "Zh==", "Zm9=", "====", "A===",
        ] {
            assert_eq!(decoded_len(text), None, "{text}");
        }
        assert_eq!(decoded_len(""), Some(0));
        assert_eq!(decoded_len("Zg=="), Some(1));
        assert_eq!(decoded_len("Zm8="), Some(2));
    }

    #[test]
    fn base64_round_trip() {
        let blob = Blob(b"hello".to_vec());
        let json = serde_json::to_string(&blob).unwrap();
        assert_eq!(json, "\"aGVsbG8=\"");
        assert_eq!(serde_json::from_str::<Blob>(&json).unwrap(), blob);
        assert!(serde_json::from_str::<Blob>("\"not base64!\"").is_err());
    }
}
