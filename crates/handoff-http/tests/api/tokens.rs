//! API tokens a person holds: created and named by their holder, shown once, listed
//! without their values, revoked by their holder or an administrator, and refused the
//! moment they are revoked; nobody else sees them. Through the API and the settings page.

use axum::http::StatusCode;
use handoff_domain::org::Role;
use serde_json::json;

use crate::support::{TestApp, both_engines};

both_engines! {
    async fn a_person_creates_names_and_revokes_their_own_tokens(app: TestApp) {
        let it = app.department("ops").await;
        let ana = app.member(it).await;
        let me = format!("/api/v1/people/{}/tokens", ana.person_id);

        // Created, named; the value comes back this once and works.
        let res = ana.post(&me, json!({"name": "Nightly report"})).await;
        res.assert(StatusCode::CREATED);
        let token = res.body["token"].as_str().unwrap().to_owned();
        assert!(token.starts_with("hoff_"));
        assert_eq!(res.body["name"], "Nightly report");
        assert!(res.body["revoked_at"].is_null());
        let id = res.id();
        let script = app.with_token(&token);
        script.get("/api/v1/requests").await.assert(StatusCode::OK);

        // Listed without values: the one the test client holds, and the new one.
        let res = ana.get(&me).await;
        res.assert(StatusCode::OK);
        let items = res.body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2);
        assert!(items.iter().any(|t| t["id"] == id));
        assert!(items.iter().all(|t| t.get("token").is_none()));

        // Revoked: refused at once, listed as revoked, last; revoking again changes nothing.
        let res = ana.delete(&format!("{me}/{id}")).await;
        res.assert(StatusCode::OK);
        let revoked_at = res.body["revoked_at"].clone();
        assert!(revoked_at.is_string());
        script.get("/api/v1/requests").await.assert(StatusCode::UNAUTHORIZED);
        let again = ana.delete(&format!("{me}/{id}")).await;
        again.assert(StatusCode::OK);
        assert_eq!(again.body["revoked_at"], revoked_at);
        let items = ana.get(&me).await.body["items"].as_array().unwrap().clone();
        assert_eq!(items.last().unwrap()["id"], id);

        // Bad input, nothing written.
        for (body, field) in [
            (json!({"name": ""}), "name"),
            (json!({"name": "x".repeat(101)}), "name"),
        ] {
            let res = ana.post(&me, body).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.field_error(field).is_some(), "{}", res.body);
        }
        ana.post(&me, json!({"name": "x", "scope": "all"}))
            .await
            .assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(ana.get(&me).await.body["items"].as_array().unwrap().len(), 2);
        ana.delete(&format!("{me}/999999")).await.assert(StatusCode::NOT_FOUND);
    }

    async fn others_neither_see_nor_make_a_persons_tokens_but_admins_revoke_them(app: TestApp) {
        let it = app.department("ops").await;
        let ana = app.member(it).await;
        let bo = app.person(it, Role::Manager).await;
        let anas = format!("/api/v1/people/{}/tokens", ana.person_id);
        let id = ana.post(&anas, json!({"name": "Laptop"})).await.id();

        // A colleague, even a manager, is told there is no such person.
        bo.get(&anas).await.assert(StatusCode::NOT_FOUND);
        bo.delete(&format!("{anas}/{id}")).await.assert(StatusCode::NOT_FOUND);
        bo.post(&anas, json!({"name": "Mine now"})).await.assert(StatusCode::NOT_FOUND);
        // Nor reaches Ana's token through their own list.
        bo.delete(&format!("/api/v1/people/{}/tokens/{id}", bo.person_id))
            .await
            .assert(StatusCode::NOT_FOUND);

        // An administrator sees and revokes them, and makes none for Ana.
        let admin = app.admin();
        let res = admin.get(&anas).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["items"].as_array().unwrap().len(), 2);
        admin.post(&anas, json!({"name": "Impersonation"})).await.assert(StatusCode::FORBIDDEN);
        admin.delete(&format!("{anas}/{id}")).await.assert(StatusCode::OK);
        admin.get("/api/v1/people/999999/tokens").await.assert(StatusCode::NOT_FOUND);
    }

    async fn the_settings_page_shows_a_new_token_once_and_revokes_it(app: TestApp) {
        let it = app.department("ops").await;
        let ana = app.member(it).await;
        let mut browser = app.signed_in(&ana).await;
        let page = browser.form("/settings/tokens", &[("name", "Spreadsheet")]).await;
        page.assert(StatusCode::CREATED).assert_has("Copy it now");
        let value = page
            .part("<code id=\"new-token-value\">", "</code>")
            .trim_start_matches("<code id=\"new-token-value\">")
            .trim_end_matches("</code>")
            .to_owned();
        assert!(value.starts_with("hoff_"), "{value}");
        app.with_token(&value).get("/api/v1/requests").await.assert(StatusCode::OK);

        // Shown once: the page afterwards lists the token by name only.
        let page = browser.get("/settings").await;
        page.assert(StatusCode::OK).assert_has("Spreadsheet").assert_lacks(&value);

        let list = ana.get(&format!("/api/v1/people/{}/tokens", ana.person_id)).await;
        let id = list.body["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|t| t["name"] == "Spreadsheet")
            .and_then(|t| t["id"].as_i64())
            .unwrap();
        let page = browser.form(&format!("/settings/tokens/{id}/revoke"), &[]).await;
        page.assert(StatusCode::SEE_OTHER);
        app.with_token(&value).get("/api/v1/requests").await.assert(StatusCode::UNAUTHORIZED);
        browser.get("/settings").await.assert_has("Revoked ");

        // A nameless token is refused beside the form.
        let page = browser.form("/settings/tokens", &[("name", "  ")]).await;
        page.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("id=\"token-error\"");
    }
}
