//! The pages, through the real router: signing in, the queue and request pages with their
//! SLA clocks, filing from the catalog, notifications, the SLA report and settings.

use axum::http::StatusCode;
use handoff_store::people::{self, PersonChanges};
use jiff::SignedDuration;
use serde_json::json;

use crate::support::{PASSWORD, TestApp, both_engines, with_policy};

both_engines! {
    async fn signing_in_and_out(app: TestApp) {
        let s = app.scene().await;
        let mut browser = app.browser();
        let page = browser.get("/requests?view=mine").await;
        page.assert(StatusCode::SEE_OTHER);
        assert_eq!(page.location.as_deref(), Some("/sign-in?next=%2Frequests%3Fview%3Dmine"));
        browser.get("/sign-in?next=%2Frequests%3Fview%3Dmine").await
            .assert(StatusCode::OK)
            .assert_has(r#"name="next" value="/requests?view=mine""#);

        // The requester has a password once signed in through the helper; sign out first.
        let mut signed = app.signed_in(&s.requester).await;
        let email = people::get(&app.db, s.requester.person_id).await.unwrap().email;
        let out = signed.form("/sign-out", &[]).await;
        assert_eq!(out.location.as_deref(), Some("/sign-in"));
        assert!(signed.cookie.is_none());

        let wrong = browser.form("/sign-in", &[("email", &email), ("password", "not the password")]).await;
        wrong.assert(StatusCode::UNAUTHORIZED).assert_has("do not match");
        assert!(wrong.set_cookie.is_none());
        let unknown = browser.form("/sign-in", &[("email", "nobody@example.org"), ("password", PASSWORD)]).await;
        unknown.assert(StatusCode::UNAUTHORIZED).assert_has("do not match");
        browser.form("/sign-in", &[("email", ""), ("password", "")]).await
            .assert(StatusCode::UNPROCESSABLE_ENTITY);
        let long = format!("{}@example.org", "x".repeat(300));
        for bad in ["not an address", long.as_str()] {
            browser.form("/sign-in", &[("email", bad), ("password", PASSWORD)]).await
                .assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("not an e-mail address");
        }

        let upper = email.to_uppercase();
        let ok = browser.form("/sign-in", &[("email", &upper), ("password", PASSWORD), ("next", "/requests?view=mine")]).await;
        ok.assert(StatusCode::SEE_OTHER);
        assert_eq!(ok.location.as_deref(), Some("/requests?view=mine"));
        let cookie = ok.set_cookie.unwrap();
        assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"), "{cookie}");
        browser.get("/requests?view=mine").await.assert(StatusCode::OK).assert_has("Filed by me");

        // Never sent elsewhere after signing in.
        let mut other = app.browser();
        for evil in ["//evil.example/", "/\t/evil.example", "https://evil.example"] {
            let away = other.form("/sign-in", &[("email", &email), ("password", PASSWORD), ("next", evil)]).await;
            assert_eq!(away.location.as_deref(), Some("/"), "{evil:?}");
        }

        // Signing out ends the session on the server, not just in the browser.
        let stolen = browser.cookie.clone();
        browser.form("/sign-out", &[]).await.assert(StatusCode::SEE_OTHER);
        browser.cookie = stolen;
        browser.get("/requests").await.assert(StatusCode::SEE_OTHER);

        // A deactivated person's sessions stop working.
        let changes = PersonChanges { name: None, email: None, department_id: None, role: None, active: Some(false) };
        people::update(&app.db, s.requester.person_id, &changes).await.unwrap();
        other.get("/requests").await.assert(StatusCode::SEE_OTHER);
    }

    async fn repeated_wrong_passwords_lock_the_address_for_a_while(app: TestApp) {
        let s = app.scene().await;
        app.signed_in(&s.requester).await;
        let email = people::get(&app.db, s.requester.person_id).await.unwrap().email;
        let mut browser = app.browser();
        for _ in 0..5 {
            browser.form("/sign-in", &[("email", &email), ("password", "wrong guess")]).await
                .assert(StatusCode::UNAUTHORIZED);
        }
        // Even the right password waits now, and so does any spelling of the address.
        let locked = browser.form("/sign-in", &[("email", &email.to_uppercase()), ("password", PASSWORD)]).await;
        locked.assert(StatusCode::TOO_MANY_REQUESTS).assert_has("Try again in 15 minutes");
        assert!(locked.set_cookie.is_none());
        // Other people are not affected.
        app.signed_in(&s.designer).await;
        app.clock.advance(SignedDuration::from_mins(15));
        browser.form("/sign-in", &[("email", &email), ("password", PASSWORD)]).await
            .assert(StatusCode::SEE_OTHER);
    }

    async fn forms_posted_from_other_sites_are_refused(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Banner").await;
        let mut designer = app.signed_in(&s.designer).await;
        let path = format!("/requests/{id}/comments");
        designer.form_from(&path, &[("body", "forged")], "https://evil.example").await
            .assert(StatusCode::FORBIDDEN);
        let comments = s.designer.get(&format!("/api/v1/requests/{id}/comments")).await;
        assert!(comments.ids().is_empty(), "a forged reply was written");
        for site in ["cross-site", "same-site"] {
            designer.form_fetched(&path, &[("body", "forged")], site).await.assert(StatusCode::FORBIDDEN);
        }
        assert!(s.designer.get(&format!("/api/v1/requests/{id}/comments")).await.ids().is_empty());
        designer.form_fetched(&path, &[("body", "Real reply")], "same-origin").await.assert(StatusCode::SEE_OTHER);
        designer.form(&path, &[("body", "Second reply")]).await.assert(StatusCode::SEE_OTHER);
        assert_eq!(s.designer.get(&format!("/api/v1/requests/{id}/comments")).await.ids().len(), 2);

        // Pages are not cached; a page path used the wrong way answers in HTML.
        let page = designer.get(&format!("/requests/{id}")).await;
        assert_eq!(page.cache_control.as_deref(), Some("no-store"));
        designer.get(&path).await.assert(StatusCode::METHOD_NOT_ALLOWED).assert_has("Cannot do that");

        // After the session ends, a posted form leads back to its page once signed in.
        app.clock.advance(SignedDuration::from_hours(13));
        let expired = designer.form(&path, &[("body", "Late reply")]).await;
        expired.assert(StatusCode::SEE_OTHER);
        assert_eq!(expired.location, Some(format!("/sign-in?next=%2Frequests%2F{id}")));
    }

    async fn filing_from_the_catalog_starts_the_clocks_shown_on_the_page(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let mut requester = app.signed_in(&s.requester).await;
        requester.get("/catalog").await.assert(StatusCode::OK)
            .assert_has("DESIGN")
            .assert_has(&format!(r#"href="/catalog/{}">Graphics for a campaign"#, s.service));
        let form_path = format!("/catalog/{}", s.service);
        requester.get(&form_path).await.assert(StatusCode::OK)
            .assert_has(r#"name="field.format""#)
            .assert_has(r#"type="checkbox" name="field.channels" value="print""#)
            .assert_has(r#"type="date" name="field.deadline""#);

        // Bad input: named per field, what was typed is kept, nothing is filed.
        let bad = requester.form(&form_path, &[
            ("subject", "Spring poster"), ("priority", "high"), ("field.copies", "many"),
            ("field.channels", "web"), ("field.channels", "print"),
        ]).await;
        bad.assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has(r#"data-field="field.format">is required"#)
            .assert_has(r#"data-field="field.copies">"#)
            .assert_has(r#"value="Spring poster""#)
            .assert_has(r#"value="print" checked"#);
        assert!(s.requester.get("/api/v1/requests").await.ids().is_empty());

        let filed = requester.form(&form_path, &[
            ("subject", "Spring poster"), ("priority", "high"), ("field.format", "poster"),
            ("field.copies", "3"), ("field.channels", "web"), ("field.channels", "print"),
            ("field.brief", "Line one\r\nLine two"),
        ]).await;
        filed.assert(StatusCode::SEE_OTHER);
        let location = filed.location.unwrap();
        let id: i64 = location.trim_start_matches("/requests/").parse().unwrap();
        let api = s.requester.get(&format!("/api/v1/requests/{id}")).await;
        assert_eq!(api.body["priority"], "high");
        assert_eq!(api.body["fields"], json!({"format": "poster", "copies": 3, "channels": ["web", "print"], "brief": "Line one\nLine two"}));

        let page = requester.get(&location).await;
        page.assert(StatusCode::OK).assert_has("Spring poster").assert_has("web, print");
        let sla = page.part(r#"<section id="sla">"#, "</section>");
        // Monday 09:00 in London: an hour of business time, due at 10:00; Marketing has
        // no calendar, so its people see UTC.
        assert!(sla.contains(r#"data-target="First response""#), "{sla}");
        assert!(sla.contains(r#"datetime="2026-11-23T10:00:00Z">Mon 23 Nov 2026, 10:00 UTC"#), "{sla}");
        assert!(sla.contains("1 h 00 min left"), "{sla}");
        assert!(sla.contains("business time"), "{sla}");
        page.assert_has("First response clock started");
    }

    async fn the_queue_and_request_pages_follow_the_clocks(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let id = app.file(&s.requester, s.service, "Autumn banner").await;
        let mut designer = app.signed_in(&s.designer).await;
        let request_path = format!("/requests/{id}");

        app.clock.advance(SignedDuration::from_mins(45));
        let queue = designer.get("/requests?view=queue").await;
        queue.assert(StatusCode::OK).assert_has("Autumn banner").assert_has("First response: 15 min left");

        app.clock.advance(SignedDuration::from_mins(30));
        let queue = designer.get("/requests").await;
        queue.assert_has("First response: breached, 15 min overdue");
        let page = designer.get(&request_path).await;
        let sla = page.part(r#"<section id="sla">"#, "</section>");
        assert!(sla.contains(r#"<tr class="sla-breached" data-target="First response">"#), "{sla}");
        assert!(sla.contains("15 min overdue"), "{sla}");
        assert!(sla.contains("125 %"), "{sla}");

        // The worker raises the alarms; they reach the queue's notifications.
        handoff_worker::run_once(&app.actions).await.unwrap();
        designer.get("/notifications").await.assert(StatusCode::OK)
            .assert_has(&format!(r#"href="/requests/{id}">request #{id}</a>"#));
        designer.get(&request_path).await.assert_has("First response target breached");

        // Assign, reply, then wait on the customer: resolution pauses.
        let assign = designer.form(&format!("/requests/{id}/update"), &[("assignee_id", &s.designer.person_id.to_string())]).await;
        assign.assert(StatusCode::SEE_OTHER);
        designer.form(&format!("/requests/{id}/comments"), &[("body", "Which size?")]).await.assert(StatusCode::SEE_OTHER);
        designer.form(&format!("/requests/{id}/comments"), &[("body", "Probably the big one"), ("internal", "1")]).await.assert(StatusCode::SEE_OTHER);
        designer.form(&format!("/requests/{id}/update"), &[("status", "in_progress")]).await.assert(StatusCode::SEE_OTHER);
        designer.form(&format!("/requests/{id}/update"), &[("status", "waiting_on_customer")]).await.assert(StatusCode::SEE_OTHER);
        let page = designer.get(&request_path).await;
        page.assert_has(r#"id="status">Waiting on customer"#)
            .assert_has("Which size?")
            .assert_has("internal note")
            .assert_has("Resolution clock paused");
        let sla = page.part(r#"<section id="sla">"#, "</section>");
        assert!(sla.contains(r#"<tr class="sla-paused" data-target="Resolution">"#), "{sla}");

        // The requester sees neither the internal note nor the controls of the provider.
        let mut requester = app.signed_in(&s.requester).await;
        let theirs = requester.get(&request_path).await;
        theirs.assert(StatusCode::OK).assert_has("Which size?").assert_lacks("Probably the big one")
            .assert_lacks(r#"id="assignee-select""#);
        requester.form(&format!("/requests/{id}/comments"), &[("body", "The big one")]).await.assert(StatusCode::SEE_OTHER);
        let page = designer.get(&request_path).await;
        page.assert_has("Resolution clock resumed");

        // An illegal move is explained on the page, and changes nothing.
        let illegal = requester.form(&format!("/requests/{id}/update"), &[("status", "closed")]).await;
        assert!(illegal.status.is_client_error(), "{}", illegal.status);
        illegal.assert_has(r#"id="action-error""#);
        let api = s.requester.get(&format!("/api/v1/requests/{id}")).await;
        assert_ne!(api.body["status"], "closed");
        // An empty reply is refused with the reason, nothing is written.
        let empty = requester.form(&format!("/requests/{id}/comments"), &[("body", "  ")]).await;
        empty.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("body");
    }

    async fn others_cannot_see_a_request_page(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Private matter").await;
        let mut outsider = app.signed_in(&s.outsider).await;
        outsider.get(&format!("/requests/{id}")).await.assert(StatusCode::NOT_FOUND)
            .assert_lacks("Private matter");
        outsider.form(&format!("/requests/{id}/comments"), &[("body", "hello")]).await
            .assert(StatusCode::NOT_FOUND);
        outsider.get("/requests?view=queue").await.assert_lacks("Private matter");
        outsider.get("/requests/not-a-number").await.assert(StatusCode::NOT_FOUND);
        outsider.get("/no/such/page").await.assert(StatusCode::NOT_FOUND).assert_has("Not found");
        outsider.get("/requests?view=everything").await.assert(StatusCode::BAD_REQUEST);
    }

    async fn the_sla_report_page_shows_attainment_and_breaches(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let late = app.file(&s.requester, s.service, "Late one").await;
        app.clock.advance(SignedDuration::from_mins(90));
        s.designer.post(&format!("/api/v1/requests/{late}/comments"), json!({"body": "Sorry"})).await.assert(StatusCode::CREATED);
        let on_time = app.file(&s.requester, s.service, "Quick one").await;
        app.clock.advance(SignedDuration::from_mins(10));
        s.designer.post(&format!("/api/v1/requests/{on_time}/comments"), json!({"body": "On it"})).await.assert(StatusCode::CREATED);

        let mut manager = app.signed_in(&s.design_manager).await;
        let page = manager.get("/reports/sla?group_by=service").await;
        page.assert(StatusCode::OK);
        let table = page.part(r#"<table class="report" id="attainment">"#, "</table>");
        assert!(table.contains("Graphics for a campaign"), "{table}");
        assert!(table.contains("50.0 %"), "{table}");
        assert!(table.contains("1 met, 1 breached"), "{table}");
        let breaches = page.part(r#"<ul class="breaches""#, "</ul>");
        assert!(breaches.contains(&format!("#{late} Late one")), "{breaches}");
        assert!(!breaches.contains("Quick one"), "{breaches}");
        manager.get("/reports/sla?group_by=month").await.assert(StatusCode::OK).assert_has("2026-11");
        manager.get("/reports/sla?group_by=colour").await.assert(StatusCode::BAD_REQUEST);
        manager.get("/reports/sla?from=2026-12-01&to=2026-11-01").await.assert(StatusCode::BAD_REQUEST);
        manager.get("/reports/sla?from=yesterday").await.assert(StatusCode::BAD_REQUEST);
    }

    async fn times_show_in_the_viewers_zone(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60})).await;
        let id = app.file(&s.requester, s.service, "Zones").await;
        let mut requester = app.signed_in(&s.requester).await;
        // No zone of their own and a department without a calendar: UTC.
        requester.get(&format!("/requests/{id}")).await.assert_has("Mon 23 Nov 2026, 10:00 UTC");
        requester.form("/settings", &[("time_zone", "Mars/Olympus")]).await
            .assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has("not a time zone");
        requester.form("/settings", &[("time_zone", "America/New_York")]).await.assert(StatusCode::SEE_OTHER);
        requester.get(&format!("/requests/{id}")).await.assert_has("Mon 23 Nov 2026, 05:00 EST");
        requester.get("/settings").await.assert_has(r#"value="America/New_York""#);
        // The designer's department has the London calendar.
        let mut designer = app.signed_in(&s.designer).await;
        designer.get(&format!("/requests/{id}")).await.assert_has("Mon 23 Nov 2026, 10:00 GMT");
    }
}

both_engines! {
    async fn managers_set_service_levels_on_a_page(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60, "resolution_minutes": 480})).await;
        let id = app.file(&s.requester, s.service, "Running late").await;
        let sla_path = format!("/services/{}/sla", s.service);

        // Everyone reads them; only the department's managers get the form.
        let mut requester = app.signed_in(&s.requester).await;
        requester.get(&sla_path).await.assert(StatusCode::OK)
            .assert_has("480 min").assert_lacks(r#"name="all.first_response""#);
        requester.form(&sla_path, &[("all.first_response", "5")]).await.assert(StatusCode::FORBIDDEN);
        requester.get(&format!("/catalog/{}", s.service)).await
            .assert_has("<strong>Any priority</strong>: first response within 1 h 00 min, resolved within 8 h 00 min (business time)");

        let mut manager = app.signed_in(&s.design_manager).await;
        manager.get(&sla_path).await.assert(StatusCode::OK)
            .assert_has(r#"name="all.first_response" value="60""#)
            .assert_has(r#"href="/calendars/"#);

        // Typing errors and rule errors are shown on their row; nothing changes.
        let bad = manager.form(&sla_path, &[
            ("all.first_response", "an hour"), ("all.warn_at", "75, 90"),
            ("urgent.first_response", "15"), ("urgent.warn_at", "150"),
        ]).await;
        bad.assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has(r#"data-row="all">first response: a whole number of minutes"#)
            .assert_has(r#"value="an hour""#);
        let bad = manager.form(&sla_path, &[
            ("all.first_response", "60"), ("all.warn_at", "75, 90"),
            ("urgent.first_response", "15"), ("urgent.warn_at", "150"),
        ]).await;
        bad.assert(StatusCode::UNPROCESSABLE_ENTITY).assert_has(r#"<p class="field-error" data-row="urgent">warn at"#);
        let api = s.requester.get(&format!("/api/v1/services/{}/sla", s.service)).await;
        assert_eq!(api.body["policies"].as_array().unwrap().len(), 1);

        let saved = manager.form(&sla_path, &[
            ("all.first_response", "120"), ("all.resolution", "480"), ("all.warn_at", "50"),
            ("urgent.first_response", "15"), ("urgent.calendar_time", "1"), ("urgent.warn_at", ""),
        ]).await;
        saved.assert(StatusCode::SEE_OTHER);
        manager.get(saved.location.as_deref().unwrap()).await.assert_has(r#"id="saved""#);
        let api = s.requester.get(&format!("/api/v1/services/{}/sla", s.service)).await;
        assert_eq!(api.body["policies"], json!([
            {"priority": null, "first_response_minutes": 120, "resolution_minutes": 480,
             "next_update_minutes": null, "calendar_time": false, "warn_at": [50]},
            {"priority": "urgent", "first_response_minutes": 15, "resolution_minutes": null,
             "next_update_minutes": null, "calendar_time": true, "warn_at": []},
        ]));
        // The open request follows (once the recompute job ran): two hours from Monday
        // 09:00 London.
        app.work().await;
        let clocks = s.requester.get(&format!("/api/v1/requests/{id}/sla")).await;
        let first = clocks.body["items"].as_array().unwrap().iter().find(|c| c["target"] == "first_response").unwrap().clone();
        assert_eq!(first["due_at"], "2026-11-23T11:00:00Z");
    }

    async fn managers_keep_their_calendar_on_a_page(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 60})).await;
        let id = app.file(&s.requester, s.service, "Calendar change").await;
        let calendar = s.design_manager.get(&format!("/api/v1/calendars?department_id={}", s.design)).await.ids()[0];
        let path = format!("/calendars/{calendar}");

        let mut requester = app.signed_in(&s.requester).await;
        requester.get("/calendars").await.assert(StatusCode::OK).assert_has(&format!(r#"href="{path}">London"#));
        requester.get(&path).await.assert(StatusCode::OK)
            .assert_has("09:00-12:30, 13:30-17:30").assert_lacks(r#"id="save-calendar""#);
        requester.form(&path, &[("time_zone", "UTC")]).await.assert(StatusCode::FORBIDDEN);

        let mut manager = app.signed_in(&s.design_manager).await;
        manager.get(&path).await.assert_has(r#"id="day-mon" value="09:00-12:30, 13:30-17:30""#);
        let week = [("time_zone", "Europe/London"), ("mon", "10:00-18:00"), ("tue", "09:00-17:30"),
            ("wed", "09:00-17:30"), ("thu", "09:00-17:30"), ("fri", "09:00-17:30"), ("sat", ""), ("sun", "")];

        let mut bad: Vec<(&str, &str)> = week.to_vec();
        bad[1] = ("mon", "9am-5pm");
        bad.push(("holidays", "2026-12-25 Christmas Day"));
        let refused = manager.form(&path, &bad).await;
        refused.assert(StatusCode::UNPROCESSABLE_ENTITY)
            .assert_has(r#"id="calendar-errors""#).assert_has("week.mon[0]")
            .assert_has(r#"value="9am-5pm""#);

        let mut good: Vec<(&str, &str)> = week.to_vec();
        good.push(("holidays", "2026-12-25 Christmas Day\r\n2026-12-24 12:30-17:30 Christmas Eve"));
        let saved = manager.form(&path, &good).await;
        saved.assert(StatusCode::SEE_OTHER);
        let api = s.design_manager.get(&format!("/api/v1/calendars/{calendar}")).await;
        assert_eq!(api.body["week"]["mon"], json!([["10:00", "18:00"]]));
        assert_eq!(api.body["holidays"][1], json!({"date": "2026-12-24", "from": "12:30", "to": "17:30", "name": "Christmas Eve"}));
        // The open request's due time moved: Monday now opens at 10:00.
        app.work().await;
        let clocks = s.requester.get(&format!("/api/v1/requests/{id}/sla")).await;
        assert_eq!(clocks.body["items"][0]["due_at"], "2026-11-23T11:00:00Z");

        // Holidays from an uploaded .ics file.
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:1\r\nDTSTART;VALUE=DATE:20270101\r\nSUMMARY:New Year\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let upload = manager.upload(&format!("{path}/import"), "ics", "holidays.ics", ics).await;
        upload.assert(StatusCode::SEE_OTHER);
        let api = s.design_manager.get(&format!("/api/v1/calendars/{calendar}")).await;
        assert!(api.body["holidays"].as_array().unwrap().iter().any(|h| h["date"] == "2027-01-01"), "{}", api.body);
        let broken = manager.upload(&format!("{path}/import"), "ics", "x.ics", "not a calendar").await;
        assert!(broken.status.is_client_error(), "{}", broken.status);
        broken.assert_has(r#"id="calendar-errors""#);
    }
}

both_engines! {
    async fn home_shows_what_waits_on_the_person(app: TestApp) {
        let s = app.scene().await;
        with_policy(&app, &s, json!({"first_response_minutes": 240, "resolution_minutes": 480})).await;
        let request = |id: i64| format!("/api/v1/requests/{id}");
        // Assigned: the oldest waits on its requester (its clocks paused), the next one's
        // first response is due first, the newest's two hours later.
        let paused = app.file(&s.requester, s.service, "Assigned but paused").await;
        let assigned = app.file(&s.requester, s.service, "Assigned poster").await;
        app.clock.advance(SignedDuration::from_hours(2));
        let newer = app.file(&s.requester, s.service, "Assigned later").await;
        for id in [paused, assigned, newer] {
            s.designer.patch(&request(id), json!({"assignee_id": s.designer.person_id})).await.assert(StatusCode::OK);
        }
        s.designer.patch(&request(paused), json!({"status": "open"})).await.assert(StatusCode::OK);
        s.designer.patch(&request(paused), json!({"status": "waiting_on_customer"})).await.assert(StatusCode::OK);
        let theirs = app.file(&s.requester, s.service, "Manager's flyer").await;
        s.design_manager.patch(&request(theirs), json!({"assignee_id": s.design_manager.person_id})).await.assert(StatusCode::OK);
        let unassigned = app.file(&s.requester, s.service, "Unassigned banner").await;
        // Filed by the designer, waiting on their answer; and one waiting on the requester.
        let mine = app.file(&s.designer, s.service, "My own brochure").await;
        let others = app.file(&s.requester, s.service, "Requester owes an answer").await;
        for id in [mine, others] {
            s.design_manager.patch(&request(id), json!({"status": "open"})).await.assert(StatusCode::OK);
            s.design_manager.patch(&request(id), json!({"status": "waiting_on_customer"})).await.assert(StatusCode::OK);
        }
        // Resolved: each requester is asked to rate their own.
        let to_rate = app.file(&s.designer, s.service, "Rate this leaflet").await;
        let their_rating = app.file(&s.requester, s.service, "Requester rates this").await;
        for id in [to_rate, their_rating] {
            s.design_manager.patch(&request(id), json!({"status": "resolved"})).await.assert(StatusCode::OK);
        }
        // A concern about Design waits on Design; one about Marketing does not.
        s.requester.post("/api/v1/concerns", json!({
            "about_department_id": s.design, "problem": "Briefs come back late", "proposal": "Ask within a day"
        })).await.assert(StatusCode::CREATED);
        s.designer.post("/api/v1/concerns", json!({
            "about_department_id": s.marketing, "problem": "Copy arrives unproofed", "proposal": "Proofread first"
        })).await.assert(StatusCode::CREATED);

        let mut designer = app.signed_in(&s.designer).await;
        let page = designer.get("/").await;
        page.assert(StatusCode::OK)
            .assert_has(r#"<a href="/" aria-current="page">Home</a>"#)
            .assert_has(r#"href="/requests?view=assigned""#);
        let section = |id: &str| page.part(&format!(r#"<section id="home-{id}""#), "</section>").to_owned();
        let link = |id: i64| format!(r#"href="/requests/{id}""#);

        let assigned_part = section("assigned");
        assert!(assigned_part.contains("(3)"), "{assigned_part}");
        let order = |part: &str, ids: &[i64]| {
            let at: Vec<Option<usize>> = ids.iter().map(|id| part.find(&link(*id))).collect();
            assert!(at.iter().all(Option::is_some) && at.is_sorted(), "{ids:?} in {part}");
        };
        order(&assigned_part, &[assigned, newer, paused]);
        assert!(!assigned_part.contains(&link(theirs)) && !assigned_part.contains(&link(unassigned)), "{assigned_part}");

        let queue = section("queue");
        assert!(queue.contains(&link(unassigned)), "{queue}");
        assert!(!queue.contains(&link(assigned)) && !queue.contains(&link(theirs)), "{queue}");

        let waiting = section("waiting");
        assert!(waiting.contains(&link(mine)) && waiting.contains("(1)"), "{waiting}");
        assert!(!waiting.contains(&link(others)), "{waiting}");

        let ratings = section("ratings");
        assert!(ratings.contains(&format!(r#"href="/requests/{to_rate}#rating""#)), "{ratings}");
        assert!(!ratings.contains(&format!("/requests/{their_rating}")), "{ratings}");

        let concerns = section("concerns");
        assert!(concerns.contains("Briefs come back late") && concerns.contains("(1)"), "{concerns}");
        assert!(!concerns.contains("Copy arrives unproofed"), "{concerns}");

        assert!(section("pulses").contains("No pulse waits for your answer."));
        assert!(section("owed").contains("Your department owes nothing this week."));

        // Answered, the first request's first response stops: its resolution, due at
        // the end of the day, now comes after the newer one's first response.
        s.designer.post(&format!("{}/comments", request(assigned)), json!({"body": "On it"})).await.assert(StatusCode::CREATED);
        let page = designer.get("/").await;
        let assigned_part = page.part(r#"<section id="home-assigned""#, "</section>").to_owned();
        order(&assigned_part, &[newer, assigned, paused]);

        // Someone outside Design sees none of it.
        let mut outsider = app.signed_in(&s.outsider).await;
        let page = outsider.get("/").await;
        page.assert(StatusCode::OK)
            .assert_has("Nothing assigned to you.")
            .assert_has("None of your requests waits on your answer.")
            .assert_has("No request waits for your rating.")
            .assert_has("No concern waits on your department.")
            .assert_lacks("Assigned poster")
            .assert_lacks("Unassigned banner")
            .assert_lacks("Briefs come back late");
    }
}
