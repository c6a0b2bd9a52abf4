"""Appointments: derived members, customers made on the fly, Exchange ids in paths, cancel,
calendarView's overlap rule and getStaffAvailability."""

from __future__ import annotations

from .support import (
    ADELE,
    BENTO,
    CLASS_APPOINTMENT,
    CONTOSO,
    DANA,
    LUNCH_APPOINTMENT,
    app_client,
    business_path,
    client,
    odata_error,
)


def _at(wall: str, zone: str = "UTC") -> dict[str, str]:
    return {"dateTime": wall, "timeZone": zone}


def _book(http, start: str, end: str, **extra) -> dict:
    body = {"serviceId": BENTO, "startDateTime": _at(start), "endDateTime": _at(end), **extra}
    response = http.post(business_path(CONTOSO, "appointments"), json=body)
    assert response.status_code == 201, response.text
    return response.json()


def test_create_derives_service_name_duration_utc_times_and_service_defaults(demo_emulator):
    with app_client(demo_emulator) as http:
        created = http.post(
            business_path(CONTOSO, "appointments"),
            json={
                "serviceId": BENTO,
                "start": _at("2030-01-07T09:00:00", "Pacific Standard Time"),
                "end": _at("2030-01-07T10:00:00-08:00", "Pacific Standard Time"),
                "duration": "PT5M",
                "filledAttendeesCount": 9,
                "unknownMember": True,
            },
        ).json()
    assert created["serviceName"] == "Bento"
    assert created["startDateTime"] == {"dateTime": "2030-01-07T17:00:00.0000000Z", "timeZone": "UTC"}
    assert created["endDateTime"]["dateTime"] == "2030-01-07T18:00:00.0000000Z"
    assert "start" not in created and "unknownMember" not in created
    assert created["duration"] == "PT1H"
    assert (created["price"], created["preBuffer"], created["postBuffer"]) == (10.0, "PT5M", "PT10M")
    assert created["filledAttendeesCount"] == 0
    assert created["id"].startswith("AAMkAD")


def test_customers_without_an_id_become_customers_and_unknown_ids_are_dropped(demo_emulator):
    with app_client(demo_emulator) as http:
        created = _book(
            http,
            "2030-01-08T12:00:00",
            "2030-01-08T12:30:00",
            customers=[
                {
                    "name": "New Person",
                    "emailAddress": "new@example.com",
                    "phone": "555-0100",
                    "smsNotificationsEnabled": True,
                },
                {"customerId": "00000000-0000-0000-0000-00000000dead", "name": "Ghost"},
                {"customerId": ADELE.upper(), "name": "Adele Vance"},
            ],
        )
    assert [c["name"] for c in created["customers"]] == ["New Person", "Adele Vance"]
    assert created["customers"][1]["customerId"] == ADELE
    assert "smsNotificationsEnabled" not in created["customers"][0]
    assert created["customers"][0]["@odata.type"] == "#microsoft.graph.bookingCustomerInformation"
    new_id = created["customers"][0]["customerId"]
    made = next(c for c in demo_emulator.items(CONTOSO, "customers") if c["id"] == new_id)
    assert (made["displayName"], made["emailAddress"]) == ("New Person", "new@example.com")
    assert created["filledAttendeesCount"] == 2 and created["customerName"] == "New Person"


def test_convenience_customer_members_create_one_customer(demo_emulator):
    with app_client(demo_emulator) as http:
        created = _book(
            http,
            "2030-01-08T13:00:00",
            "2030-01-08T13:30:00",
            customerName="Solo",
            customerEmailAddress="solo@example.com",
        )
    assert [c["name"] for c in created["customers"]] == ["Solo"]


