//! The real `ssm-server` binary as a child process, so it can be killed
//! with SIGKILL exactly as a crash would stop it.

use std::collections::VecDeque;
use std::ffi::OsStr;
use std::io::{BufRead, BufReader};
use std::net::SocketAddr;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex};
use std::time::Duration;

/// Lines of the server's stderr kept to explain a failure.
const KEPT_LINES: usize = 40;

pub struct Server {
    child: Child,
    pub addr: SocketAddr,
    stderr: Arc<Mutex<VecDeque<String>>>,
}

impl Server {
    /// Starts the binary on `db` and waits until it says where it listens.
    pub fn start(db: &Path, sync: &str) -> Self {
        Self::start_with(
            db.as_os_str(),
            &["--sync", sync, "--log", "warn", "--max-windows", "200"],
        )
    }

    /// [`Server::start`] with the flags after `--listen` and `--db` given.
    pub fn start_with(db: &OsStr, flags: &[&str]) -> Self {
        let mut command = Command::new(env!("CARGO_BIN_EXE_ssm-server"));
        // Settings from the environment (quotas, inventory) would change
        // what the writers may do; the flags below are the whole setup.
        for (name, _) in std::env::vars_os() {
            if name.to_string_lossy().starts_with("SSM_SERVER_") {
                command.env_remove(name);
            }
        }
        let mut child = command
            .arg("--listen")
            .arg("127.0.0.1:0")
            .arg("--db")
            .arg(db)
            .args(flags)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .expect("ssm-server starts");
        let stderr = Arc::new(Mutex::new(VecDeque::new()));
        let (address, announced) = mpsc::channel();
        let pipe = child.stderr.take().expect("stderr is piped");
        let kept = Arc::clone(&stderr);
        // Read to the end even after the address is known: a full pipe would
        // block the server's next log line.
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines() {
                let Ok(line) = line else { break };
                if let Some(addr) = line.strip_prefix("listening on http://") {
                    let _ = address.send(addr.trim().to_owned());
                }
                let mut kept = kept.lock().unwrap_or_else(|e| e.into_inner());
                if kept.len() == KEPT_LINES {
                    kept.pop_front();
                }
                kept.push_back(line);
            }
        });
        let mut server = Self {
            child,
            addr: SocketAddr::from(([127, 0, 0, 1], 0)),
            stderr,
        };
        match announced.recv_timeout(Duration::from_secs(30)) {
            Ok(addr) => server.addr = addr.parse().expect("a socket address"),
            Err(_) => panic!(
                "ssm-server did not announce its address within 30 s; stderr:\n{}",
                server.stderr_text()
            ),
        }
        server
    }

    /// SIGKILL: no handler runs, nothing is flushed, in-flight requests are
    /// cut. Fails if the server had already stopped on its own.
    pub fn kill(mut self) {
        if let Ok(Some(status)) = self.child.try_wait() {
            panic!(
                "ssm-server exited by itself ({status}) before it was killed; stderr:\n{}",
                self.stderr_text()
            );
        }
        self.child.kill().expect("SIGKILL is delivered");
        self.child.wait().expect("the killed server is reaped");
    }

    pub fn stderr_text(&self) -> String {
        let kept = self.stderr.lock().unwrap_or_else(|e| e.into_inner());
        kept.iter().cloned().collect::<Vec<_>>().join("\n")
    }
}

impl Drop for Server {
    /// A failing test must not leave a server behind.
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
