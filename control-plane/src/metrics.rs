//! Prometheus metrics: request counts and latencies per route, hand-rolled
//! (a mutex-guarded map is plenty at a control plane's request rates).

use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use std::collections::BTreeMap;
use std::fmt::Write;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Instant;

/// Upper bounds (seconds) of the latency histogram buckets.
const BUCKETS: [f64; 10] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1.0, 5.0];

#[derive(Default)]
struct Histogram {
    counts: [u64; BUCKETS.len()],
    count: u64,
    sum: f64,
}

#[derive(Default)]
struct Counters {
    /// (method, route, status) → requests.
    requests: BTreeMap<(String, String, u16), u64>,
    /// (method, route) → latency.
    latency: BTreeMap<(String, String), Histogram>,
}

/// Collected HTTP metrics.
#[derive(Default)]
pub struct Metrics {
    counters: Mutex<Counters>,
}

impl Metrics {
    fn observe(&self, method: &str, route: &str, status: u16, seconds: f64) {
        // A panic elsewhere cannot leave the counters inconsistent, so a poisoned lock is usable.
        let mut counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        *counters
            .requests
            .entry((method.to_owned(), route.to_owned(), status))
            .or_default() += 1;
        let histogram = counters
            .latency
            .entry((method.to_owned(), route.to_owned()))
            .or_default();
        for (count, bound) in histogram.counts.iter_mut().zip(BUCKETS) {
            if seconds <= bound {
                *count += 1;
            }
        }
        histogram.count += 1;
        histogram.sum += seconds;
    }

    /// The Prometheus text exposition (format 0.0.4).
    pub fn render(&self) -> String {
        let counters = self.counters.lock().unwrap_or_else(PoisonError::into_inner);
        let mut out = String::new();
        // Writing to a String cannot fail.
        let _ = writeln!(
            out,
            "# HELP halyard_build_info Halyard version.\n# TYPE halyard_build_info gauge"
        );
        let _ = writeln!(
            out,
            "halyard_build_info{{version=\"{}\"}} 1",
            env!("CARGO_PKG_VERSION")
        );
        let _ = writeln!(
            out,
            "# HELP halyard_http_requests_total HTTP requests by route and status."
        );
        let _ = writeln!(out, "# TYPE halyard_http_requests_total counter");
        for ((method, route, status), count) in &counters.requests {
            let _ = writeln!(
                out,
                "halyard_http_requests_total{{method=\"{method}\",route=\"{route}\",status=\"{status}\"}} {count}"
            );
        }
        let _ = writeln!(
            out,
            "# HELP halyard_http_request_duration_seconds HTTP request latency."
        );
        let _ = writeln!(
            out,
            "# TYPE halyard_http_request_duration_seconds histogram"
        );
        for ((method, route), histogram) in &counters.latency {
            let labels = format!("method=\"{method}\",route=\"{route}\"");
            for (bound, count) in BUCKETS.iter().zip(histogram.counts) {
                let _ = writeln!(out, "halyard_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {count}");
            }
            let _ = writeln!(
                out,
                "halyard_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}\n\
                 halyard_http_request_duration_seconds_sum{{{labels}}} {}\n\
                 halyard_http_request_duration_seconds_count{{{labels}}} {}",
                histogram.count, histogram.sum, histogram.count
            );
        }
        out
    }
}

/// Middleware recording every request under its route template
/// (`/api/orgs/{orgId}/…`, or `unmatched`), never the raw path.
pub async fn track(State(metrics): State<Arc<Metrics>>, request: Request, next: Next) -> Response {
    let method = request.method().to_string();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map_or("unmatched", MatchedPath::as_str)
        .to_owned();
    let started = Instant::now();
    let response = next.run(request).await;
    metrics.observe(
        &method,
        &route,
        response.status().as_u16(),
        started.elapsed().as_secs_f64(),
    );
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn renders_counters_and_cumulative_buckets() {
        let metrics = Metrics::default();
        metrics.observe("GET", "/healthz", 200, 0.003);
        metrics.observe("GET", "/healthz", 200, 0.2);
        let text = metrics.render();
        assert!(text.contains(
            "halyard_http_requests_total{method=\"GET\",route=\"/healthz\",status=\"200\"} 2"
        ));
        assert!(text.contains("route=\"/healthz\",le=\"0.005\"} 1"));
        assert!(text.contains("route=\"/healthz\",le=\"0.25\"} 2"));
        assert!(text.contains(
            "halyard_http_request_duration_seconds_count{method=\"GET\",route=\"/healthz\"} 2"
        ));
    }
}
