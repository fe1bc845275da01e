-- SPEC §7: the first wait of every complete conversation in first-response scope is its first
-- response: same start, same verdict, and its reply is the computed first response.
with

conversations as (

    select
        conversation_id,
        started_at,
        sla_status,
        first_response_at,
        first_response_source
    from {{ ref('fct_conversations') }}
    where in_first_response_scope and not is_incomplete

),

first_waits as (

    select
        conversation_id,
        started_at,
        status,
        replied_at
    from {{ ref('fct_customer_waits') }}
    where is_first_wait

),

final as (

    select
        conversations.conversation_id,
        conversations.started_at as conversation_started_at,
        first_waits.started_at as wait_started_at,
        conversations.sla_status,
        first_waits.status as wait_status
    from conversations
    left join first_waits
        on conversations.conversation_id = first_waits.conversation_id
    where
        first_waits.conversation_id is null
        or first_waits.started_at <> conversations.started_at
        or first_waits.status <> conversations.sla_status
        or (
            conversations.first_response_source = 'computed'
            and first_waits.replied_at is distinct from conversations.first_response_at
        )

)

select * from final
