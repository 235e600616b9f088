//! The emulator's HTTP surface: `app(state)` builds the axum router.
//!
//! | file | serves |
//! |---|---|
//! | `versions.rs` | `GET /services/data`, `GET /services/data/vXX.X` |
//! | `auth.rs` | `/services/oauth2/{token,revoke,userinfo}`, identity `/id/{org}/{user}` |
//! | `describe.rs` | describeGlobal, describe, basic info |
//! | `sobjects.rs` | single-record CRUD, upsert and read by external ID |
//! | `collections.rs` | `composite/sobjects` |
//! | `composite.rs` | `composite`, `composite/batch` |
//! | `query.rs` | `query`, `queryAll`, locator paging |
//! | `replication.rs` | `sobjects/{X}/updated`, `sobjects/{X}/deleted` |
//! | `limits.rs` | `limits` |
//! | `tooling/` | `tooling/…`: query, describe, metadata sObject CRUD with the production restriction |
//! | `metadata_deploy/` | `metadata/deployRequest`: Metadata API REST deploy with test levels |
//! | `soap/` | `/services/Soap/u/…`: `undelete` and `login` |
//! | `bulk2/` | `jobs/ingest`, `jobs/query`: Bulk API 2.0 |
//! | `control.rs` | `/__emulator/…` test controls (journal, reset, clock, faults, latency) |
//! | `fault_layer.rs`, `latency_layer.rs` | scripted faults and latency around every route |
//!
//! Every data route goes through `routes::dispatch`, so trailing slashes, versions, sessions,
//! API accounting and `Sforce-Limit-Info` are handled in one place (`middleware.rs`).

mod auth;
mod bulk2;
mod call;
mod collections;
mod composite;
mod control;
mod cursors;
mod describe;
mod errors;
mod fault_layer;
mod journal;
mod latency_layer;
mod limits;
mod metadata_deploy;
mod middleware;
mod query;
mod replication;
mod reply;
mod routes;
mod soap;
mod sobjects;
mod state;
mod tooling;
mod versions;
mod wire;

use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, Method, Uri};
use axum::middleware::from_fn_with_state;
use axum::response::{IntoResponse, Response};
use axum::routing::any;

pub use call::{Call, Exec, MAX_VERSION, MIN_VERSION};
pub use errors::{ApiError, RestError};
pub use journal::{CallClass, Journal};
pub use reply::{Body, JSON_CONTENT_TYPE, Reply};
pub use state::{EmulatorOptions, EmulatorState, UserInfo};

/// The emulator's router over `state`.
pub fn app(state: EmulatorState) -> Router {
    Router::new()
        .route("/services/data", any(versions::list))
        .route("/services/data/", any(versions::list))
        .route("/services/data/{*rest}", any(data_entry))
        .route("/services/oauth2/{*rest}", any(auth::entry))
        .route("/id/{*rest}", any(auth::identity_entry))
        .route("/services/Soap/{*rest}", axum::routing::post(soap::entry))
        .route("/__emulator/{*rest}", any(control::entry))
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), fault_layer::apply))
        .layer(from_fn_with_state(state.clone(), latency_layer::apply))
        .with_state(state)
}

async fn not_found() -> Response {
    ApiError::not_found().into_response()
}

/// Every `/services/data/vXX.X/…` call.
async fn data_entry(
    State(state): State<EmulatorState>,
    method: Method,
    uri: Uri,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    routes::handle(&state, method, &uri, headers, body).into_response()
}
