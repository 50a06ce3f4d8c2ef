//! The `Bookshelf` service of `model/bookshelf.smithy`, over restJson1: the
//! generated crate (`api/`) routes each request by method and URI, reads its
//! labels, query, headers and payload into the typed input and validates
//! it; this file keeps the books. A book's text streams both ways: an
//! upload is read as it arrives, a download written page by page.

use std::collections::BTreeMap;
use std::sync::Mutex;

use bookshelf_api::error::{
    GetBookError, GetBookTextError, GetCoverError, NoSuchBook, PutBookError, PutBookTextError,
};
use bookshelf_api::runtime::stream::Bytes;
use bookshelf_api::runtime::{Blob, ByteStream, ErrorResponse, RequestContext};
use bookshelf_api::types::{
    Book, GetBookInput, GetBookOutput, GetBookTextInput, GetBookTextOutput, GetCoverInput,
    GetCoverOutput, PutBookInput, PutBookOutput, PutBookTextInput, PutBookTextOutput,
};

/// The smallest valid PNG header, served as every cover.
pub const COVER: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The longest text a book may have. The server does not hold an upload
/// whole (the stream bypasses its body limit); this handler does, so it
/// sets its own bound.
pub const MAX_TEXT_BYTES: usize = 64 * 1024 * 1024;

/// A download is written in pages of this many bytes.
pub const PAGE_BYTES: usize = 16 * 1024;

type Key = (String, String);

/// Books by shelf and id, with the number of times each was put, and their
/// texts.
#[derive(Default)]
pub struct Shelves {
    books: Mutex<BTreeMap<Key, (Book, u32)>>,
    texts: Mutex<BTreeMap<Key, Bytes>>,
}

impl Shelves {
    fn has_book(&self, key: &Key) -> bool {
        let books = self.books.lock().unwrap_or_else(|e| e.into_inner());
        books.contains_key(key)
    }
}

fn no_such_book(shelf: &str, book_id: &str) -> NoSuchBook {
    NoSuchBook::with_message(format!("No book {book_id} on shelf {shelf}"))
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
            return Err(no_such_book(&input.shelf, &input.book_id).into());
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

    async fn put_book_text(
        &self,
        _: &RequestContext,
        input: PutBookTextInput,
    ) -> Result<PutBookTextOutput, PutBookTextError> {
        let key = (input.shelf, input.book_id);
        if !self.has_book(&key) {
            return Err(no_such_book(&key.0, &key.1).into());
        }
        let text = input
            .text
            .collect_limited(MAX_TEXT_BYTES)
            .await
            .map_err(|why| {
                PutBookTextError::Unmodeled(ErrorResponse::validation(format!(
                    "The text could not be read: {why}"
                )))
            })?;
        let length = text.len() as i64;
        let mut texts = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        texts.insert(key, text);
        Ok(PutBookTextOutput {
            length: Some(length),
        })
    }

    async fn get_book_text(
        &self,
        _: &RequestContext,
        input: GetBookTextInput,
    ) -> Result<GetBookTextOutput, GetBookTextError> {
        let key = (input.shelf, input.book_id);
        if !self.has_book(&key) {
            return Err(no_such_book(&key.0, &key.1).into());
        }
        let texts = self.texts.lock().unwrap_or_else(|e| e.into_inner());
        let text = texts.get(&key).cloned().unwrap_or_default();
        let pages = text.len().div_ceil(PAGE_BYTES);
        // Each page is a slice of the stored text, cut when the connection
        // is ready for it: nothing is copied, and the answer starts before
        // its last page exists.
        let chunks = (0..pages).map(move |page| {
            let end = ((page + 1) * PAGE_BYTES).min(text.len());
            Ok::<_, std::convert::Infallible>(text.slice(page * PAGE_BYTES..end))
        });
        Ok(GetBookTextOutput {
            text: ByteStream::new(futures_util::stream::iter(chunks)),
            pages: i32::try_from(pages).ok(),
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
