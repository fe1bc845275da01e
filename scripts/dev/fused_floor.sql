-- The fused floor (issue 18): one hand-written DuckDB script doing the pipeline's job on a message
-- export ($path), with nothing else around it: keep every raw row with its key and line, drop exact
-- duplicates, first response (SPEC §3), the state replay and resolution (SPEC §4), every customer
-- wait (SPEC §7), and the breach-rate, resolution and next-reply marts. No validation messages, no
-- rejects table, no tests, no dbt: the pipeline's time over this one's is its overhead.
set TimeZone = 'UTC';

create table raw_messages as
select
    *,
    md5(concat_ws('|', conversation_id, message_id, created_at, sender_type, part_type, body)) as record_key
from read_csv($path, all_varchar = true, header = true, ignore_errors = true, store_rejects = true);

create table messages as
with parsed as (
    select distinct on (record_key)
        record_key,
        trim(conversation_id) as conversation_id,
        coalesce(nullif(trim(message_id), ''), record_key) as message_key,
        case
            when lower(trim(sender_type)) in ('user', 'lead', 'contact') then 'user'
            when lower(trim(sender_type)) in ('admin', 'teammate') then 'admin'
            when lower(trim(sender_type)) = 'bot' then 'bot'
        end as sender,
        coalesce(nullif(lower(trim(part_type)), ''), 'comment') as part_type,
        case
            when regexp_full_match(trim(created_at), '-?[0-9]{1,11}(\.[0-9]+)?')
                then to_timestamp(cast(trim(created_at) as double))
            else try_cast(trim(created_at) as timestamptz)
        end as created_at,
        try_cast(nullif(trim(first_response_at), '') as timestamptz) as export_first_response_at,
        nullif(trim(priority), '') as priority,
        nullif(trim(assignee_id), '') as assignee_id,
        nullif(trim(team_id), '') as team_id,
        nullif(trim(author_id), '') as author_id,
        nullif(trim(tags), '') as tags,
        regexp_replace(coalesce(body, ''), '<[^>]*>|&nbsp;|\s', '', 'g') <> '' as has_body
    from raw_messages
)
select
    *,
    sender = 'user' and (part_type = 'comment' or has_body) as is_customer,
    sender = 'admin' and (part_type = 'comment' or (has_body and part_type not in ('note', 'note_and_reopen')))
        as is_reply
from parsed
where created_at is not null and sender is not null and conversation_id <> '';

create table conversations as
with started as (
    select *, min(case when is_customer then created_at end) over (partition by conversation_id) as started_at
    from messages
),
events as (
    select
        conversation_id, created_at, message_key, started_at,
        case
            when part_type = 'close' then 'close'
            when part_type in ('open', 'assign_and_reopen', 'note_and_reopen') or is_customer then 'open'
            when part_type = 'snoozed' then 'snooze'
            when part_type in ('unsnoozed', 'timer_unsnooze', 'assign_and_unsnooze') then 'unsnooze'
        end as event
    from started
),
states as (
    select
        *,
        case event
            when 'close' then 'closed'
            when 'open' then 'open'
            when 'snooze' then 'snoozed'
            else case when last_value(case when event <> 'unsnooze' then event end ignore nulls) over w = 'close'
                then 'closed' else 'open' end
        end as state,
        lead(created_at) over w as next_at
    from events
    where event is not null
    window w as (partition by conversation_id order by created_at, message_key)
),
transitions as (
    select *, lag(state, 1, 'open') over (partition by conversation_id order by created_at, message_key) as before
    from states
),
resolutions as (
    select
        conversation_id,
        arg_max(state, created_at) as final_state,
        max(case when state = 'closed' and before <> 'closed' then created_at end) as last_closed_at,
        count(*) filter (where before = 'closed' and state <> 'closed') as reopen_count,
        sum(case when state = 'open' then epoch(coalesce(next_at, created_at)) - epoch(created_at) else 0 end)
            as open_seconds
    from transitions
    group by conversation_id
),
firsts as (
    select
        conversation_id,
        min(started_at) as started_at,
        min(case when is_reply and created_at > started_at then created_at end) as computed_first_response_at,
        min(case when export_first_response_at >= started_at then export_first_response_at end) as export_first_response_at,
        arg_min(priority, (created_at, message_key)) filter (where priority is not null) as priority,
        arg_min(assignee_id, created_at) filter (where is_reply and created_at > started_at) as reply_assignee,
        arg_max(assignee_id, created_at) filter (where assignee_id is not null) as last_assignee,
        string_agg(distinct tags, ',') as tags
    from started
    group by conversation_id
)
select
    firsts.*,
    coalesce(export_first_response_at, computed_first_response_at) as first_response_at,
    coalesce(reply_assignee, last_assignee) as assignee_id,
    case upper(coalesce(firsts.priority, 'normal')) when 'P1' then 15 when 'P2' then 60 else 240 end as threshold,
    case upper(coalesce(firsts.priority, 'normal')) when 'P1' then 30 when 'P2' then 120 else 480 end as next_threshold,
    (epoch(coalesce(export_first_response_at, computed_first_response_at)) - epoch(started_at)) / 60 as response_minutes,
    coalesce(response_minutes > threshold, started_at is not null) as breached,
    resolutions.final_state = 'closed' as resolved,
    (epoch(resolutions.last_closed_at) - epoch(started_at)) / 3600 as resolution_hours,
    resolutions.reopen_count,
    resolutions.open_seconds
