//! Business calendars and SLA policies.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::{TestApp, both_engines};

fn london_week() -> serde_json::Value {
    json!({"mon": [["09:00", "12:30"], ["13:30", "17:30"]], "tue": [["09:00", "17:30"]],
           "wed": [["09:00", "17:30"]], "thu": [["09:00", "17:30"]], "fri": [["09:00", "17:00"]]})
}

both_engines! {
    async fn managers_keep_business_calendars(app: TestApp) {
        let s = app.scene().await;
        let res = s.design_manager.post("/api/v1/calendars", json!({
            "department_id": s.design, "name": "London office", "time_zone": "Europe/London",
            "week": london_week(), "holidays": [{"date": "2026-12-25", "name": "Christmas Day"},
                                                {"date": "2026-12-24", "from": "12:00", "to": "17:30"}]
        })).await;
        res.assert(StatusCode::CREATED);
        let calendar = res.id();
        assert_eq!(res.body["time_zone"], "Europe/London");
        assert_eq!(res.body["week"]["mon"][1], json!(["13:30", "17:30"]));
        assert_eq!(res.body["holidays"][0]["name"], "Christmas Day");

        // 7 business hours from Tuesday 10:00 end at 17:00 that day, not the next morning.
        let res = s.requester.get(&format!("/api/v1/calendars/{calendar}/due?start=2026-11-24T10:00:00Z&minutes=420")).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["due"], "2026-11-24T17:00:00Z");
        // Monday's lunch break does not count: 4 hours from 10:00 end at 15:00.
        let res = s.requester.get(&format!("/api/v1/calendars/{calendar}/due?start=2026-11-23T10:00:00Z&minutes=240")).await;
        assert_eq!(res.body["due"], "2026-11-23T15:00:00Z");
        let res = s.requester.get(&format!("/api/v1/calendars/{calendar}/due?start=soon&minutes=-5")).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("start").is_some());
        assert!(res.field_error("minutes").is_some());

        // Import holidays from an iCalendar file.
        let ics = "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:-//test//EN\r\nBEGIN:VEVENT\r\nUID:1@test\r\nDTSTART;VALUE=DATE:20261228\r\nDTEND;VALUE=DATE:20261229\r\nSUMMARY:Boxing Day (substitute)\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";
        let res = s.design_manager.raw(Method::POST, &format!("/api/v1/calendars/{calendar}/holidays/import"), ics).await;
        res.assert(StatusCode::OK);
        let dates: Vec<&str> = res.body["holidays"].as_array().unwrap().iter().map(|h| h["date"].as_str().unwrap()).collect();
        assert_eq!(dates, ["2026-12-24", "2026-12-25", "2026-12-28"]);
        let res = s.design_manager.raw(Method::POST, &format!("/api/v1/calendars/{calendar}/holidays/import"), "not a calendar").await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert!(res.field_error("body").is_some());

        // The department counts its SLAs in it; only its managers (or admins) say so.
        s.designer.patch(&format!("/api/v1/departments/{}", s.design), json!({"calendar_id": calendar})).await.assert(StatusCode::FORBIDDEN);
        let res = s.design_manager.patch(&format!("/api/v1/departments/{}", s.design), json!({"calendar_id": calendar})).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["calendar_id"], calendar);
        s.design_manager.patch(&format!("/api/v1/departments/{}", s.design), json!({"name": "Studio"})).await.assert(StatusCode::FORBIDDEN);
        let res = s.design_manager.patch(&format!("/api/v1/departments/{}", s.design), json!({"calendar_id": 987654})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(res.field_error("calendar_id"), Some("no such calendar"));
    }

    async fn bad_calendars_are_refused_field_by_field(app: TestApp) {
        let s = app.scene().await;
        let res = s.design_manager.post("/api/v1/calendars", json!({
            "department_id": s.design, "name": "Broken", "time_zone": "Europe/Lundon",
            "week": {"mon": [["13:30", "12:00"]], "tue": [["09:00", "13:30"], ["13:00", "17:00"]]},
            "holidays": [{"date": "2026-02-30"}]
        })).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["time_zone", "week.mon[0]", "holidays[0].date"] {
            assert!(res.field_error(field).is_some(), "{field}: {}", res.body);
        }
        let res = s.design_manager.post("/api/v1/calendars", json!({
            "department_id": s.design, "name": "Typo", "time_zone": "UTC", "week": {"mom": [["09:00", "17:00"]]}
        })).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        let res = s.design_manager.post("/api/v1/calendars", json!({
            "department_id": s.design, "name": "Never open", "time_zone": "UTC", "week": {}
        })).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        let res = s.requester.post("/api/v1/calendars", json!({
            "department_id": s.design, "name": "Not mine", "time_zone": "UTC", "week": london_week()
        })).await;
        res.assert(StatusCode::FORBIDDEN);
        assert!(app.admin().get("/api/v1/calendars").await.ids().is_empty(), "nothing half written");
    }

    async fn services_carry_sla_policies_per_priority(app: TestApp) {
        let s = app.scene().await;
        let path = format!("/api/v1/services/{}/sla", s.service);
        let res = s.requester.get(&path).await;
        res.assert(StatusCode::OK);
        assert_eq!(res.body["policies"], json!([]));

        let policies = json!({"policies": [
            {"first_response_minutes": 240, "resolution_minutes": 2400},
            {"priority": "urgent", "first_response_minutes": 30, "resolution_minutes": 240,
             "next_update_minutes": 60, "warn_at": [50, 80]}
        ]});
        s.designer.put(&path, policies.clone()).await.assert(StatusCode::FORBIDDEN);
        let res = s.design_manager.put(&path, policies).await;
        res.assert(StatusCode::OK);
        let res = s.requester.get(&path).await;
        assert_eq!(res.body["policies"][0]["priority"], serde_json::Value::Null);
        assert_eq!(res.body["policies"][0]["warn_at"], json!([75, 90]));
        assert_eq!(res.body["policies"][1]["priority"], "urgent");
        assert_eq!(res.body["policies"][1]["next_update_minutes"], 60);

        let res = s.design_manager.put(&path, json!({"policies": [
            {"first_response_minutes": 0},
            {"priority": "high"},
            {"priority": "high", "resolution_minutes": 60, "warn_at": [120]}
        ]})).await;
        res.assert(StatusCode::UNPROCESSABLE_ENTITY);
        for field in ["policies[0].first_response_minutes", "policies[1].resolution_minutes", "policies[2].priority", "policies[2].warn_at[0]"] {
            assert!(res.field_error(field).is_some(), "{field}: {}", res.body);
        }
        // The refused replacement changed nothing.
        assert_eq!(s.requester.get(&path).await.body["policies"].as_array().unwrap().len(), 2);
    }
}
