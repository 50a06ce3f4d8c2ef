//! A client that lists windows while the writers write. The server shows
//! only committed writes, so what a read returned must survive the crash
//! unless a later write replaced it.

use std::collections::HashMap;
use std::time::Instant;

use aws_sdk_ssm::Client;

use crate::model::WindowFields;
use crate::observe::{self, ListingError};
use crate::writer::Writer;

/// A bound on one reading spell, in case the server never stops answering.
const MAX_LISTINGS: u32 = 10_000;

/// What one reading spell saw.
#[derive(Default)]
pub struct Seen {
    /// The newest name serial read for each window.
    pub newest: HashMap<String, u64>,
    /// Listings read to the end.
    pub listings: u64,
}

/// Lists every window, page by page, until a page goes unanswered or
/// `until`; an error is a listing the server answered wrongly. Each page
/// counts as it arrives: the reads that matter most are the last before
/// the kill, which cuts their listing short.
pub async fn read(ssm: Client, until: Instant) -> Result<Seen, String> {
    let mut seen = Seen::default();
    let mut strange = None;
    for _ in 0..MAX_LISTINGS {
        if Instant::now() >= until {
            break;
        }
        let record = |page: &[(String, WindowFields)]| {
            for (id, fields) in page {
                match Writer::serial_of(&fields.name) {
                    Some(serial) => {
                        let newest = seen.newest.entry(id.clone()).or_default();
                        *newest = serial.max(*newest);
                    }
                    None => {
                        strange = Some(format!("window {id} has a name no writer gave: {fields:?}"))
                    }
                }
            }
        };
        let listed = observe::windows(&ssm, record).await;
        if let Some(e) = strange {
            return Err(e);
        }
        match listed {
            Ok(_) => seen.listings += 1,
            Err(ListingError::Unanswered(_)) => break,
            Err(ListingError::Broken(e)) => return Err(format!("while the writers wrote: {e}")),
        }
    }
    Ok(seen)
}

/// Whether every window read during the last spell is still there with
/// that write or a later one, or was deleted by a write that took effect.
pub fn check(seen: &Seen, writers: &[Writer]) -> Result<(), String> {
    for (id, serial) in &seen.newest {
        let held = writers
            .iter()
            .flat_map(|w| &w.windows)
            .find(|(window, _)| window == id);
        match held {
            Some((_, state)) => {
                let now = Writer::serial_of(&state.fields.name).unwrap_or_default();
                if now < *serial {
                    return Err(format!(
                        "window {id} was read with the name of write {serial} before the kill, but after \
                         the restart it is named {:?}: a read returned a write that was then lost",
                        state.fields.name
                    ));
                }
            }
            None if writers.iter().any(|w| w.deleted.contains(id)) => {}
            None => {
                return Err(format!(
                    "window {id} was read (name of write {serial}) before the kill but is gone after the \
                     restart, and no delete of it took effect: a read returned a create that was then lost"
                ))
            }
        }
    }
    Ok(())
}
