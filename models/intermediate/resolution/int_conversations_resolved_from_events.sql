-- SPEC §4 from state events, one row per conversation of the message exports: the replayed events
-- (int_conversation_states_replayed) summed up into closes, reopens and open time. Incremental, as
-- the replay.
with

transitions as (

    select
        conversation_id,
        event_sequence,
        event_type,
        clock_started_at,
        event_at,
        next_event_at,
        state_before,
        state_after,
        messages_loaded_through
    from {{ ref('int_conversation_states_replayed') }}
    {{ only_conversations_loaded_since_last_run(ref('int_conversation_states_replayed'), 'messages_loaded_through') }}

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
        -- open before the first event, and between each event that leaves it open and the next one
        {{ seconds_between('min(clock_started_at)', 'min(event_at)') }}
        + coalesce(sum(case
            when state_after = 'open' and next_event_at is not null
                then {{ seconds_between('event_at', 'next_event_at') }}
        end), 0) as open_seconds_to_last_event,
        max(messages_loaded_through) as messages_loaded_through
    from transitions
    group by conversation_id

),

final as (

    select
        conversation_id,
        has_state_events,
        final_state,
        first_closed_at,
        last_closed_at,
        reopen_count,
        unrecorded_reopen_count,
        open_seconds_to_last_event,
        last_event_at,
        messages_loaded_through
    from conversation_spans

)

select * from final
