-- SPEC §4 from state events, one row per event: replay each conversation's close / reopen / snooze /
-- wake parts and customer messages in message order. A close closes; a reopen part or a customer
-- message opens (reopening a closed conversation, waking a snoozed one); a snooze snoozes; a wake
-- part opens a snoozed conversation and leaves a closed one closed. The clock starts at
-- started_at (or the first part). Incremental: it redoes the conversations that
-- int_conversations_first_response_found redid, and carries their high-water mark.
with

messages as (

    select
        conversation_id,
        message_key,
        sender_type,
        part_type,
        has_body,
        created_at
    from {{ intercom_staged('messages') }}
    {{ only_conversations_loaded_since_last_run(
        ref('int_conversations_first_response_found'), 'messages_loaded_through'
    ) }}

),

conversations as (

    select
        conversation_id,
        messages_loaded_through,
        coalesce(started_at, first_message_at) as clock_started_at
    from {{ ref('int_conversations_first_response_found') }}

),

events as (

    select
        conversation_id,
        message_key,
        created_at,
        {{ intercom_state_event() }} as event_type
    from messages

),

clocked as (

    -- a part before the clock starts (an admin's outbound close, say) takes effect at the start; the
    -- order of events stays that of created_at, which event_at only clamps
    select
        events.conversation_id,
        events.message_key,
        events.created_at,
        events.event_type,
        conversations.clock_started_at,
        conversations.messages_loaded_through,
        greatest(events.created_at, conversations.clock_started_at) as event_at
    from events
    inner join conversations
        on events.conversation_id = conversations.conversation_id
    where events.event_type is not null

),

sequenced as (

    -- every event but an unsnooze sets the state outright; each one starts a new group
    select
        *,
        row_number() over (
            partition by conversation_id order by created_at, message_key
        ) as event_sequence,
        sum(case when event_type = 'unsnooze' then 0 else 1 end) over (
            partition by conversation_id order by created_at, message_key
            rows between unbounded preceding and current row
        ) as state_group
    from clocked

),

grouped as (

    select
        *,
        first_value(
            case event_type when 'close' then 'closed' when 'snooze' then 'snoozed' else 'open' end
        ) over (
            partition by conversation_id, state_group order by event_sequence
        ) as group_state
    from sequenced

),

replayed as (

    select
        *,
        case
            when event_type = 'close' then 'closed'
            when event_type = 'snooze' then 'snoozed'
            when event_type = 'unsnooze' and group_state = 'closed' then 'closed'
            else 'open'
        end as state_after
    from grouped

),

transitions as (

    select
        *,
        lag(state_after, 1, 'open') over (
            partition by conversation_id order by event_sequence
        ) as state_before,
        lead(event_at) over (
            partition by conversation_id order by event_sequence
        ) as next_event_at
    from replayed

),

final as (

    select
        conversation_id,
        message_key,
        event_sequence,
        event_type,
        created_at,
        clock_started_at,
        event_at,
        next_event_at,
        state_before,
        state_after,
        messages_loaded_through
    from transitions

)

select * from final
