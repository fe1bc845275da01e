-- SPEC §7: each wait with the threshold it is held to, in its policy's clock, and the moment its
-- clock stops (the reply, the closing part, or the data's as-of time while it runs). The first wait
-- is the first response (its threshold is the first-response one); later waits are held to the
-- policy's next-reply threshold. Conversations that are incomplete (SPEC §2) have no waits.
-- Incremental: a run redoes the conversations loaded since the last one and those with a wait still
-- running (its clock stops at data_as_of); every conversation when a seed or variable changed.
{{ config(post_hook="{{ restamp_data_as_of(ref('int_conversations_resolved')) }}") }}
with

waits as (

    select
        conversation_id,
        wait_number,
        started_at,
        customer_messages,
        first_bot_reply_at,
        ended_at,
        ended_by,
        replied_at,
        responder_id
    from {{ ref('int_customer_waits_delimited') }}
    {{ only_conversations_to_refresh('ended_at is null', depends_on_settings=true) }}

),

policies as (

    select
        conversation_id,
        priority,
        sla_threshold_minutes,
        next_response_threshold_minutes,
        sla_schedule
    from {{ ref('int_conversations_policy_matched') }}

),

message_conversations as (

    select
        conversation_id,
        is_incomplete
    from {{ ref('int_conversations_statistics_applied') }}

),

resolutions as (

    select
        conversation_id,
        data_as_of
    from {{ ref('int_conversations_resolved') }}

),

load_mark as (

    select {{ loaded_through() }} as loaded_through

),

final as (

    select
        waits.conversation_id,
        waits.wait_number,
        waits.started_at,
        waits.customer_messages,
        waits.first_bot_reply_at,
        waits.ended_at,
        waits.ended_by,
        waits.replied_at,
        waits.responder_id,
        policies.priority,
        policies.sla_schedule,
        resolutions.data_as_of,
        load_mark.loaded_through,
        '{{ settings_fingerprint() }}' as settings_fingerprint,
        case
            when waits.wait_number = 1 then policies.sla_threshold_minutes
            else policies.next_response_threshold_minutes
        end as threshold_minutes,
        coalesce(waits.ended_at, resolutions.data_as_of) as clock_stopped_at
    from waits
    cross join load_mark
    inner join policies
        on waits.conversation_id = policies.conversation_id
    inner join resolutions
        on waits.conversation_id = resolutions.conversation_id
    inner join message_conversations
        on waits.conversation_id = message_conversations.conversation_id
    where not coalesce(message_conversations.is_incomplete, false)

)

select * from final
