//! The OpenAPI document's frame: title, security scheme, tags. The paths and schemas come
//! from the handlers' annotations, gathered by the router.

use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Handoff API", description = "Requests between departments, with their services, people and history."),
    modifiers(&BearerToken),
    security(("bearer" = [])),
    tags(
        (name = "departments"), (name = "people"), (name = "services"), (name = "requests"),
        (name = "calendars"), (name = "notifications"), (name = "reports"),
        (name = "jobs", description = "The background job queue, for administrators"),
        (name = "health")
    )
)]
pub struct ApiDoc;

struct BearerToken;

impl Modify for BearerToken {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}
