//! Applies the latency profile (`crate::emulator::latency`): every call except the
//! `/__emulator/…` controls waits its drawn time with `tokio::time::sleep` before the handler
//! runs, so the wait never holds the org lock and never blocks other requests.

use axum::extract::{Request, State};
use axum::middleware::Next;
use axum::response::Response;

use super::state::EmulatorState;
use crate::emulator::latency;

/// The middleware function (`axum::middleware::from_fn_with_state`).
pub async fn apply(State(state): State<EmulatorState>, req: Request, next: Next) -> Response {
    if let Some(kind) = latency::classify(req.uri().path())
        && let Some(wait) = state.controls.sample_latency(kind)
    {
        tokio::time::sleep(wait).await;
    }
    next.run(req).await
}
