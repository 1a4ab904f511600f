//! `GET /api/v1/search` and `/search`: one query across requests, services, people and
//! departments, each found only by those who may see it.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::{Client, Res, TestApp, both_engines};

/// Searches as `client`, expecting an answer.
async fn search(client: &Client, q: &str) -> Res {
    let res = client.get(&format!("/api/v1/search?q={}", encode(q))).await;
    res.assert(StatusCode::OK);
    res
}

fn encode(q: &str) -> String {
    serde_urlencoded::to_string([("", q)]).unwrap()[1..].to_owned()
}

/// The group of a kind in an answer.
fn group<'a>(res: &'a Res, kind: &str) -> &'a Value {
    res.body["groups"]
        .as_array()
        .unwrap_or_else(|| panic!("no groups: {}", res.body))
        .iter()
        .find(|g| g["kind"] == kind)
        .unwrap_or_else(|| panic!("no {kind} group: {}", res.body))
}

/// The ids found of a kind.
fn found(res: &Res, kind: &str) -> Vec<i64> {
    group(res, kind)["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["id"].as_i64().unwrap())
        .collect()
}

/// The mark of the hit with this id.
fn mark(res: &Res, kind: &str, id: i64) -> Value {
    group(res, kind)["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["id"] == id)
        .unwrap_or_else(|| panic!("{kind} {id} not found: {}", res.body))["mark"]
        .clone()
}

/// Creates a service as `manager` of `department`; returns its id.
async fn service(manager: &Client, department: i64, body: Value) -> i64 {
    let mut body = body;
    body["department_id"] = json!(department);
    let res = manager.post("/api/v1/services", body).await;
    res.assert(StatusCode::CREATED);
    res.id()
}

both_engines! {
    async fn confidential_requests_are_found_only_by_their_parties(app: TestApp) {
        let hr = app.department("hr").await;
        let staff = app.department("staff").await;
        let hr_manager = app.manager(hr).await;
        let concern = service(&hr_manager, hr, json!({"name": "Workplace concern", "confidential": true})).await;
        let employee = app.member(staff).await;
        let colleague = app.member(staff).await;
        let res = employee.post("/api/v1/requests", json!({"service_id": concern, "subject": "Conflict with my lead"})).await;
        res.assert(StatusCode::CREATED);
        let id = res.id();

        for sees in [&employee, &hr_manager] {
            assert_eq!(found(&search(sees, "CONFLICT lead").await, "requests"), vec![id]);
        }
        // The admin sees every service, but no confidential case.
        for blind in [&colleague, app.admin()] {
            let res = search(blind, "conflict").await;
            assert!(found(&res, "requests").is_empty(), "{}", res.body);
        }
        // The same as the request list's search says.
        assert!(colleague.get("/api/v1/requests?q=conflict").await.ids().is_empty());

        // A request the whole department may see is found by the colleague too.
        let open = service(&hr_manager, hr, json!({"name": "Payslip copy"})).await;
        let res = employee.post("/api/v1/requests", json!({"service_id": open, "subject": "Conflict in my payslip dates"})).await;
        res.assert(StatusCode::CREATED);
        let plain = res.id();
        assert_eq!(found(&search(&colleague, "conflict").await, "requests"), vec![plain]);
        assert_eq!(found(&search(&employee, "conflict").await, "requests"), vec![plain, id]);
    }

    async fn services_are_found_by_those_the_catalog_shows_them_to(app: TestApp) {
        let hr = app.department("hr").await;
        let finance = app.department("finance").await;
        let staff = app.department("staff").await;
        let hr_manager = app.manager(hr).await;
        let payroll = service(&hr_manager, hr, json!({
            "name": "Payroll correction", "description": "Fix a wrong salary payment.",
            "open_to_everyone": false, "audience": [finance]
        })).await;
        let onboarding = service(&hr_manager, hr, json!({"name": "Onboarding pack", "description": "Everything a new hire needs, payroll forms included."})).await;
        let archived = service(&hr_manager, hr, json!({"name": "Payroll archive"})).await;
        hr_manager.patch(&format!("/api/v1/services/{archived}"), json!({"active": false})).await.assert(StatusCode::OK);

        let outsider = app.member(staff).await;
        let res = search(&outsider, "payroll").await;
        assert_eq!(found(&res, "services"), vec![onboarding], "{}", res.body);
        let res = search(&app.member(finance).await, "payroll").await;
        assert_eq!(found(&res, "services"), vec![onboarding, payroll]);
        assert_eq!(mark(&res, "services", payroll), Value::Null);
        let res = search(&app.member(hr).await, "CORRECT").await;
        assert_eq!(found(&res, "services"), vec![payroll]);
        // A word of the description counts like one of the name.
        let res = search(&app.member(hr).await, "pay").await;
        assert_eq!(found(&res, "services"), vec![onboarding, payroll]);
        // An administrator of another department finds it, marked as not theirs to file.
        let res = search(app.admin(), "payroll").await;
        assert_eq!(found(&res, "services"), vec![onboarding, payroll]);
        assert_eq!(mark(&res, "services", payroll), "not_requestable");
        assert_eq!(group(&res, "services")["items"][1]["detail"], "HR");
        // By the start of a word of the description, not its middle.
        assert_eq!(found(&search(&outsider, "hire").await, "services"), vec![onboarding]);
        assert!(found(&search(&outsider, "ire").await, "services").is_empty());
    }

    async fn people_are_found_by_a_word_of_their_name_or_the_start_of_their_address(app: TestApp) {
        let it = app.admin().department_id;
        let zed = app.named(it, "Zed Quimby-Lark", "zq.desk@example.org").await;
        let elodie = app.named(it, "Élodie Durand", "edurand@example.org").await;
        let gone = app.named(it, "Zed Old", "zed.old@example.org").await;
        app.admin().patch(&format!("/api/v1/people/{}", gone.person_id), json!({"active": false})).await.assert(StatusCode::OK);
        let member = app.member(it).await;

        assert_eq!(found(&search(&member, "zq.de").await, "people"), vec![zed.person_id]);
        assert_eq!(found(&search(&member, "ZQ").await, "people"), vec![zed.person_id]);
        assert_eq!(found(&search(&member, "quimby").await, "people"), vec![zed.person_id]);
        assert_eq!(found(&search(&member, "lark zed").await, "people"), vec![zed.person_id]);
        assert!(found(&search(&member, "imby").await, "people").is_empty());
        // Every address has it, but not at its start.
        assert!(found(&search(&member, "example").await, "people").is_empty());
        // Letters outside ASCII, in either case, on both engines.
        assert_eq!(found(&search(&member, "élodie").await, "people"), vec![elodie.person_id]);
        assert_eq!(found(&search(&member, "ÉLOD").await, "people"), vec![elodie.person_id]);
        assert!(found(&search(&member, "elodie").await, "people").is_empty());
        // The deactivated come last, marked.
        let res = search(&member, "zed").await;
        assert_eq!(found(&res, "people"), vec![zed.person_id, gone.person_id]);
        assert_eq!(mark(&res, "people", gone.person_id), "deactivated");
        assert_eq!(mark(&res, "people", zed.person_id), Value::Null);
        assert_eq!(group(&res, "people")["items"][0]["detail"], "zq.desk@example.org · IT");
    }

    async fn departments_are_found_by_name_or_handle_and_the_limit_holds(app: TestApp) {
        let res = app.admin().post("/api/v1/departments", json!({"name": "Facilities Management", "handle": "fm"})).await;
        res.assert(StatusCode::CREATED);
        let fm = res.id();
        let member = app.member(fm).await;
        assert_eq!(found(&search(&member, "fm").await, "departments"), vec![fm]);
        assert_eq!(found(&search(&member, "manag").await, "departments"), vec![fm]);
        assert!(found(&search(&member, "acilities").await, "departments").is_empty());
        assert_eq!(group(&search(&member, "fm").await, "departments")["items"][0]["detail"], "fm");

        let mut regions = Vec::new();
        for handle in ["north", "south", "east"] {
            let res = app.admin().post("/api/v1/departments", json!({"name": format!("Region {handle}"), "handle": handle})).await;
            res.assert(StatusCode::CREATED);
            regions.push(res.id());
        }
        let res = member.get("/api/v1/search?q=region&limit=2").await;
        res.assert(StatusCode::OK);
        let kinds: Vec<&str> = res.body["groups"].as_array().unwrap().iter().map(|g| g["kind"].as_str().unwrap()).collect();
        assert_eq!(kinds, ["requests", "services", "people", "departments"]);
        // By name: east, north, south.
        assert_eq!(found(&res, "departments"), vec![regions[2], regions[0]]);
        assert_eq!(group(&res, "departments")["more"], true);
        let res = search(&member, "region").await;
        assert_eq!(found(&res, "departments").len(), 3);
        assert_eq!(group(&res, "departments")["more"], false);
    }

    async fn wildcards_in_the_query_match_themselves(app: TestApp) {
        let hr = app.department("hr").await;
        let manager = app.manager(hr).await;
        let percent = service(&manager, hr, json!({"name": "Rate 50% plan"})).await;
        let digits = service(&manager, hr, json!({"name": "Rate 500 plan"})).await;
        let underscore = service(&manager, hr, json!({"name": "Rate 5_0 plan"})).await;
        let backslash = service(&manager, hr, json!({"name": r"Rate 5\0 plan"})).await;
        assert_eq!(found(&search(&manager, "50%").await, "services"), vec![percent]);
        assert_eq!(found(&search(&manager, "5_").await, "services"), vec![underscore]);
        assert_eq!(found(&search(&manager, r"5\").await, "services"), vec![backslash]);
        // Escaped in the database too, not only checked afterwards: services that an
        // unescaped `5_` would match, first by name, do not use up the limit.
        for name in ["Aaa 51", "Aab 52"] {
            service(&manager, hr, json!({"name": name})).await;
        }
        let res = manager.get("/api/v1/search?q=5_&limit=1").await;
        assert_eq!(found(&res, "services"), vec![underscore], "{}", res.body);
        let mut all = found(&search(&manager, "rate").await, "services");
        all.sort_unstable();
        assert_eq!(all, vec![percent, digits, underscore, backslash]);
        // Only wildcards: nothing is named that.
        let res = search(&manager, "%").await;
        for kind in ["requests", "services", "people", "departments"] {
            assert!(found(&res, kind).is_empty(), "{kind}: {}", res.body);
        }
    }

    async fn a_query_must_have_words_and_a_sane_length(app: TestApp) {
        let member = app.member(app.admin().department_id).await;
        for path in ["/api/v1/search", "/api/v1/search?q=", "/api/v1/search?q=%20%20%20"] {
            let res = member.get(path).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert_eq!(res.error_code(), "validation_failed");
            assert!(res.field_error("q").is_some(), "{}", res.body);
        }
        let res = member.get(&format!("/api/v1/search?q={}", "a".repeat(201))).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.field_error("q"), Some("must be at most 200 characters"));
        search(&member, &"é".repeat(200)).await;
        let res = member.get("/api/v1/search?q=a%01b").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("q").is_some());

        // Unknown parameters and bad limits, as every list answers them.
        let res = member.get("/api/v1/search?q=it&sort=id").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        let list = member.get("/api/v1/people?sort=id").await;
        assert_eq!(res.field_error("sort").unwrap().split("; known").next(), list.field_error("sort").unwrap().split("; known").next());
        assert_eq!(res.field_error("sort"), Some("is not a parameter here; known: q, limit"));
        for limit in ["0", "201", "ten"] {
            let res = member.get(&format!("/api/v1/search?q=it&limit={limit}")).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.field_error("limit").is_some());
        }
        app.anonymous().get("/api/v1/search?q=it").await.assert(StatusCode::UNAUTHORIZED);
    }

    async fn the_search_page_links_each_group_and_keeps_the_query(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Banner for the graphics fair").await;
        let designer = app.named(s.design, "Gretel Graham", "gretel@example.org").await;
        let mut browser = app.signed_in(&s.requester).await;

        let page = browser.get("/search?q=graphics").await;
        page.assert(StatusCode::OK)
            .assert_has(r#"<form class="search" role="search" method="get" action="/search">"#)
            .assert_has(r#"name="q" value="graphics""#)
            .assert_has(&format!(r#"<a href="/requests/{id}">#{id} Banner for the graphics fair</a>"#))
            .assert_has(&format!(r#"<a href="/catalog/{}">Graphics for a campaign</a>"#, s.service))
            .assert_has(r#"Requests <span class="count">(1)</span>"#)
            .assert_has(r#"Departments <span class="count">(0)</span>"#);
        let page = browser.get("/search?q=gra").await;
        page.assert_has(&format!(r#"<a href="/people/{}">Gretel Graham</a>"#, designer.person_id))
            .assert_has(&format!(r#"<a href="/catalog/{}">"#, s.service));
        let page = browser.get("/search?q=design").await;
        page.assert_has(&format!(r#"<a href="/departments/{}">DESIGN</a>"#, s.design));

        // The query comes back escaped, in the box and on the page.
        let page = browser.get("/search?q=%3Cb%3E%22x").await;
        page.assert(StatusCode::OK)
            .assert_has(r#"value="&#60;b&#62;&#34;x""#)
            .assert_has(r#"id="search-empty""#)
            .assert_lacks("<b>\"x");
        // Nothing typed yet: the box is empty and the page says what it finds.
        browser.get("/search").await.assert(StatusCode::OK).assert_has(r#"id="search-empty""#).assert_has(r#"name="q" value="""#);
        let page = browser.get(&format!("/search?q={}", "a".repeat(201))).await;
        page.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("q: must be at most 200 characters");
        // Every page has the box.
        browser.get("/").await.assert(StatusCode::OK).assert_has(r#"role="search""#);
    }
}
