-- Resolution per UTC day of resolution (SPEC §4), one row per day from the first to the last with no
-- gaps. The trailing 7-day median is taken over the conversations resolved in those 7 days, not over
-- the daily medians.
with

conversations as (

    select
        resolved_at,
        resolution_seconds
    from {{ ref('fct_conversations') }}
    where in_resolution_metrics

),

resolved as (

    select
        {{ utc_date('resolved_at') }} as resolved_date,
        resolution_seconds / 3600.0 as resolution_hours
    from conversations

),

day_spine as (

    {{ date_spine('(select min(resolved_date) from resolved)', '(select max(resolved_date) from resolved)', 1) }}

),

daily as (

    select
        day_spine.spine_date,
        count(resolved.resolution_hours) as resolved_count,
        {{ percentile_cont('resolved.resolution_hours', 0.5) }} as median_hours,
        {{ percentile_cont('resolved.resolution_hours', 0.95) }} as p95_hours
    from day_spine
    left join resolved
        on day_spine.spine_date = resolved.resolved_date
    group by day_spine.spine_date

),

trailing_week as (

    select
        day_spine.spine_date,
        count(resolved.resolution_hours) as trailing_7d_resolved_count,
        {{ percentile_cont('resolved.resolution_hours', 0.5) }} as trailing_7d_median_hours
    from day_spine
    left join resolved
        on
            day_spine.spine_date >= resolved.resolved_date
            and resolved.resolved_date > cast({{ dbt.dateadd('day', -7, 'day_spine.spine_date') }} as date)
    group by day_spine.spine_date

),

final as (

    select
        daily.spine_date as resolved_date,
        daily.resolved_count,
        daily.median_hours,
        daily.p95_hours,
        trailing_week.trailing_7d_resolved_count,
        trailing_week.trailing_7d_median_hours
    from daily
    inner join trailing_week
        on daily.spine_date = trailing_week.spine_date

)

select * from final
