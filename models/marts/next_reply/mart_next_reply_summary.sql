-- One-row next-reply summary (SPEC §7) for headline tiles and reports/next_reply_summary.json: every
-- wait after the first against the next-reply threshold, and the waits a bot answered.
with

waits as (

    select
        is_first_wait,
        status,
        ended_by,
        wait_seconds,
        first_bot_reply_at,
        data_as_of
    from {{ ref('fct_customer_waits') }}

),

subsequent as (

    select
        status,
        ended_by,
        wait_seconds
    from waits
    where not is_first_wait

),

all_waits as (

    select
        count(*) as total_waits,
        {{ count_where('not is_first_wait') }} as subsequent_waits,
        count(first_bot_reply_at) as bot_answered_waits,
        max(data_as_of) as data_as_of
    from waits

),

subsequent_totals as (

    select
        {{ next_reply_measures() }},
        {{ count_where("status = 'no_target'") }} as no_target
    from subsequent

),

final as (

    select
        all_waits.total_waits,
        all_waits.subsequent_waits,
        subsequent_totals.rated_waits,
        subsequent_totals.breaches,
        subsequent_totals.pending,
        subsequent_totals.breach_rate_pct,
        subsequent_totals.closed_without_reply,
        subsequent_totals.no_target,
        subsequent_totals.median_reply_seconds as median_subsequent_reply_seconds,
        subsequent_totals.p90_reply_seconds as p90_subsequent_reply_seconds,
        all_waits.bot_answered_waits,
        all_waits.data_as_of
    from all_waits
    cross join subsequent_totals

)

select * from final
