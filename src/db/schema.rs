//! Diesel table definitions, written by hand to the portable subset that
//! both backends share (BigInt ids, Integer, Text, Date, Timestamp).

diesel::table! {
    doctors (id) {
        id -> BigInt,
        staff_id -> Text,
        name -> Text,
        department -> Nullable<Text>,
        level -> Text,
        email -> Nullable<Text>,
        legal_holiday -> Text,
        pc_account -> Nullable<Text>,
        scheduled_start -> Nullable<Text>,
        manager_login -> Nullable<Text>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        holiday_period_start -> Nullable<Date>,
        scheduled_end -> Nullable<Text>,
        scheduled_days -> Nullable<Text>,
        regime -> Text,
        variable_period_start -> Nullable<Date>,
        variable_period -> Text,
        employment_type -> Text,
        main_employer -> Nullable<Text>,
        contract_date -> Nullable<Date>,
        clinical_trainee -> Bool,
    }
}

diesel::table! {
    import_batches (id) {
        id -> BigInt,
        kind -> Text,
        file_name -> Text,
        file_sha256 -> Text,
        encoding -> Text,
        imported_at -> Timestamp,
        imported_by -> Nullable<Text>,
        inserted -> Integer,
        corrected -> Integer,
        unchanged -> Integer,
        rejected -> Integer,
        superseded -> Integer,
        published_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    timecard_rows (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        kind -> Text,
        start_at -> Timestamp,
        end_at -> Timestamp,
        break_minutes -> Integer,
        version -> Integer,
        replaces_id -> Nullable<BigInt>,
        superseded_at -> Nullable<Timestamp>,
        batch_id -> Nullable<BigInt>,
        source_line -> Nullable<Integer>,
        correction_reason -> Nullable<Text>,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        superseded_by -> Nullable<Text>,
        superseded_reason -> Nullable<Text>,
        superseded_batch_id -> Nullable<BigInt>,
        study_status -> Text,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        employer -> Nullable<Text>,
        schedule_class -> Text,
        interval_rule -> Nullable<Text>,
    }
}

diesel::table! {
    roster_rows (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        kind -> Text,
        start_at -> Timestamp,
        end_at -> Timestamp,
        break_minutes -> Integer,
        superseded_at -> Nullable<Timestamp>,
        batch_id -> Nullable<BigInt>,
        source_line -> Nullable<Integer>,
        created_at -> Timestamp,
        study_status -> Text,
        confirmed_by -> Nullable<Text>,
        confirmed_at -> Nullable<Timestamp>,
        employer -> Nullable<Text>,
        schedule_class -> Text,
        superseded_batch_id -> Nullable<BigInt>,
        interval_rule -> Nullable<Text>,
    }
}

diesel::table! {
    pc_sessions (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        pc_name -> Text,
        logon_at -> Timestamp,
        logoff_at -> Timestamp,
        batch_id -> Nullable<BigInt>,
        source_line -> Nullable<Integer>,
    }
}

diesel::table! {
    discrepancy_resolutions (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        day -> Date,
        resolution -> Text,
        reason -> Text,
        resolved_by -> Nullable<Text>,
        resolved_at -> Timestamp,
    }
}

diesel::table! {
    audit_log (id) {
        id -> BigInt,
        at -> Timestamp,
        actor -> Nullable<Text>,
        category -> Text,
        operation -> Text,
        detail -> Text,
        prev_hash -> Text,
        hash -> Text,
        hmac -> Nullable<Text>,
    }
}

diesel::table! {
    demo_marker (id) {
        id -> Integer,
        created_at -> Timestamp,
    }
}

diesel::table! {
    legal_holds (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        reason -> Text,
        placed_by -> Nullable<Text>,
        placed_at -> Timestamp,
        released_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    write_lock (id) {
        id -> Integer,
        counter -> BigInt,
        data_version -> BigInt,
    }
}

diesel::table! {
    users (id) {
        id -> BigInt,
        login -> Text,
        role -> Text,
        name -> Nullable<Text>,
        staff_id -> Nullable<Text>,
        email -> Nullable<Text>,
        department -> Nullable<Text>,
        password_hash -> Text,
        trained_on -> Nullable<Date>,
        is_administrator -> Integer,
        active -> Integer,
        created_at -> Timestamp,
        disabled_at -> Nullable<Timestamp>,
        last_sign_in_at -> Nullable<Timestamp>,
        failed_sign_ins -> Integer,
        locked_until -> Nullable<Timestamp>,
        leaves_on -> Nullable<Date>,
        disabled_reason -> Nullable<Text>,
        active_since -> Nullable<Timestamp>,
    }
}

diesel::table! {
    sessions (id) {
        id -> BigInt,
        user_id -> BigInt,
        token_sha256 -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        last_seen_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    interviews (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        month -> Text,
        reason -> Text,
        reach_100_date -> Date,
        deadline -> Date,
        physician_id -> Nullable<BigInt>,
        previous_physician_id -> Nullable<BigInt>,
        held_on -> Nullable<Date>,
        check_work -> Nullable<Text>,
        check_sleep -> Nullable<Text>,
        check_fatigue -> Nullable<Text>,
        check_mental_physical -> Nullable<Text>,
        opinion -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Nullable<Timestamp>,
        retention_until -> Nullable<Date>,
        created_at -> Timestamp,
        held_at -> Nullable<Timestamp>,
        scheduled_at -> Nullable<Timestamp>,
        reach_100_at -> Nullable<Timestamp>,
        a_level_exception -> Nullable<Text>,
    }
}

diesel::table! {
    prechecks (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        month -> Text,
        work_status -> Text,
        previous_month_minutes -> Integer,
        sleep_average_minutes -> Integer,
        fatigue_symptom -> Text,
        fatigue_score -> Integer,
        mental_physical -> Text,
        doctor_requests_interview -> Integer,
        recorded_by -> Nullable<Text>,
        recorded_at -> Timestamp,
        retention_until -> Date,
    }
}

diesel::table! {
    measures (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        month -> Text,
        reason -> Text,
        interview_id -> Nullable<BigInt>,
        shorter_hours -> Integer,
        fewer_night_duties -> Integer,
        other -> Integer,
        other_text -> Nullable<Text>,
        recorded_by -> Nullable<Text>,
        recorded_at -> Nullable<Timestamp>,
        retention_until -> Nullable<Date>,
        created_at -> Timestamp,
        extra_reason -> Nullable<Text>,
    }
}

diesel::table! {
    outbox (id) {
        id -> BigInt,
        dedupe_key -> Text,
        reason -> Text,
        doctor_id -> Nullable<BigInt>,
        month -> Nullable<Text>,
        recipient -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        ics -> Nullable<Text>,
        status -> Text,
        attempts -> Integer,
        last_error -> Nullable<Text>,
        next_attempt_at -> Timestamp,
        claimed_at -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
    }
}

diesel::table! {
    job_runs (id) {
        id -> BigInt,
        job -> Text,
        as_of -> Date,
        month -> Text,
        started_at -> Timestamp,
        finished_at -> Timestamp,
        summary -> Text,
    }
}

diesel::joinable!(interviews -> doctors (doctor_id));
diesel::joinable!(prechecks -> doctors (doctor_id));
diesel::joinable!(measures -> doctors (doctor_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(timecard_rows -> doctors (doctor_id));
diesel::joinable!(roster_rows -> doctors (doctor_id));
diesel::joinable!(pc_sessions -> doctors (doctor_id));
diesel::joinable!(discrepancy_resolutions -> doctors (doctor_id));

diesel::allow_tables_to_appear_in_same_query!(
    doctors,
    import_batches,
    timecard_rows,
    roster_rows,
    pc_sessions,
    discrepancy_resolutions,
    audit_log,
    legal_holds,
    users,
    sessions,
    interviews,
    prechecks,
    measures,
    outbox,
    job_runs,
    self_checks,
);

diesel::table! {
    self_checks (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        month -> Text,
        symptom -> Text,
        score -> Integer,
        sleep_average_minutes -> Integer,
        wants_interview -> Integer,
        answers -> Nullable<Text>,
        recorded_at -> Timestamp,
        retention_until -> Date,
        checklist_version -> Text,
    }
}

diesel::joinable!(self_checks -> doctors (doctor_id));

diesel::table! {
    saved_layouts (id) {
        id -> BigInt,
        name -> Text,
        title -> Text,
        yields -> Text,
        toml -> Text,
        saved_by -> Nullable<Text>,
        saved_at -> Timestamp,
    }
}

diesel::table! {
    recheck_marks (source) {
        source -> Text,
        last_id -> BigInt,
        checked_at -> Timestamp,
    }
}

diesel::table! {
    interview_schedules (id) {
        id -> BigInt,
        interview_id -> BigInt,
        scheduled_at -> Timestamp,
        set_by -> Text,
        set_at -> Timestamp,
    }
}

diesel::table! {
    interview_opinions (id) {
        id -> BigInt,
        interview_id -> BigInt,
        guidance -> Text,
        reinterview_when -> Nullable<Text>,
        work_class -> Text,
        overtime_limit_hours -> Nullable<Integer>,
        overtime_forbidden -> Integer,
        night_duty_limit -> Nullable<Integer>,
        change_workplace -> Integer,
        change_work -> Integer,
        fewer_late_night -> Integer,
        day_shift -> Integer,
        other_measure -> Nullable<Text>,
        period_from -> Nullable<Date>,
        period_until -> Nullable<Date>,
        environment -> Nullable<Text>,
        medical_care -> Nullable<Text>,
        physician_login -> Text,
        physician_name -> Text,
        recorded_at -> Timestamp,
        retention_until -> Date,
    }
}

diesel::table! {
    record_addenda (id) {
        id -> BigInt,
        record_kind -> Text,
        record_id -> BigInt,
        field -> Text,
        old_value -> Nullable<Text>,
        new_value -> Text,
        reason -> Text,
        written_by -> Text,
        written_at -> Timestamp,
        retention_until -> Date,
    }
}

diesel::joinable!(interview_opinions -> interviews (interview_id));
diesel::allow_tables_to_appear_in_same_query!(interview_opinions, interviews);

diesel::table! {
    doctor_employers (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        employer -> Text,
        contract_date -> Nullable<Date>,
        dispatched -> Integer,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    roster_ranges (batch_id, doctor_id) {
        batch_id -> BigInt,
        doctor_id -> BigInt,
        first_day -> Date,
        last_day -> Date,
    }
}

diesel::joinable!(doctor_employers -> doctors (doctor_id));
diesel::joinable!(roster_ranges -> import_batches (batch_id));
diesel::allow_tables_to_appear_in_same_query!(doctor_employers, doctors);
diesel::allow_tables_to_appear_in_same_query!(roster_ranges, import_batches);

diesel::table! {
    monthly_checks (id) {
        id -> BigInt,
        month -> Text,
        month_first_day -> Date,
        month_last_day -> Date,
        expected_100 -> Text,
        expected_100_count -> Integer,
        frozen_at -> Timestamp,
    }
}

diesel::table! {
    anei_notices (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        month -> Text,
        total_minutes -> Integer,
        excess_minutes -> Integer,
        status -> Text,
        mail_key -> Nullable<Text>,
        recorded_at -> Timestamp,
        physician_listed_at -> Nullable<Timestamp>,
    }
}

diesel::joinable!(anei_notices -> doctors (doctor_id));
diesel::allow_tables_to_appear_in_same_query!(anei_notices, doctors);

diesel::table! {
    pc_review_resolutions (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        day -> Date,
        kind -> Text,
        resolution -> Text,
        reason -> Text,
        resolved_by -> Nullable<Text>,
        resolved_at -> Timestamp,
    }
}

diesel::joinable!(pc_review_resolutions -> doctors (doctor_id));
diesel::allow_tables_to_appear_in_same_query!(pc_review_resolutions, doctors);

diesel::table! {
    permits (id) {
        id -> BigInt,
        permit_no -> Text,
        granted_on -> Date,
        kind -> Text,
        departments -> Text,
        band_start -> Text,
        band_end -> Text,
        weekdays -> Text,
        revoked_on -> Nullable<Date>,
        note -> Nullable<Text>,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    comp_rest_grants (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        start_at -> Timestamp,
        end_at -> Timestamp,
        method -> Nullable<Text>,
        note -> Nullable<Text>,
        recorded_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(comp_rest_grants -> doctors (doctor_id));
diesel::allow_tables_to_appear_in_same_query!(comp_rest_grants, doctors);

diesel::table! {
    comp_rest_reasons (id) {
        id -> BigInt,
        doctor_id -> BigInt,
        cause -> Text,
        arose_at -> Timestamp,
        reason -> Text,
        recorded_by -> Text,
        updated_at -> Timestamp,
    }
}

diesel::joinable!(comp_rest_reasons -> doctors (doctor_id));
diesel::allow_tables_to_appear_in_same_query!(comp_rest_reasons, doctors);
