//! Suites with cases this project cannot pass keep them in a list with the
//! reason, run them like the others and report them as KNOWN. A suite then
//! fails on any other failure, and on a listed case that passes (so the
//! list stays true).

/// A case that cannot pass, and why.
pub type KnownFailure = (&'static str, &'static str);

/// Prints each failure (`case`, `what happened`) as KNOWN with its reason or
/// as FAIL; then an error if a case failed that is not listed, or if a
/// listed case did not fail.
pub fn report(
    failures: &[(String, String)],
    known: &[KnownFailure],
    suite: &str,
) -> Result<(), String> {
    let mut unexpected = 0;
    for (case, what) in failures {
        match known.iter().find(|(name, _)| name == case) {
            Some((_, reason)) => {
                println!("  KNOWN {case}: {what}\n        why it cannot pass: {reason}")
            }
            None => {
                unexpected += 1;
                println!("  FAIL {case}: {what}");
            }
        }
    }
    let now_passing: Vec<&str> = known
        .iter()
        .map(|(name, _)| *name)
        .filter(|name| !failures.iter().any(|(case, _)| case == name))
        .collect();
    if !now_passing.is_empty() {
        return Err(format!(
            "known failures now pass, take them off the list: {}",
            now_passing.join(", ")
        ));
    }
    if unexpected > 0 {
        return Err(format!("{unexpected} {suite} cases failed"));
    }
    Ok(())
}
