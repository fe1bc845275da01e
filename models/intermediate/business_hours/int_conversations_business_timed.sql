-- SPEC §6: business seconds (time inside the schedule's open hours) for every conversation with a
-- business schedule: to the first response, waited at the data's as-of time while unanswered, to
-- resolution, and open across reopen spans (macro business_seconds_of_spans).
with

schedules as (

    select
        conversation_id,
        business_schedule
    from {{ ref('int_conversations_policy_matched') }}
    where business_schedule is not null

),

message_conversations as (

    select
        conversation_id,
        started_at,
        first_response_at
    from {{ ref('int_conversations_statistics_applied') }}

),

resolutions as (

    select
        conversation_id,
        resolution_source,
        resolution_started_at,
        resolved_at,
        data_as_of
    from {{ ref('int_conversations_resolved') }}

),

open_spans as (

    select
        conversation_id,
        span_start,
        span_end
    from {{ ref('int_conversation_open_spans') }}

),

intervals as (

    select
        schedule,
        utc_day,
        open_seconds_before_day,
        interval_of_day,
        open_at,
        close_at
    from {{ ref('int_business_hours_intervals') }}

),

measured_open_spans as (

    -- open time is measured only where state events resolve the conversation; a span still open runs
    -- to the as-of time
    select
        open_spans.conversation_id,
        open_spans.span_start,
        coalesce(open_spans.span_end, resolutions.data_as_of) as span_end
    from open_spans
    inner join resolutions
        on open_spans.conversation_id = resolutions.conversation_id
    where resolutions.resolution_source = 'state_events'

),

spans as (

    select
        message_conversations.conversation_id,
        'response' as span_kind,
        message_conversations.started_at as span_start,
        message_conversations.first_response_at as span_end
    from message_conversations
    where message_conversations.first_response_at is not null

    union all

    select
        message_conversations.conversation_id,
        'unanswered_wait' as span_kind,
        message_conversations.started_at as span_start,
        resolutions.data_as_of as span_end
    from message_conversations
    inner join resolutions
        on message_conversations.conversation_id = resolutions.conversation_id
    where
        message_conversations.started_at is not null
        and message_conversations.first_response_at is null

    union all

    select
        conversation_id,
        'resolution' as span_kind,
        resolution_started_at as span_start,
        resolved_at as span_end
    from resolutions
    where resolved_at is not null

    union all

    select
        conversation_id,
        'open' as span_kind,
        span_start,
        span_end
    from measured_open_spans

),

scheduled_spans as (

    select
        spans.conversation_id,
        schedules.business_schedule,
        spans.span_kind,
        spans.span_start,
        spans.span_end
    from spans
    inner join schedules
        on spans.conversation_id = schedules.conversation_id

),

span_kind_totals as (

    {{ business_seconds_of_spans(
        'scheduled_spans', ['conversation_id', 'span_kind'], 'business_schedule', 'span_start', 'span_end'
    ) }}

),

final as (

    select
        schedules.conversation_id,
        schedules.business_schedule,
        max(case when span_kind_totals.span_kind = 'response' then span_kind_totals.business_seconds end)
            as response_business_seconds,
        max(case when span_kind_totals.span_kind = 'unanswered_wait' then span_kind_totals.business_seconds end)
            as unanswered_business_seconds,
        max(case when span_kind_totals.span_kind = 'resolution' then span_kind_totals.business_seconds end)
            as resolution_business_seconds,
        max(case when span_kind_totals.span_kind = 'open' then span_kind_totals.business_seconds end)
            as open_business_seconds
    from schedules
    left join span_kind_totals
        on schedules.conversation_id = span_kind_totals.conversation_id
    group by schedules.conversation_id, schedules.business_schedule

)

select * from final
