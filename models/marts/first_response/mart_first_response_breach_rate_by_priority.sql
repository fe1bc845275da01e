-- First-response breach rate per priority label (SPEC §5), with the threshold applied to it.
with

conversations as (

    select
        priority,
        sla_threshold_minutes,
        sla_status,
        calendar_sla_status,
        business_hours_sla_status,
        response_minutes
    from {{ ref('fct_conversations') }}
    where in_first_response_scope

),

by_priority as (

    select
        priority,
        sla_threshold_minutes,
        {{ sla_breach_measures() }}
    from conversations
    group by priority, sla_threshold_minutes

),

final as (

    select
        priority,
        sla_threshold_minutes,
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
    from by_priority

)

select * from final
