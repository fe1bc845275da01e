-- Next-reply breach rate and subsequent reply times per UTC week of the wait's start (SPEC §7), one
-- row per week from the first to the last, so a quiet week shows as zero waits; the review pack
-- charts it.
with

waits as (

    select
        {{ utc_week_start('started_at') }} as week_start,
        status,
        ended_by,
        wait_seconds
    from {{ ref('fct_customer_waits') }}
    where not is_first_wait

),

by_week as (

    select
        week_start,
        count(*) as waits,
        {{ next_reply_measures() }}
    from waits
    group by week_start

),

week_spine as (

    {{ date_spine('(select min(week_start) from by_week)', '(select max(week_start) from by_week)', 7) }}

),

final as (

    select
        week_spine.spine_date as week_start,
        by_week.breach_rate_pct,
        by_week.median_reply_seconds,
        by_week.p90_reply_seconds,
        coalesce(by_week.waits, 0) as waits,
        coalesce(by_week.rated_waits, 0) as rated_waits,
        coalesce(by_week.breaches, 0) as breaches,
        coalesce(by_week.pending, 0) as pending,
        coalesce(by_week.closed_without_reply, 0) as closed_without_reply
    from week_spine
    left join by_week
        on week_spine.spine_date = by_week.week_start

)

select * from final
