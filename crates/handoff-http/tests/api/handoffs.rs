//! Handoffs between departments: transfers, who sees what afterwards, and a clock per
//! team (stints).

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{Client, Finance, Scene, TestApp, both_engines, finance, with_policy};

async fn stints(client: &Client, id: i64) -> Value {
    let res = client.get(&format!("/api/v1/requests/{id}/stints")).await;
    res.assert(StatusCode::OK);
    res.body
}

fn target<'a>(stint: &'a Value, name: &str) -> &'a Value {
    stint["targets"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["target"] == name)
        .unwrap_or_else(|| panic!("no {name} target in {stint}"))
}

fn transfer_body(f: &Finance) -> Value {
    json!({"service_id": f.service, "reason": "Needs a budget approval first", "fields": {"amount": 1200}})
}

async fn transferred(s: &Scene, f: &Finance, id: i64) -> Value {
    let res = s
        .designer
        .post(&format!("/api/v1/requests/{id}/transfer"), transfer_body(f))
        .await;
    res.assert(StatusCode::OK);
    res.body
}

both_engines! {
    async fn a_transfer_passes_the_request_and_ends_the_holders_stint(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let f = finance(&app, json!({"first_response_minutes": 120, "resolution_minutes": 960})).await;
        let res = s.requester.post("/api/v1/requests", json!({
            "service_id": s.service, "subject": "Poster for the fair",
            "fields": {"format": "poster", "brief": "A0, two colours"}
        })).await;
        res.assert(StatusCode::CREATED);
        let id = res.id();
        let path = format!("/api/v1/requests/{id}");
        let designer_id = s.designer.person_id;
        s.designer.patch(&path, json!({"status": "open", "assignee_id": designer_id})).await.assert(StatusCode::OK);
        app.clock.advance(SignedDuration::from_mins(30));
        s.designer.post(&format!("{path}/comments"), json!({"body": "Looking at it"})).await.assert(StatusCode::CREATED);
        app.clock.advance(SignedDuration::from_mins(30));

        // A required value of the new form is asked for, never invented.
        let res = s.designer.post(&format!("{path}/transfer"), json!({"service_id": f.service, "reason": "Budget"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.field_error("fields.amount"), Some("is required"), "{}", res.body);
        let res = s.designer.post(&format!("{path}/transfer"), json!({"service_id": f.service, "reason": "  ", "fields": {"amount": 5}})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("reason").is_some(), "{}", res.body);
        // Nothing was changed by the refusals.
        let still = s.designer.get(&path).await;
        assert_eq!(still.body["transfers"], 0);
        assert_eq!(still.body["provider_department_id"], s.design);

        let moved = transferred(&s, &f, id).await;
        assert_eq!(moved["id"], id);
        assert_eq!(moved["provider_department_id"], f.id);
        assert_eq!(moved["service_id"], f.service);
        assert_eq!(moved["status"], "new");
        assert!(moved["assignee_id"].is_null());
        assert_eq!(moved["transfers"], 1);
        assert_eq!(moved["ping_pong"], false);
        // The brief is a field of both forms and follows; the format is kept in the history.
        assert_eq!(moved["fields"], json!({"amount": 1200, "brief": "A0, two colours"}));

        // The first stint ended by the transfer, with its own clocks as they stood.
        let body = stints(&f.agent, id).await;
        let items = body["items"].as_array().unwrap();
        assert_eq!(items.len(), 2, "{body}");
        let first = &items[0];
        assert_eq!(first["seq"], 1);
        assert_eq!(first["department_id"], s.design);
        assert_eq!(first["from"], "2026-11-23T09:00:00Z");
        assert_eq!(first["to"], "2026-11-23T10:00:00Z");
        assert_eq!(first["ended_by"], "transferred");
        assert_eq!(first["business_minutes_held"], 60.0);
        assert_eq!(first["business_minutes_paused"], 0.0);
        assert_eq!(first["first_response_at"], "2026-11-23T09:30:00Z");
        assert_eq!(first["reason"], "Needs a budget approval first");
        assert_eq!(target(first, "first_response")["met"], true);
        assert_eq!(target(first, "first_response")["used_minutes"], 30.0);
        let resolution = target(first, "resolution");
        assert_eq!(resolution["met"], true);
        assert_eq!(resolution["used_minutes"], 60.0);
        assert_eq!(resolution["allowed_minutes"], 480.0);
        // Finance's stint runs under its own policy and calendar: 10:00 UTC is 05:00 in
        // New York, whose day starts at 09:00 (14:00 UTC); two hours end at 16:00 UTC.
        let second = &items[1];
        assert_eq!(second["seq"], 2);
        assert_eq!(second["department_id"], f.id);
        assert_eq!(second["from"], "2026-11-23T10:00:00Z");
        assert!(second["to"].is_null());
        assert!(second["ended_by"].is_null());
        let fr = target(second, "first_response");
        assert_eq!(fr["allowed_minutes"], 120.0);
        assert_eq!(fr["due_at"], "2026-11-23T16:00:00Z");
        assert!(fr["met"].is_null());
        assert_eq!(body["end_to_end"]["from"], "2026-11-23T09:00:00Z");
        assert_eq!(body["end_to_end"]["elapsed_minutes"], 60.0);

        // The requester reads who has it now; the history keeps what the form dropped.
        let comments = s.requester.get(&format!("{path}/comments")).await;
        let last = comments.body["items"].as_array().unwrap().last().unwrap().clone();
        assert!(last["body"].as_str().unwrap().contains("FIN now handles this request"), "{last}");
        let history = s.requester.get(&format!("{path}/history")).await;
        let event = history.body["items"].as_array().unwrap().iter()
            .find(|e| e["kind"] == "transferred").cloned().expect("a transferred event");
        assert_eq!(event["data"]["dropped_fields"], json!({"format": "poster"}));
        assert_eq!(event["data"]["to"]["department_id"], f.id);
        let notes = s.requester.get("/api/v1/notifications").await;
        assert!(notes.body["items"].as_array().unwrap().iter().any(|n| n["kind"] == "transferred"), "{}", notes.body);

        // The new department works it; the old one reads what happened in its time only.
        app.clock.advance(SignedDuration::from_mins(5));
        f.agent.post(&format!("{path}/comments"), json!({"body": "Approved up to 1,000"})).await.assert(StatusCode::CREATED);
        let queue = s.designer.all_ids(&format!("/api/v1/requests?provider_department_id={}", s.design)).await;
        assert!(!queue.contains(&id));
        let seen = s.designer.get(&path).await;
        seen.assert(StatusCode::OK);
        let their = s.designer.get(&format!("{path}/comments")).await;
        let bodies: Vec<&str> = their.body["items"].as_array().unwrap().iter().map(|c| c["body"].as_str().unwrap()).collect();
        assert!(bodies.contains(&"Looking at it"));
        assert!(!bodies.contains(&"Approved up to 1,000"), "{bodies:?}");
        let theirs = stints(&s.designer, id).await;
        assert!(theirs["end_to_end"].is_null());
        s.designer.patch(&path, json!({"status": "resolved"})).await.assert(StatusCode::FORBIDDEN);
        s.designer.post(&format!("{path}/transfer"), transfer_body(&f)).await.assert(StatusCode::FORBIDDEN);
        s.designer.post(&format!("{path}/comments"), json!({"body": "Still here"})).await.assert(StatusCode::FORBIDDEN);
        let sla = s.designer.get(&format!("{path}/sla")).await;
        assert_eq!(sla.body["items"], json!([]), "Finance's clocks are not Design's to read");

        // Passed back to Design: ping-pong, flagged.
        let res = f.agent.post(&format!("{path}/transfer"), json!({
            "service_id": s.service, "reason": "Approved; back to you", "fields": {"format": "banner"}
        })).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["ping_pong"], true);
        assert_eq!(res.body["transfers"], 2);
        let body = stints(&s.designer, id).await;
        assert_eq!(body["items"].as_array().unwrap().len(), 3);
        assert!(!body["end_to_end"].is_null());

        // The handoffs report counts it, with the time each passing team held it: Design
        // an hour; Finance none (05:00 in New York, before its day).
        let res = f.manager.get("/api/v1/reports/handoffs?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z").await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["requests_transferred"], 1, "{}", res.body);
        assert_eq!(res.body["ping_pong_requests"], 1);
        let pairs = res.body["pairs"].as_array().unwrap();
        assert_eq!(pairs.len(), 2);
        assert_eq!(pairs[0]["from_department_id"], s.design);
        assert_eq!(pairs[0]["to_department_id"], f.id);
        assert_eq!(pairs[0]["transfers"], 1);
        assert_eq!(pairs[0]["ping_pong_requests"], 1);
        assert_eq!(pairs[0]["business_minutes_lost"], 60.0);
        assert_eq!(pairs[1]["from_department_id"], f.id);
        assert_eq!(pairs[1]["business_minutes_lost"], 0.0);
        let res = f.manager.get("/api/v1/reports/handoffs?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        // Outsiders see nothing of it.
        let res = s.outsider.get("/api/v1/reports/handoffs?from=2026-11-01T00:00:00Z&to=2026-12-01T00:00:00Z").await;
        assert_eq!(res.body["requests_transferred"], 0);
        let mut page = app.signed_in(&f.manager).await;
        page.get("/reports/handoffs?from=2026-11-01&to=2026-11-30").await
            .assert(StatusCode::OK)
            .assert_has(r#"id="pairs""#)
            .assert_has("DESIGN");
    }

    async fn bad_transfers_are_refused_and_change_nothing(app: TestApp) {
        let s = app.scene().await;
        let f = finance(&app, json!({"first_response_minutes": 120})).await;
        let id = app.file(&s.requester, s.service, "Poster").await;
        let path = format!("/api/v1/requests/{id}");
        // Another service of the holding department is not a transfer.
        let res = s.design_manager.post("/api/v1/services", json!({
            "department_id": s.design, "name": "Photography", "description": "Photos."
        })).await;
        res.assert(StatusCode::CREATED);
        let same = res.id();
        let res = s.designer.post(&format!("{path}/transfer"), json!({"service_id": same, "reason": "Photos instead"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("service_id").unwrap().contains("already with this department"));
        // A service the requester's department may not use.
        let res = f.manager.post("/api/v1/services", json!({
            "department_id": f.id, "name": "Payroll corrections", "description": "Finance only.",
            "open_to_everyone": false
        })).await;
        res.assert(StatusCode::CREATED);
        let closed_service = res.id();
        let res = s.designer.post(&format!("{path}/transfer"), json!({"service_id": closed_service, "reason": "Payroll"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("service_id").unwrap().contains("may not use"), "{}", res.body);
        let res = s.designer.post(&format!("{path}/transfer"), json!({"service_id": 999_999, "reason": "Nowhere"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        // Only the holding department passes it on; others do not even see it.
        s.requester.post(&format!("{path}/transfer"), transfer_body(&f)).await.assert(StatusCode::FORBIDDEN);
        s.colleague.post(&format!("{path}/transfer"), transfer_body(&f)).await.assert(StatusCode::FORBIDDEN);
        s.outsider.post(&format!("{path}/transfer"), transfer_body(&f)).await.assert(StatusCode::NOT_FOUND);
        f.agent.post(&format!("{path}/transfer"), transfer_body(&f)).await.assert(StatusCode::NOT_FOUND);
        app.admin().post(&format!("{path}/transfer"), transfer_body(&f)).await.assert(StatusCode::FORBIDDEN);
        let res = s.designer.post(&format!("{path}/transfer"), json!({"service_id": f.service})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        // Resolved or closed requests stay where they are.
        s.designer.patch(&path, json!({"status": "resolved"})).await.assert(StatusCode::OK);
        let res = s.designer.post(&format!("{path}/transfer"), transfer_body(&f)).await;
        res.assert(StatusCode::CONFLICT);
        assert!(res.body["error"]["message"].as_str().unwrap().contains("reopen it first"));
        s.requester.patch(&path, json!({"status": "closed"})).await.assert(StatusCode::OK);
        let res = s.designer.post(&format!("{path}/transfer"), transfer_body(&f)).await;
        res.assert(StatusCode::CONFLICT);
        assert!(res.body["error"]["message"].as_str().unwrap().contains("closed request"));
        let after = s.designer.get(&path).await;
        assert_eq!(after.body["transfers"], 0);
        assert_eq!(after.body["provider_department_id"], s.design);
        assert_eq!(stints(&s.designer, id).await["items"].as_array().unwrap().len(), 1);
        s.designer.get("/api/v1/requests/999999/stints").await.assert(StatusCode::NOT_FOUND);
        s.outsider.get(&format!("{path}/stints")).await.assert(StatusCode::NOT_FOUND);
    }

    // Hand-computed: Design works in London (Mon 09:00-12:30 and 13:30-17:30, Tue-Fri
    // 09:00-17:30), Finance in New York (Mon-Fri 09:00-17:00). Filed Friday 23 October
    // 2026 15:00 London (BST); passed on Monday 26 October 10:00 London (GMT since
    // Sunday); New York leaves daylight time on Sunday 1 November; resolved Monday
    // 2 November 10:00 New York (EST).
    async fn stints_count_each_teams_business_time_across_zones_a_weekend_and_dst(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let f = finance(&app, json!({"first_response_minutes": 480, "resolution_minutes": 2400})).await;
        app.clock.set("2026-10-23T14:00:00Z".parse().unwrap());
        let id = app.file(&s.requester, s.service, "Poster").await;
        let path = format!("/api/v1/requests/{id}");
        // Design: Friday 15:00-17:30 BST (150) and Monday 09:00-10:00 GMT (60).
        app.clock.set("2026-10-26T10:00:00Z".parse().unwrap());
        transferred(&s, &f, id).await;
        // Finance: Monday from 09:00 EDT (13:00 UTC); a reply at 16:00 EDT is 420 minutes in.
        app.clock.set("2026-10-26T20:00:00Z".parse().unwrap());
        f.agent.post(&format!("{path}/comments"), json!({"body": "Which budget line?"})).await.assert(StatusCode::CREATED);
        f.agent.patch(&path, json!({"status": "open"})).await.assert(StatusCode::OK);
        // Waiting on the requester Wednesday 13:00-15:00 EDT.
        app.clock.set("2026-10-28T17:00:00Z".parse().unwrap());
        f.agent.patch(&path, json!({"status": "waiting_on_customer"})).await.assert(StatusCode::OK);
        app.clock.set("2026-10-28T19:00:00Z".parse().unwrap());
        s.requester.post(&format!("{path}/comments"), json!({"body": "Marketing events"})).await.assert(StatusCode::CREATED);
        // Resolved Monday 2 November 10:00 EST (15:00 UTC).
        app.clock.set("2026-11-02T15:00:00Z".parse().unwrap());
        f.agent.patch(&path, json!({"status": "resolved"})).await.assert(StatusCode::OK);
        app.clock.set("2026-11-05T12:00:00Z".parse().unwrap());

        let body = stints(&s.requester, id).await;
        let items = body["items"].as_array().unwrap();
        let design = &items[0];
        assert_eq!(design["business_minutes_held"], 210.0, "{design}");
        assert_eq!(design["business_minutes_paused"], 0.0);
        // Nobody answered in Design's time: its first response is breached, its
        // resolution target met at the transfer.
        assert_eq!(target(design, "first_response")["met"], false);
        assert_eq!(target(design, "first_response")["used_minutes"], 210.0);
        assert_eq!(target(design, "resolution")["met"], true);
        assert!(design["first_response_at"].is_null());

        // Finance: Monday 480, Tuesday to Friday 4 x 480, Monday 60 = 2,460, of which
        // 120 waiting on the customer.
        let fin = &items[1];
        assert_eq!(fin["from"], "2026-10-26T10:00:00Z");
        assert_eq!(fin["to"], "2026-11-02T15:00:00Z");
        assert_eq!(fin["ended_by"], "resolved");
        assert_eq!(fin["business_minutes_held"], 2340.0, "{fin}");
        assert_eq!(fin["business_minutes_paused"], 120.0);
        assert_eq!(fin["first_response_at"], "2026-10-26T20:00:00Z");
        assert_eq!(target(fin, "first_response")["used_minutes"], 420.0);
        assert_eq!(target(fin, "first_response")["met"], true);
        assert_eq!(target(fin, "resolution")["used_minutes"], 2340.0);
        assert_eq!(target(fin, "resolution")["met"], true);
        // The requester's side: Friday 14:00 UTC to Monday week 15:00 UTC, in plain time
        // (Marketing has no calendar).
        assert_eq!(body["end_to_end"]["elapsed_minutes"], 14_460.0);
        assert_eq!(body["end_to_end"]["business_minutes"], 14_460.0);
        assert_eq!(body["end_to_end"]["to"], "2026-11-02T15:00:00Z");

        // The SLA report attributes each stint's figures to the team that held it: the
        // breached first response is Design's, Finance's was met.
        let res = s.design_manager.get("/api/v1/reports/sla?group_by=provider_department&from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z").await;
        res.assert(StatusCode::OK);
        let rows = res.body["rows"].as_array().unwrap();
        let row = |dept: i64| rows.iter().find(|r| r["key"].as_str() == Some(dept.to_string().as_str())).unwrap_or_else(|| panic!("no row {dept} in {}", res.body));
        assert_eq!(row(s.design)["first_response"]["breached"], 1, "{}", res.body);
        assert_eq!(row(s.design)["first_response"]["met"], 0);
        assert_eq!(row(f.id)["first_response"]["met"], 1);
        assert_eq!(row(f.id)["first_response"]["breached"], 0);
    }
}

async fn link(client: &Client, parent: i64, f: &Finance, subject: &str) -> crate::support::Res {
    client
        .post(
            &format!("/api/v1/requests/{parent}/links"),
            json!({
                "service_id": f.service, "subject": subject, "fields": {"amount": 300}
            }),
        )
        .await
}

both_engines! {
    async fn linked_requests_hold_the_parents_clock_and_tell_its_assignee(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"resolution_minutes": 480})).await;
        s.design_manager.patch(&format!("/api/v1/services/{}", s.service), json!({"pause_on_links": true})).await.assert(StatusCode::OK);
        let f = finance(&app, json!({"resolution_minutes": 960})).await;
        let parent = app.file(&s.requester, s.service, "Print run").await;
        let path = format!("/api/v1/requests/{parent}");
        s.designer.patch(&path, json!({"status": "in_progress", "assignee_id": s.designer.person_id})).await.assert(StatusCode::OK);

        // Only the holder files on its behalf, to another department.
        link(&s.requester, parent, &f, "Approve the print budget").await.assert(StatusCode::FORBIDDEN);
        link(&s.outsider, parent, &f, "Approve the print budget").await.assert(StatusCode::NOT_FOUND);
        let res = s.designer.post(&format!("{path}/links"), json!({"service_id": s.service, "subject": "Ourselves", "fields": {"format": "banner"}})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("service_id").is_some());

        app.clock.advance(SignedDuration::from_mins(60));
        let res = link(&s.designer, parent, &f, "Approve the print budget").await;
        res.assert(StatusCode::CREATED);
        let child = res.id();
        assert_eq!(res.body["provider_department_id"], f.id);
        assert_eq!(res.body["requester_id"], s.designer.person_id);
        assert_eq!(res.body["requester_department_id"], s.design);

        // The parent shows who holds each; the requester sees that it waits, not on what.
        let links = s.designer.get(&format!("{path}/links")).await;
        links.assert(StatusCode::OK);
        assert!(links.body["parent"].is_null());
        assert_eq!(links.body["children"][0]["id"], child);
        assert_eq!(links.body["children"][0]["provider_department"], "FIN");
        assert_eq!(links.body["children"][0]["subject"], "Approve the print budget");
        let theirs = s.requester.get(&format!("{path}/links")).await;
        assert_eq!(theirs.body["children"][0]["visible"], false);
        assert!(theirs.body["children"][0]["subject"].is_null());
        assert_eq!(theirs.body["children"][0]["provider_department_id"], f.id);
        // The child shows its parent to those who may see both.
        let up = s.designer.get(&format!("/api/v1/requests/{child}/links")).await;
        assert_eq!(up.body["parent"]["id"], parent);
        let up = f.agent.get(&format!("/api/v1/requests/{child}/links")).await;
        up.assert(StatusCode::OK);
        assert!(up.body["parent"].is_null(), "{}", up.body);

        // The parent's resolution clock waits while Finance holds the child.
        let sla = s.designer.get(&format!("{path}/sla")).await;
        let resolution = sla.body["items"].as_array().unwrap().iter().find(|c| c["target"] == "resolution").unwrap().clone();
        assert_eq!(resolution["phase"], "paused");
        assert_eq!(resolution["used_minutes"], 60.0);
        // Waiting on the customer and back does not resume it while the link is open.
        s.designer.patch(&path, json!({"status": "waiting_on_customer"})).await.assert(StatusCode::OK);
        s.requester.post(&format!("{path}/comments"), json!({"body": "Any news?"})).await.assert(StatusCode::CREATED);
        let sla = s.designer.get(&format!("{path}/sla")).await;
        assert!(sla.body["items"].as_array().unwrap().iter().any(|c| c["target"] == "resolution" && c["phase"] == "paused"), "{}", sla.body);

        app.clock.advance(SignedDuration::from_mins(120));
        f.agent.patch(&format!("/api/v1/requests/{child}"), json!({"status": "resolved"})).await.assert(StatusCode::OK);
        let notes = s.designer.get("/api/v1/notifications").await;
        let note = notes.body["items"].as_array().unwrap().iter().find(|n| n["kind"] == "links_resolved").cloned().expect("the assignee is told");
        assert_eq!(note["request_id"], parent);
        app.clock.advance(SignedDuration::from_mins(30));
        let sla = s.designer.get(&format!("{path}/sla")).await;
        let resolution = sla.body["items"].as_array().unwrap().iter().find(|c| c["target"] == "resolution").unwrap().clone();
        assert_eq!(resolution["phase"], "running");
        assert_eq!(resolution["used_minutes"], 90.0);
        // The stint counts the wait as paused: 09:00-10:00 and 12:00-12:30 held.
        let body = stints(&s.designer, parent).await;
        assert_eq!(body["items"][0]["business_minutes_held"], 90.0, "{body}");
        assert_eq!(body["items"][0]["business_minutes_paused"], 120.0);
        // The wait is Finance's: it held the linked request.
        assert_eq!(body["items"][0]["waiting_on_linked"], json!([{"department_id": f.id, "business_minutes": 120.0}]));
        let history = s.designer.get(&format!("{path}/history")).await;
        let kinds: Vec<&str> = history.body["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
        for kind in ["link_filed", "link_wait_started", "links_resolved"] {
            assert!(kinds.contains(&kind), "{kind} in {kinds:?}");
        }

        // A resolved request takes no new links.
        s.designer.patch(&path, json!({"status": "resolved"})).await.assert(StatusCode::OK);
        link(&s.designer, parent, &f, "Too late").await.assert(StatusCode::CONFLICT);
    }

    async fn a_confidential_parent_never_shows_through_its_children(app: TestApp) {
        let s = app.scene().await;
        let res = s.design_manager.post("/api/v1/services", json!({
            "department_id": s.design, "name": "Sensitive artwork review",
            "description": "For what may not circulate.", "confidential": true,
            "fields": [{"key": "format", "label": "Format", "type": "choice", "options": ["banner", "poster"]}]
        })).await;
        res.assert(StatusCode::CREATED);
        let confidential = res.id();
        let f = finance(&app, json!({"first_response_minutes": 120})).await;
        let parent = app.file(&s.requester, confidential, "Redundancy letters").await;
        let res = link(&s.designer, parent, &f, "Cost of the print run").await;
        res.assert(StatusCode::CREATED);
        let child = res.id();
        // Finance and the administrator see the child, never its parent.
        for client in [&f.agent, app.admin()] {
            let up = client.get(&format!("/api/v1/requests/{child}/links")).await;
            up.assert(StatusCode::OK);
            assert!(up.body["parent"].is_null(), "{}", up.body);
            let got = client.get(&format!("/api/v1/requests/{child}")).await;
            got.assert(StatusCode::OK);
            assert!(!got.body.to_string().contains("Redundancy"), "{}", got.body);
            client.get(&format!("/api/v1/requests/{parent}")).await.assert(StatusCode::NOT_FOUND);
        }
        // The requester's colleague sees neither.
        s.colleague.get(&format!("/api/v1/requests/{parent}/links")).await.assert(StatusCode::NOT_FOUND);
        // The designer, who sees both, sees the link both ways.
        let up = s.designer.get(&format!("/api/v1/requests/{child}/links")).await;
        assert_eq!(up.body["parent"]["id"], parent);
    }
}

both_engines! {
    async fn pages_pass_a_request_on_and_ask_another_department(app: TestApp) {
        let s = app.scene().await;
        let f = finance(&app, json!({"first_response_minutes": 120})).await;
        let res = s.requester.post("/api/v1/requests", json!({
            "service_id": s.service, "subject": "Stand for the fair",
            "fields": {"format": "poster", "brief": "Two metres wide"}
        })).await;
        res.assert(StatusCode::CREATED);
        let id = res.id();
        let mut designer = app.signed_in(&s.designer).await;
        let page = designer.get(&format!("/requests/{id}")).await;
        page.assert(StatusCode::OK)
            .assert_has(r#"id="stints""#)
            .assert_has(r#"id="transfer-service""#)
            .assert_has("FIN: Purchase approval")
            .assert_has(r#"id="ask-service""#);
        // The requester may not pass it on: no such form for them.
        let mut requester = app.signed_in(&s.requester).await;
        requester.get(&format!("/requests/{id}")).await.assert(StatusCode::OK).assert_lacks(r#"id="transfer-service""#);

        // The new form comes filled with what the request has under the same keys.
        let form = designer.get(&format!("/requests/{id}/transfer?service_id={}", f.service)).await;
        form.assert(StatusCode::OK).assert_has("Two metres wide").assert_has(r#"name="field.amount""#);
        let service = f.service.to_string();
        let missing = designer.form(&format!("/requests/{id}/transfer"), &[
            ("service_id", &service), ("reason", "Budget first"), ("field.brief", "Two metres wide"),
        ]).await;
        missing.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has(r#"data-field="field.amount""#);
        let done = designer.form(&format!("/requests/{id}/transfer"), &[
            ("service_id", &service), ("reason", "Budget first"), ("field.amount", "900"), ("field.brief", "Two metres wide"),
        ]).await;
        done.assert(StatusCode::SEE_OTHER);
        let after = designer.get(&format!("/requests/{id}")).await;
        after.assert(StatusCode::OK)
            .assert_has(r#"id="former-holder""#)
            .assert_has(r#"id="sla-elsewhere""#)
            .assert_lacks(r#"id="reply-body""#)
            .assert_lacks(r#"id="transfer-service""#);
        requester.get(&format!("/requests/{id}")).await
            .assert_has("FIN now handles this request")
            .assert_has(r#"data-seq="2""#);

        // Finance asks Design on its behalf through the catalog's form.
        let mut agent = app.signed_in(&f.agent).await;
        let ask = agent.get(&format!("/requests/{id}/ask?service_id={}", s.service)).await;
        ask.assert(StatusCode::SEE_OTHER);
        let to = ask.location.clone().unwrap();
        assert_eq!(to, format!("/catalog/{}?on_behalf_of={id}", s.service));
        agent.get(&to).await.assert(StatusCode::OK).assert_has(r#"id="on-behalf-of""#);
        let parent = id.to_string();
        let filed = agent.form(&format!("/catalog/{}", s.service), &[
            ("on_behalf_of", &parent), ("subject", "Artwork for the quote"), ("field.format", "banner"), ("priority", "normal"),
        ]).await;
        filed.assert(StatusCode::SEE_OTHER);
        let child: i64 = filed.location.unwrap().trim_start_matches("/requests/").parse().unwrap();
        agent.get(&format!("/requests/{id}")).await.assert_has(r#"id="linked""#).assert_has("Artwork for the quote");
        agent.get(&format!("/requests/{child}")).await.assert_has(r#"id="parent""#);

        // Back to Design: flagged in the page and in the queue.
        let back = agent.form(&format!("/requests/{id}/transfer"), &[
            ("service_id", &s.service.to_string()), ("reason", "Approved"), ("field.format", "poster"),
        ]).await;
        back.assert(StatusCode::SEE_OTHER);
        designer.get(&format!("/requests/{id}")).await.assert_has(r#"id="ping-pong""#);
        designer.get("/requests?view=queue").await.assert_has("Ping-pong · 2 transfers");
    }
}
