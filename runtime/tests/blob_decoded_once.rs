//! A blob in a request is decoded from base64 once, by deserialization: the
//! validator checks it and measures its length without decoding. Counted
//! here by the bytes allocated while a large blob goes through `decode`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use smithy_runtime::decode::decode;
use smithy_runtime::schema::{Bounds, Constraints, Kind, Member, Shape};
use smithy_runtime::validate::Rules;
use smithy_runtime::Blob;

struct Counting;

static ALLOCATED: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        ALLOCATED.fetch_add(layout.size(), Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        ALLOCATED.fetch_add(new_size.saturating_sub(layout.size()), Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

static BLOB: Shape = Shape {
    id: "smithy.api#Blob",
    kind: Kind::Blob,
    sensitive: false,
    ..Shape::DEFAULT
};
static INPUT: Shape = Shape {
    id: "test#Input",
    kind: Kind::Structure(&[Member {
        name: "Data",
        target: &BLOB,
        required: true,
        // `@length` makes the validator measure the blob as well.
        constraints: Constraints {
            length: Some(Bounds {
                min: Some(1),
                max: None,
            }),
            ..Constraints::NONE
        },
        ..Member::DEFAULT
    }]),
    sensitive: false,
    ..Shape::DEFAULT
};

#[derive(serde::Deserialize)]
struct Input {
    #[serde(rename = "Data")]
    data: Blob,
}

#[test]
fn a_blob_is_decoded_once() {
    use base64::Engine;
    const SIZE: usize = 3 << 20;
    let bytes: Vec<u8> = (0..SIZE).map(|i| (i * 7 % 251) as u8).collect();
    let text = base64::engine::general_purpose::STANDARD.encode(&bytes);
    let body = format!(r#"{{"Data": "{text}"}}"#).into_bytes();

    let before = ALLOCATED.load(Ordering::Relaxed);
    let input = decode::<Input>(&body, &INPUT, Rules::AWS).expect("a valid body");
    let allocated = ALLOCATED.load(Ordering::Relaxed) - before;

    assert_eq!(input.data.as_bytes(), bytes.as_slice());
    // The parsed JSON holds the text once, and the blob's bytes exist once;
    // every further decode would add another SIZE.
    let budget = body.len() + SIZE + SIZE / 2;
    assert!(
        allocated < budget,
        "{allocated} bytes allocated for a {SIZE}-byte blob, more than {budget}"
    );
}
