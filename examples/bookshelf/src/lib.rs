//! The `Bookshelf` service of `model/bookshelf.smithy`, over restJson1: the
//! generated crate (`api/`) routes each request by method and URI, reads its
//! labels, query, headers and payload into the typed input and validates
//! it; this file keeps the books.

use std::collections::BTreeMap;
use std::sync::Mutex;

use bookshelf_api::error::{GetBookError, GetCoverError, NoSuchBook, PutBookError};
use bookshelf_api::runtime::{Blob, RequestContext};
use bookshelf_api::types::{
    Book, GetBookInput, GetBookOutput, GetCoverInput, GetCoverOutput, PutBookInput, PutBookOutput,
};

/// The smallest valid PNG header, served as every cover.
pub const COVER: &[u8] = b"\x89PNG\r\n\x1a\n";

/// Books by shelf and id, with the number of times each was put.
#[derive(Default)]
pub struct Shelves {
    books: Mutex<BTreeMap<(String, String), (Book, u32)>>,
}

impl bookshelf_api::Bookshelf for Shelves {
    async fn get_book(
        &self,
        _: &RequestContext,
        input: GetBookInput,
    ) -> Result<GetBookOutput, GetBookError> {
        let books = self.books.lock().unwrap_or_else(|e| e.into_inner());
        let found = books
            .get(&(input.shelf.clone(), input.book_id.clone()))
            .filter(|(book, _)| input.edition.is_none_or(|e| e == book.edition))
            .filter(|(_, version)| {
                input
                    .version
                    .is_none_or(|v| u32::try_from(v) == Ok(*version))
            });
        let Some((book, version)) = found else {
            let message = format!("No book {} on shelf {}", input.book_id, input.shelf);
            return Err(NoSuchBook::with_message(message).into());
        };
        Ok(GetBookOutput {
            title: book.title.clone(),
            edition: book.edition,
            etag: Some(format!("\"v{version}\"")),
        })
    }

    async fn put_book(
        &self,
        _: &RequestContext,
        input: PutBookInput,
    ) -> Result<PutBookOutput, PutBookError> {
        let location = format!(
            "/shelves/{}/books/{}",
            encode_label(&input.shelf),
            encode_label(&input.book_id)
        );
        let mut books = self.books.lock().unwrap_or_else(|e| e.into_inner());
        let entry = books
            .entry((input.shelf, input.book_id))
            .or_insert((input.book.clone(), 0));
        *entry = (input.book, entry.1 + 1);
        Ok(PutBookOutput {
            location: Some(location),
        })
    }

    async fn get_cover(
        &self,
        _: &RequestContext,
        input: GetCoverInput,
    ) -> Result<GetCoverOutput, GetCoverError> {
        if !input.key.ends_with(".png") {
            return Err(NoSuchBook::with_message(format!("No cover {}", input.key)).into());
        }
        Ok(GetCoverOutput {
            image: Blob(COVER.to_vec()),
        })
    }
}

/// A label value as it goes back into a URI: every byte but RFC 3986's
/// unreserved characters percent-encoded, so a `/` stays part of the value
/// and a decoded control character (`%0A`) cannot break the header that
/// carries the URI.
pub fn encode_label(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for byte in value.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
