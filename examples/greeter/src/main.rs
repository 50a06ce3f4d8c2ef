//! `cargo run -p greeter [-- ADDRESS]`: serves the Greeter on ADDRESS
//! (default 127.0.0.1:4590) until Ctrl-C.

use std::sync::Arc;

use greeter::Greeter;
use smithy_runtime::server::{serve, ConnectionLimits};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let address = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "127.0.0.1:4590".into());
    let listener = tokio::net::TcpListener::bind(&address).await?;
    eprintln!("Greeter listening on http://{}", listener.local_addr()?);
    let router = Arc::new(greeter_api::router(Greeter));
    let stop = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    serve(listener, router, ConnectionLimits::default(), stop).await;
    Ok(())
}
