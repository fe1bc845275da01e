-- SPEC §6 and §7: for waits whose policy names a schedule, the business seconds waited (to the reply,
-- the closing part, or the as-of time; macro business_seconds_of_spans) and the moment the
-- business-time threshold elapses. The breach moment is found by sorting each wait's target (open
-- seconds at its start plus the threshold) among the intervals' running totals, so the cost grows
-- with the waits and the intervals, not their product.
with

waits as (

    select
        conversation_id,
        wait_number,
        sla_schedule,
        threshold_minutes,
        started_at,
        clock_stopped_at
    from {{ ref('int_customer_waits_policy_matched') }}
    where sla_schedule is not null

),

intervals as (

    select
        schedule,
        utc_day,
        open_seconds_before_day,
        interval_of_day,
        open_at,
        close_at
    from {{ ref('int_business_hours_intervals') }}

),

wait_totals as (

    {{ business_seconds_of_spans(
        'waits', ['conversation_id', 'wait_number'], 'sla_schedule', 'started_at', 'clock_stopped_at'
    ) }}

),

interval_offsets as (

    select
        schedule,
        open_at,
        open_seconds_before_day + coalesce(sum({{ seconds_between('open_at', 'close_at') }}) over (
            partition by schedule, utc_day order by interval_of_day
            rows between unbounded preceding and 1 preceding
        ), 0) as open_seconds_before_interval
    from intervals
    where open_at is not null

),

breach_targets as (

    -- intervals first: the untyped nulls of the targets take the intervals' column types
    select
        schedule,
        null as conversation_id,
        null as wait_number,
        open_seconds_before_interval as open_seconds_position,
        open_at,
        0 as is_target
    from interval_offsets

    union all

    select
        waits.sla_schedule as schedule,
        waits.conversation_id,
        waits.wait_number,
        wait_totals.open_seconds_before_start + waits.threshold_minutes * 60 as open_seconds_position,
        null as open_at,
        1 as is_target
    from waits
    inner join wait_totals
        on
            waits.conversation_id = wait_totals.conversation_id
            and waits.wait_number = wait_totals.wait_number
    where waits.threshold_minutes is not null

),

interval_grouped as (

    -- each target joins the group of the last interval opening strictly before it in open seconds;
    -- a target equal to an interval's offset elapses as the interval before it closes
    select
        *,
        sum(1 - is_target) over (
            partition by schedule order by open_seconds_position asc, is_target desc
            rows between unbounded preceding and current row
        ) as interval_group
    from breach_targets

),

interval_located as (

    select
        *,
        max(open_at) over (partition by schedule, interval_group) as interval_open_at,
        max(case when is_target = 0 then open_seconds_position end) over (
            partition by schedule, interval_group
        ) as interval_open_seconds_position
    from interval_grouped

),

breach_moments as (

    select
        conversation_id,
        wait_number,
        is_target,
        {{ add_seconds('interval_open_at', 'open_seconds_position - interval_open_seconds_position') }}
            as business_breach_at
    from interval_located

),

final as (

    select
        wait_totals.conversation_id,
        wait_totals.wait_number,
        wait_totals.business_seconds as wait_business_seconds,
        breach_moments.business_breach_at
    from wait_totals
    left join breach_moments
        on
            wait_totals.conversation_id = breach_moments.conversation_id
            and wait_totals.wait_number = breach_moments.wait_number
            and breach_moments.is_target = 1

)

select * from final
