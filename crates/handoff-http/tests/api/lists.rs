//! Lists: filters, sorting, cursor pagination and full-text search.

use axum::http::StatusCode;
use jiff::SignedDuration;
use serde_json::json;

use crate::support::{TestApp, both_engines};

both_engines! {
    async fn filters_narrow_the_list(app: TestApp) {
        let s = app.scene().await;
        let a = app.file(&s.requester, s.service, "Alpha").await;
        app.clock.advance(SignedDuration::from_hours(2));
        let b = app.file(&s.colleague, s.service, "Bravo").await;
        app.clock.advance(SignedDuration::from_hours(2));
        let c = app.file(&s.requester, s.service, "Charlie").await;
        s.designer.patch(&format!("/api/v1/requests/{b}"), json!({"status": "open", "assignee_id": s.designer.person_id, "priority": "urgent"})).await.assert(StatusCode::OK);

        let d = &s.designer;
        assert_eq!(d.get("/api/v1/requests").await.ids(), vec![c, b, a]);
        assert_eq!(d.get("/api/v1/requests?status=open").await.ids(), vec![b]);
        assert_eq!(d.get("/api/v1/requests?status=new,open&sort=created_at").await.ids(), vec![a, b, c]);
        assert_eq!(d.get("/api/v1/requests?priority=urgent").await.ids(), vec![b]);
        assert_eq!(d.get(&format!("/api/v1/requests?assignee_id={}", d.person_id)).await.ids(), vec![b]);
        assert_eq!(d.get("/api/v1/requests?assignee_id=none").await.ids(), vec![c, a]);
        assert_eq!(d.get(&format!("/api/v1/requests?requester_id={}", s.colleague.person_id)).await.ids(), vec![b]);
        assert_eq!(d.get(&format!("/api/v1/requests?service_id={}&provider_department_id={}&requester_department_id={}", s.service, s.design, s.marketing)).await.ids(), vec![c, b, a]);
        assert_eq!(d.get("/api/v1/requests?created_from=2026-11-23T10:00:00Z&created_to=2026-11-23T12:00:00Z").await.ids(), vec![b]);
        assert_eq!(d.get("/api/v1/requests?sort=-priority").await.ids()[0], b);
        assert!(d.get(&format!("/api/v1/requests?provider_department_id={}", s.marketing)).await.ids().is_empty());

        let res = d.get("/api/v1/requests?status=done&priority=asap&sort=colour&created_from=yesterday&assignee_id=x&cursor=zz").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["status", "priority", "sort", "created_from", "assignee_id", "cursor"] {
            assert!(res.field_error(field).is_some(), "{field}: {}", res.body);
        }
    }

    async fn cursors_walk_every_request_once_in_any_sort(app: TestApp) {
        let s = app.scene().await;
        let mut ids = Vec::new();
        for i in 0..7 {
            ids.push(app.file(&s.requester, s.service, &format!("Request {i}")).await);
            if i % 3 == 0 {
                app.clock.advance(SignedDuration::from_mins(5));
            }
        }
        for sort in ["created_at", "-created_at", "updated_at", "-updated_at", "priority", "-priority", "id", "-id"] {
            let seen = s.designer.all_ids(&format!("/api/v1/requests?limit=3&sort={sort}")).await;
            let mut sorted = seen.clone();
            sorted.sort();
            assert_eq!(sorted, ids, "sort {sort}");
        }
    }

    async fn search_finds_words_in_subjects_descriptions_and_replies(app: TestApp) {
        let s = app.scene().await;
        let poster = app.file(&s.requester, s.service, "Poster for the Autumn fair").await;
        let banner = app.file(&s.requester, s.service, "Web banner").await;
        s.requester.post(&format!("/api/v1/requests/{banner}/comments"), json!({"body": "Use the turquoise palette"})).await.assert(StatusCode::CREATED);
        let res = s.requester.post("/api/v1/requests", json!({
            "service_id": s.service, "subject": "Leaflet", "description": "For the autumn newsletter",
            "fields": {"format": "poster"}
        })).await;
        let leaflet = res.id();

        let d = &s.designer;
        assert_eq!(d.get("/api/v1/requests?q=autumn").await.ids(), vec![leaflet, poster]);
        assert_eq!(d.get("/api/v1/requests?q=AUTUMN%20fair").await.ids(), vec![poster]);
        assert_eq!(d.get("/api/v1/requests?q=turquoise").await.ids(), vec![banner]);
        assert!(d.get("/api/v1/requests?q=turq").await.ids().is_empty(), "words match whole");
        assert_eq!(s.requester.get("/api/v1/requests?q=palette").await.ids(), vec![banner]);
        assert!(d.get("/api/v1/requests?q=winter").await.ids().is_empty());
        assert_eq!(d.get("/api/v1/requests?q=autumn&status=new&sort=created_at").await.ids(), vec![poster, leaflet]);
        assert!(s.outsider.get("/api/v1/requests?q=autumn").await.ids().is_empty());

        // Operators and quotes are plain separators, never query syntax.
        d.get("/api/v1/requests?q=%22autumn%22%20OR%20*%20NEAR(").await.assert(StatusCode::OK);
        let res = d.get("/api/v1/requests?q=%22%2A%28%29").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("q").is_some());

        // Editing the subject re-indexes it.
        d.patch(&format!("/api/v1/requests/{poster}"), json!({"subject": "Poster for the Winter fair"})).await.assert(StatusCode::OK);
        assert_eq!(d.get("/api/v1/requests?q=winter").await.ids(), vec![poster]);
        assert_eq!(d.get("/api/v1/requests?q=autumn").await.ids(), vec![leaflet]);

        assert_eq!(d.all_ids("/api/v1/requests?q=for&limit=1").await, vec![leaflet, poster]);
    }

    async fn search_needs_every_word_somewhere_in_the_request_and_lists_each_request_once(app: TestApp) {
        let s = app.scene().await;
        let d = &s.designer;
        let kiosk = app.file(&s.requester, s.service, "Kiosk signage").await;
        let other = app.file(&s.requester, s.service, "Lobby signage").await;
        let path = format!("/api/v1/requests/{kiosk}/comments");
        // Enough comments with the same word to fill several chunks of the index on
        // either engine: the request is still listed once.
        for n in 0..300 {
            s.requester.post(&path, json!({"body": format!("Reminder {n}: the vermilion proof")})).await.assert(StatusCode::CREATED);
        }
        d.post(&path, json!({"body": "Printer quote attached", "internal": true})).await.assert(StatusCode::CREATED);
        s.requester.post(&path, json!({"body": "Last word: saffron"})).await.assert(StatusCode::CREATED);

        assert_eq!(d.get("/api/v1/requests?q=vermilion").await.ids(), vec![kiosk]);
        assert_eq!(d.get("/api/v1/requests?q=signage").await.ids(), vec![other, kiosk]);
        // Words from the subject, the first comment and the last one, together.
        assert_eq!(d.get("/api/v1/requests?q=kiosk%20reminder%20saffron").await.ids(), vec![kiosk]);
        assert!(d.get("/api/v1/requests?q=lobby%20saffron").await.ids().is_empty());
        // A word of an internal note counts only for those who work the request.
        assert_eq!(d.get("/api/v1/requests?q=kiosk%20printer").await.ids(), vec![kiosk]);
        assert!(s.requester.get("/api/v1/requests?q=kiosk%20printer").await.ids().is_empty());
        assert_eq!(s.requester.get("/api/v1/requests?q=kiosk%20saffron").await.ids(), vec![kiosk]);
        // Pages by cursor, in both directions, each request once.
        for sort in ["-id", "id"] {
            let seen = d.all_ids(&format!("/api/v1/requests?q=signage&limit=1&sort={sort}")).await;
            let expected = if sort == "id" { vec![kiosk, other] } else { vec![other, kiosk] };
            assert_eq!(seen, expected, "sort {sort}");
        }
        // Editing the subject replaces the request's own words and keeps its comments'.
        d.patch(&format!("/api/v1/requests/{kiosk}"), json!({"subject": "Totem signage"})).await.assert(StatusCode::OK);
        assert!(d.get("/api/v1/requests?q=kiosk").await.ids().is_empty());
        assert_eq!(d.get("/api/v1/requests?q=totem%20vermilion").await.ids(), vec![kiosk]);
    }

    async fn search_pages_through_many_requests_newest_first_once_each(app: TestApp) {
        let s = app.scene().await;
        let d = &s.designer;
        let mut all = Vec::new();
        let mut ochre = Vec::new();
        for n in 0..150 {
            let subject = if n % 10 == 3 { format!("Batch item {n} in ochre") } else { format!("Batch item {n}") };
            let id = app.file(&s.requester, s.service, &subject).await;
            all.push(id);
            if n % 10 == 3 {
                ochre.push(id);
            }
        }
        // With statistics, PostgreSQL's planner knows that every request says "batch":
        // its search looks at the newest ids in small windows first, then wider ones.
        app.db.execute_raw("ANALYZE").await.unwrap();
        let newest_first: Vec<i64> = all.iter().rev().copied().collect();
        assert_eq!(d.all_ids("/api/v1/requests?q=batch&limit=7").await, newest_first);
        assert_eq!(d.all_ids("/api/v1/requests?q=batch&limit=7&sort=id").await, all);
        assert_eq!(d.all_ids("/api/v1/requests?q=batch&limit=50").await, newest_first);
        let ochre_newest_first: Vec<i64> = ochre.iter().rev().copied().collect();
        assert_eq!(d.all_ids("/api/v1/requests?q=ochre&limit=4").await, ochre_newest_first);
        assert_eq!(d.all_ids("/api/v1/requests?q=batch%20ochre&limit=4").await, ochre_newest_first);
        assert_eq!(d.all_ids("/api/v1/requests?q=ochre%20batch&limit=4&sort=id").await, ochre);
        assert_eq!(d.get("/api/v1/requests?q=batch&limit=3").await.ids(), newest_first[..3].to_vec());
        assert!(s.outsider.get("/api/v1/requests?q=batch").await.ids().is_empty());
    }
}