from firsts
left join resolutions using (conversation_id);

create table customer_waits as
with ordered as (
    select
        conversation_id, created_at, message_key, is_customer, is_reply, sender, author_id,
        lag(case when is_customer then 'customer' when is_reply then 'reply' end ignore nulls)
            over (partition by conversation_id order by created_at, message_key) as previous
    from messages
    where is_customer or is_reply
),
starts as (
    select conversation_id, created_at as started_at,
        row_number() over (partition by conversation_id order by created_at, message_key) as wait_number
    from ordered
    where is_customer and coalesce(previous, 'reply') = 'reply'
),
replies as (
    select conversation_id, created_at as replied_at, author_id from ordered where is_reply
)
select
    starts.conversation_id, starts.wait_number, starts.started_at,
    min(replies.replied_at) as replied_at,
    arg_min(replies.author_id, replies.replied_at) as responder_id,
    (epoch(min(replies.replied_at)) - epoch(starts.started_at)) / 60 as wait_minutes
from starts
left join replies
    on starts.conversation_id = replies.conversation_id and replies.replied_at > starts.started_at
group by starts.conversation_id, starts.wait_number, starts.started_at;

create table mart_first_response_breach_rate_by_priority as
select priority, count(*) as conversations, count(*) filter (where breached) as breaches,
    median(response_minutes) as median_response_minutes, quantile_cont(response_minutes, 0.95) as p95
from conversations where started_at is not null group by priority;

create table mart_first_response_breach_rate_by_assignee as
select coalesce(assignee_id, '(unassigned)') as assignee_id, count(*) as conversations,
    count(*) filter (where breached) as breaches, median(response_minutes) as median_response_minutes
from conversations where started_at is not null group by all;

create table mart_first_response_breach_rate_by_week as
select date_trunc('week', started_at) as week_start, count(*) as conversations,
    count(*) filter (where breached) as breaches
from conversations where started_at is not null group by all;

create table mart_first_response_breach_rate_by_tag as
select trim(tag) as tag, count(*) as conversations, count(*) filter (where breached) as breaches
from (select *, unnest(string_split(coalesce(tags, '(untagged)'), ',')) as tag from conversations
    where started_at is not null)
group by all;

create table mart_resolution_by_priority as
select priority, count(*) as total_closed, median(resolution_hours) as median_hours,
    quantile_cont(resolution_hours, 0.95) as p95_hours, avg((resolution_hours <= 24)::int) as within_24h_share
from conversations where resolved and resolution_hours >= 0 group by priority;

create table mart_resolution_daily as
select cast(started_at + to_seconds(cast(resolution_hours * 3600 as bigint)) as date) as resolved_date,
    count(*) as resolved, median(resolution_hours) as median_hours
from conversations where resolved and resolution_hours >= 0 group by all;

create table mart_next_reply_by_responder as
select coalesce(responder_id, '(unknown)') as responder_id, count(*) as replies,
    median(wait_minutes) filter (where wait_number > 1) as median_subsequent_minutes
from customer_waits where replied_at is not null group by all;