def test_appointment_ids_with_slash_plus_and_equals_work_percent_encoded(demo_emulator):
    with app_client(demo_emulator) as http:
        fetched = http.get(business_path(CONTOSO, "appointments", CLASS_APPOINTMENT))
        assert fetched.status_code == 200 and fetched.json()["id"] == CLASS_APPOINTMENT
        assert (
            http.patch(
                business_path(CONTOSO, "appointments", CLASS_APPOINTMENT), json={"price": 50}
            ).status_code
            == 204
        )
        assert http.get(business_path(CONTOSO, "calendarView", CLASS_APPOINTMENT)).json()["price"] == 50.0
        # Exchange ids are case-sensitive, unlike GUIDs.
        odata_error(
            http.get(business_path(CONTOSO, "appointments", CLASS_APPOINTMENT.lower())),
            404,
            "ErrorItemNotFound",
        )


def test_byid_members_are_empty_in_lists(demo_emulator):
    with app_client(demo_emulator) as http:
        one = http.get(business_path(CONTOSO, "appointments", LUNCH_APPOINTMENT)).json()
        listed = next(
            a
            for a in http.get(business_path(CONTOSO, "appointments")).json()["value"]
            if a["id"] == LUNCH_APPOINTMENT
        )
    assert one["reminders"] and one["serviceNotes"]
    assert (listed["reminders"], listed["serviceNotes"], listed["customerNotes"]) == ([], None, None)
    assert listed["customers"][0]["notes"] is None


def test_patch_recomputes_duration_and_keeps_other_members(demo_emulator):
    with app_client(demo_emulator) as http:
        created = _book(http, "2030-02-01T10:00:00", "2030-02-01T10:30:00", serviceNotes="keep me")
        path = business_path(CONTOSO, "appointments", created["id"])
        assert http.patch(path, json={"endDateTime": _at("2030-02-01T11:15:00")}).status_code == 204
        after = http.get(path).json()
    assert after["duration"] == "PT1H15M" and after["serviceNotes"] == "keep me"
    assert after["startDateTime"] == created["startDateTime"]


def test_invalid_appointments_are_refused(demo_emulator):
    with app_client(demo_emulator) as http:
        path = business_path(CONTOSO, "appointments")
        odata_error(http.post(path, json={"serviceId": BENTO}), 400)
        odata_error(
            http.post(
                path,
                json={"startDateTime": _at("2030-01-01T10:00:00"), "endDateTime": _at("2030-01-01T09:00:00")},
            ),
            400,
        )
        odata_error(
            http.post(
                path,
                json={
                    "startDateTime": _at("2030-01-01T10:00:00", "Mars/Olympus"),
                    "endDateTime": _at("2030-01-01T11:00:00"),
                },
            ),
            400,
        )
        odata_error(
            http.post(
                path,
                json={
                    "serviceId": "missing",
                    "startDateTime": _at("2030-01-01T10:00:00"),
                    "endDateTime": _at("2030-01-01T11:00:00"),
                },
            ),
            400,
        )


def test_cancel_removes_the_appointment_and_404s_when_unknown(demo_emulator):
    with app_client(demo_emulator) as http:
        cancel = http.post(
            business_path(CONTOSO, "appointments", LUNCH_APPOINTMENT, "cancel"),
            json={"cancellationMessage": "Sorry"},
        )
        assert cancel.status_code == 204 and cancel.content == b""
        ids = [a["id"] for a in http.get(business_path(CONTOSO, "appointments")).json()["value"]]
        window = {"start": "2018-01-01T00:00:00Z", "end": "2019-01-01T00:00:00Z"}
        in_view = [
            a["id"] for a in http.get(business_path(CONTOSO, "calendarView"), params=window).json()["value"]
        ]
        again = http.post(
            business_path(CONTOSO, "appointments", LUNCH_APPOINTMENT, "cancel"),
            json={"cancellationMessage": "x"},
        )
    assert LUNCH_APPOINTMENT not in ids and LUNCH_APPOINTMENT not in in_view
    odata_error(again, 404, "ErrorItemNotFound")
    assert demo_emulator.cancelled(CONTOSO)[LUNCH_APPOINTMENT]["cancellationMessage"] == "Sorry"


