-- Resolution times per tag (SPEC §4). A conversation counts under each of its tags; untagged ones
-- form `(untagged)`.
with

conversations as (

    select
        conversation_id,
        resolution_seconds,
        resolution_sla_status,
        message_count
    from {{ ref('fct_conversations') }}
    where in_resolution_metrics

),

conversation_tags as (

    select
        conversation_id,
        tag
    from {{ ref('bridge_conversation_tags') }}

),

tagged as (

    select
        conversations.resolution_seconds,
        conversations.resolution_sla_status,
        conversations.message_count,
        coalesce(conversation_tags.tag, '(untagged)') as tag
    from conversations
    left join conversation_tags
        on conversations.conversation_id = conversation_tags.conversation_id

),

by_tag as (

    select
        tag,
        {{ resolution_measures() }}
    from tagged
    group by tag

),

final as (

    select
        tag,
        total_closed,
        median_hours,
        p95_hours,
        within_24h_share,
        avg_messages,
        resolution_breaches,
        resolution_breach_rate_pct
    from by_tag

)

select * from final
