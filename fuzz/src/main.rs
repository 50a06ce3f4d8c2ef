//! AFL target: one input is a short run of requests against a fresh
//! in-memory service, each judged by the same rules as the proptest in
//! `server/tests/fuzz_dispatch.rs`. A broken rule, a panic (even one the
//! dispatcher's guard would turn into a 500: afl.rs aborts on any panic) or
//! a hang (`afl-fuzz -t`) is a finding.
//!
//! Input format, repeated up to [`MAX_REQUESTS`] times:
//! `[op] [flags] body… 0x00` (the header may hold 0x00; the body ends at the
//! first one). `op` picks an operation of `ssm_api::OPERATIONS`
//! by index, then an unknown or missing target, then two controls (run the
//! last window now; advance the clock an hour and tick the scheduler);
//! `flags` picks the content type and coding (see `Envelope::from_bytes`).
//! `$W`, `$T`, `$K`, `$E`, `$X`, `$I` in a body become the last window,
//! target, task, execution, task execution and invocation id seen.

#[path = "../../server/tests/dispatch_harness/mod.rs"]
mod harness;

use harness::{check, Control, Envelope, Harness};
use ssm_api::operation::OPERATIONS;

const MAX_REQUESTS: usize = 16;

enum Step<'a> {
    Dispatch(Envelope, &'a [u8]),
    Control(Control),
}

fn steps(data: &[u8]) -> Vec<Step<'_>> {
    let operations = OPERATIONS.len();
    let mut steps = Vec::new();
    let mut rest = data;
    while let (Some((&op, after_op)), true) = (rest.split_first(), steps.len() < MAX_REQUESTS) {
        // The header is read before looking for the 0x00 that ends the
        // body, so header bytes may be 0.
        let (flags, after) = after_op
            .split_first()
            .map_or((0, &[][..]), |(f, a)| (*f, a));
        let end = after.iter().position(|&b| b == 0).unwrap_or(after.len());
        let body = &after[..end];
        rest = after.get(end + 1..).unwrap_or_default();
        let op = usize::from(op) % (operations + 4);
        steps.push(if op < operations + 2 {
            Step::Dispatch(Envelope::from_bytes(op as u8, flags), body)
        } else if op == operations + 2 {
            Step::Control(Control::RunLastWindow)
        } else {
            Step::Control(Control::AdvanceHour)
        });
    }
    steps
}

fn main() {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a tokio runtime");
    // Replaying a file by hand (`dispatch < FILE`) with FUZZ_TRACE=1 shows
    // each response, to see how far a seed or a finding gets.
    let trace = std::env::var_os("FUZZ_TRACE").is_some();
    afl::fuzz!(|data: &[u8]| {
        let mut harness = Harness::new();
        for step in steps(data) {
            match step {
                Step::Control(control) => harness.control(control),
                Step::Dispatch(envelope, body) => {
                    let request = harness.prepare(&envelope, body);
                    let response = runtime.block_on(request.send(&harness.service));
                    if let Err(broken) = check(&response) {
                        panic!(
                            "{broken}\nrequest: {envelope:?} {:?}",
                            String::from_utf8_lossy(&request.body)
                        );
                    }
                    if trace {
                        eprintln!(
                            "{:?} -> {} {}",
                            envelope.target,
                            response.status,
                            String::from_utf8_lossy(&response.body)
                        );
                    }
                    harness.observe(&response);
                }
            }
        }
    });
}
