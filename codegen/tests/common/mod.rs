//! Helpers shared by the integration tests.

use std::path::Path;

/// Every fixture model as `(name, JSON text)`, sorted by name.
pub fn fixtures() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut fixtures: Vec<(String, String)> = std::fs::read_dir(&dir)
        .expect("tests/fixtures exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .map(|path| {
            let name = path.file_stem().unwrap().to_string_lossy().into_owned();
            (
                name,
                std::fs::read_to_string(&path).expect("readable fixture"),
            )
        })
        .collect();
    fixtures.sort();
    assert!(
        fixtures.len() > 10,
        "fixtures not found in {}",
        dir.display()
    );
    fixtures
}
