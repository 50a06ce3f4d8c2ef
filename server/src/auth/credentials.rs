//! The identities strict mode accepts, read from a TOML file:
//!
//! ```toml
//! [[credentials]]
//! access_key_id = "AKIAEXAMPLEACCOUNTA1"
//! secret_access_key = "…"
//! account_id = "111122223333"
//! # session_token = "…"   when set, X-Amz-Security-Token must equal it
//! ```

use std::collections::HashMap;
use std::fmt;
use std::path::Path;

use serde::Deserialize;
use smithy_runtime::server::is_account_id;

/// One identity. Its secrets never reach a log: `Debug` leaves them out.
#[derive(Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Credential {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub account_id: String,
    #[serde(default)]
    pub session_token: Option<String>,
}

impl fmt::Debug for Credential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credential")
            .field("access_key_id", &self.access_key_id)
            .field("account_id", &self.account_id)
            .field("secret_access_key", &"** redacted **")
            .field(
                "session_token",
                &self.session_token.as_ref().map(|_| "** redacted **"),
            )
            .finish()
    }
}

/// Identities by access key id.
#[derive(Clone, Debug, Default)]
pub struct Credentials {
    by_access_key: HashMap<String, Credential>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    credentials: Vec<Credential>,
}

impl Credentials {
    pub fn load(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read credentials file {}: {e}", path.display()))?;
        Self::parse(&text).map_err(|e| format!("credentials file {}: {e}", path.display()))
    }

    pub fn parse(text: &str) -> Result<Self, String> {
        let file: File = toml::from_str(text).map_err(|e| e.to_string())?;
        if file.credentials.is_empty() {
            return Err("no [[credentials]] entry".into());
        }
        let mut by_access_key = HashMap::new();
        for (i, credential) in file.credentials.into_iter().enumerate() {
            let entry = i + 1;
            if credential.access_key_id.is_empty() || credential.secret_access_key.is_empty() {
                return Err(format!(
                    "entry {entry}: access_key_id and secret_access_key must not be empty"
                ));
            }
            if !is_account_id(&credential.account_id) {
                return Err(format!(
                    "entry {entry} ({}): account_id must be 12 digits, not {:?}",
                    credential.access_key_id, credential.account_id
                ));
            }
            if let Some(earlier) =
                by_access_key.insert(credential.access_key_id.clone(), credential)
            {
                return Err(format!(
                    "entry {entry}: access_key_id {} is listed twice",
                    earlier.access_key_id
                ));
            }
        }
        Ok(Self { by_access_key })
    }

    pub fn get(&self, access_key_id: &str) -> Option<&Credential> {
        self.by_access_key.get(access_key_id)
    }

    pub fn len(&self) -> usize {
        self.by_access_key.len()
    }

    pub fn is_empty(&self) -> bool {
        self.by_access_key.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_identities_and_hides_their_secrets() {
        let credentials = Credentials::parse(
            r#"
            [[credentials]]
            access_key_id = "AKIAA"
            secret_access_key = "secret-a"
            account_id = "111122223333"

            [[credentials]]
            access_key_id = "ASIAB"
            secret_access_key = "secret-b"
            account_id = "444455556666"
            session_token = "token-b"
            "#,
        )
        .expect("parses");
        assert_eq!(credentials.len(), 2);
        let b = credentials.get("ASIAB").expect("present");
        assert_eq!(b.account_id, "444455556666");
        assert_eq!(b.session_token.as_deref(), Some("token-b"));
        let shown = format!("{credentials:?}");
        assert!(
            !shown.contains("secret-a") && !shown.contains("token-b"),
            "{shown}"
        );
    }

    #[test]
    fn refuses_files_that_would_surprise() {
        let one = |body: &str| format!("[[credentials]]\n{body}");
        for (text, why) in [
            (String::new(), "missing field `credentials`"),
            ("credentials = []".to_owned(), "no [[credentials]] entry"),
            (
                one("access_key_id = \"A\"\nsecret_access_key = \"s\"\naccount_id = \"12\""),
                "account_id must be 12 digits",
            ),
            (
                one("access_key_id = \"A\"\nsecret_access_key = \"\"\naccount_id = \"111122223333\""),
                "must not be empty",
            ),
            (
                one("access_key_id = \"A\"\nsecret_access_key = \"s\"\naccount_id = \"111122223333\"\nregion = \"x\""),
                "unknown field `region`",
            ),
            (
                format!(
                    "{0}\n{0}",
                    one("access_key_id = \"A\"\nsecret_access_key = \"s\"\naccount_id = \"111122223333\"")
                ),
                "listed twice",
            ),
        ] {
            let error = Credentials::parse(&text).expect_err(&text);
            assert!(error.contains(why), "{text:?}: {error}");
        }
    }
}
