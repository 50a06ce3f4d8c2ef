//! Where every log line goes on its way to stderr: one shared buffer that a
//! flusher thread writes out every few milliseconds in a single write.
//!
//! A request's line costs a short lock and a copy, never a system call: a
//! channel to a writer thread (tracing-appender's) woke that thread for
//! nearly every line and cost a fifth of GetMaintenanceWindow's throughput
//! at 8 connections. Lines are appended whole, so they never interleave;
//! none is dropped (past [`MOST_PENDING`] bytes writers wait for the flusher);
//! and the guard writes out what is pending when it is dropped.

use std::io::Write;
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::thread::JoinHandle;
use std::time::Duration;

/// How long a line may wait before it is written out.
pub const FLUSH_EVERY: Duration = Duration::from_millis(20);
/// Pending bytes that wake the flusher before its time.
const FLUSH_SOON: usize = 64 * 1024;
/// Pending bytes past which writers wait rather than grow the buffer.
pub const MOST_PENDING: usize = 4 * 1024 * 1024;

/// A handle to append lines; cheap to clone.
#[derive(Clone)]
pub struct LogBuffer {
    shared: Arc<Shared>,
}

/// Writes out what is pending and stops the flusher when dropped.
pub struct FlushOnDrop {
    shared: Arc<Shared>,
    flusher: Option<JoinHandle<()>>,
}

struct Shared {
    state: Mutex<State>,
    /// Tells the flusher there is much to write, or that it must stop.
    wake: Condvar,
    /// Tells waiting writers the buffer was emptied.
    drained: Condvar,
}

#[derive(Default)]
struct State {
    pending: Vec<u8>,
    closed: bool,
}

impl LogBuffer {
    /// Starts the flusher thread writing to `out`.
    pub fn start(out: impl Write + Send + 'static) -> std::io::Result<(LogBuffer, FlushOnDrop)> {
        let shared = Arc::new(Shared {
            state: Mutex::new(State::default()),
            wake: Condvar::new(),
            drained: Condvar::new(),
        });
        let flusher = {
            let shared = shared.clone();
            std::thread::Builder::new()
                .name("ssm-server-log".into())
                .spawn(move || flush_until_closed(&shared, out))?
        };
        Ok((
            LogBuffer {
                shared: shared.clone(),
            },
            FlushOnDrop {
                shared,
                flusher: Some(flusher),
            },
        ))
    }

    /// Appends `bytes` (one or more whole lines) to what is pending.
    pub fn append(&self, bytes: &[u8]) {
        let mut state = self.shared.lock();
        while state.pending.len() >= MOST_PENDING && !state.closed {
            state = self
                .shared
                .drained
                .wait(state)
                .unwrap_or_else(|e| e.into_inner());
        }
        state.pending.extend_from_slice(bytes);
        if state.pending.len() >= FLUSH_SOON {
            self.shared.wake.notify_one();
        }
    }
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn flush_until_closed(shared: &Shared, mut out: impl Write) {
    let mut batch = Vec::new();
    loop {
        let closed = {
            let mut state = shared.lock();
            if !state.closed && state.pending.len() < FLUSH_SOON {
                state = shared
                    .wake
                    .wait_timeout(state, FLUSH_EVERY)
                    .unwrap_or_else(|e| e.into_inner())
                    .0;
            }
            // Swapped, not copied: both buffers keep their capacity.
            std::mem::swap(&mut state.pending, &mut batch);
            state.closed
        };
        shared.drained.notify_all();
        if !batch.is_empty() {
            // Nowhere to report a failing stderr; the lines are lost then.
            let _ = out.write_all(&batch).and_then(|()| out.flush());
            batch.clear();
        } else if closed {
            return;
        }
    }
}

impl Drop for FlushOnDrop {
    fn drop(&mut self) {
        self.shared.lock().closed = true;
        self.shared.wake.notify_one();
        if let Some(flusher) = self.flusher.take() {
            let _ = flusher.join();
        }
    }
}

/// `tracing`'s formatter writes each event with one `write_all` of the
/// formatted line, so its lines stay whole here too.
impl Write for LogBuffer {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.append(bytes);
        Ok(bytes.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl<'a> tracing_subscriber::fmt::MakeWriter<'a> for LogBuffer {
    type Writer = LogBuffer;

    fn make_writer(&'a self) -> Self::Writer {
        self.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A `Write` whose bytes the test can read afterwards.
    #[derive(Clone, Default)]
    struct Sink(Arc<Mutex<Vec<u8>>>);

    impl Write for Sink {
        fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(bytes);
            Ok(bytes.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn every_line_arrives_whole_and_in_its_writers_order() {
        let sink = Sink::default();
        let (log, flush) = LogBuffer::start(sink.clone()).unwrap();
        // Long lines from several threads, so the buffer fills past the
        // point where writers wait for the flusher.
        let threads: Vec<_> = (0..4)
            .map(|thread| {
                let log = log.clone();
                std::thread::spawn(move || {
                    for n in 0..20_000 {
                        let line = format!("{thread} {n} {}\n", "x".repeat(100));
                        log.append(line.as_bytes());
                    }
                })
            })
            .collect();
        for thread in threads {
            thread.join().unwrap();
        }
        drop(flush);
        let written = String::from_utf8(sink.0.lock().unwrap().clone()).unwrap();
        let mut next = [0; 4];
        for line in written.lines() {
            let mut words = line.split(' ');
            let thread: usize = words.next().unwrap().parse().unwrap();
            let n: usize = words.next().unwrap().parse().unwrap();
            assert_eq!(words.next().map(str::len), Some(100), "whole: {line}");
            assert_eq!(n, next[thread], "thread {thread}'s lines in order");
            next[thread] += 1;
        }
        assert_eq!(next, [20_000; 4], "none lost");
    }

    #[test]
    fn lines_are_written_out_without_waiting_for_more() {
        let sink = Sink::default();
        let (log, _flush) = LogBuffer::start(sink.clone()).unwrap();
        log.append(b"one line\n");
        let deadline = std::time::Instant::now() + Duration::from_secs(5);
        while sink.0.lock().unwrap().is_empty() {
            assert!(std::time::Instant::now() < deadline, "never written out");
            std::thread::sleep(Duration::from_millis(5));
        }
        assert_eq!(sink.0.lock().unwrap().as_slice(), b"one line\n");
    }
}
