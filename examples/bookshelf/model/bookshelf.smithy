$version: "2"

namespace example.bookshelf

use aws.protocols#restJson1

/// Books on shelves, over restJson1: labels, query parameters, headers, a
/// structure payload, a blob payload, and a book's text streamed both ways.
@restJson1
service Bookshelf {
    version: "2026-12-07"
    operations: [GetBook, PutBook, GetCover, PutBookText, GetBookText]
}

/// One book of a shelf.
@readonly
@http(method: "GET", uri: "/shelves/{shelf}/books/{bookId}")
operation GetBook {
    input := {
        @required
        @httpLabel
        shelf: ShelfName

        @required
        @httpLabel
        bookId: String

        /// Which edition; the latest when absent.
        @httpQuery("edition")
        @range(min: 1)
        edition: Integer

        /// Only while the book's record is at this version (the number in
        /// its ETag); otherwise there is no such book.
        @httpQuery("version")
        @range(min: 1)
        version: Integer

        /// Who asks, for the shelf's log.
        @httpHeader("X-Reader")
        reader: String
    }

    output := {
        @required
        title: String

        @required
        edition: Integer

        /// The version of the book's record.
        @httpHeader("ETag")
        etag: String
    }

    errors: [NoSuchBook]
}

/// Puts a book on a shelf, replacing what was there.
@idempotent
@http(method: "PUT", uri: "/shelves/{shelf}/books/{bookId}", code: 201)
operation PutBook {
    input := {
        @required
        @httpLabel
        shelf: ShelfName

        @required
        @httpLabel
        bookId: String

        @required
        @httpPayload
        book: Book
    }

    output := {
        /// Where the book is now.
        @httpHeader("Location")
        location: String
    }
}

/// A cover image, by its key (which may hold slashes).
@readonly
@http(method: "GET", uri: "/covers/{key+}")
operation GetCover {
    input := {
        @required
        @httpLabel
        key: String
    }

    output := {
        @required
        @httpPayload
        image: Png
    }

    errors: [NoSuchBook]
}

/// Uploads a book's text, read as it arrives: a text larger than any
/// request body the server would hold whole is fine.
@idempotent
@http(method: "PUT", uri: "/shelves/{shelf}/books/{bookId}/text")
operation PutBookText {
    input := {
        @required
        @httpLabel
        shelf: ShelfName

        @required
        @httpLabel
        bookId: String

        @required
        @httpPayload
        text: BookText
    }

    output := {
        /// How many bytes of text the shelf now holds.
        @httpHeader("X-Text-Length")
        length: Long
    }

    errors: [NoSuchBook]
}

/// Downloads a book's text, written page by page as it is read.
@readonly
@http(method: "GET", uri: "/shelves/{shelf}/books/{bookId}/text")
operation GetBookText {
    input := {
        @required
        @httpLabel
        shelf: ShelfName

        @required
        @httpLabel
        bookId: String
    }

    output := {
        @required
        @httpPayload
        text: BookText

        /// The pages the text is written in.
        @httpHeader("X-Pages")
        pages: Integer
    }

    errors: [NoSuchBook]
}

/// A book's text, which may be larger than any request held in memory.
@streaming
@mediaType("text/plain; charset=utf-8")
blob BookText

@length(min: 3, max: 32)
@pattern("^[a-z][a-z0-9-]*$")
string ShelfName

structure Book {
    @required
    @length(min: 1, max: 200)
    title: String

    @range(min: 1)
    edition: Integer = 1
}

@mediaType("image/png")
blob Png

/// No such book, or no such cover.
@error("client")
@httpError(404)
structure NoSuchBook {
    message: String
}
