//! Signing keys, derived once per access key, day, Region and service
//! rather than for every request: the derivation is four HMACs, most of
//! what checking a signature would otherwise cost.

use std::collections::HashMap;
use std::hash::{BuildHasher, RandomState};
use std::sync::RwLock;

use chrono::{DateTime, Utc};

use super::Credential;

/// Entries kept before the cache starts over; a day's keys for every
/// identity and Region in use fit many times over.
const CAPACITY: usize = 4096;

#[derive(Default)]
pub struct SigningKeys {
    hasher: RandomState,
    keys: RwLock<HashMap<u64, Entry>>,
}

struct Entry {
    access_key: String,
    date: String,
    region: String,
    service: String,
    key: Key,
}

/// An HMAC-SHA256 output.
type Key = [u8; 32];

impl SigningKeys {
    /// The key `credential` signs with on `date` (the scope's `YYYYMMDD`,
    /// which is `signed_at`'s day) in `region` for `service`.
    pub fn get(
        &self,
        credential: &Credential,
        date: &str,
        signed_at: DateTime<Utc>,
        region: &str,
        service: &str,
    ) -> Key {
        let id = (&credential.access_key_id, date, region, service);
        let hash = self.hasher.hash_one(id);
        let found = self.keys.read().ok().and_then(|keys| {
            keys.get(&hash)
                .filter(|e| {
                    (
                        &e.access_key,
                        e.date.as_str(),
                        e.region.as_str(),
                        e.service.as_str(),
                    ) == id
                })
                .map(|e| e.key)
        });
        if let Some(key) = found {
            return key;
        }
        let derived = aws_sigv4::sign::v4::generate_signing_key(
            &credential.secret_access_key,
            signed_at.into(),
            region,
            service,
        );
        let mut key = Key::default();
        key.copy_from_slice(derived.as_ref());
        if let Ok(mut keys) = self.keys.write() {
            if keys.len() >= CAPACITY {
                keys.clear();
            }
            keys.insert(
                hash,
                Entry {
                    access_key: credential.access_key_id.clone(),
                    date: date.to_owned(),
                    region: region.to_owned(),
                    service: service.to_owned(),
                    key,
                },
            );
        }
        key
    }
}
