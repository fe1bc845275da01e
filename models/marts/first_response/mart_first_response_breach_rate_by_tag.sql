-- First-response breach rate per tag (SPEC §5). A conversation counts once under each of its tags, so
-- the rows add up to more than the total; conversations without tags are `(untagged)`.
with

conversations as (

    select
        conversation_id,
        sla_status,
        calendar_sla_status,
        business_hours_sla_status,
        response_minutes
    from {{ ref('fct_conversations') }}
    where in_first_response_scope

),

conversation_tags as (

    select
        conversation_id,
        tag
    from {{ ref('bridge_conversation_tags') }}

),

tagged as (

    select
        conversations.sla_status,
        conversations.calendar_sla_status,
        conversations.business_hours_sla_status,
        conversations.response_minutes,
        coalesce(conversation_tags.tag, '(untagged)') as tag
    from conversations
    left join conversation_tags
        on conversations.conversation_id = conversation_tags.conversation_id

),

by_tag as (

    select
        tag,
        {{ sla_breach_measures() }}
    from tagged
    group by tag

),

final as (

    select
        tag,
        conversations,
        breaches,
        pending,
        breach_rate_pct,
        calendar_breaches,
        calendar_breach_rate_pct,
        business_hours_conversations,
        business_hours_breaches,
        business_hours_breach_rate_pct,
        median_response_minutes,
        p95_response_minutes
    from by_tag

)

select * from final
