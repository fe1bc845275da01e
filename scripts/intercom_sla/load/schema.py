"""The raw tables the loader writes (created on first load, widened in place on later ones)."""

from __future__ import annotations

SCHEMA_SQL = """
create schema if not exists raw;
create table if not exists raw.messages (
    message_id varchar,
    conversation_id varchar not null,
    sender_type varchar not null,
    part_type varchar,
    created_at timestamptz not null,
    first_response_at timestamptz,
    priority varchar,
    assignee_id varchar,
    tags varchar,
    _extra_columns json,
    _record_key varchar not null,
    _source_file varchar not null,
    _source_line bigint not null,
    _load_id varchar not null,
    _loaded_at timestamptz not null
);
create table if not exists raw.conversations (
    conversation_id varchar not null,
    started_at timestamptz not null,
    user_id varchar,
    resolved_at timestamptz,
    state varchar,
    assignee_email varchar,
    tags varchar,
    message_count bigint,
    reopen_count bigint,
    priority varchar,
    _extra_columns json,
    _record_key varchar not null,
    _content_hash varchar not null,
    _source_file varchar not null,
    _source_line bigint not null,
    _load_id varchar not null,
    _loaded_at timestamptz not null
);
create table if not exists raw.load_rejects (
    _load_id varchar not null,
    _source_file varchar not null,
    _source_line bigint,
    _source_column varchar,
    reason varchar not null,
    raw_record varchar,
    _loaded_at timestamptz not null
);
-- conversations `intercom-sla pull` found deleted in Intercom; every load keeps the table so the models
-- and the other engines always find it
create table if not exists raw.pull_deleted (
    conversation_id varchar not null,
    api_url varchar not null,
    found_deleted_at timestamptz not null,
    _load_id varchar not null
);
create table if not exists raw.load_files (
    _load_id varchar not null,
    _source_file varchar not null,
    export_kind varchar,
    assume_tz varchar not null,
    records_read bigint not null,
    records_loaded bigint not null,
    records_duplicate bigint not null,
    records_rejected bigint not null,
    _loaded_at timestamptz not null
);
alter table raw.load_files add column if not exists export_kind varchar;
alter table raw.conversations add column if not exists _version_at timestamptz;
alter table raw.load_files add column if not exists records_superseded bigint;
alter table raw.messages add column if not exists has_body boolean;
alter table raw.messages add column if not exists author_id varchar;
alter table raw.messages add column if not exists team_id varchar;
alter table raw.messages add column if not exists from_ai_agent boolean;
-- the file's bytes, so the same export is recognised under any name or options
alter table raw.load_files add column if not exists content_sha256 varchar;
"""
