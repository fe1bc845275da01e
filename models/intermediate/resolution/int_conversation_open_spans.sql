-- SPEC §4: the spans each conversation is open, one row per span, from its replayed state events: from
-- the clock start to the first event, then from each event that leaves it open to the next one. The
-- last span of a conversation still open has no end: it runs to the data's as-of time, which the
-- models that measure it in calendar and in business time supply. Incremental, as the replay.
with

conversations as (

    select
        conversation_id,
        messages_loaded_through,
        coalesce(started_at, first_message_at) as clock_started_at
    from {{ ref('int_conversations_first_response_found') }}
    {{ only_conversations_loaded_since_last_run(
        ref('int_conversations_first_response_found'), 'messages_loaded_through'
    ) }}

),

transitions as (

    select
        conversation_id,
        event_at,
        next_event_at,
        state_after
    from {{ ref('int_conversation_states_replayed') }}
    {{ only_conversations_loaded_since_last_run(
        ref('int_conversation_states_replayed'), 'messages_loaded_through'
    ) }}

),

first_events as (

    select
        conversation_id,
        min(event_at) as first_event_at
    from transitions
    group by conversation_id

),

first_spans as (

    -- a conversation without any event of its own is open from the clock start on
    select
        conversations.conversation_id,
        conversations.clock_started_at as span_start,
        first_events.first_event_at as span_end,
        conversations.messages_loaded_through
    from conversations
    left join first_events
        on conversations.conversation_id = first_events.conversation_id

),

later_spans as (

    select
        transitions.conversation_id,
        transitions.event_at as span_start,
        transitions.next_event_at as span_end,
        conversations.messages_loaded_through
    from transitions
    inner join conversations
        on transitions.conversation_id = conversations.conversation_id
    where transitions.state_after = 'open'

),

final as (

    select
        conversation_id,
        span_start,
        span_end,
        messages_loaded_through
    from first_spans

    union all

    select
        conversation_id,
        span_start,
        span_end,
        messages_loaded_through
    from later_spans

)

select * from final
