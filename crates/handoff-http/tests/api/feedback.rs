//! Feedback and recognition: settings, satisfaction ratings, kudos and stories, concerns.
//! Pulses and anonymity are in `pulses.rs`.

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::{Value, json};

use crate::support::{Client, TestApp, both_engines};

async fn resolve(client: &Client, id: i64) {
    client
        .patch(
            &format!("/api/v1/requests/{id}"),
            json!({"status": "resolved"}),
        )
        .await
        .assert(StatusCode::OK);
}

async fn asks(client: &Client) -> Value {
    let res = client.get("/api/v1/me/asks").await;
    res.assert(StatusCode::OK);
    res.body
}

async fn kinds(client: &Client) -> Vec<String> {
    let res = client.get("/api/v1/notifications").await;
    res.assert(StatusCode::OK);
    res.body["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["kind"].as_str().unwrap().to_owned())
        .collect()
}

fn days(n: i64) -> SignedDuration {
    SignedDuration::from_hours(24 * n)
}

both_engines! {
    async fn admins_keep_the_settings_and_nobody_goes_below_three(app: TestApp) {
        let s = app.scene().await;
        let res = s.requester.get("/api/v1/settings").await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["anonymity_threshold"], 5);
        assert_eq!(res.body["rating_interval_days"], 3);
        assert!(!res.body["values"].as_array().unwrap().is_empty());

        let res = s.design_manager.patch("/api/v1/settings", json!({"anonymity_threshold": 4})).await;
        res.assert(StatusCode::FORBIDDEN);
        let res = app.admin().patch("/api/v1/settings", json!({"anonymity_threshold": 2})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("anonymity_threshold").unwrap().contains("at least 3"));
        let res = app.admin().patch("/api/v1/settings", json!({"values": ["Kind", " kind "]})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("values.1").is_some());
        // Nothing of a refused change is kept.
        assert_eq!(app.admin().get("/api/v1/settings").await.body["anonymity_threshold"], 5);

        let res = app.admin().patch("/api/v1/settings", json!({
            "anonymity_threshold": 3, "rating_interval_days": 0, "values": ["Kind", "Fast"]
        })).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body, json!({"anonymity_threshold": 3, "rating_interval_days": 0, "values": ["Kind", "Fast"]}));
    }

    async fn the_requester_rates_a_resolved_request_once_per_resolution(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Poster for the fair").await;
        let path = format!("/api/v1/requests/{id}/rating");
        // Not resolved: nothing to rate, nothing asked.
        s.requester.get(&path).await.assert(StatusCode::NOT_FOUND);
        let res = s.requester.put(&path, json!({"score": 4})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "not_resolved");

        resolve(&s.designer, id).await;
        let waiting = asks(&s.requester).await;
        assert_eq!(waiting["ratings"][0]["request_id"], id);
        assert!(kinds(&s.requester).await.contains(&"rating_ask".to_owned()));
        assert_eq!(s.requester.get(&path).await.body["state"], "waiting");

        // Only the requester, only 1 to 5.
        let res = s.colleague.put(&path, json!({"score": 4})).await;
        res.assert(StatusCode::FORBIDDEN);
        let res = s.designer.put(&path, json!({"score": 4})).await;
        res.assert(StatusCode::FORBIDDEN);
        for bad in [0, 6, -1] {
            let res = s.requester.put(&path, json!({"score": bad})).await;
            res.assert(StatusCode::UNPROCESSABLE_ENTITY);
            assert!(res.field_error("score").is_some());
        }
        let res = s.requester.put(&path, json!({"score": 4, "comment": "Quick and tidy"})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["state"], "rated");
        assert_eq!(res.body["score"], 4);
        assert_eq!(res.body["provider_department_id"], s.design);
        assert!(asks(&s.requester).await["ratings"].as_array().unwrap().is_empty());

        // The providing department sees it; the requester's colleague does not.
        let seen = s.designer.get(&path).await;
        seen.assert(StatusCode::OK);
        assert_eq!(seen.body["comment"], "Quick and tidy");
        assert_eq!(seen.body["can_rate"], false);
        s.colleague.get(&path).await.assert(StatusCode::FORBIDDEN);

        // Changed within 7 days; not after.
        app.clock.advance(days(6));
        s.requester.put(&path, json!({"score": 5})).await.assert(StatusCode::OK);
        app.clock.advance(days(1));
        let res = s.requester.put(&path, json!({"score": 3})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "rating_window_closed");
        assert!(res.field_error("score").is_some());
        assert_eq!(s.requester.get(&path).await.body["score"], 5);

        // Reopened and resolved again: asked again; the first rating is kept.
        s.requester.patch(&format!("/api/v1/requests/{id}"), json!({"status": "reopened"})).await.assert(StatusCode::OK);
        resolve(&s.designer, id).await;
        let res = s.requester.get(&path).await;
        assert_eq!(res.body["state"], "waiting");
        assert_eq!(res.body["earlier"][0]["score"], 5);
        // Unanswered for 14 days, the ask expires.
        app.clock.advance(days(14));
        let res = s.requester.put(&path, json!({"score": 2})).await;
        res.assert(StatusCode::CONFLICT);
        assert_eq!(res.error_code(), "ask_expired");
        assert_eq!(s.requester.get(&path).await.body["state"], "expired");
        assert!(asks(&s.requester).await["ratings"].as_array().unwrap().is_empty());
    }

    async fn a_busy_requester_is_asked_once_per_interval_and_low_ratings_reach_managers(app: TestApp) {
        let s = app.scene().await;
        let first = app.file(&s.requester, s.service, "First").await;
        let second = app.file(&s.requester, s.service, "Second").await;
        let third = app.file(&s.requester, s.service, "Third").await;
        resolve(&s.designer, first).await;
        app.clock.advance(days(2));
        resolve(&s.designer, second).await;
        let waiting = asks(&s.requester).await;
        let asked: Vec<i64> = waiting["ratings"].as_array().unwrap().iter().map(|r| r["request_id"].as_i64().unwrap()).collect();
        assert_eq!(asked, vec![first], "the second ask within 3 days is skipped, not queued");
        let res = s.requester.get(&format!("/api/v1/requests/{second}/rating")).await;
        assert_eq!(res.body["asked"], false);
        // Skipped, but the requester may still rate it.
        s.requester.put(&format!("/api/v1/requests/{second}/rating"), json!({"score": 1, "comment": "Lost the files"})).await.assert(StatusCode::OK);
        assert!(kinds(&s.design_manager).await.contains(&"low_rating".to_owned()));
        assert!(!kinds(&s.designer).await.contains(&"low_rating".to_owned()));
        app.clock.advance(days(1));
        resolve(&s.designer, third).await;
        assert_eq!(asks(&s.requester).await["ratings"].as_array().unwrap().len(), 2);

        // The list: the provider sees its ratings, an outsider none; filters check ids.
        let list = s.design_manager.get(&format!("/api/v1/ratings?provider_department_id={}", s.design)).await;
        list.assert(StatusCode::OK);
        assert_eq!(list.ids().len(), 1);
        assert_eq!(list.body["items"][0]["request_id"], second);
        assert!(s.outsider.get("/api/v1/ratings").await.ids().is_empty());
        let res = s.design_manager.get("/api/v1/ratings?provider_department_id=999999").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        let res = s.design_manager.get("/api/v1/ratings?from=yesterday").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("from").is_some());
    }

    async fn a_rating_counts_for_the_department_that_resolved_and_shows_to_every_holder(app: TestApp) {
        let s = app.scene().await;
        let fin = app.department("fin").await;
        let fin_manager = app.manager(fin).await;
        let res = fin_manager.post("/api/v1/services", json!({
            "department_id": fin, "name": "Budget check", "description": "Checks a budget.", "fields": []
        })).await;
        res.assert(StatusCode::CREATED);
        let budget = res.id();
        let id = app.file(&s.requester, s.service, "Poster with a budget").await;
        s.designer.post(&format!("/api/v1/requests/{id}/transfer"), json!({"service_id": budget, "reason": "Needs a budget check"})).await.assert(StatusCode::OK);
        resolve(&fin_manager, id).await;
        let path = format!("/api/v1/requests/{id}/rating");
        let res = s.requester.put(&path, json!({"score": 5})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["provider_department_id"], fin);
        // Design held it before: it reads the rating too.
        let res = s.designer.get(&path).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["score"], 5);
        let list = fin_manager.get(&format!("/api/v1/ratings?provider_department_id={fin}")).await;
        assert_eq!(list.ids().len(), 1);
        let list = s.design_manager.get(&format!("/api/v1/ratings?provider_department_id={}", s.design)).await;
        assert!(list.ids().is_empty());
    }

    async fn kudos_thank_people_and_departments_and_managers_feature_stories(app: TestApp) {
        let s = app.scene().await;
        let values = app.admin().get("/api/v1/settings").await.body["values"].clone();
        let value = values[0].as_str().unwrap().to_owned();
        // Refused: to oneself, an unknown value, no message, nobody, both.
        let res = s.requester.post("/api/v1/kudos", json!({"to_person_id": s.requester.person_id, "value": value, "message": "Me!"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("to_person_id").is_some());
        let res = s.requester.post("/api/v1/kudos", json!({"to_person_id": s.designer.person_id, "value": "Sneaky", "message": "Thanks"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("value").is_some());
        let res = s.requester.post("/api/v1/kudos", json!({"to_person_id": s.designer.person_id, "value": value, "message": "  "})).await;
        assert!(res.field_error("message").is_some());
        let res = s.requester.post("/api/v1/kudos", json!({"value": value, "message": "Thanks"})).await;
        assert!(res.field_error("to_person_id").is_some());
        let res = s.requester.post("/api/v1/kudos", json!({"to_person_id": s.designer.person_id, "to_department_id": s.design, "value": value, "message": "Thanks"})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(s.requester.get("/api/v1/kudos").await.ids().is_empty());

        let res = s.requester.post("/api/v1/kudos", json!({
            "to_person_id": s.designer.person_id, "value": value.to_lowercase(),
            "message": "The fair posters arrived a day early."
        })).await;
        res.assert(StatusCode::CREATED);
        let to_person = res.id();
        assert_eq!(res.body["value"], value.as_str());
        assert_eq!(res.body["to_department_id"], s.design);
        assert_eq!(res.body["cross_department"], true);
        assert!(kinds(&s.designer).await.contains(&"kudos".to_owned()));
        let res = s.colleague.post("/api/v1/kudos", json!({"to_department_id": s.marketing, "value": value, "message": "Great launch, team"})).await;
        res.assert(StatusCode::CREATED);
        assert_eq!(res.body["cross_department"], false);

        let feed = s.outsider.get("/api/v1/kudos").await;
        assert_eq!(feed.ids().len(), 2);
        assert_eq!(s.outsider.get(&format!("/api/v1/kudos?to_department_id={}", s.design)).await.ids(), vec![to_person]);
        assert_eq!(s.outsider.get(&format!("/api/v1/kudos?to_person_id={}", s.designer.person_id)).await.ids(), vec![to_person]);
        assert_eq!(s.outsider.get(&format!("/api/v1/kudos?from_department_id={}", s.marketing)).await.ids().len(), 2);

        // Featuring: managers of either side, with a story.
        let path = format!("/api/v1/kudos/{to_person}/feature");
        s.designer.post(&path, json!({"story": "Design and Marketing"})).await.assert(StatusCode::FORBIDDEN);
        s.outsider.post(&path, json!({"story": "Design and Marketing"})).await.assert(StatusCode::FORBIDDEN);
        let res = s.design_manager.post(&path, json!({"story": ""})).await;
        assert!(res.field_error("story").is_some());
        let res = s.design_manager.post(&path, json!({"story": "Design turned the fair around in two days."})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["featured_by"], s.design_manager.person_id);
        let stories = s.outsider.get("/api/v1/stories").await;
        assert_eq!(stories.ids(), vec![to_person]);
        assert_eq!(stories.body["items"][0]["story"], "Design turned the fair around in two days.");
        s.design_manager.post("/api/v1/kudos/999999/feature", json!({"story": "x"})).await.assert(StatusCode::NOT_FOUND);
    }

    async fn a_concern_proposes_a_solution_and_is_answered_by_the_managers(app: TestApp) {
        let s = app.scene().await;
        let res = s.requester.post("/api/v1/concerns", json!({
            "about_department_id": s.design, "problem": "Briefs come back with questions a week later.", "proposal": " "
        })).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("proposal").unwrap().contains("solution"));
        let res = s.requester.post("/api/v1/concerns", json!({
            "about_department_id": s.marketing, "problem": "Us", "proposal": "Us"
        })).await;
        assert!(res.field_error("about_department_id").is_some());
        assert!(app.admin().get("/api/v1/concerns").await.ids().is_empty());

        let res = s.requester.post("/api/v1/concerns", json!({
            "about_department_id": s.design,
            "problem": "Briefs come back with questions a week later.",
            "proposal": "Ask the questions within a day, or call us."
        })).await;
        res.assert(StatusCode::CREATED);
        let id = res.id();
        assert_eq!(res.body["raised_by_id"], s.requester.person_id);
        assert_eq!(res.body["state"], "raised");
        assert_eq!(res.body["raised_on"], "2026-11-23");
        // Five business days, every day counting without a calendar.
        assert_eq!(res.body["due_at"], "2026-11-29T00:00:00Z");
        assert!(kinds(&s.design_manager).await.contains(&"concern".to_owned()));
        // It waits on Design: in every Design member's asks.
        assert_eq!(asks(&s.designer).await["concerns"][0]["id"], id);
        // Others do not see it.
        s.outsider.get(&format!("/api/v1/concerns/{id}")).await.assert(StatusCode::NOT_FOUND);
        assert!(s.outsider.get("/api/v1/concerns").await.ids().is_empty());

        let path = |verb: &str| format!("/api/v1/concerns/{id}/{verb}");
        s.designer.post(&path("acknowledge"), json!({})).await.assert(StatusCode::FORBIDDEN);
        s.design_manager.post(&path("acknowledge"), json!({})).await.assert(StatusCode::OK);
        let res = s.design_manager.post(&path("resolve"), json!({})).await;
        res.assert(StatusCode::CONFLICT);
        let res = s.design_manager.post(&path("answer"), json!({"action": ""})).await;
        assert!(res.field_error("action").is_some());
        let res = s.design_manager.post(&path("answer"), json!({"action": "A designer calls within a day of each brief."})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["state"], "answered");
        assert_eq!(res.body["breached"], false);
        assert!(kinds(&s.requester).await.contains(&"concern".to_owned()));
        s.design_manager.post(&path("resolve"), json!({})).await.assert(StatusCode::OK);
        s.colleague.post(&path("reopen"), json!({})).await.assert(StatusCode::NOT_FOUND);
        let res = s.requester.post(&path("reopen"), json!({})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["state"], "reopened");
        s.design_manager.post(&path("answer"), json!({"action": "And a checklist."})).await.assert(StatusCode::OK);
        s.design_manager.post(&path("resolve"), json!({})).await.assert(StatusCode::OK);
        let res = s.requester.post(&path("reopen"), json!({})).await;
        res.assert(StatusCode::CONFLICT);

        let list = s.designer.get(&format!("/api/v1/concerns?about_department_id={}&state=resolved", s.design)).await;
        assert_eq!(list.ids(), vec![id]);
        assert!(s.designer.get("/api/v1/concerns?state=raised").await.ids().is_empty());
        s.designer.get("/api/v1/concerns?state=lost").await.assert(StatusCode::UNPROCESSABLE_ENTITY);
    }

    async fn an_unanswered_concern_warns_then_escalates_to_the_admins_once(app: TestApp) {
        let s = app.scene().await;
        let res = s.requester.post("/api/v1/concerns", json!({
            "about_department_id": s.design, "problem": "Nobody picks up.", "proposal": "A rota."
        })).await;
        res.assert(StatusCode::CREATED);
        let id = res.id();
        // Warned at the start of the last day, escalated at its end: once each.
        app.clock.set("2026-11-28T00:00:00Z".parse().unwrap());
        app.work().await;
        app.work().await;
        let manager_kinds = kinds(&s.design_manager).await;
        assert_eq!(manager_kinds.iter().filter(|k| *k == "concern_warning").count(), 1);
        assert!(!kinds(app.admin()).await.contains(&"concern_escalation".to_owned()));
        app.clock.set("2026-11-29T00:00:00Z".parse().unwrap());
        app.work().await;
        app.work().await;
        assert_eq!(kinds(app.admin()).await.iter().filter(|k| *k == "concern_escalation").count(), 1);
        assert_eq!(kinds(&s.design_manager).await.iter().filter(|k| *k == "concern_escalation").count(), 1);
        let res = s.designer.get(&format!("/api/v1/concerns/{id}")).await;
        assert_eq!(res.body["breached"], true);
    }

    async fn an_anonymous_concern_keeps_no_author_and_is_announced_the_next_day(app: TestApp) {
        let s = app.scene().await;
        let res = s.requester.post("/api/v1/concerns", json!({
            "about_department_id": s.design, "problem": "Designs ignore the brand book.",
            "proposal": "Check against it before sending.", "anonymous": true
        })).await;
        res.assert(StatusCode::CREATED);
        let id = res.id();
        assert_eq!(res.body["raised_by_id"], Value::Null);
        assert_eq!(res.body["anonymous"], true);
        assert_eq!(res.body["raised_on"], "2026-11-23");
        // Not announced until the day is over everywhere.
        app.work().await;
        assert!(!kinds(&s.design_manager).await.contains(&"concern".to_owned()));
        app.clock.set("2026-11-24T15:00:00Z".parse().unwrap());
        app.work().await;
        assert!(kinds(&s.design_manager).await.contains(&"concern".to_owned()));
        // Whoever holds the id reads it; nobody may reopen it.
        let res = s.requester.get(&format!("/api/v1/concerns/{id}")).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["raised_by_id"], Value::Null);
        let stored: Option<i64> = match &app.db {
            handoff_store::Db::Sqlite { read, .. } => sqlx::query_scalar("SELECT raised_by_id FROM concerns WHERE id = $1").bind(id).fetch_one(read).await.unwrap(),
            handoff_store::Db::Postgres { pool, .. } => sqlx::query_scalar("SELECT raised_by_id FROM concerns WHERE id = $1").bind(id).fetch_one(pool).await.unwrap(),
        };
        assert_eq!(stored, None, "the author is not stored at all");
    }

    async fn the_weekly_digest_sums_up_a_department(app: TestApp) {
        let s = app.scene().await;
        let id = app.file(&s.requester, s.service, "Banner").await;
        resolve(&s.designer, id).await;
        s.requester.put(&format!("/api/v1/requests/{id}/rating"), json!({"score": 2})).await.assert(StatusCode::OK);
        s.requester.post("/api/v1/concerns", json!({"about_department_id": s.design, "problem": "Slow", "proposal": "Faster"})).await.assert(StatusCode::CREATED);
        let value = app.admin().get("/api/v1/settings").await.body["values"][0].clone();
        s.requester.post("/api/v1/kudos", json!({"to_department_id": s.design, "value": value, "message": "Thanks"})).await.assert(StatusCode::CREATED);
        let res = s.designer.get(&format!("/api/v1/departments/{}/digest?week_of=2026-11-25", s.design)).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["week_of"], "2026-11-23");
        assert_eq!(res.body["ratings"], 1);
        assert_eq!(res.body["rating_mean"], 2.0);
        assert_eq!(res.body["low_ratings"], 1);
        assert_eq!(res.body["concerns_raised"], 1);
        assert_eq!(res.body["concerns_waiting"], 1);
        assert_eq!(res.body["kudos_received"], 1);
        s.outsider.get(&format!("/api/v1/departments/{}/digest", s.design)).await.assert(StatusCode::FORBIDDEN);
        s.designer.get(&format!("/api/v1/departments/{}/digest?week_of=soon", s.design)).await.assert(StatusCode::UNPROCESSABLE_ENTITY);
    }
}
