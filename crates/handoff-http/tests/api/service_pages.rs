//! A department's settings pages: its managers add services, set who may request them,
//! their confidentiality and owner, and edit the request form field by field with a
//! preview; removing a field keeps the values of requests already filed. Managers of
//! other departments and members do not find these pages.

use axum::http::StatusCode;
use handoff_domain::org::Role;
use handoff_store::services;
use serde_json::json;

use crate::support::{TestApp, both_engines};

fn id_in(location: &str) -> i64 {
    location
        .trim_start_matches("/services/")
        .split('/')
        .next()
        .unwrap()
        .parse()
        .unwrap()
}

both_engines! {
    async fn a_manager_sets_up_a_service_and_its_audience_on_the_pages(app: TestApp) {
        let legal = app.department("legal").await;
        let finance = app.department("finance").await;
        let sales = app.department("sales").await;
        let manager = app.manager(legal).await;
        let lawyer = app.member(legal).await;
        let mut browser = app.signed_in(&manager).await;
        // The navigation leads a manager to their department's services, not a member.
        let services_link = format!("<a href=\"/departments/{legal}/services\"");
        browser.get("/").await.assert(StatusCode::OK).assert_has(&services_link);
        app.signed_in(&lawyer).await.get("/").await.assert_lacks(&services_link);

        let res = browser
            .form(&format!("/departments/{legal}/services"), &[("name", "Contract review"), ("description", "NDAs and contracts.")])
            .await;
        res.assert(StatusCode::SEE_OTHER);
        let id = id_in(res.location.as_deref().unwrap());
        // The same name again is named.
        browser
            .form(&format!("/departments/{legal}/services"), &[("name", "Contract review")])
            .await
            .assert(StatusCode::CONFLICT)
            .assert_has("already has a service by this name");

        // Open to Finance only, confidential, owned by the lawyer.
        let res = browser
            .form(
                &format!("/services/{id}/settings"),
                &[("name", "Contract review"), ("description", "NDAs and contracts."),
                  ("owner_id", &lawyer.person_id.to_string()), ("open_to_everyone", "0"),
                  ("audience", &finance.to_string()), ("confidential", "1"), ("active", "1")],
            )
            .await;
        res.assert(StatusCode::SEE_OTHER);
        let service = services::get(&app.db, id).await.unwrap();
        assert!(!service.open_to_everyone && service.confidential && service.active);
        assert_eq!(service.audience, vec![finance]);
        assert_eq!(service.owner_id, Some(lawyer.person_id));
        let listed = browser.get(&format!("/departments/{legal}/services")).await;
        listed.assert(StatusCode::OK).assert_has("confidential");
        assert!(listed.part(&format!("<tr id=\"service-{id}\">"), "</tr>").contains("FINANCE"));

        // Sales does not find it in the catalog; Finance does.
        let mut seller = app.signed_in(&app.member(sales).await).await;
        seller.get(&format!("/catalog/{id}")).await.assert(StatusCode::NOT_FOUND);
        let mut accountant = app.signed_in(&app.member(finance).await).await;
        accountant.get(&format!("/catalog/{id}")).await.assert(StatusCode::OK);

        // An owner from another department is refused by name.
        let outsider = app.member(sales).await;
        browser
            .form(
                &format!("/services/{id}/settings"),
                &[("name", "Contract review"), ("owner_id", &outsider.person_id.to_string()), ("open_to_everyone", "1"), ("active", "1")],
            )
            .await
            .assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has("owner_id: must be an active member of the service");

        // Another department's manager, a member, an admin.
        for someone in [app.manager(finance).await, app.person(legal, Role::Member).await] {
            let mut other = app.signed_in(&someone).await;
            other.get(&format!("/services/{id}/settings")).await.assert(StatusCode::NOT_FOUND);
            other.get(&format!("/departments/{legal}/services")).await.assert(StatusCode::NOT_FOUND);
            other
                .form(&format!("/services/{id}/fields"), &[("key", "x"), ("label", "X"), ("type", "text")])
                .await
                .assert(StatusCode::NOT_FOUND);
        }
        assert!(services::get(&app.db, id).await.unwrap().fields.is_empty());
        let mut admin = app.signed_in(app.admin()).await;
        admin.get(&format!("/services/{id}/settings")).await.assert(StatusCode::OK);
    }

    async fn the_request_form_is_edited_field_by_field_and_old_values_stay(app: TestApp) {
        let it = app.department("helpdesk").await;
        let manager = app.manager(it).await;
        let created = manager
            .post("/api/v1/services", json!({"department_id": it, "name": "Laptop", "fields": []}))
            .await;
        created.assert(StatusCode::CREATED);
        let id = created.id();
        let mut browser = app.signed_in(&manager).await;
        let field = |pairs: &[(&'static str, &'static str)]| pairs.to_vec();
        let add = |browser: &mut crate::support::Browser, pairs: Vec<(&'static str, &'static str)>| {
            let mut browser = browser.clone();
            async move { browser.form(&format!("/services/{id}/fields"), &pairs).await }
        };

        // Bad fields are named, and nothing is saved.
        let page = add(&mut browser, field(&[("key", "model"), ("label", "Model"), ("type", "choice"), ("options", "")])).await;
        page.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("field “Model”.options: a choice field needs at least one option");
        // The draft is kept in the editor.
        page.assert_has("value=\"model\"");
        let page = add(&mut browser, field(&[("key", "Bad Key"), ("label", "X"), ("type", "text")])).await;
        page.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("must be 1 to 64 lowercase letters");
        assert!(services::get(&app.db, id).await.unwrap().fields.is_empty());

        // Three fields, one of each kind of interest.
        add(&mut browser, field(&[("key", "model"), ("label", "Model"), ("type", "choice"), ("required", "1"), ("options", "Small\nLarge\n")]))
            .await
            .assert(StatusCode::SEE_OTHER);
        add(&mut browser, field(&[("key", "reason"), ("label", "Why"), ("type", "long_text"), ("help", "A sentence")]))
            .await
            .assert(StatusCode::SEE_OTHER);
        add(&mut browser, field(&[("key", "needed_by"), ("label", "Needed by"), ("type", "date")]))
            .await
            .assert(StatusCode::SEE_OTHER);
        // A key used twice is named.
        add(&mut browser, field(&[("key", "reason"), ("label", "Again"), ("type", "text")]))
            .await
            .assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has("`reason` is used by another field");
        let keys = |fields: &[handoff_domain::form::FieldDef]| fields.iter().map(|f| f.key.clone()).collect::<Vec<_>>();
        let service = services::get(&app.db, id).await.unwrap();
        assert_eq!(keys(&service.fields), ["model", "reason", "needed_by"]);
        assert_eq!(service.fields[0].options, ["Small", "Large"]);

        // Moved, edited; the preview shows the form in its new order.
        browser.form(&format!("/services/{id}/fields/needed_by/move"), &[("direction", "up")]).await.assert(StatusCode::SEE_OTHER);
        browser.form(&format!("/services/{id}/fields/model/move"), &[("direction", "sideways")]).await.assert(StatusCode::UNPROCESSABLE_ENTITY);
        let editor = browser.get(&format!("/services/{id}/settings?edit=reason")).await;
        editor.assert(StatusCode::OK).assert_has("Edit the field “Why”");
        browser
            .form(&format!("/services/{id}/fields"), &[("original_key", "reason"), ("key", "reason"), ("label", "Why you need it"), ("type", "long_text"), ("required", "1")])
            .await
            .assert(StatusCode::SEE_OTHER);
        let service = services::get(&app.db, id).await.unwrap();
        assert_eq!(keys(&service.fields), ["model", "needed_by", "reason"]);
        assert!(service.fields[2].required);
        let page = browser.get(&format!("/services/{id}/settings")).await;
        let preview = page.part("<div class=\"preview\" id=\"form-preview\"", "</div>\n{% endblock");
        let (m, n, r) = (preview.find("Model").unwrap(), preview.find("Needed by").unwrap(), preview.find("Why you need it").unwrap());
        assert!(m < n && n < r, "{preview}");
        assert!(preview.contains("<option value=\"Large\""), "{preview}");

        // A request filed with the reason; the field removed; the value stays.
        let requester = app.member(it).await;
        let filed = requester
            .post("/api/v1/requests", json!({"service_id": id, "subject": "New laptop", "description": "Mine broke.",
                "fields": {"model": "Large", "reason": "The hinge snapped"}}))
            .await;
        filed.assert(StatusCode::CREATED);
        browser.form(&format!("/services/{id}/fields/reason/remove"), &[]).await.assert(StatusCode::SEE_OTHER);
        assert_eq!(keys(&services::get(&app.db, id).await.unwrap().fields), ["model", "needed_by"]);
        let res = requester.get(&format!("/api/v1/requests/{}", filed.id())).await;
        assert_eq!(res.body["fields"]["reason"], "The hinge snapped");
        let mut theirs = app.signed_in(&requester).await;
        theirs
            .get(&format!("/requests/{}", filed.id()))
            .await
            .assert(StatusCode::OK)
            .assert_has("reason (no longer on the form)")
            .assert_has("The hinge snapped");
        // A new request no longer takes it.
        let refused = requester
            .post("/api/v1/requests", json!({"service_id": id, "subject": "Another", "description": "x",
                "fields": {"model": "Small", "reason": "x"}}))
            .await;
        refused.assert(StatusCode::UNPROCESSABLE_ENTITY);
    }
}
