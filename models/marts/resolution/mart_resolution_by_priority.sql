-- Resolution times per priority label (SPEC §4), with the resolution threshold applied to it.
with

conversations as (

    select
        priority,
        resolution_threshold_minutes,
        resolution_seconds,
        resolution_sla_status,
        message_count
    from {{ ref('fct_conversations') }}
    where in_resolution_metrics

),

by_priority as (

    select
        priority,
        resolution_threshold_minutes,
        {{ resolution_measures() }}
    from conversations
    group by priority, resolution_threshold_minutes

),

final as (

    select
        priority,
        resolution_threshold_minutes,
        total_closed,
        median_hours,
        p95_hours,
        within_24h_share,
        avg_messages,
        resolution_breaches,
        resolution_breach_rate_pct
    from by_priority

)

select * from final
