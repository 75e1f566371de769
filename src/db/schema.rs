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
    }
}

diesel::table! {
    write_lock (id) {
        id -> Integer,
        counter -> BigInt,
    }
}

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
);
