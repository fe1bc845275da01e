-- First-response breach rate per UTC week of started_at (SPEC §5), one row per week from the first to
-- the last, so a quiet week shows as zero conversations instead of a gap in a chart.
with

conversations as (

    select
        started_at,
        sla_status,
        calendar_sla_status,
        business_hours_sla_status,
        response_minutes
    from {{ ref('fct_conversations') }}
    where in_first_response_scope

),

weekly as (

    select
        {{ utc_week_start('started_at') }} as week_start,
        sla_status,
        calendar_sla_status,
        business_hours_sla_status,
        response_minutes
    from conversations

),

by_week as (

    select
        week_start,
        {{ sla_breach_measures() }}
    from weekly
    group by week_start

),

week_spine as (

    {{ date_spine('(select min(week_start) from by_week)', '(select max(week_start) from by_week)', 7) }}

),

final as (

    select
        week_spine.spine_date as week_start,
        by_week.breach_rate_pct,
        by_week.calendar_breach_rate_pct,
        by_week.business_hours_breach_rate_pct,
        by_week.median_response_minutes,
        by_week.p95_response_minutes,
        coalesce(by_week.conversations, 0) as conversations,
        coalesce(by_week.breaches, 0) as breaches,
        coalesce(by_week.pending, 0) as pending,
        coalesce(by_week.calendar_breaches, 0) as calendar_breaches,
        coalesce(by_week.business_hours_conversations, 0) as business_hours_conversations,
        coalesce(by_week.business_hours_breaches, 0) as business_hours_breaches
    from week_spine
    left join by_week
        on week_spine.spine_date = by_week.week_start

)

select * from final
