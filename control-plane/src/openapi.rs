//! The OpenAPI document: handlers describe themselves (`#[utoipa::path]`),
//! this module adds what every operation shares — bearer security and the
//! error responses of the `{ "error": "…" }` envelope.

use crate::error::ErrorBody;
use utoipa::openapi::path::Operation;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityRequirement, SecurityScheme};
use utoipa::openapi::{Content, OpenApi as Document, Ref, RefOr, ResponseBuilder};
use utoipa::OpenApi;

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Halyard management API",
        description = "Feature flags, their per-environment configuration, audiences, events, \
            tokens and the audit log. Every endpoint needs `Authorization: Bearer <token>` and \
            answers `{ \"data\": … }` or `{ \"error\": \"…\" }`. Projects, environments, flags \
            and audiences may be named by id or key in paths.",
        license(name = "Apache-2.0")
    ),
    components(schemas(ErrorBody)),
    tags(
        (name = "organizations", description = "Tenants (creating and listing them needs the super-admin token)"),
        (name = "projects"), (name = "environments"), (name = "flags"),
        (name = "flag configs", description = "A flag's configuration in one environment: toggle, default variation, scheduling, rollout condition, rules, overrides"),
        (name = "audiences"), (name = "events"), (name = "tokens"), (name = "audit log"),
    )
)]
struct ApiDoc;

/// The document before the routes add their paths.
pub fn base() -> Document {
    ApiDoc::openapi()
}

/// Adds bearer security and the shared error responses to every operation.
pub fn finish(doc: &mut Document) {
    doc.components
        .get_or_insert_with(Default::default)
        .add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    doc.security = Some(vec![SecurityRequirement::new(
        "bearer",
        Vec::<String>::new(),
    )]);
    for item in doc.paths.paths.values_mut() {
        let operations = [
            &mut item.get,
            &mut item.put,
            &mut item.post,
            &mut item.patch,
            &mut item.delete,
        ];
        for operation in operations.into_iter().flatten() {
            add_error_responses(operation);
        }
    }
}

fn add_error_responses(operation: &mut Operation) {
    let mut statuses = vec![
        ("401", "Missing, malformed, unknown or revoked token"),
        ("403", "The token lacks the needed permission"),
        ("404", "Unknown id, or an organization the token cannot see"),
        ("500", "Internal error (details are logged, never returned)"),
    ];
    // The public SDK endpoints (`security: [{}]`) take no token.
    let public = operation
        .security
        .as_ref()
        .is_some_and(|s| s.iter().all(|r| *r == SecurityRequirement::default()));
    if public {
        statuses.retain(|(status, _)| !matches!(*status, "401" | "403"));
    }
    if operation.request_body.is_some() {
        statuses.extend([
            ("400", "Malformed JSON"),
            ("413", "Body larger than 1 MiB"),
            ("422", "A field is invalid; the message names it"),
        ]);
    }
    for (status, description) in statuses {
        operation
            .responses
            .responses
            .entry(status.to_owned())
            .or_insert_with(|| {
                RefOr::T(
                    ResponseBuilder::new()
                        .description(description)
                        .content(
                            "application/json",
                            Content::new(Some(Ref::from_schema_name("ErrorBody"))),
                        )
                        .build(),
                )
            });
    }
}