def test_calendar_view_returns_overlapping_appointments_only(graph_emulator):
    business = graph_emulator.add_business({"displayName": "Clinic"})
    slots = {
        "before": ("2030-03-01T08:00:00", "2030-03-01T09:00:00"),  # ends exactly at the window start
        "straddles-start": ("2030-03-01T08:30:00", "2030-03-01T09:30:00"),
        "inside": ("2030-03-01T10:00:00", "2030-03-01T10:30:00"),
        "straddles-end": ("2030-03-01T11:30:00", "2030-03-01T12:30:00"),
        "after": ("2030-03-01T12:00:00", "2030-03-01T13:00:00"),  # starts exactly at the window end
        "covers": ("2030-03-01T07:00:00", "2030-03-01T14:00:00"),
    }
    ids = {
        graph_emulator.add_appointment(
            business, {"startDateTime": _at(s), "endDateTime": _at(e), "serviceNotes": name}
        ): name
        for name, (s, e) in slots.items()
    }
    with client(graph_emulator) as http:
        # 09:00Z-12:00Z written with an offset: the offset is honoured.
        window = {"start": "2030-03-01T10:00:00+01:00", "end": "2030-03-01T04:00:00-08:00"}
        found = http.get(business_path(business, "calendarView"), params=window).json()["value"]
        alias = http.get(
            business_path(business, "calendarView"),
            params={"startDateTime": "2030-03-01T09:00:00Z", "endDateTime": "2030-03-01T12:00:00Z"},
        ).json()["value"]
    assert [ids[a["id"]] for a in found] == ["covers", "straddles-start", "inside", "straddles-end"]
    assert [a["id"] for a in alias] == [a["id"] for a in found]


def test_calendar_view_needs_start_and_end_and_filters_are_refused(demo_emulator):
    with app_client(demo_emulator) as http:
        odata_error(
            http.get(business_path(CONTOSO, "calendarView"), params={"start": "2018-01-01T00:00:00Z"}), 400
        )
        odata_error(
            http.get(business_path(CONTOSO, "calendarView"), params={"start": "soon", "end": "later"}), 400
        )
        filtered = http.get(
            business_path(CONTOSO, "appointments"),
            params={"$filter": "start/dateTime ge '2018-05-01T00:00:00'"},
        )
    assert odata_error(filtered, 400, "BadRequest")["message"] == "This filter query is not supported."


def test_staff_availability_reports_busy_ranges_with_buffers_and_gaps(demo_emulator):
    with app_client(demo_emulator) as http:
        _book(http, "2030-04-01T10:00:00", "2030-04-01T10:30:00", staffMemberIds=[DANA])
        response = http.post(
            business_path(CONTOSO, "getStaffAvailability"),
            json={
                "staffIds": [DANA],
                "startDateTime": _at("2030-04-01T09:00:00"),
                "endDateTime": _at("2030-04-01T05:00:00", "Pacific Standard Time"),  # 12:00Z (PDT, UTC-7)
            },
        )
    assert response.status_code == 200, response.text
    [staff] = response.json()["value"]
    assert staff["staffId"] == DANA
    summary = [
        (i["status"], i["startDateTime"]["dateTime"][11:16], i["endDateTime"]["dateTime"][11:16])
        for i in staff["availabilityItems"]
    ]
    assert summary == [
        ("available", "09:00", "09:55"),
        ("busy", "09:55", "10:40"),
        ("available", "10:40", "12:00"),
    ]
    assert staff["availabilityItems"][1]["serviceId"] == BENTO


def test_staff_availability_is_app_only(demo_emulator):
    with client(demo_emulator) as http:
        response = http.post(
            business_path(CONTOSO, "getStaffAvailability"),
            json={
                "staffIds": [DANA],
                "startDateTime": _at("2030-04-01T09:00:00"),
                "endDateTime": _at("2030-04-01T12:00:00"),
            },
        )
    assert "token type: User" in odata_error(response, 403, "ErrorAccessDenied")["message"]
