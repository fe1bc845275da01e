-- SPEC §4 from state events, one row per conversation of the message exports: the replayed events
-- (int_conversation_states_replayed) summed up into closes and reopens, and the open spans
-- (int_conversation_open_spans) into open time. Incremental, as the replay.
with

transitions as (

    select
        conversation_id,
        event_sequence,
        event_type,
        event_at,
        state_before,
        state_after,
        messages_loaded_through
    from {{ ref('int_conversation_states_replayed') }}
    {{ only_conversations_loaded_since_last_run(ref('int_conversation_states_replayed'), 'messages_loaded_through') }}

),

open_spans as (

    select
        conversation_id,
        span_start,
        span_end
    from {{ ref('int_conversation_open_spans') }}
    {{ only_conversations_loaded_since_last_run(ref('int_conversation_open_spans'), 'messages_loaded_through') }}

),

open_time as (

    -- the spans that ended by the last event; one still open is measured to the as-of time later
    select
        conversation_id,
        sum({{ seconds_between('span_start', 'span_end') }}) as open_seconds_to_last_event
    from open_spans
    where span_end is not null
    group by conversation_id

),

conversation_spans as (

    select
        conversation_id,
        max(case when event_type in ('close', 'open', 'snooze', 'unsnooze') then 1 else 0 end) = 1
            as has_state_events,
        {{ last_non_null_by('state_after', 'event_sequence') }} as final_state,
        max(event_at) as last_event_at,
        min(case when state_after = 'closed' and state_before <> 'closed' then event_at end) as first_closed_at,
        -- a close while already closed stands for a reopen the data does not show (SPEC §4): it moves
        -- the last close and counts as a reopen, with no open time for the interval nobody saw
        max(case when event_type = 'close' then event_at end) as last_closed_at,
        {{ count_where("state_before = 'closed' and (state_after <> 'closed' or event_type = 'close')") }}
            as reopen_count,
        {{ count_where("state_before = 'closed' and event_type = 'close'") }} as unrecorded_reopen_count,
        max(messages_loaded_through) as messages_loaded_through
    from transitions
    group by conversation_id

),

final as (

    select
        conversation_spans.conversation_id,
        conversation_spans.has_state_events,
        conversation_spans.final_state,
        conversation_spans.first_closed_at,
        conversation_spans.last_closed_at,
        conversation_spans.reopen_count,
        conversation_spans.unrecorded_reopen_count,
        conversation_spans.last_event_at,
        conversation_spans.messages_loaded_through,
        coalesce(open_time.open_seconds_to_last_event, 0) as open_seconds_to_last_event
    from conversation_spans
    left join open_time
        on conversation_spans.conversation_id = open_time.conversation_id

)

select * from final
